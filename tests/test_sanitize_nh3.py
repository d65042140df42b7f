"""The sanitiser on nh3: whatever is typed, only the allowlist reaches the page, and links read as
they did under bleach (bare web addresses linked, email addresses left as text)."""

from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st

from coproduce.sanitize import BIO_TAGS, clean_bio_html, linkify_text

_PIECES = st.sampled_from(
    [
        "<script>alert(1)</script>",
        '<a href="javascript:alert(1)">x</a>',
        '<a href="https://ok.example/" onclick="x()">ok</a>',
        '<img src=x onerror="alert(1)">',
        "<p>",
        "</p>",
        "<strong style='color:red'>",
        "</a>",
        '<a title="www.inside.example">',
        "https://example.org/path?a=1&b=2",
        "www.example.org",
        "a@b.example",
        " ",
        "\n\n",
        "&",
        "<",
        ">",
        '"',
        "'",
        "text",
        "<!-- comment -->",
        "<iframe src='https://evil.example'></iframe>",
        "<svg onload=alert(1)>",
    ]
)


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_comment(self, data):
        self.tags.append(("!--", {}))


def _tags_in(html: str):
    parser = _Collector()
    parser.feed(html)
    parser.close()
    return parser.tags


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_a_bio_reaches_the_page_with_only_allowed_tags_and_safe_links(typed):
    for tag, attrs in _tags_in(clean_bio_html(typed)):
        assert tag in BIO_TAGS, tag
        if tag == "a":
            assert set(attrs) <= {"href", "title", "rel"}
            assert attrs["rel"] == "nofollow noopener"
            href = attrs.get("href", "")
            assert href == "" or href.startswith(("http://", "https://", "mailto:")), href
        else:
            assert attrs == {}, (tag, attrs)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=12).map("".join))
def test_room_text_reaches_the_page_with_only_links(typed):
    for tag, attrs in _tags_in(linkify_text(typed)):
        assert tag == "a"
        assert attrs["rel"] == "nofollow noopener"
        assert attrs["href"].startswith(("http://", "https://")), attrs


def test_an_address_at_the_end_of_a_list_item_stops_at_the_tag():
    assert clean_bio_html("<ul><li>two http://two.example</li></ul>") == (
        '<ul><li>two <a href="http://two.example" rel="nofollow noopener">http://two.example</a>'
        "</li></ul>"
    )


def test_an_existing_link_is_not_linked_twice_and_its_title_is_left_alone():
    cleaned = clean_bio_html('<p><a title="see www.x.example" href="https://x.example">x</a></p>')
    assert cleaned == (
        '<p><a title="see www.x.example" href="https://x.example" rel="nofollow noopener">x</a></p>'
    )


def test_email_addresses_stay_text_and_trailing_full_stops_stay_outside_links():
    assert linkify_text("Write to a@b.example or see https://example.org.") == (
        'Write to a@b.example or see <a href="https://example.org" rel="nofollow noopener">'
        "https://example.org</a>."
    )
