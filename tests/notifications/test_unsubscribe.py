"""People control their messages: a one-click unsubscribe link in every email, the RFC 8058
headers whose POST acts without signing in, choices per kind, and a weekly digest."""

import io
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from coproduce.notifications.kinds import Kind
from coproduce.notifications.models import EmailSuppression, NotificationPreference
from coproduce.notifications.services import preference_for, unsubscribe_url
from engagement.profiles.services.opportunities import invitation_send

pytestmark = pytest.mark.django_db


def _invite(opportunity, expert, committed):
    with committed(execute=True):
        invitation_send(opportunity=opportunity, profile=expert, invited_by=opportunity.posted_by)


def _link(message) -> str:
    header = message.extra_headers["List-Unsubscribe"]
    assert header.startswith("<https://") or header.startswith("<http://")
    url = header.strip("<>")
    assert url in message.body  # the same link, readable in the email itself
    return re.sub(r"^https?://[^/]+", "", url)


def test_an_invitation_carries_the_one_click_headers(
    opportunity, expert, django_capture_on_commit_callbacks
):
    _invite(opportunity, expert, django_capture_on_commit_callbacks)
    [message] = mail.outbox
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/emails/unsubscribe/" in _link(message)


def test_opening_the_link_asks_first_and_changes_nothing(
    opportunity, expert, django_capture_on_commit_callbacks
):
    _invite(opportunity, expert, django_capture_on_commit_callbacks)
    path = _link(mail.outbox[0])
    anonymous = Client()
    for method in (anonymous.get, anonymous.head):  # a link scanner or preview
        assert method(path).status_code == 200
    assert preference_for(user=expert.user).invitation_emails is True
    page = anonymous.get(path).content.decode()
    assert "Stop these emails?" in page
    assert "invitations to take part" in page
    assert f'action="{path}"' in page


def test_the_rfc_8058_post_stops_the_kind_without_signing_in(
    opportunity, expert, django_capture_on_commit_callbacks
):
    _invite(opportunity, expert, django_capture_on_commit_callbacks)
    path = _link(mail.outbox[0])
    mail_client = Client(enforce_csrf_checks=True)  # no cookie, no CSRF token
    for _ in range(2):  # idempotent
        response = mail_client.post(
            path,
            data="List-Unsubscribe=One-Click",
            content_type="application/x-www-form-urlencoded",
        )
        assert response.status_code == 200
    preference = NotificationPreference.objects.get(user=expert.user)
    assert preference.invitation_emails is False
    assert preference.decision_emails is True  # only this kind

    mail.outbox.clear()
    other = opportunity.__class__.objects.create(
        title="Another panel",
        summary="s",
        what_it_involves="w",
        time_commitment="t",
        format=opportunity.format,
        hourly_rate=opportunity.hourly_rate,
        expenses="",
        posted_by=opportunity.posted_by,
    )
    _invite(other, expert, django_capture_on_commit_callbacks)
    assert mail.outbox == []  # the invitation is still made (and shown on the site)


def test_other_forms_still_need_csrf(client, expert):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(expert.user)
    response = strict.post("/notifications/preferences/", {"decision_emails": ""})
    assert response.status_code == 403


def test_a_changed_token_is_refused_and_changes_nothing(expert):
    path = re.sub(
        r"^https?://[^/]+",
        "",
        unsubscribe_url(email="priya@example.org", kind=Kind.INVITATIONS),
    )
    forged = path.replace("/emails/unsubscribe/", "/emails/unsubscribe/x")
    response = Client().post(forged)
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert preference_for(user=expert.user).invitation_emails is True


def test_an_address_without_an_account_can_stop_receipts():
    path = re.sub(
        r"^https?://[^/]+", "", unsubscribe_url(email="Dev.Anon@example.org", kind=Kind.RECEIPTS)
    )
    assert Client().post(path).status_code == 200
    assert Client().post(path).status_code == 200
    assert EmailSuppression.objects.filter(kind=Kind.RECEIPTS).count() == 1


def test_preferences_per_kind_are_saved(client, expert):
    client.force_login(expert.user)
    page = client.get("/notifications/").content.decode()
    for label in ("invited to take part", "Remind me a day and an hour", "one email a week"):
        assert label in page
    client.post(
        "/notifications/preferences/",
        {"decision_emails": "on", "reminder_emails": "on", "weekly_digest": "on"},
    )
    preference = NotificationPreference.objects.get(user=expert.user)
    assert preference.decision_emails and preference.reminder_emails and preference.weekly_digest
    assert not preference.invitation_emails and not preference.session_emails


def test_a_weekly_digest_instead_of_single_emails(
    role_user, opportunity, expert, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=expert.user, weekly_digest=True)
    _invite(opportunity, expert, django_capture_on_commit_callbacks)
    assert mail.outbox == []  # held for the digest
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_weekly_digests", stdout=io.StringIO())
    [digest] = mail.outbox
    assert digest.to == ["priya@example.org"]
    assert "Join the short breaks panel" in digest.body
    assert "/emails/unsubscribe/" in digest.extra_headers["List-Unsubscribe"]
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_weekly_digests", stdout=io.StringIO())
    assert len(mail.outbox) == 1  # each held email goes out in one digest only
