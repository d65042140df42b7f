"""Emails are sent by a background task, never inside a request; a failure is retried and
logged, never swallowed."""

import io
import logging
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from coproduce.notifications.models import OutgoingEmail
from coproduce.notifications.services import MAX_ATTEMPTS
from coproduce.notifications.tasks import send_outgoing_email
from engagement.profiles.services.opportunities import invitation_send

pytestmark = pytest.mark.django_db

FAILING = "tests.decisions.failing_mail.FailingBackend"


def test_the_invitation_request_sends_nothing_and_the_task_sends_it(
    client, opportunity, expert, queued_tasks, django_capture_on_commit_callbacks
):
    client.force_login(opportunity.posted_by)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/opportunities/{opportunity.pk}/invite/{expert.pk}/", {"message": "Join us"}
        )
    assert response.status_code == 302
    assert mail.outbox == []  # the request finished without sending anything
    email = OutgoingEmail.objects.get()
    assert email.to == "priya@example.org" and email.sent_at is None
    [queued] = queued_tasks.results
    assert queued.task.name == "send_outgoing_email"
    assert queued.kwargs == {"email_id": email.pk}

    send_outgoing_email.call(**queued.kwargs)  # what the worker does
    [sent] = mail.outbox
    assert sent.to == ["priya@example.org"]
    assert "Join us" in sent.body
    email.refresh_from_db()
    assert email.sent_at is not None


def test_a_rolled_back_change_owes_no_email(opportunity, expert, queued_tasks):
    with pytest.raises(RuntimeError), transaction.atomic():
        invitation_send(opportunity=opportunity, profile=expert, invited_by=opportunity.posted_by)
        raise RuntimeError
    assert not OutgoingEmail.objects.exists()
    assert queued_tasks.results == []


def test_a_failing_mail_server_is_logged_and_retried(
    opportunity, expert, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        invitation_send(opportunity=opportunity, profile=expert, invited_by=opportunity.posted_by)
    email = OutgoingEmail.objects.get()
    assert email.sent_at is None and email.attempts == 1
    assert "SMTP server unavailable" in email.last_error
    assert any(
        r.levelno == logging.WARNING and "will retry" in r.getMessage() for r in caplog.records
    )
    assert mail.outbox == []

    # The mail server is back; the periodic sweep queues what is still owed.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    OutgoingEmail.objects.update(created_at=timezone.now() - timedelta(minutes=5))
    call_command("send_due_notifications", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [["priya@example.org"]]
    call_command("send_due_notifications", stdout=io.StringIO())
    assert len(mail.outbox) == 1  # sent once


def test_after_the_last_attempt_the_email_is_given_up_and_logged_as_an_error(
    opportunity, expert, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(opportunity=opportunity, profile=expert, invited_by=opportunity.posted_by)
    email = OutgoingEmail.objects.get()
    with caplog.at_level(logging.WARNING):
        for _ in range(MAX_ATTEMPTS):
            send_outgoing_email.call(email_id=email.pk)
    email.refresh_from_db()
    assert email.attempts == MAX_ATTEMPTS
    assert email.gave_up_at is not None
    assert any(r.levelno == logging.ERROR and "Gave up" in r.getMessage() for r in caplog.records)


def test_running_the_task_twice_sends_once(opportunity, expert, queued_tasks):
    invitation_send(opportunity=opportunity, profile=expert, invited_by=opportunity.posted_by)
    email = OutgoingEmail.objects.get()
    send_outgoing_email.call(email_id=email.pk)
    send_outgoing_email.call(email_id=email.pk)
    assert len(mail.outbox) == 1


def test_with_the_production_task_backend_a_failure_is_queued_again_later(
    opportunity, expert, settings, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.EMAIL_BACKEND = FAILING
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(opportunity=opportunity, profile=expert, invited_by=opportunity.posted_by)
    [first] = DBTaskResult.objects.all()
    email = OutgoingEmail.objects.get()
    send_outgoing_email.call(email_id=email.pk)  # the worker runs it; the mail server fails
    retry = DBTaskResult.objects.exclude(pk=first.pk).get()
    assert retry.task_path.endswith("send_outgoing_email")
    assert retry.run_after > timezone.now()  # after the back-off, not at once
    assert retry.args_kwargs["kwargs"] == {"email_id": email.pk}
