"""The one place user-written text is made safe for HTML, wrapping bleach with the project's
allowlists. Text is stored as the person typed it; these functions run on output."""

import bleach
from bleach.linkifier import Linker

# A profile's "about me" may carry a little structure and links, nothing else.
BIO_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "a"})
BIO_ATTRIBUTES = {"a": ["href", "title"]}
BIO_PROTOCOLS = frozenset({"http", "https", "mailto"})


def _nofollow_noopener(attrs, new=False):
    href_key = (None, "href")
    if href_key not in attrs:
        return attrs
    if not attrs[href_key].lower().startswith(("http:", "https:", "mailto:")):
        return None
    attrs[(None, "rel")] = "nofollow noopener"
    return attrs


_linker = Linker(callbacks=[_nofollow_noopener], parse_email=False)


def clean_bio_html(text: str) -> str:
    """Limited markup (paragraphs, emphasis, lists, links) from a person's own text; every other
    tag is escaped, links get rel="nofollow noopener"."""
    cleaned = bleach.clean(
        text or "",
        tags=BIO_TAGS,
        attributes=BIO_ATTRIBUTES,
        protocols=BIO_PROTOCOLS,
        strip=False,
    )
    return _linker.linkify(cleaned)


def linkify_text(text: str) -> str:
    """Plain text made safe: every character escaped, web addresses turned into links with
    rel="nofollow noopener". No other markup survives."""
    escaped = bleach.clean(text or "", tags=set(), attributes={}, strip=False)
    return _linker.linkify(escaped)


__all__ = ["clean_bio_html", "linkify_text"]
