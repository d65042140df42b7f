"""What the header and footer of every page show: the organisation's name, service name and
contact details, and its header and footer links (OrganisationSettings), with the Wagtail site
the request is for. Read once and kept in the shared cache until the site, its settings, its
links or any page changes (coproduce/kept.py), instead of five queries a page; kept once more on
the request, so the title, the header, the footer and Wagtail's own lookups of the request's
site (serving a page, `{% pageurl %}`) share it."""

from __future__ import annotations

from wagtail.models import Site

from coproduce.kept import KeptUntilChanged

from .models import OrganisationSettings

CHROME = KeptUntilChanged(
    "site-chrome",
    models=(
        "wagtailcore.Site",
        "wagtailcore.Page",  # a link to a page shows the page's address
        "home.OrganisationSettings",
        "home.NavigationLink",
        "home.FooterLink",
    ),
)
ORGANISATION_FIELDS = (
    "organisation_name",
    "service_name",
    "contact_email",
    "contact_phone",
    "footer_text",
)


def _links(manager) -> list[tuple[str, str]]:
    return [(link.label, link.href) for link in manager.select_related("page")]


def _build(request_site: Site | None) -> dict:
    """The chrome of `request_site` (what Wagtail found for the request, None if no site
    matched), or of the default site."""
    site = request_site or Site.objects.filter(is_default_site=True).first()
    if site is None:  # a database with no site yet: the defaults
        organisation = OrganisationSettings()
        return {
            "site": None,
            "organisation": {f: getattr(organisation, f) for f in ORGANISATION_FIELDS},
            "navigation_links": [],
            "footer_links": [],
        }
    # Read, not made: a page being read writes nothing (the admin makes the row when saved).
    organisation = OrganisationSettings.objects.filter(site=site).first()
    if organisation is None:
        organisation = OrganisationSettings(site=site)
        navigation, footer = [], []
    else:
        navigation = _links(organisation.navigation_links)
        footer = _links(organisation.footer_links)
    return {
        "site": request_site,
        "organisation": {f: getattr(organisation, f) for f in ORGANISATION_FIELDS},
        "navigation_links": navigation,
        "footer_links": footer,
    }


def site_chrome(request=None) -> dict:
    """{"site": the Wagtail site, "organisation": {field: value}, "navigation_links":
    [(label, href)], "footer_links": [(label, href)]} for the request's site (the default
    site without one). Also tells Wagtail the request's site, as `Site.find_for_request` would
    have found it, so it does not ask the database again."""
    if request is None:
        return _build(None)
    chrome = getattr(request, "_site_chrome", None)
    if chrome is None:
        # Wagtail finds the site by host name and port (Site.find_for_request): so is it kept.
        key = f"{request.get_host()}|{request.get_port()}"
        chrome = CHROME.get(key, lambda: _build(Site.find_for_request(request)))
        request._site_chrome = chrome
        if not hasattr(request, "_wagtail_site"):
            request._wagtail_site = chrome["site"]
    return chrome


def links(pairs: list[tuple[str, str]], request_path: str) -> list[dict]:
    """The kept links as the header and footer show them, marked current or active for the
    page being read."""
    return [
        {
            "label": label,
            "url": href,
            "current": href == request_path,
            "active": href not in ("", "/") and request_path.startswith(href),
        }
        for label, href in pairs
    ]


def context(request) -> dict:
    """Template context processor: `site_organisation`, the site's kept organisation details (for
    the page's title and description)."""
    from django.utils.functional import SimpleLazyObject

    return {"site_organisation": SimpleLazyObject(lambda: site_chrome(request)["organisation"])}


class SiteChromeMiddleware:
    """Reads the kept chrome before a Wagtail page is served, so that serving it finds the
    request's site without a query. Other views read it when their page renders its header."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.view_name == "wagtail_serve":
            site_chrome(request)
