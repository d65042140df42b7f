"""Bios allow a little HTML; bleach removes scripts, event handlers and javascript: links."""

import pytest

from coproduce.sanitize import clean_bio_html, linkify_text
from tests import factories

HOSTILE = (
    '<p onclick="steal()">I chair meetings.</p>'
    "<script>alert('x')</script>"
    '<img src="x" onerror="alert(1)">'
    '<a href="javascript:alert(1)">click</a>'
    '<a href="JaVaScRiPt:alert(2)">again</a>'
    '<a href="https://www.nhs.uk/" onmouseover="alert(3)">NHS</a>'
    '<strong style="color:red">bold</strong>'
    '<iframe src="https://evil.example"></iframe>'
)


def test_clean_bio_html_strips_the_dangerous_parts():
    cleaned = clean_bio_html(HOSTILE)
    lowered = cleaned.lower()
    for forbidden in (
        "<script",
        "onclick",
        "onerror",
        "onmouseover",
        "javascript:",
        "<img",
        "<iframe",
        "style=",
    ):
        assert forbidden not in lowered, forbidden
    assert "<p>I chair meetings.</p>" in cleaned
    assert "<strong>bold</strong>" in cleaned
    assert '<a href="https://www.nhs.uk/" rel="nofollow noopener">NHS</a>' in cleaned


def test_bare_addresses_become_safe_links():
    cleaned = clean_bio_html("<p>See www.example.org for more.</p>")
    assert '<a href="http://www.example.org" rel="nofollow noopener">' in cleaned


def test_linkify_text_escapes_everything_else():
    assert linkify_text("<b>hi</b> & https://example.org") == (
        '&lt;b&gt;hi&lt;/b&gt; &amp; <a href="https://example.org" rel="nofollow noopener">'
        "https://example.org</a>"
    )


@pytest.mark.django_db
def test_the_profile_page_shows_the_cleaned_bio_and_stores_what_was_typed(client):
    profile = factories.ExpertProfileFactory(bio=HOSTILE, visibility="public")
    page = client.get(f"/profiles/{profile.pk}/").content.decode().lower()
    assert "I chair meetings." in client.get(f"/profiles/{profile.pk}/").content.decode()
    assert "onclick" not in page and "javascript:" not in page and "onerror" not in page
    profile.refresh_from_db()
    assert profile.bio == HOSTILE


def test_plain_text_keeps_its_paragraphs_and_is_escaped():
    cleaned = clean_bio_html("I chair meetings & panels.\n\nSee https://example.org <3")
    assert cleaned == (
        "<p>I chair meetings &amp; panels.</p>\n\n<p>See "
        '<a href="https://example.org" rel="nofollow noopener">https://example.org</a> &lt;3</p>'
    )
