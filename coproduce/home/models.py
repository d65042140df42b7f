from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Orderable, Page, Site
from wagtail.search import index

from .blocks import BodyBlock


class HomePage(Page):
    """The front page: what the platform is for and where to start."""

    introduction = models.TextField(
        _("introduction"),
        blank=True,
        help_text=_("One or two plain-English sentences shown under the page heading."),
    )
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("introduction"), FieldPanel("body")]
    search_fields = [
        *Page.search_fields,
        index.SearchField("introduction"),
        index.SearchField("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")


class ContentPage(Page):
    """A standard page of text: about co-production, how payments work, the accessibility
    statement, the privacy notice."""

    summary = models.TextField(
        _("summary"), blank=True, help_text=_("Shown under the heading and in search results.")
    )
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = [*Page.content_panels, FieldPanel("summary"), FieldPanel("body")]
    search_fields = [*Page.search_fields, index.SearchField("summary"), index.SearchField("body")]

    parent_page_types = ["home.HomePage", "home.ContentPage"]
    subpage_types = ["home.ContentPage"]

    class Meta:
        verbose_name = _("content page")


def default_organisation_name() -> str:
    """The organisation's name until an Editor sets it: ORGANISATION_NAME in the environment."""
    return settings.ORGANISATION_NAME


@register_setting(icon="site")
class OrganisationSettings(ClusterableModel, BaseSiteSetting):
    """Who runs this site, and what its header and footer show."""

    organisation_name = models.CharField(
        _("organisation name"),
        max_length=255,
        default=default_organisation_name,
        help_text=_(
            "Shown in the header, e.g. 'Northshire Integrated Care Board', and as the site's "
            "name in the admin."
        ),
    )
    service_name = models.CharField(
        _("service name"),
        max_length=255,
        blank=True,
        help_text=_("Shown beside the organisation name, e.g. 'Have your say'."),
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)

    class ReportingYearStart(models.IntegerChoices):
        # The month numbers are what `coproduce.reporting_year` counts from.
        JANUARY = 1, _("January (calendar years)")
        APRIL = 4, _("April (financial years, 1 April to 31 March)")

    reporting_year_starts = models.PositiveSmallIntegerField(
        _("reporting year starts in"),
        choices=ReportingYearStart.choices,
        default=ReportingYearStart.JANUARY,
        help_text=_(
            "How figures are counted year by year: people's involvement records and who took "
            "part in a co-production group. NHS bodies usually report by financial year "
            "(April); a year is then shown as, for example, '2025 to 2026'."
        ),
    )
    footer_text = models.CharField(
        _("footer text"),
        max_length=255,
        blank=True,
        help_text=_("A short line at the foot of every page, e.g. the copyright holder."),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("organisation_name"), FieldPanel("service_name")], heading=_("Header")
        ),
        InlinePanel("navigation_links", heading=_("Header navigation"), label=_("Link")),
        MultiFieldPanel(
            [FieldPanel("contact_email"), FieldPanel("contact_phone"), FieldPanel("footer_text")],
            heading=_("Footer"),
        ),
        InlinePanel("footer_links", heading=_("Footer links"), label=_("Link")),
        FieldPanel("reporting_year_starts", heading=_("Reporting year starts in")),
    ]

    class Meta:
        verbose_name = _("organisation settings")

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        # The admin names a site by its Wagtail site name (or, without one, its host name, such
        # as "localhost"): keep it the organisation's name, which people know.
        Site.objects.filter(pk=self.site_id).exclude(site_name=self.organisation_name).update(
            site_name=self.organisation_name
        )


class SettingsLink(Orderable):
    label = models.CharField(_("label"), max_length=100)
    page = models.ForeignKey(
        "wagtailcore.Page", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    url = models.CharField(
        _("or a URL"), max_length=255, blank=True, help_text=_("Used when no page is chosen.")
    )

    panels = [FieldPanel("label"), FieldPanel("page"), FieldPanel("url")]

    class Meta(Orderable.Meta):
        abstract = True

    @property
    def href(self) -> str:
        return self.page.url if self.page_id else self.url


class NavigationLink(SettingsLink):
    setting = ParentalKey(
        OrganisationSettings, on_delete=models.CASCADE, related_name="navigation_links"
    )


class FooterLink(SettingsLink):
    setting = ParentalKey(
        OrganisationSettings, on_delete=models.CASCADE, related_name="footer_links"
    )
