"""Public pages kept a few seconds for people who are not signed in
(coproduce/operations/page_cache.py): served again without the database, never to someone signed
in or with anything of their own on the site, each reader with their own CSRF token, Easy Read
kept apart, and a saved change seen by the next reader."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from coproduce.accounts import roles
from tests import factories

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 30


@pytest.fixture
def consultation(db):
    page = factories.make_consultation(title="Short breaks for carers", slug="short-breaks")
    # An Easy Read version: the page then has the Easy Read switch, a form with a CSRF token.
    page.easy_read = [("paragraph", "<p>Tell us what helps you.</p>")]
    page.save_revision().publish()
    return page


def test_the_next_reader_gets_the_page_without_the_database(
    consultation, django_assert_num_queries
):
    first = Client().get(consultation.url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = Client().get(consultation.url)
    assert again.status_code == 200
    assert "Short breaks for carers" in again.text
    # The page's security headers are made for every reader, kept page or not.
    assert again["Content-Security-Policy"] == first["Content-Security-Policy"]
    assert again["X-Frame-Options"] == "DENY"


def test_a_kept_page_is_served_without_resolving_its_address(consultation, monkeypatch):
    # Resolving a Wagtail page's address tries every other URL pattern first: the largest cost
    # of a kept page before it was looked up ahead of resolution (docs/benchmarks.md).
    from django.urls.resolvers import URLResolver

    resolved = []
    original = URLResolver.resolve

    def counting(self, path):
        resolved.append(path)
        return original(self, path)

    monkeypatch.setattr(URLResolver, "resolve", counting)
    Client().get(consultation.url)  # made and kept
    assert resolved
    resolved.clear()
    again = Client().get(consultation.url)
    assert again.status_code == 200 and "Short breaks for carers" in again.text
    assert resolved == []


def test_each_reader_gets_a_csrf_token_of_their_own_that_works(consultation):
    Client().get(consultation.url)  # kept
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(consultation.url)
    tokens = set(TOKEN.findall(page.text))
    assert tokens and "__coproduce_csrf_token__" not in page.text
    other = set(TOKEN.findall(Client().get(consultation.url).text))
    assert tokens.isdisjoint(other)
    assert "csrftoken" in page.cookies  # the reader's cookie, set as the page leaves
    switched = reader.post(
        "/easy-read/",
        {"csrfmiddlewaretoken": tokens.pop(), "easy_read": "on", "next": consultation.url},
    )
    assert switched.status_code == 302


def test_a_saved_change_is_seen_by_the_next_reader(
    consultation, django_capture_on_commit_callbacks
):
    assert "Short breaks for carers" in Client().get(consultation.url).text
    with django_capture_on_commit_callbacks(execute=True):
        consultation.title = "Short breaks and respite for carers"
        consultation.save_revision().publish()
    assert "Short breaks and respite for carers" in Client().get(consultation.url).text


def test_someone_signed_in_never_gets_or_leaves_a_kept_page(consultation, role_user):
    Client().get(consultation.url)  # kept for readers not signed in
    person = role_user(roles.PARTICIPANT, display_name="Ottoline Brackenbury")
    signed_in = Client()
    signed_in.force_login(person)
    own = signed_in.get(consultation.url).text
    assert "Log out" in own and "Log in" not in own.split("</header>")[0]
    # And what they were shown is not kept for anyone else.
    anonymous = Client().get(consultation.url).text
    assert "Ottoline" not in anonymous and "Log in" in anonymous


def test_a_reader_with_anything_of_their_own_gets_their_own_page(consultation):
    Client().get(consultation.url)  # kept
    reader = Client()
    reader.cookies["sessionid"] = "a-session-of-their-own"
    reader.cookies["messages"] = "something-to-tell-them"
    assert reader.get(consultation.url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        reader.get(consultation.url)
    assert len(queries) > 0  # made for them, not taken from the cache


def test_easy_read_readers_and_others_are_kept_apart(consultation):
    Client().get(consultation.url)  # the standard page, kept
    easy = Client()
    easy.cookies["easy_read"] = "1"
    assert "You are reading the Easy Read version." in easy.get(consultation.url).text
    assert "You are reading the Easy Read version." not in Client().get(consultation.url).text
    assert "You are reading the Easy Read version." in easy.get(consultation.url).text


def test_only_public_pages_are_kept(consultation, django_assert_max_num_queries):
    client = Client()
    client.get("/search/?q=carers")
    with django_assert_max_num_queries(100) as captured:
        client.get("/search/?q=carers")
    assert len(captured) > 0  # searched again: not a page the cache keeps


def test_off_when_the_setting_is_zero(consultation, settings, django_assert_max_num_queries):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 0
    Client().get(consultation.url)
    with django_assert_max_num_queries(100) as captured:
        Client().get(consultation.url)
    assert len(captured) > 0
