"""The admin names the default site by the organisation's name, not its host name ("localhost").

Each site with no Wagtail site name gets its organisation settings' name, or ORGANISATION_NAME
(WAGTAIL_SITE_NAME) where no settings row exists yet. Going back clears only the names this set."""

from django.conf import settings
from django.db import migrations, models

import coproduce.home.models


def name_sites(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    OrganisationSettings = apps.get_model("home", "OrganisationSettings")
    for site in Site.objects.filter(site_name=""):
        row = OrganisationSettings.objects.filter(site=site).first()
        site.site_name = row.organisation_name if row else settings.WAGTAIL_SITE_NAME
        site.save(update_fields=["site_name"])


def unname_sites(apps, schema_editor):
    Site = apps.get_model("wagtailcore", "Site")
    OrganisationSettings = apps.get_model("home", "OrganisationSettings")
    for site in Site.objects.exclude(site_name=""):
        row = OrganisationSettings.objects.filter(site=site).first()
        if site.site_name == (row.organisation_name if row else settings.WAGTAIL_SITE_NAME):
            site.site_name = ""
            site.save(update_fields=["site_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("home", "0003_role_page_permissions"),
    ]

    operations = [
        migrations.AlterField(
            model_name="organisationsettings",
            name="organisation_name",
            field=models.CharField(
                default=coproduce.home.models.default_organisation_name,
                help_text="Shown in the header, e.g. 'Northshire Integrated Care Board', and as "
                "the site's name in the admin.",
                max_length=255,
                verbose_name="organisation name",
            ),
        ),
        migrations.RunPython(name_sites, unname_sites),
    ]
