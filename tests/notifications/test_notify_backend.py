"""The GOV.UK Notify email backend, with GDS's own client, against a local HTTP server that
speaks the part of Notify's API the backend uses (the real service needs a key CI does not
have). The server checks each request's JWT as Notify does and records what it was asked to
send; the emails come from the product's own outbox, as in production."""

import json
import logging
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
from django.test import override_settings

from coproduce.notifications.models import OutgoingEmail
from coproduce.notifications.notify_backend import NotifyEmailBackend
from coproduce.notifications.services import email_store, outgoing_email_send
from engagement.profiles.services.opportunities import invitation_send

pytestmark = pytest.mark.django_db

SERVICE_ID = str(uuid.uuid4())
SECRET = str(uuid.uuid4())
API_KEY = f"coproduce_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = str(uuid.uuid4())


class FakeNotify(ThreadingHTTPServer):
    def __init__(self):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.received: list[dict] = []
        self.answer_status = 201

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        server: FakeNotify = self.server
        token = self.headers.get("Authorization", "").removeprefix("Bearer ")
        try:
            claims = jwt.decode(token, SECRET, algorithms=["HS256"])
            assert claims["iss"] == SERVICE_ID
        except Exception:  # noqa: BLE001 - any bad token is Notify's 403
            return self._answer(403, {"errors": [{"error": "AuthError"}]})
        if self.path != "/v2/notifications/email":
            return self._answer(404, {"errors": [{"error": "NotFound"}]})
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        if server.answer_status != 201:
            return self._answer(server.answer_status, {"errors": [{"error": "Exception"}]})
        server.received.append(body)
        return self._answer(201, {"id": str(uuid.uuid4()), "content": {}})

    def _answer(self, status, payload):
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


@pytest.fixture
def notify():
    server = FakeNotify()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with override_settings(
        EMAIL_BACKEND="coproduce.notifications.notify_backend.NotifyEmailBackend",
        NOTIFY_API_KEY=API_KEY,
        NOTIFY_TEMPLATE_ID=TEMPLATE_ID,
        NOTIFY_BASE_URL=server.url,
        WAGTAILADMIN_BASE_URL="https://coproduce.example.org",
    ):
        yield server
    server.shutdown()
    server.server_close()


def test_an_invitation_goes_through_notify_with_its_one_click_unsubscribe(
    notify, opportunity, expert, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(opportunity=opportunity, profile=expert, invited_by=opportunity.posted_by)
    email = OutgoingEmail.objects.get()
    assert email.sent_at is not None and email.attempts == 0
    [sent] = notify.received
    assert sent["email_address"] == "priya@example.org"
    assert sent["template_id"] == TEMPLATE_ID
    assert sent["personalisation"]["subject"] == email.subject
    assert "Join the short breaks panel" in sent["personalisation"]["body"]
    # Notify makes the List-Unsubscribe headers from this; it is the link in the email too.
    url = sent["one_click_unsubscribe_url"]
    assert url.startswith("https://coproduce.example.org/")
    assert url in sent["personalisation"]["body"]


def test_notify_failing_keeps_the_email_for_the_next_try(notify, caplog):
    notify.answer_status = 500
    email = email_store(kind="transactional", to="sam@example.org", subject="Hi", body="Body")
    with caplog.at_level(logging.WARNING):
        outcome = outgoing_email_send(email_id=email.pk)
    email.refresh_from_db()
    assert not outcome.sent and outcome.retry_after is not None
    assert email.sent_at is None and email.attempts == 1 and "500" in email.last_error
    assert notify.received == []

    notify.answer_status = 201  # Notify is back
    assert outgoing_email_send(email_id=email.pk).sent
    assert [r["email_address"] for r in notify.received] == ["sam@example.org"]
    # A transactional email offers no unsubscribe, so none is passed on.
    assert notify.received[0].get("one_click_unsubscribe_url") is None


def test_a_wrong_key_is_an_error_not_a_silent_drop(notify, settings):
    settings.NOTIFY_API_KEY = f"coproduce_test-{SERVICE_ID}-{uuid.uuid4()}"
    email = email_store(kind="transactional", to="sam@example.org", subject="Hi", body="Body")
    assert not outgoing_email_send(email_id=email.pk).sent
    email.refresh_from_db()
    assert email.sent_at is None and "403" in email.last_error


def test_each_person_is_one_request_and_an_attachment_is_logged_not_sent(notify, caplog):
    message = EmailMessage("Session moved", "See the session page.", to=["a@example.org"])
    message.cc = ["b@example.org"]
    message.attach("session.ics", "BEGIN:VCALENDAR", "text/calendar")
    with caplog.at_level(logging.WARNING):
        assert NotifyEmailBackend().send_messages([message]) == 1
    assert [r["email_address"] for r in notify.received] == ["a@example.org", "b@example.org"]
    assert any("session.ics" in r.getMessage() for r in caplog.records)


def test_missing_settings_are_named(settings):
    settings.NOTIFY_API_KEY = ""
    settings.NOTIFY_TEMPLATE_ID = ""
    with pytest.raises(ImproperlyConfigured, match="NOTIFY_API_KEY"):
        NotifyEmailBackend()
