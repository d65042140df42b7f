"""The Wagtail admin's reports are limited to the roles that need them: a Facilitator gets no
report (and no email address from any report URL), a Commissioner gets the page reports, an
Editor gets them all, the site history included."""

import re

import pytest
from django.urls import reverse
from wagtail.admin.urls import reports as wagtail_reports
from wagtail.log_actions import log

from coproduce.accounts import roles
from deliberation.models import CoproductionGroup
from tests import factories

pytestmark = pytest.mark.django_db

EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+")
REPORT_URLS = [
    reverse(f"wagtailadmin_reports:{pattern.name}") for pattern in wagtail_reports.urlpatterns
]
SITE_HISTORY = reverse("wagtailadmin_reports:site_history")


@pytest.fixture
def people(role_user, home_page):
    """A facilitator, a second group's facilitator and an editor, each of whom has done
    something that the admin logged."""
    editor = role_user(roles.EDITOR, email="ed.itor@example.org")
    facilitator = role_user(roles.FACILITATOR, email="fa.cil@example.org")
    other = role_user(roles.FACILITATOR, email="other.facilitator@example.org")
    commissioner = role_user(roles.COMMISSIONER, email="com.missioner@example.org")
    group = factories.CoproductionGroupFactory(facilitators=[facilitator])
    other_group = factories.CoproductionGroupFactory(facilitators=[other])
    log(instance=group, action="wagtail.edit", user=editor)
    log(instance=other_group, action="wagtail.edit", user=other)
    log(instance=home_page, action="wagtail.edit", user=editor)
    return {"editor": editor, "facilitator": facilitator, "commissioner": commissioner}


def _body(response) -> str:
    if response.streaming:
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def test_the_urls_cover_every_report():
    assert SITE_HISTORY in REPORT_URLS
    assert len(REPORT_URLS) >= 12


@pytest.mark.parametrize("url", REPORT_URLS)
@pytest.mark.parametrize("export", [None, "csv", "xlsx"])
def test_a_facilitator_gets_no_report_and_no_email_address(client, people, url, export):
    client.force_login(people["facilitator"])
    response = client.get(url, {"export": export} if export else {})
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    # Not even their own address: a refused report shows nothing at all.
    assert EMAIL.findall(_body(response)) == []
    home = client.get(response["Location"])
    assert "Sorry, you do not have permission to access this area." in home.content.decode()


def test_a_facilitator_has_no_reports_menu(client, people):
    client.force_login(people["facilitator"])
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert SITE_HISTORY not in page
    assert reverse("wagtailadmin_reports:locked_pages") not in page
    # Their groups are still there.
    assert client.get("/admin/snippets/deliberation/coproductiongroup/").status_code == 200


def test_an_editor_uses_the_site_history_and_its_user_filter(client, people):
    client.force_login(people["editor"])
    response = client.get(SITE_HISTORY)
    assert response.status_code == 200
    html = response.content.decode()
    assert "other.facilitator@example.org" in html  # the user filter lists who did what
    filtered = client.get(
        reverse("wagtailadmin_reports:site_history_results"), {"user": people["editor"].pk}
    )
    assert filtered.status_code == 200
    assert "other.facilitator@example.org" not in filtered.content.decode().split("<table")[-1]
    export = client.get(SITE_HISTORY, {"export": "csv"})
    assert export.status_code == 200
    assert "ed.itor@example.org" in _body(export)
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert SITE_HISTORY in page


@pytest.mark.parametrize("url", [u for u in REPORT_URLS if "site-history" not in u])
def test_an_editor_opens_every_page_report(client, people, url):
    client.force_login(people["editor"])
    assert client.get(url).status_code == 200


def test_a_commissioner_gets_the_page_reports_but_not_the_site_history(client, people):
    client.force_login(people["commissioner"])
    # (Locked pages stays Wagtail's: it needs the unlock permission, which Commissioners lack.)
    assert client.get(reverse("wagtailadmin_reports:aging_pages")).status_code == 200
    assert client.get(reverse("wagtailadmin_reports:workflow")).status_code == 200
    refused = client.get(SITE_HISTORY)
    assert refused.status_code == 302
    assert EMAIL.findall(_body(refused)) == []
    page = client.get(reverse("wagtailadmin_home")).content.decode()
    assert SITE_HISTORY not in page
    assert reverse("wagtailadmin_reports:aging_pages") in page


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(SITE_HISTORY)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_a_facilitator_cannot_read_another_groups_history(client, people):
    client.force_login(people["facilitator"])
    own = CoproductionGroup.objects.get(facilitators=people["facilitator"])
    other = CoproductionGroup.objects.exclude(pk=own.pk).get()
    history = "/admin/snippets/deliberation/coproductiongroup/history/{}/"
    assert client.get(history.format(own.pk)).status_code == 200
    refused = client.get(history.format(other.pk))
    assert refused.status_code == 404
    assert "other.facilitator@example.org" not in refused.content.decode()
    client.force_login(people["editor"])
    assert client.get(history.format(other.pk)).status_code == 200
