"""Calendar files (RFC 5545, parsed back with icalendar) and reminders sent once each."""

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from coproduce.accounts import roles
from coproduce.notifications.models import NotificationPreference, OutgoingEmail
from coproduce.notifications.tasks import send_outgoing_email
from deliberation.models import Session
from deliberation.services import (
    session_attendance_save,
    session_registration_sync,
    session_reminders_queue,
)
from tests import factories

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
LINK = "https://meet.example.org/phb-secret-room"


@pytest.fixture
def member(role_user):
    return role_user(roles.EXPERT, display_name="Asha", email="asha@example.org")


@pytest.fixture
def session(member):
    group = factories.CoproductionGroupFactory(members=[member])
    # 10:30 in London in summer (BST, UTC+1): 09:30 UTC.
    return factories.SessionFactory(
        group=group,
        title="Wheelchair budgets",
        status="scheduled",
        scheduled_at=datetime(2027, 7, 1, 10, 30, tzinfo=LONDON),
        duration_minutes=90,
        venue_name="Town Hall",
        venue_address="1 High Street",
        online_link=LINK,
    )


def _register(session, user):
    session_attendance_save(
        session=session,
        user=user,
        attending=True,
    )
    return session_registration_sync(session=session, user=user)


def _event(ics: bytes):
    calendar = Calendar.from_ical(ics)
    [event] = calendar.walk("VEVENT")
    return calendar, event


def test_the_download_is_a_valid_calendar_in_london_time(client, session, member):
    client.force_login(member)
    response = client.get(reverse("deliberation:session_calendar", args=[session.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    calendar, event = _event(response.content)
    assert calendar["VERSION"] == "2.0"
    start = event.decoded("DTSTART")
    assert start == datetime(2027, 7, 1, 10, 30, tzinfo=LONDON)
    assert str(start.tzinfo) == "Europe/London"
    assert event["DTSTART"].params["TZID"] == "Europe/London"
    assert event.decoded("DTEND") - start == timedelta(minutes=90)
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/London"
    assert str(event["UID"]) == f"session-{session.pk}@127.0.0.1"  # WAGTAILADMIN_BASE_URL's host
    assert LINK not in response.content.decode()  # no place yet
    assert "Town Hall" in str(event["LOCATION"])


def test_the_page_has_the_download_button(client, session, member):
    client.force_login(member)
    page = client.get(reverse("deliberation:session_room", args=[session.pk])).content.decode()
    assert f'href="{reverse("deliberation:session_calendar", args=[session.pk])}"' in page


def test_registration_email_carries_the_calendar_file(
    session, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _register(session, member)
    [message] = mail.outbox
    filename, content, mimetype = message.attachments[0]
    assert filename == f"session-{session.pk}.ics" and mimetype.startswith("text/calendar")
    calendar, event = _event(content.encode() if isinstance(content, str) else content)
    assert str(calendar["METHOD"]) == "REQUEST"
    assert event["SEQUENCE"] == 0
    assert LINK in str(event["DESCRIPTION"])  # a place: the link is in their calendar


def test_an_update_then_a_cancellation_keep_the_uid_and_raise_the_sequence(
    session, member, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _register(session, member)
    _calendar, first = _event(mail.outbox[0].attachments[0][1].encode())
    mail.outbox.clear()

    moved = Session.objects.get(pk=session.pk)  # as the admin loads and saves it
    moved.scheduled_at = datetime(2027, 7, 2, 14, 0, tzinfo=LONDON)
    with django_capture_on_commit_callbacks(execute=True):
        moved.save()
    [update] = mail.outbox
    assert update.subject.startswith("Changed")
    calendar, changed = _event(update.attachments[0][1].encode())
    assert str(calendar["METHOD"]) == "REQUEST"
    assert changed["UID"] == first["UID"]
    assert changed["SEQUENCE"] > first["SEQUENCE"]
    assert changed.decoded("DTSTART") == datetime(2027, 7, 2, 14, 0, tzinfo=LONDON)

    mail.outbox.clear()
    cancelled = Session.objects.get(pk=session.pk)
    cancelled.cancelled = True
    with django_capture_on_commit_callbacks(execute=True):
        cancelled.save()
    [cancel] = mail.outbox
    calendar, gone = _event(cancel.attachments[0][1].encode())
    assert str(calendar["METHOD"]) == "CANCEL"
    assert str(gone["STATUS"]) == "CANCELLED"
    assert gone["UID"] == first["UID"]
    assert gone["SEQUENCE"] > changed["SEQUENCE"]


def test_saving_without_a_change_tells_nobody(session, member, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _register(session, member)
    mail.outbox.clear()
    again = Session.objects.get(pk=session.pk)
    with django_capture_on_commit_callbacks(execute=True):
        again.save()
    assert mail.outbox == []


def test_reminders_a_day_and_an_hour_before_sent_once_each(
    session, member, django_capture_on_commit_callbacks
):
    _register(session, member)
    mail.outbox.clear()
    start = session.scheduled_at
    with django_capture_on_commit_callbacks(execute=True):
        assert session_reminders_queue(now=start - timedelta(days=2)) == 0
        assert session_reminders_queue(now=start - timedelta(hours=23)) == 1
        # The scheduler runs again, twice, before the hour reminder is due: nothing more.
        assert session_reminders_queue(now=start - timedelta(hours=20)) == 0
        assert session_reminders_queue(now=start - timedelta(hours=2)) == 0
        assert session_reminders_queue(now=start - timedelta(minutes=50)) == 1
        assert session_reminders_queue(now=start - timedelta(minutes=10)) == 0
    subjects = [m.subject for m in mail.outbox]
    assert subjects == ["Tomorrow: Wheelchair budgets", "In an hour: Wheelchair budgets"]
    assert all(LINK in m.body for m in mail.outbox)
    assert all("List-Unsubscribe" in m.extra_headers for m in mail.outbox)

    # The worker retries every task: each reminder is still sent once.
    for email in OutgoingEmail.objects.filter(kind="reminders"):
        send_outgoing_email.call(email_id=email.pk)
        send_outgoing_email.call(email_id=email.pk)
    assert len(mail.outbox) == 2


def test_the_reminder_command_and_people_who_turned_reminders_off(
    session, member, role_user, django_capture_on_commit_callbacks
):
    other = role_user(roles.EXPERT, email="ben@example.org")
    session.group.members.add(other)
    _register(session, member)
    _register(session, other)
    NotificationPreference.objects.create(user=other, reminder_emails=False)
    Session.objects.filter(pk=session.pk).update(
        scheduled_at=timezone.now() + timedelta(minutes=30)
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_session_reminders", stdout=io.StringIO())
        call_command("send_session_reminders", stdout=io.StringIO())
    assert [m.to for m in mail.outbox] == [["asha@example.org"]]


def test_a_reminder_comes_in_easy_read_when_the_passport_asks_for_it(
    session, member, role_user, django_capture_on_commit_callbacks
):
    other = role_user(roles.EXPERT, email="ben@example.org")
    session.group.members.add(other)
    factories.PassportFactory(user=member, contact_format="easy_read")
    factories.PassportFactory(user=other, contact_format="standard")
    _register(session, member)
    _register(session, other)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert session_reminders_queue(now=session.scheduled_at - timedelta(minutes=50)) == 2
    body = {m.to[0]: m.body for m in mail.outbox}
    assert "Your meeting starts soon." in body["asha@example.org"]
    assert "starts in about an hour" not in body["asha@example.org"]
    assert "starts in about an hour" in body["ben@example.org"]
    assert "Your meeting starts soon." not in body["ben@example.org"]
    assert all(LINK in text for text in body.values())
