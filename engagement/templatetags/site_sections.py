"""The header's links to the site's main sections: consultations, decisions, and groups and
live sessions. The index pages are Wagtail pages an editor may move, so their addresses are
looked up (once per request), not written into the template."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Page

from engagement.consultations.models import ConsultationIndexPage
from engagement.decisions.models import DecisionIndexPage

register = template.Library()


def _index_urls(request) -> dict[type, str]:
    """{index page class: its URL}, for the first live, public index of each kind (one query;
    Wagtail keeps the site's root paths on the request)."""
    urls: dict[type, str] = {}
    pages = (
        Page.objects.live()
        .public()
        .type(ConsultationIndexPage, DecisionIndexPage)
        .select_related("content_type")
        .order_by("path")
    )
    for page in pages:
        model = page.content_type.model_class()
        if model not in urls:
            urls[model] = page.get_url(request)
    return urls


@register.simple_tag(takes_context=True)
def site_sections(context, organisation_links=()) -> list[dict]:
    """The header's links: each section that exists ({label, url, current, active}), then the
    organisation's own header links that do not repeat one of them."""
    request = context.get("request")
    path = request.path if request else ""
    index_urls = _index_urls(request)
    sections = [
        (_("Consultations"), index_urls.get(ConsultationIndexPage)),
        (_("Decisions"), index_urls.get(DecisionIndexPage)),
        (_("Groups and live sessions"), reverse("deliberation:group_list")),
    ]
    links = [
        {
            "label": label,
            "url": url,
            "current": url == path,
            "active": url != path and path.startswith(url),
        }
        for label, url in sections
        if url
    ]
    urls = {link["url"] for link in links}
    return links + [link for link in organisation_links if link["url"] not in urls]
