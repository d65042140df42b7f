from django import template
from django.templatetags.static import static

from coproduce.home import chrome, frontend

register = template.Library()


def _chrome(context) -> dict:
    return chrome.site_chrome(context.get("request"))


@register.inclusion_tag("includes/header.html", takes_context=True)
def site_header(context):
    site = _chrome(context)
    request = context.get("request")
    path = request.path if request else ""
    return {
        "request": request,
        "user": context.get("user"),
        "organisation": site["organisation"],
        "primary_links": chrome.links(site["navigation_links"], path),
    }


@register.inclusion_tag("includes/footer.html", takes_context=True)
def site_footer(context):
    site = _chrome(context)
    request = context.get("request")
    return {
        "organisation": site["organisation"],
        "footer_links": chrome.links(site["footer_links"], request.path if request else ""),
    }


@register.simple_tag
def frontend_stylesheet() -> str:
    """NHS.UK frontend's stylesheet: without the web font unless NHS_FONT_HOST turns it on."""
    return static(frontend.stylesheet())
