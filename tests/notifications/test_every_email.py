"""Every email the product sends to people carries a one-click unsubscribe link and the RFC 8058
headers. The only emails without them are listed in TRANSACTIONAL_PATHS, each with its reason:
a person asked for it a moment ago, or it goes to the organisation rather than to a person.
A new email path joins one of the two lists."""

import pytest
from django.core import mail

from coproduce.accounts import roles
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


NOTIFICATION_PATHS = [invitation, claim_queried, response_receipt, decision_published]
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
