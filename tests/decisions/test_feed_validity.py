"""The decision feed checked against the rules of Atom (RFC 4287) that a reader relies on, not
only that it parses: ids are absolute IRIs, unique and stable; the feed has an author (or every
entry does); every required element is there once; dates are RFC 3339."""

import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest

from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def atom_problems(xml: bytes) -> list[str]:
    """Every breach of RFC 4287's MUSTs for feeds and entries that this feed could commit."""
    problems = []
    feed = ET.fromstring(xml)  # noqa: S314 - our own feed, in a test
    if feed.tag != f"{ATOM}feed":
        return [f"root element is {feed.tag}, not atom:feed"]

    def one(parent, name, where):
        found = parent.findall(f"{ATOM}{name}")
        if len(found) != 1:
            problems.append(f"{where} has {len(found)} atom:{name}, not exactly one")
        return found[0] if found else None

    def check_id(element, where):
        if element is None:
            return
        value = (element.text or "").strip()
        if not urlsplit(value).scheme:
            problems.append(f"{where} id {value!r} is not an absolute IRI")

    def check_date(element, where):
        if element is not None and not RFC3339.match((element.text or "").strip()):
            problems.append(f"{where} {element.tag} {element.text!r} is not an RFC 3339 date")

    def authors(parent, where):
        found = parent.findall(f"{ATOM}author")
        for author in found:
            if not (author.findtext(f"{ATOM}name") or "").strip():
                problems.append(f"{where} has an atom:author without an atom:name")
        return found

    check_id(one(feed, "id", "the feed"), "the feed")
    one(feed, "title", "the feed")
    check_date(one(feed, "updated", "the feed"), "the feed")
    feed_authors = authors(feed, "the feed")
    if not any(link.get("rel") == "self" for link in feed.findall(f"{ATOM}link")):
        problems.append("the feed has no link rel=self")
    ids = []
    for number, entry in enumerate(feed.findall(f"{ATOM}entry"), start=1):
        where = f"entry {number}"
        entry_id = one(entry, "id", where)
        check_id(entry_id, where)
        if entry_id is not None:
            ids.append(entry_id.text)
        one(entry, "title", where)
        check_date(one(entry, "updated", where), where)
        for published in entry.findall(f"{ATOM}published"):
            check_date(published, where)
        if not feed_authors and not authors(entry, where):
            problems.append(f"{where} has no atom:author and neither has the feed")
        authors(entry, where)
        alternates = [
            link
            for link in entry.findall(f"{ATOM}link")
            if link.get("rel", "alternate") == "alternate"
        ]
        if not alternates and entry.find(f"{ATOM}content") is None:
            problems.append(f"{where} has neither atom:content nor a link rel=alternate")
    if len(set(ids)) != len(ids):
        problems.append("two entries share an id")
    return problems


def test_the_checker_finds_what_was_wrong_with_the_old_feed():
    old = (
        b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>'
        b'<link href="http://x/decisions/feed/" rel="self"/><id>http://x/decisions/</id>'
        b"<updated>2026-11-30T09:57:54+00:00</updated><entry><title>A</title>"
        b'<link href="http://x/a/" rel="alternate"/><updated>2026-11-30T09:57:54+00:00</updated>'
        b"<id>decision-14</id></entry></feed>"
    )
    assert atom_problems(old) == [
        "entry 1 id 'decision-14' is not an absolute IRI",
        "entry 1 has no atom:author and neither has the feed",
    ]


def test_the_decision_feed_follows_the_atom_rules(client, home_page):
    first = factories.make_decision(title="More overnight short breaks", slug="overnight")
    factories.make_decision(title="Wheelchair repairs within 10 days", slug="repairs")
    reply = client.get("/decisions/feed/")
    assert reply.status_code == 200
    assert atom_problems(reply.content) == []

    feed = ET.fromstring(reply.content)  # noqa: S314 - our own feed, in a test
    assert feed.findtext(f"{ATOM}author/{ATOM}name")  # the organisation
    published = first.first_published_at.strftime("%Y-%m-%d")
    ids = [entry.findtext(f"{ATOM}id") for entry in feed.findall(f"{ATOM}entry")]
    assert f"tag:localhost,{published}:decision/{first.pk}" in ids


def test_an_entry_keeps_its_id_when_the_decisions_address_changes(client, home_page):
    decision = factories.make_decision(title="More overnight short breaks", slug="overnight")
    before = ET.fromstring(client.get("/decisions/feed/").content)  # noqa: S314
    decision.slug = "overnight-breaks"
    decision.save_revision().publish()
    after = ET.fromstring(client.get("/decisions/feed/").content)  # noqa: S314
    assert before.findtext(f"{ATOM}entry/{ATOM}id") == after.findtext(f"{ATOM}entry/{ATOM}id")
    assert after.find(f"{ATOM}entry/{ATOM}link").get("href").endswith("/overnight-breaks/")
