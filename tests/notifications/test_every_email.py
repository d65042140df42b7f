"""Every email the product sends to people carries a one-click unsubscribe link and the RFC 8058
headers. The only emails without them are listed in TRANSACTIONAL_PATHS, each with its reason:
a person asked for it a moment ago, or it goes to the organisation rather than to a person.
A new email path joins one of the two lists."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from coproduce.accounts import roles
from deliberation.models import Session
from deliberation.services import (
    session_attendance_save,
    session_registration_sync,
    session_reminders_queue,
)
from engagement.consultations.models import FormatRequest
from engagement.consultations.services import (
    format_request_create,
    response_send_resume_link,
    response_start,
    response_submit,
)
from engagement.profiles.services.opportunities import claim_review, invitation_send
from tests import factories

pytestmark = pytest.mark.django_db


def invitation(role_user):
    commissioner = role_user(roles.COMMISSIONER)
    invitation_send(
        opportunity=factories.OpportunityFactory(posted_by=commissioner),
        profile=factories.ExpertProfileFactory(),
        invited_by=commissioner,
    )


def claim_queried(role_user):
    claim_review(
        claim=factories.PaymentClaimFactory(),
        reviewer=role_user(roles.COMMISSIONER),
        approve=False,
        note="Add receipts",
    )


def response_receipt(role_user):
    response = response_start(
        consultation=factories.make_consultation(), respondent=role_user(roles.PARTICIPANT)
    )
    response_submit(response=response)


def decision_published(role_user):
    consultation = factories.make_consultation()
    factories.make_response(
        consultation, respondent=role_user(email="asha@example.org"), wants_updates=True
    )
    factories.make_response(consultation, email="dev.anon@example.org", wants_updates=True)
    factories.make_decision(consultations=[consultation], items=[])


def _session_with(role_user, count, **fields):
    people = [role_user(roles.EXPERT) for _ in range(count)]
    session = factories.SessionFactory(
        group=factories.CoproductionGroupFactory(members=people),
        status="scheduled",
        scheduled_at=timezone.now() + timedelta(hours=5),
        online_link="https://meet.example.org/x",
        **fields,
    )
    return session, people


def _say(session, person, attending=True):
    session_attendance_save(
        session=session,
        user=person,
        attending=attending,
    )
    session_registration_sync(session=session, user=person)


def session_place_waiting_and_freed(role_user):
    session, (asha, ben) = _session_with(role_user, 2, capacity=1)
    _say(session, asha)  # a place
    _say(session, ben)  # the waiting list
    _say(session, asha, attending=False)  # Ben is given the place


def session_changed_and_cancelled(role_user):
    session, (asha,) = _session_with(role_user, 1)
    _say(session, asha)
    loaded = Session.objects.get(pk=session.pk)
    loaded.venue_name = "Library"
    loaded.save()
    loaded = Session.objects.get(pk=session.pk)
    loaded.cancelled = True
    loaded.save()


def session_reminder(role_user):
    session, (asha,) = _session_with(role_user, 1)
    _say(session, asha)
    session_reminders_queue()


def resume_link(role_user):
    response = response_start(consultation=factories.make_consultation(), browser_key="k" * 64)
    response_send_resume_link(
        response=response, email="gwen@example.org", resume_url="https://example.org/r/1/"
    )


def format_request(role_user):
    format_request_create(
        consultation=factories.make_consultation(contact_email="team@example.org"),
        format=FormatRequest.Format.BSL,
        name="Dev Mistry",
        contact="dev@example.org",
    )


NOTIFICATION_PATHS = [
    invitation,
    claim_queried,
    response_receipt,
    decision_published,
    session_place_waiting_and_freed,
    session_changed_and_cancelled,
    session_reminder,
]
TRANSACTIONAL_PATHS = {
    resume_link: "the person typed their address a moment ago to get this link",
    format_request: "it goes to the organisation's contact address, not to a person",
}


@pytest.mark.parametrize("path", NOTIFICATION_PATHS, ids=lambda p: p.__name__)
def test_every_notification_email_carries_the_one_click_headers(
    path, role_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        path(role_user)
    assert mail.outbox, f"{path.__name__} sent nothing"
    for message in mail.outbox:
        url = message.extra_headers["List-Unsubscribe"].strip("<>")
        assert "/emails/unsubscribe/" in url
        assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert url in message.body


@pytest.mark.parametrize("path", list(TRANSACTIONAL_PATHS), ids=lambda p: p.__name__)
def test_transactional_emails_are_the_listed_exceptions(
    path, role_user, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        path(role_user)
    assert mail.outbox
    for message in mail.outbox:
        assert "List-Unsubscribe" not in message.extra_headers
