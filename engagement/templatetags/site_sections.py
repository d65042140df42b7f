"""The header's links to the site's main sections: consultations, decisions, and groups and
live sessions. The index pages are Wagtail pages an editor may move, so their addresses are
looked up (and kept until a page changes), not written into the template."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail.models import Page

from coproduce.kept import KeptUntilChanged
from engagement.consultations.models import ConsultationIndexPage
from engagement.decisions.models import DecisionIndexPage

register = template.Library()


# The sections' addresses, kept until a page, a page's privacy or the site changes
# (coproduce/kept.py): one cache round trip a page instead of two queries.
SECTIONS = KeptUntilChanged(
    "site-sections",
    models=("wagtailcore.Site", "wagtailcore.Page", "wagtailcore.PageViewRestriction"),
)


def _find_index_urls(request) -> dict[str, str]:
    """{index page model label: its URL}, for the first live, public index of each kind (one
    query; Wagtail keeps the site's root paths on the request)."""
    urls: dict[str, str] = {}
    pages = (
        Page.objects.live()
        .public()
        .type(ConsultationIndexPage, DecisionIndexPage)
        .select_related("content_type")
        .order_by("path")
    )
    for page in pages:
        label = page.content_type.model_class()._meta.label_lower
        if label not in urls:
            urls[label] = page.get_url(request)
    return urls


def _index_urls(request) -> dict[str, str]:
    if request is None:
        return _find_index_urls(None)
    return SECTIONS.get(request.get_host(), lambda: _find_index_urls(request))


@register.simple_tag(takes_context=True)
def site_sections(context, organisation_links=()) -> list[dict]:
    """The header's links: each section that exists ({label, url, current, active}), then the
    organisation's own header links that do not repeat one of them."""
    request = context.get("request")
    path = request.path if request else ""
    index_urls = _index_urls(request)
    sections = [
        (_("Consultations"), index_urls.get(ConsultationIndexPage._meta.label_lower)),
        (_("Decisions"), index_urls.get(DecisionIndexPage._meta.label_lower)),
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
