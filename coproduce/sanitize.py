"""The one place user-written text becomes HTML. Wraps bleach with the project's allowlists.

Text is stored as the person typed it; these functions run on output."""

import re
from functools import partial

import bleach
from bleach.linkifier import Linker
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe

BIO_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "a"})
BIO_ATTRIBUTES = {"a": ["href", "title"]}
BIO_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"
_LOOKS_LIKE_HTML = re.compile(r"</?[a-zA-Z][^>]*>")


def _set_rel(attrs, new=False):
    attrs[(None, "rel")] = LINK_REL
    return attrs


_bio_cleaner = bleach.sanitizer.Cleaner(
    tags=BIO_TAGS,
    attributes=BIO_ATTRIBUTES,
    protocols=BIO_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(bleach.linkifier.LinkifyFilter, callbacks=[_set_rel], parse_email=False)],
)
_linker = Linker(callbacks=[_set_rel], parse_email=False)


def clean_bio_html(text: str) -> SafeString:
    """Limited HTML for a bio: paragraphs, emphasis, lists and http(s)/mailto links. Scripts,
    event handlers, styles and `javascript:` links are removed; bare URLs become links.
    Text typed without any markup keeps its paragraphs and line breaks."""
    text = text or ""
    if not _LOOKS_LIKE_HTML.search(text):
        # Most people type plain text: blank lines are paragraphs, as they meant.
        text = linebreaks(text, autoescape=True)
    return mark_safe(_bio_cleaner.clean(text))  # noqa: S308 - bleach made it safe


def linkify_text(text: str) -> SafeString:
    """Plain text, escaped, with web addresses turned into links that carry no referrer trust."""
    return mark_safe(_linker.linkify(bleach.clean(text or "", tags=set(), strip=False)))  # noqa: S308
