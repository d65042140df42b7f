"""Template filters for expertise profiles: user-written text made safe through one module."""

from django import template

from coproduce.sanitize import clean_bio_html, linkify_text

register = template.Library()


@register.filter
def bio_html(text: str):
    """A bio's limited HTML, cleaned (see `coproduce.sanitize.clean_bio_html`)."""
    return clean_bio_html(text)


@register.filter
def linkify(text: str):
    """Plain text, escaped, with web addresses as links."""
    return linkify_text(text)
