"""People hear about what needs them: an invitation, a queried claim. Emails go only after the
change is stored, and never carry access needs."""

import pytest
from django.core import mail

from coproduce.accounts import roles
from engagement.profiles.services.opportunities import claim_review, invitation_send
from tests import factories

pytestmark = pytest.mark.django_db


def test_invitation_email_after_commit(role_user, django_capture_on_commit_callbacks):
    commissioner = role_user(roles.COMMISSIONER)
    profile = factories.ExpertProfileFactory(display_name="Priya")
    factories.PassportFactory(user=profile.user, other_needs="Needs a hearing loop")
    opportunity = factories.OpportunityFactory(title="Short breaks panel", posted_by=commissioner)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        invitation = invitation_send(
            opportunity=opportunity, profile=profile, invited_by=commissioner, message="Hello!"
        )
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [profile.user.email]
    assert "Short breaks panel" in email.subject
    assert f"/opportunities/invitations/{invitation.pk}/" in email.body
    assert "Hello!" in email.body
    assert "hearing loop" not in email.body


def test_inviting_twice_emails_once(role_user, django_capture_on_commit_callbacks):
    commissioner = role_user(roles.COMMISSIONER)
    profile = factories.ExpertProfileFactory()
    opportunity = factories.OpportunityFactory(posted_by=commissioner)
    with django_capture_on_commit_callbacks(execute=True):
        invitation_send(opportunity=opportunity, profile=profile, invited_by=commissioner)
        invitation_send(opportunity=opportunity, profile=profile, invited_by=commissioner)
    assert len(mail.outbox) == 1


def test_queried_claim_email(role_user, django_capture_on_commit_callbacks):
    claim = factories.PaymentClaimFactory()
    with django_capture_on_commit_callbacks(execute=True):
        claim_review(
            claim=claim, reviewer=role_user(roles.COMMISSIONER), approve=False, note="Add receipts"
        )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [claim.claimant.email]
    assert "Add receipts" in mail.outbox[0].body


def test_approved_claim_sends_nothing(role_user, django_capture_on_commit_callbacks):
    claim = factories.PaymentClaimFactory()
    with django_capture_on_commit_callbacks(execute=True):
        claim_review(claim=claim, reviewer=role_user(roles.COMMISSIONER), approve=True)
    assert mail.outbox == []
