"""Every page's header and footer (the organisation's details, its links, the site's sections)
are kept in the cache (coproduce/home/chrome.py, coproduce/kept.py): a second page reads none of
them from the database, and anything an editor changes shows on the next page, not a minute
later."""

import threading

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from coproduce.home.chrome import CHROME
from coproduce.home.models import NavigationLink, OrganisationSettings
from tests import factories

pytestmark = pytest.mark.django_db

CHROME_TABLES = ("wagtailcore_site", "home_organisationsettings", "home_navigationlink")


def _organisation() -> OrganisationSettings:
    return OrganisationSettings.for_site(Site.objects.get(is_default_site=True))


def _chrome_queries(client, path="/") -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in captured if any(t in q["sql"] for t in CHROME_TABLES)]


@pytest.mark.parametrize("path", ["/", "/consultations/", "/accounts/login/"])
def test_a_second_page_reads_nothing_of_the_header_or_footer(client, home_page, path):
    _organisation()
    factories.consultation_index()
    client.get(path)
    assert _chrome_queries(client, path) == []


def test_a_signed_in_page_reads_the_header_from_the_cache_too(client, home_page, role_user):
    _organisation()
    client.force_login(role_user())
    client.get("/my/")
    assert _chrome_queries(client, "/my/") == []


def test_settings_saved_by_an_editor_show_on_the_next_page(client, home_page, make_content_page):
    organisation = _organisation()
    client.get("/")
    organisation.organisation_name = "Westshire Integrated Care Board"
    organisation.contact_phone = "0300 123 4567"
    organisation.save()
    page = make_content_page(title="Wheelchair budgets", slug="wheelchairs")
    NavigationLink.objects.create(setting=organisation, label="Wheelchairs", page=page)
    html = client.get("/").content.decode()
    assert "<title>" in html and "– Westshire Integrated Care Board</title>" in html
    assert "0300 123 4567" in html
    assert f'href="{page.url}">Wheelchairs</a>' in html


def test_a_link_to_a_page_follows_the_page_when_it_is_renamed(client, home_page, make_content_page):
    organisation = _organisation()
    page = make_content_page(title="Wheelchair budgets", slug="wheelchairs")
    NavigationLink.objects.create(setting=organisation, label="Wheelchairs", page=page)
    assert 'href="/wheelchairs/"' in client.get("/").content.decode()
    page.slug = "wheelchair-budgets"
    page.save_revision().publish()
    html = client.get("/").content.decode()
    assert 'href="/wheelchair-budgets/"' in html and 'href="/wheelchairs/"' not in html


def test_a_section_unpublished_leaves_the_header_at_once(client, home_page):
    index = factories.consultation_index()
    assert f'href="{index.url}"' in client.get("/").content.decode()
    index.unpublish()
    assert f'href="{index.url}"' not in client.get("/").content.decode()


def test_a_change_without_a_signal_shows_once_the_kept_version_is_gone(client, home_page):
    """A `QuerySet.update()` sends no signal; it shows when the kept value runs out. A cache
    that lost the version (evicted, emptied) serves nothing kept under the old one."""
    _organisation()
    client.get("/")
    OrganisationSettings.objects.update(organisation_name="Eastshire Care Board")
    assert "Eastshire Care Board" not in client.get("/").content.decode()  # kept for now
    cache.delete(CHROME._version_key)
    assert "Eastshire Care Board" in client.get("/").content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_page_read_while_a_change_commits_is_not_kept_past_the_commit(postgres, home_page):
    """A reader who builds the header from the rows as they were before an editor's change
    commits must not leave that header behind for everyone after the commit. PostgreSQL only:
    the embedded SQLite test database locks the table to other connections until the commit,
    so there is no reading of the rows as they were to race with it."""
    _organisation()
    Client().get("/")

    def read_before_commit(results):
        # Another connection: it sees the rows as they were before the commit.
        try:
            results.append(Client().get("/").content.decode())
        finally:
            connection.close()

    with transaction.atomic():
        organisation = _organisation()
        organisation.organisation_name = "Northshire Care Board"
        organisation.save()
        results = []
        reader = threading.Thread(target=read_before_commit, args=(results,))
        reader.start()
        reader.join()
        assert "Northshire Care Board" not in results[0]
    assert "Northshire Care Board" in Client().get("/").content.decode()


def test_each_site_gets_its_own_header(client, home_page):
    """Kept by host name and port, as Wagtail finds a request's site."""
    _organisation()
    other = Site.objects.create(hostname="127.0.0.1", port=80, root_page=home_page)
    OrganisationSettings.objects.create(site=other, organisation_name="Southshire Care Board")
    for _ in range(2):  # the second time, from the cache
        default = client.get("/accounts/login/", HTTP_HOST="testserver")
        second = client.get("/accounts/login/", HTTP_HOST="127.0.0.1")
        assert "Southshire Care Board" not in default.content.decode()
        assert "Southshire Care Board" in second.content.decode()
        assert second.wsgi_request._wagtail_site == other
