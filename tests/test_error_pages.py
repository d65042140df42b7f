"""Refused, bad and too-many requests get a page on the site's layout saying what to do next,
never a bare "403 Forbidden"."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory

from coproduce.errors import permission_denied, too_many_requests

pytestmark = pytest.mark.django_db


def _main(reply) -> str:
    body = reply.content.decode()
    assert 'class="nhsuk-header' in body  # on the site's layout
    return body.split('id="maincontent"')[1]


def test_a_signed_in_person_refused_a_page_is_told_why_and_where_to_go(client, participant):
    client.force_login(participant)
    reply = client.get("/opportunities/new/")
    assert reply.status_code == 403
    main = _main(reply)
    assert "<h1>You cannot use this page</h1>" in main
    assert f"You are logged in as {participant.email}" in main
    assert 'href="/my/">Go to your home</a>' in main


def test_someone_not_logged_in_is_offered_to_log_in_and_come_back(home_page):
    # Most pages send people who are not logged in to log in; any refusal that reaches them
    # still offers it.
    request = RequestFactory().get("/opportunities/new/")
    request.user = AnonymousUser()
    reply = permission_denied(request, PermissionDenied())
    assert reply.status_code == 403
    main = _main(reply)
    assert 'href="/accounts/login/?next=/opportunities/new/">Log in</a>' in main


def test_a_bad_request_gets_a_page_saying_nothing_changed(client, home_page):
    reply = client.get("/", HTTP_HOST="not-this-site.example")
    assert reply.status_code == 400
    main = _main(reply)
    assert "Sorry, we could not understand that request" in main
    assert "Nothing was changed." in main


def test_a_form_sent_without_its_security_token_says_to_reload_and_send_again(home_page):
    reply = Client(enforce_csrf_checks=True).post("/accounts/login/", {"login": "a@b.org"})
    assert reply.status_code == 403
    main = _main(reply)
    assert "The form could not be sent" in main
    assert "reload the page, and send the form again" in main


def test_too_many_requests_says_when_to_try_again(home_page):
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    reply = too_many_requests(request, retry_after_seconds=600)
    assert reply.status_code == 429
    assert reply["Retry-After"] == "600"
    main = _main(reply)
    assert "Please try again in 10 minutes." in main


def test_pages_describe_themselves_for_search_engines(client, home_page, make_content_page):
    make_content_page(title="About", slug="about", summary="People who use services shape them.")
    about = client.get("/about/").content.decode()
    assert '<meta name="description" content="People who use services shape them.">' in about
    search = client.get("/search/?q=care").content.decode()
    assert '<meta name="description" content="' in search
    assert "have your say in health and care" in search.split('name="description"')[1][:200]
