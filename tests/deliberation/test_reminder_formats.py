"""Reminders in the person's chosen format (issue 15): large print carries an HTML alternative in
large type; audio and BSL video cannot be made, so the reminder says in plain words who will
contact them, and the facilitators' preparation list gains a to-do naming the people who chose
audio or BSL and shared it for this session (nothing without that choice)."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse

from coproduce.accounts import roles
from coproduce.notifications.models import OutgoingEmail
from coproduce.notifications.tasks import send_outgoing_email
from coproduce.passport.models import Passport
from deliberation.models import CONTACT_IN_FORMAT, Session, SessionAttendance
from deliberation.services import (
    session_attendance_save,
    session_registration_sync,
    session_reminders_queue,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def scheduled(room):
    Session.objects.filter(pk=room.session.pk).update(
        status="scheduled", title="Wheelchair budgets"
    )
    room.session.refresh_from_db()
    return room


def _come(session, user, shared=()):
    session_attendance_save(session=session, user=user, attending=True, shared_needs=shared)
    session_registration_sync(session=session, user=user)


def _reminders(session, capture):
    mail.outbox.clear()
    with capture(execute=True):
        session_reminders_queue(now=session.scheduled_at - timedelta(minutes=50))
    return {m.to[0]: m for m in mail.outbox}


def _todo(client, room) -> list[str]:
    client.force_login(room.facilitator)
    response = client.get(reverse("deliberation:session_preparation", args=[room.session.pk]))
    assert response.status_code == 200
    soup = BeautifulSoup(response.text, "html.parser")
    todo = soup.find("ul", class_="coproduce-preparation-todo")
    return [li.get_text(" ", strip=True) for li in todo.find_all("li")] if todo else []


# --- Large print --------------------------------------------------------------------------------


def test_a_large_print_reminder_has_the_large_type_alternative_and_is_sent_once(
    scheduled, django_capture_on_commit_callbacks
):
    member = scheduled.member
    factories.PassportFactory(user=member, contact_format="large_print")
    _come(scheduled.session, member)
    sent = _reminders(scheduled.session, django_capture_on_commit_callbacks)[member.email]
    [(html, mimetype)] = sent.alternatives
    assert mimetype == "text/html"
    soup = BeautifulSoup(html, "html.parser")
    assert soup.h1.get_text() == "In an hour: Wheelchair budgets"
    for paragraph in soup.find_all("p"):
        assert "font-size:18pt" in paragraph["style"].replace(" ", "")
    assert "starts in about an hour" in soup.get_text()

    # The scheduler runs again and the worker retries the task: still one reminder.
    with django_capture_on_commit_callbacks(execute=True):
        assert (
            session_reminders_queue(now=scheduled.session.scheduled_at - timedelta(minutes=40)) == 0
        )
    for email in OutgoingEmail.objects.filter(kind="reminders"):
        send_outgoing_email.call(email_id=email.pk)
        send_outgoing_email.call(email_id=email.pk)
    assert len(mail.outbox) == 1


# --- Audio and BSL ------------------------------------------------------------------------------


def test_audio_shared_the_reminder_says_the_facilitator_will_ring(
    scheduled, django_capture_on_commit_callbacks
):
    member = scheduled.member
    factories.PassportFactory(user=member, contact_format="audio", contact_method="phone")
    _come(scheduled.session, member, shared=[CONTACT_IN_FORMAT])
    body = _reminders(scheduled.session, django_capture_on_commit_callbacks)[member.email].body
    assert "You asked for messages in audio." in body
    assert "We cannot send emails as audio." in body
    assert "The facilitator will ring you before the session, the way you asked." in body
    assert "did not share it" not in body


def test_bsl_not_shared_the_reminder_says_how_to_share_it(
    scheduled, django_capture_on_commit_callbacks
):
    member = scheduled.member
    factories.PassportFactory(user=member, contact_format="bsl", contact_method="email")
    _come(scheduled.session, member)
    body = _reminders(scheduled.session, django_capture_on_commit_callbacks)[member.email].body
    assert "You asked for messages in British Sign Language (BSL)." in body
    assert "We cannot send emails as BSL video." in body
    assert "The facilitator does not know this yet" in body
    assert "Tell us if you are coming" in body
    assert "will contact you" not in body


def test_standard_and_easy_read_reminders_say_nothing_about_formats(
    scheduled, django_capture_on_commit_callbacks
):
    factories.PassportFactory(user=scheduled.member, contact_format="standard")
    factories.PassportFactory(user=scheduled.other_member, contact_format="easy_read")
    _come(scheduled.session, scheduled.member)
    _come(scheduled.session, scheduled.other_member)
    sent = _reminders(scheduled.session, django_capture_on_commit_callbacks)
    assert len(sent) == 2
    for message in sent.values():
        assert "You asked for messages" not in message.body
        assert message.alternatives == []


# --- The facilitators' to-do --------------------------------------------------------------------


def test_the_sharing_form_offers_contact_in_format_only_for_audio_and_bsl(client, scheduled):
    url = reverse("deliberation:session_attendance", args=[scheduled.session.pk])
    passport = factories.PassportFactory(
        user=scheduled.member, contact_format="audio", contact_method="phone"
    )
    client.force_login(scheduled.member)
    page = client.get(url).text
    assert "Contact me before the session in Audio (phone call)" in page
    assert f'value="{CONTACT_IN_FORMAT}"' in page
    # Not ticked until the person ticks it.
    box = page.split(f'value="{CONTACT_IN_FORMAT}"', 1)[1].split(">", 1)[0]
    assert "checked" not in box
    Passport.objects.filter(pk=passport.pk).update(contact_format="large_print")
    assert f'value="{CONTACT_IN_FORMAT}"' not in client.get(url).text


def test_the_todo_names_only_people_who_shared_it_for_this_session(client, scheduled, role_user):
    sam, priya = scheduled.member, scheduled.other_member
    ola = role_user(roles.EXPERT, display_name="Ola")
    scheduled.session.group.members.add(ola)
    factories.PassportFactory(user=sam, contact_format="audio", contact_method="phone")
    factories.PassportFactory(user=priya, contact_format="bsl", contact_method="email")
    factories.PassportFactory(user=ola, contact_format="audio", contact_method="phone")
    client.force_login(sam)
    client.post(
        reverse("deliberation:session_attendance", args=[scheduled.session.pk]),
        {"attending": "yes", "shared_needs": [CONTACT_IN_FORMAT]},
    )
    _come(scheduled.session, priya, shared=[CONTACT_IN_FORMAT])
    _come(scheduled.session, ola)  # coming, audio in the passport, but not shared
    todo = _todo(client, scheduled)
    assert todo[0] == (
        "Ring or contact 2 people before the session in their format: "
        "Priya (British Sign Language video, email); Sam (Audio, phone call)"
    )
    assert not any("Ola" in item for item in todo)
    page = client.get(reverse("deliberation:session_preparation", args=[scheduled.session.pk])).text
    assert "Contact me before the session in Audio (phone call)" in page

    # Another session of the same group: nothing shared there, so nothing shows.
    other = factories.SessionFactory(group=scheduled.session.group, status="scheduled")
    _come(other, sam)
    response = client.get(reverse("deliberation:session_preparation", args=[other.pk]))
    assert "Ring or contact" not in response.text


def test_nothing_without_the_choice_and_nothing_after_the_format_changes(client, scheduled):
    sam = scheduled.member
    passport = factories.PassportFactory(user=sam, contact_format="audio", contact_method="phone")
    _come(scheduled.session, sam)
    assert _todo(client, scheduled) == []
    _come(scheduled.session, sam, shared=[CONTACT_IN_FORMAT])
    assert _todo(client, scheduled) == [
        "Ring or contact 1 person before the session in their format: Sam (Audio, phone call)"
    ]
    # The passport now asks for standard messages: the to-do goes (read through the passport).
    Passport.objects.filter(pk=passport.pk).update(contact_format="standard")
    assert _todo(client, scheduled) == []
    # And a deleted passport forgets every sharing choice.
    Passport.objects.filter(pk=passport.pk).update(contact_format="bsl")
    passport.delete()
    assert SessionAttendance.objects.get(session=scheduled.session, user=sam).shared_needs == []
    assert _todo(client, scheduled) == []


def test_a_standard_passport_cannot_share_contact_in_format(scheduled):
    factories.PassportFactory(user=scheduled.member, contact_format="large_print")
    attendance = session_attendance_save(
        session=scheduled.session,
        user=scheduled.member,
        attending=True,
        shared_needs=[CONTACT_IN_FORMAT, "made_up"],
    )
    assert attendance.shared_needs == []
