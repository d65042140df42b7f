"""The involvement record and badges, counted from what the person did."""

from decimal import Decimal

import pytest

from coproduce.accounts import roles
from engagement.profiles.selectors import involvement_record
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile(role_user):
    return factories.ExpertProfileFactory(
        user=role_user(roles.EXPERT), display_name="Dev", visibility="public"
    )


def test_empty_record_has_no_badges(profile):
    record = involvement_record(user=profile.user)
    assert record.is_empty
    assert record.badges == []


def test_counts_accepted_invitations_and_approved_hours_only(profile):
    for status in ("accepted", "accepted", "declined", "pending"):
        factories.InvitationFactory(profile=profile, status=status)
    for status, hours in (("approved", "6"), ("approved", "4.5"), ("submitted", "20")):
        factories.PaymentClaimFactory(claimant=profile.user, status=status, hours=Decimal(hours))
    record = involvement_record(user=profile.user)
    assert len(record.opportunities_taken_up) == 2
    assert record.approved_hours == Decimal("10.5")
    assert [b.slug for b in record.badges] == ["first-step", "ten-hours"]


def test_record_on_profile_only_when_the_person_chooses(client, profile):
    factories.InvitationFactory(profile=profile, status="accepted")
    page = client.get(f"/profiles/{profile.pk}/").content.decode()
    assert "Involvement record" not in page
    profile.show_involvement_record = True
    profile.save()
    page = client.get(f"/profiles/{profile.pk}/").content.decode()
    assert "Involvement record" in page
    assert "First step" in page


def test_one_page_download(client, profile):
    factories.InvitationFactory(
        profile=profile, status="accepted", opportunity__title="Day opportunities review"
    )
    client.force_login(profile.user)
    response = client.get("/profiles/me/record/download/")
    assert "attachment" in response["Content-Disposition"]
    text = response.content.decode()
    assert "Involvement record: Dev" in text
    assert "Day opportunities review" in text
    assert "<script" not in text and "<style" not in text and "style=" not in text


def test_counts_consultations_answered_sessions_and_groups(profile):
    consultation = factories.make_consultation()
    factories.make_response(consultation, respondent=profile.user)
    factories.make_response(
        factories.make_consultation(title="Day opportunities"),
        respondent=profile.user,
        submitted=False,
    )
    group = factories.CoproductionGroupFactory(members=[profile.user])
    session = factories.SessionFactory(group=group)
    session.participants.create(user=profile.user)

    record = involvement_record(user=profile.user)

    assert (record.consultations_answered, record.sessions_attended, record.groups_joined) == (
        1,
        1,
        1,
    )
    assert not record.is_empty
