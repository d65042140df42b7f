"""The one place user-written text becomes HTML: nh3 (the Ammonia sanitiser) with the project's
allowlists, and Django's `urlize` for bare web addresses.

Text is stored as the person typed it; these functions run on output. Whatever a function
returns has passed through `nh3.clean` last, so the allowlist below is the whole of what can
reach a page."""

import html
import re

import nh3
from django.utils.html import Urlizer, linebreaks
from django.utils.safestring import SafeString, mark_safe

BIO_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "a"})
BIO_ATTRIBUTES = {"a": frozenset({"href", "title"})}
BIO_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow noopener"
_LOOKS_LIKE_HTML = re.compile(r"</?[a-zA-Z][^>]*>")
# nh3's output is normalised: attribute values are double-quoted with `"`, `<` and `>` escaped,
# so this finds every tag in it and nothing else.
_TAG = re.compile(r'<(?:[^">]|"[^"]*")*>')


class _WebAddressUrlizer(Urlizer):
    """Django's `urlize`, for web addresses only: an email address typed in a bio or a room
    stays text, as it always has."""

    @staticmethod
    def is_email_simple(value):
        return False


_urlize = _WebAddressUrlizer()


def _clean(html: str, tags: frozenset[str]) -> str:
    return nh3.clean(
        html,
        tags=set(tags),
        attributes={tag: set(names) for tag, names in BIO_ATTRIBUTES.items() if tag in tags},
        url_schemes=set(BIO_PROTOCOLS),
        strip_comments=True,
        link_rel=LINK_REL,
    )


def _linkify(text: str) -> str:
    return _urlize(text, nofollow=True, autoescape=True)


def _linkify_clean_html(markup: str) -> str:
    """Turn bare web addresses in the text of sanitised HTML into links, leaving tags, and the
    text already inside a link, as they are. `urlize` reads plain text (it ends an address at
    `<` or a quote), so each run of text is unescaped, linked, and escaped again."""
    pieces = []
    inside_link = False
    position = 0
    for tag in _TAG.finditer(markup):
        text = markup[position : tag.start()]
        pieces.append(text if inside_link else _linkify(html.unescape(text)))
        name = tag.group(0)
        if re.match(r"<a[\s>]", name):
            inside_link = True
        elif name == "</a>":
            inside_link = False
        pieces.append(name)
        position = tag.end()
    tail = markup[position:]
    pieces.append(tail if inside_link else _linkify(html.unescape(tail)))
    return "".join(pieces)


def clean_bio_html(text: str) -> SafeString:
    """Limited HTML for a bio: paragraphs, emphasis, lists and http(s)/mailto links. Scripts,
    event handlers, styles and `javascript:` links are removed; bare URLs become links.
    Text typed without any markup keeps its paragraphs and line breaks."""
    text = text or ""
    if not _LOOKS_LIKE_HTML.search(text):
        # Most people type plain text: blank lines are paragraphs, as they meant.
        text = linebreaks(text, autoescape=True)
    # Clean, add links to the clean text, then clean again: the last pass sets every link's
    # `rel` and guarantees that nothing the linkifier made escapes the allowlist.
    linked = _linkify_clean_html(_clean(text, BIO_TAGS))
    return mark_safe(_clean(linked, BIO_TAGS))  # noqa: S308 - nh3 made it safe


def linkify_text(text: str) -> SafeString:
    """Plain text, escaped, with web addresses turned into links that carry no referrer trust."""
    linked = _linkify(text or "")
    return mark_safe(_clean(linked, frozenset({"a"})))  # noqa: S308 - nh3 made it safe
