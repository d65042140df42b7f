"""Every way to sign in is throttled by one lock (django-axes): after SIGN_IN_FAILURE_LIMIT
failures for an account from one address, that account cannot be signed in to from that address
until the cool-off passes, and the holder elsewhere is not affected. docs/security.md."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from coproduce.accounts import roles
from tests.deliberation.servers import real_servers

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"  # tests.factories' password
ATTACKER = "203.0.113.66"
HOLDER = "198.51.100.7"
LIMIT = settings.AXES_FAILURE_LIMIT
LOCKED_HEADING = "Too many attempts to sign in"


def _client(address: str) -> Client:
    return Client(REMOTE_ADDR=address)


def _sign_in(client: Client, email: str, password: str, next_url: str = ""):
    url = reverse("account_login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"login": email, "password": password})


def _signed_in_as(client: Client, user) -> bool:
    return client.session.get("_auth_user_id") == str(user.pk)


def _assert_locked_page(response):
    html = response.content.decode()
    assert response.status_code == 429
    assert f"<h1>{LOCKED_HEADING}</h1>" in html
    assert "paused signing in to it from here for 15 minutes" in html
    # The site's own layout (NHS.UK header and footer), not a bare error.
    assert "nhsuk-header" in html and "nhsuk-footer" in html
    assert reverse("account_reset_password") in html


def _lock_by_password(client: Client, email: str):
    responses = [_sign_in(client, email, "wrong password") for _ in range(LIMIT)]
    for response in responses[:-1]:
        assert response.status_code == 200
        assert "The email address and/or password you specified are not correct." in (
            response.content.decode()
        )
    return responses[-1]


def test_wrong_passwords_lock_the_account_for_that_address_only(participant):
    attacker = _client(ATTACKER)
    _assert_locked_page(_lock_by_password(attacker, participant.email))

    # The right password is refused too while the lock lasts.
    _assert_locked_page(_sign_in(attacker, participant.email, PASSWORD))
    assert not _signed_in_as(attacker, participant)

    # The account holder, elsewhere, signs in as usual.
    holder = _client(HOLDER)
    response = _sign_in(holder, participant.email, PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(holder, participant)


def test_the_lock_lifts_after_the_cool_off(participant):
    attacker = _client(ATTACKER)
    _lock_by_password(attacker, participant.email)
    _assert_locked_page(_sign_in(attacker, participant.email, PASSWORD))

    # Fifteen minutes and a second later (the failures' time moved back, as the clock would).
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=15, seconds=1))
    response = _sign_in(attacker, participant.email, PASSWORD)
    assert response.status_code == 302
    assert _signed_in_as(attacker, participant)


def test_trying_again_while_locked_extends_the_lock(participant):
    attacker = _client(ATTACKER)
    _lock_by_password(attacker, participant.email)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    _assert_locked_page(_sign_in(attacker, participant.email, "another guess"))
    # Fourteen minutes after that last try, it is still locked: the cool-off restarted.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=14))
    _assert_locked_page(_sign_in(attacker, participant.email, PASSWORD))


def test_the_count_ignores_the_case_of_the_email_address(participant):
    attacker = _client(ATTACKER)
    for attempt in range(LIMIT - 1):
        email = participant.email.upper() if attempt % 2 else participant.email
        assert _sign_in(attacker, email, "wrong password").status_code == 200
    _assert_locked_page(_sign_in(attacker, participant.email.title(), "wrong password"))


def test_failures_for_other_accounts_do_not_lock_this_one(participant, role_user):
    other = role_user(roles.PARTICIPANT)
    attacker = _client(ATTACKER)
    _lock_by_password(attacker, other.email)
    assert _sign_in(attacker, participant.email, PASSWORD).status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(participant):
    client = _client(HOLDER)
    for _ in range(LIMIT - 1):
        _sign_in(client, participant.email, "wrong password")
    assert _sign_in(client, participant.email, PASSWORD).status_code == 302
    client.post(reverse("account_logout"))
    for _ in range(LIMIT - 1):
        assert _sign_in(client, participant.email, "wrong password").status_code == 200


def test_an_unknown_account_locks_the_same_way(db):
    # Whether an address has an account must not show in how sign-in answers.
    _assert_locked_page(_lock_by_password(_client(ATTACKER), "nobody@example.org"))


def test_a_password_reset_by_email_lifts_the_lock(participant):
    attacker_and_holder = _client(HOLDER)  # the holder who forgot their password
    _lock_by_password(attacker_and_holder, participant.email)
    attacker_and_holder.post(reverse("account_reset_password"), {"email": participant.email})
    reset_path = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[-1].body).group(1)
    response = attacker_and_holder.get(reset_path, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset_path
    new = "a brand new long passphrase"
    attacker_and_holder.post(form_url, {"password1": new, "password2": new})

    assert _sign_in(attacker_and_holder, participant.email, new).status_code == 302
    assert _signed_in_as(attacker_and_holder, participant)


# The one-time code by email -------------------------------------------------------------------


def _request_code(client: Client, email: str):
    return client.post(reverse("account_request_login_code"), {"email": email})


def _code_in_last_email() -> str:
    return re.search(
        r"^\s*([A-Z0-9]{4}-[A-Z0-9]{4})\s*$", mail.outbox[-1].body, re.MULTILINE
    ).group(1)


def _confirm(client: Client, code: str):
    return client.post(reverse("account_confirm_login_code"), {"code": code})


def test_wrong_codes_count_as_failed_sign_ins_and_lock(participant):
    attacker = _client(ATTACKER)
    failures = 0
    response = None
    while failures < LIMIT:
        # allauth gives up on one code after three wrong tries; the attacker asks for another.
        assert _request_code(attacker, participant.email).status_code == 302
        for _ in range(3):
            response = _confirm(attacker, "WRONG-CODE")
            failures += 1
            if failures == LIMIT:
                break
            assert response.status_code in (200, 302)
    _assert_locked_page(response)
    # Asking for another code is refused with the same page: no email is sent.
    sent = len(mail.outbox)
    _assert_locked_page(_request_code(attacker, participant.email))
    assert len(mail.outbox) == sent


def test_the_right_code_is_refused_while_locked_and_works_elsewhere(participant):
    attacker = _client(ATTACKER)
    _request_code(attacker, participant.email)
    code = _code_in_last_email()
    # Wrong passwords (here from another browser on the same connection) and wrong codes feed
    # the same count: the lock is one mechanism.
    _lock_by_password(_client(ATTACKER), participant.email)
    _assert_locked_page(_confirm(attacker, code))
    assert not _signed_in_as(attacker, participant)

    holder = _client(HOLDER)
    assert _request_code(holder, participant.email).status_code == 302
    response = _confirm(holder, _code_in_last_email())
    assert response.status_code == 302
    assert _signed_in_as(holder, participant)


def test_a_code_signs_in_once_the_cool_off_has_passed(participant):
    attacker = _client(ATTACKER)
    _lock_by_password(attacker, participant.email)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _request_code(attacker, participant.email).status_code == 302
    assert _confirm(attacker, _code_in_last_email()).status_code == 302
    assert _signed_in_as(attacker, participant)


# The Wagtail admin's login and Wagtail's front-end login -----------------------------------


@pytest.mark.parametrize("path", ["/admin/login/", "/_util/login/"])
def test_other_login_urls_have_no_form_of_their_own(participant, path):
    client = _client(ATTACKER)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    # Posting credentials to them signs no one in, however many times and whatever the password.
    for password in ["wrong"] * (LIMIT * 2) + [PASSWORD]:
        response = client.post(path, {"username": participant.email, "password": password})
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert not _signed_in_as(client, participant)


def test_the_admin_sends_people_to_the_site_sign_in_and_back(role_user):
    editor = role_user(roles.EDITOR)
    client = _client(HOLDER)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("account_login") + "?next=/admin/"
    assert response.status_code == 200
    response = _sign_in(client, editor.email, PASSWORD, next_url="/admin/")
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_admin_sign_in_is_locked_by_the_same_count(role_user):
    editor = role_user(roles.EDITOR)
    attacker = _client(ATTACKER)
    for _ in range(LIMIT - 1):
        _sign_in(attacker, editor.email, "wrong", next_url="/admin/")
    _assert_locked_page(_sign_in(attacker, editor.email, "wrong", next_url="/admin/"))
    _assert_locked_page(_sign_in(attacker, editor.email, PASSWORD, next_url="/admin/"))
    assert attacker.get("/admin/").status_code == 302


def test_someone_signed_in_without_admin_access_is_told_not_bounced(participant):
    client = _client(HOLDER)
    client.force_login(participant)
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1
    assert "You cannot use the admin" in response.content.decode()


def test_a_private_page_sends_people_to_the_site_sign_in(home_page):
    PageViewRestriction.objects.create(page=home_page, restriction_type="login")
    response = _client(HOLDER).get(home_page.url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


# Through the real ASGI server ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_lockout_page_through_the_asgi_server(postgres, participant):
    """Production runs Django's asynchronous handler, where django-axes' middleware takes
    another path than in the test client: the lockout page must come out the same."""

    def post_sign_in(opener, base_url, password):
        form_url = base_url + reverse("account_login")
        opener.open(form_url).read()
        token = next(c.value for c in jar if c.name == settings.CSRF_COOKIE_NAME)
        body = urllib.parse.urlencode(
            {"login": participant.email, "password": password, "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(  # noqa: S310 - a server on loopback
            form_url, data=body, headers={"Referer": form_url}
        )
        try:
            with opener.open(request) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with real_servers(1) as urls:
        answers = [post_sign_in(opener, urls[0], "wrong") for _ in range(LIMIT)]
        right = post_sign_in(opener, urls[0], PASSWORD)
    assert [status for status, _ in answers[:-1]] == [200] * (LIMIT - 1)
    for status, html in (answers[-1], right):
        assert status == 429
        assert f"<h1>{LOCKED_HEADING}</h1>" in html
        assert "nhsuk-header" in html
