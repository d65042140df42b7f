from django import template
from django.templatetags.static import static
from wagtail.models import Site

from coproduce.home import frontend
from coproduce.home.models import OrganisationSettings

register = template.Library()


def _organisation(context) -> OrganisationSettings:
    # Cached on the request by Wagtail, so header and footer share one query.
    request = context.get("request")
    if request is not None:
        return OrganisationSettings.for_request(request)
    return OrganisationSettings.for_site(Site.objects.get(is_default_site=True))


def _links(manager, request_path: str) -> list[dict]:
    links = []
    for link in manager.select_related("page"):
        href = link.href
        links.append(
            {
                "label": link.label,
                "url": href,
                "current": href == request_path,
                "active": href not in ("", "/") and request_path.startswith(href),
            }
        )
    return links


@register.inclusion_tag("includes/header.html", takes_context=True)
def site_header(context):
    organisation = _organisation(context)
    request = context.get("request")
    path = request.path if request else ""
    return {
        "request": request,
        "user": context.get("user"),
        "organisation": organisation,
        "primary_links": _links(organisation.navigation_links, path),
    }


@register.inclusion_tag("includes/footer.html", takes_context=True)
def site_footer(context):
    organisation = _organisation(context)
    request = context.get("request")
    return {
        "organisation": organisation,
        "footer_links": _links(organisation.footer_links, request.path if request else ""),
    }


@register.simple_tag
def frontend_stylesheet() -> str:
    """NHS.UK frontend's stylesheet: without the web font unless NHS_FONT_HOST turns it on."""
    return static(frontend.stylesheet())
