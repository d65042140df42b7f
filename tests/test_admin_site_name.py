"""The admin calls the site by the organisation's name (not "localhost"), and staff find their
way from the public site to the admin."""

import importlib

import pytest
from django.apps import apps
from wagtail.models import Site

from coproduce.accounts import roles
from coproduce.home.models import OrganisationSettings

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "coproduce.home.migrations.0004_site_name_is_the_organisation_name"
)


def _admin_heading(client) -> str:
    html = client.get("/admin/").content.decode()
    return html.split('<h1 class="w-h1 w-mt-0">', 1)[1].split("</h1>", 1)[0].strip()


def test_the_admin_names_the_site_after_the_organisation_and_follows_a_rename(client, role_user):
    site = Site.objects.get(is_default_site=True)
    assert site.hostname == "localhost"
    client.force_login(role_user(roles.EDITOR))
    assert _admin_heading(client) == "Coproduce"  # ORGANISATION_NAME's default, not "localhost"

    organisation = OrganisationSettings.for_site(site)
    organisation.organisation_name = "Northshire Integrated Care Board"
    organisation.save()
    assert _admin_heading(client) == "Northshire Integrated Care Board"


def test_the_migration_names_unnamed_sites_and_going_back_unnames_only_those(settings):
    site = Site.objects.get(is_default_site=True)
    Site.objects.filter(pk=site.pk).update(site_name="")
    other = Site.objects.create(
        hostname="other.example.org", root_page=site.root_page, site_name="Kept as typed"
    )
    migration.name_sites(apps, None)
    site.refresh_from_db()
    assert site.site_name == settings.WAGTAIL_SITE_NAME

    migration.unname_sites(apps, None)
    site.refresh_from_db()
    other.refresh_from_db()
    assert site.site_name == ""
    assert other.site_name == "Kept as typed"


@pytest.mark.parametrize(
    ("role", "sees_link"),
    [
        (roles.PARTICIPANT, False),
        (roles.EXPERT, False),
        (roles.FACILITATOR, True),
        (roles.COMMISSIONER, True),
        (roles.EDITOR, True),
    ],
)
def test_staff_see_a_link_to_the_admin_in_the_header_and_others_do_not(
    client, role_user, role, sees_link
):
    client.force_login(role_user(role))
    html = client.get("/").content.decode()
    header = html.split('aria-label="Account"', 1)[1].split("</nav>", 1)[0]
    assert ('href="/admin/">Run the site</a>' in header) is sees_link
    if sees_link:
        assert client.get("/admin/").status_code == 200
