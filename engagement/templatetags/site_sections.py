"""The header's links to the site's main sections: consultations, decisions, and groups and
live sessions. The index pages are Wagtail pages an editor may move, so their addresses are
looked up (once per request), not written into the template."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from engagement.consultations.models import ConsultationIndexPage
from engagement.decisions.models import DecisionIndexPage

register = template.Library()


def _index_url(model, request) -> str | None:
    page = model.objects.live().public().first()
    return page.get_url(request) if page else None


@register.simple_tag(takes_context=True)
def site_sections(context, organisation_links=()) -> list[dict]:
    """The header's links: each section that exists ({label, url, current, active}), then the
    organisation's own header links that do not repeat one of them."""
    request = context.get("request")
    path = request.path if request else ""
    sections = [
        (_("Consultations"), _index_url(ConsultationIndexPage, request)),
        (_("Decisions"), _index_url(DecisionIndexPage, request)),
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
