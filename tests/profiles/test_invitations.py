"""Expressing interest, inviting, and accepting or declining, with the permission checks."""

import pytest
from django.contrib.auth.models import Group

from coproduce.accounts import roles
from engagement.models import ExpressionOfInterest, Invitation
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def opportunity(role_user):
    return factories.OpportunityFactory(
        title="Join the personal health budgets co-production group",
        posted_by=role_user(roles.COMMISSIONER),
    )


@pytest.fixture
def expert_profile(role_user):
    return factories.ExpertProfileFactory(user=role_user(roles.EXPERT), display_name="Priya")


def test_expert_expresses_interest_once(client, opportunity, expert_profile):
    client.force_login(expert_profile.user)
    url = f"/opportunities/{opportunity.pk}/interest/"
    assert client.post(url, {"message": "I hold a PHB."}).status_code == 302
    assert client.post(url, {"message": "Again"}).status_code == 302
    interest = ExpressionOfInterest.objects.get()
    assert interest.message == "I hold a PHB."
    page = client.get(f"/opportunities/{opportunity.pk}/").content.decode()
    assert "You said you are interested" in page


@pytest.mark.parametrize("role", [roles.PARTICIPANT, roles.FACILITATOR, roles.COMMISSIONER])
def test_others_cannot_express_interest(client, role_user, opportunity, role):
    client.force_login(role_user(role))
    response = client.post(f"/opportunities/{opportunity.pk}/interest/")
    assert response.status_code == 403
    assert not ExpressionOfInterest.objects.exists()


def test_interest_in_a_closed_opportunity_is_refused(client, opportunity, expert_profile):
    opportunity.status = "closed"
    opportunity.save()
    client.force_login(expert_profile.user)
    assert client.post(f"/opportunities/{opportunity.pk}/interest/").status_code == 403


def test_commissioner_invites_and_expert_accepts(client, opportunity, expert_profile):
    client.force_login(opportunity.posted_by)
    url = f"/opportunities/{opportunity.pk}/invite/{expert_profile.pk}/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"message": "Your PHB experience would help."})
    assert response.status_code == 302
    client.post(url, {"message": "Twice"})  # a double click invites once
    invitation = Invitation.objects.get()
    assert invitation.status == Invitation.Status.PENDING

    client.force_login(expert_profile.user)
    listing = client.get("/opportunities/invitations/").content.decode()
    assert "Join the personal health budgets co-production group" in listing
    reply = f"/opportunities/invitations/{invitation.pk}/"
    assert "Your PHB experience would help." in client.get(reply).content.decode()
    assert client.post(reply, {"answer": "accept"}).status_code == 302
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.ACCEPTED
    assert invitation.responded_at is not None


def test_expert_declines_and_cannot_change_the_answer_by_resubmitting(
    client, opportunity, expert_profile
):
    invitation = factories.InvitationFactory(opportunity=opportunity, profile=expert_profile)
    client.force_login(expert_profile.user)
    reply = f"/opportunities/invitations/{invitation.pk}/"
    client.post(reply, {"answer": "decline"})
    response = client.post(reply, {"answer": "accept"})
    assert response.status_code == 200
    assert "You have already answered" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.DECLINED


def test_a_missing_answer_is_an_error_not_a_decline(client, opportunity, expert_profile):
    invitation = factories.InvitationFactory(opportunity=opportunity, profile=expert_profile)
    client.force_login(expert_profile.user)
    response = client.post(f"/opportunities/invitations/{invitation.pk}/", {})
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


@pytest.mark.parametrize(
    "role", [roles.PARTICIPANT, roles.EXPERT, roles.FACILITATOR, roles.COMMISSIONER]
)
def test_nobody_else_answers_an_invitation(client, role_user, opportunity, expert_profile, role):
    invitation = factories.InvitationFactory(opportunity=opportunity, profile=expert_profile)
    client.force_login(role_user(role))
    response = client.post(f"/opportunities/invitations/{invitation.pk}/", {"answer": "accept"})
    assert response.status_code == 404
    invitation.refresh_from_db()
    assert invitation.status == Invitation.Status.PENDING


@pytest.mark.parametrize("role", [roles.PARTICIPANT, roles.EXPERT, roles.EDITOR])
def test_only_commissioners_and_facilitators_invite(
    client, role_user, opportunity, expert_profile, role
):
    client.force_login(role_user(role))
    url = f"/opportunities/{opportunity.pk}/invite/{expert_profile.pk}/"
    assert client.post(url, {}).status_code == 403
    assert not Invitation.objects.exists()


def test_a_private_profile_cannot_be_invited(client, opportunity, role_user):
    hidden = factories.ExpertProfileFactory(visibility="private")
    client.force_login(opportunity.posted_by)
    url = f"/opportunities/{opportunity.pk}/invite/{hidden.pk}/"
    assert client.post(url, {}).status_code == 404
    assert not Invitation.objects.exists()


def test_commissioner_posts_an_opportunity(client, role_user, term):
    client.force_login(role_user(roles.COMMISSIONER))
    response = client.post(
        "/opportunities/new/",
        {
            "title": "Sit on a recruitment panel for the new short breaks provider",
            "summary": "Interview the bidders.",
            "what_it_involves": "Read the bids, then one day of interviews.",
            "time_commitment": "One day",
            "format": "in_person",
            "hourly_rate": "20.00",
            "expenses": "Travel paid.",
            "experience_areas": [term("carer").pk],
            "times_needed": ["weekday_daytime"],
        },
    )
    assert response.status_code == 302
    listing = client.get("/opportunities/").content.decode()
    assert "Sit on a recruitment panel" in listing


def test_bad_opportunity_input_keeps_what_was_typed(client, role_user):
    client.force_login(role_user(roles.COMMISSIONER))
    response = client.post(
        "/opportunities/new/", {"title": "Panel for day opportunities", "hourly_rate": "lots"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "nhsuk-error-summary" in page
    assert 'value="Panel for day opportunities"' in page


@pytest.mark.parametrize("role", [roles.PARTICIPANT, roles.EXPERT, roles.FACILITATOR])
def test_only_commissioners_post(client, role_user, role):
    client.force_login(role_user(role))
    assert client.get("/opportunities/new/").status_code == 403


def test_the_poster_closes_an_opportunity(client, opportunity):
    client.force_login(opportunity.posted_by)
    assert (
        "Close this opportunity" in client.get(f"/opportunities/{opportunity.pk}/").content.decode()
    )
    assert client.post(f"/opportunities/{opportunity.pk}/close/").status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.status == "closed"
    client.logout()
    # Closed opportunities leave the public list and their page.
    assert "personal health budgets" not in client.get("/opportunities/").content.decode()
    assert client.get(f"/opportunities/{opportunity.pk}/").status_code == 404


@pytest.mark.parametrize("role", [roles.EXPERT, roles.FACILITATOR, roles.COMMISSIONER])
def test_nobody_else_closes_it(client, role_user, opportunity, role):
    client.force_login(role_user(role))
    assert client.post(f"/opportunities/{opportunity.pk}/close/").status_code == 403
    opportunity.refresh_from_db()
    assert opportunity.status == "open"


def test_interest_with_a_private_profile_says_the_commissioner_cannot_see_it(client, opportunity):
    profile = factories.ExpertProfileFactory(visibility="private")
    profile.user.groups.add(*Group.objects.filter(name=roles.EXPERT))
    client.force_login(profile.user)
    client.post(f"/opportunities/{opportunity.pk}/interest/")
    page = client.get(f"/opportunities/{opportunity.pk}/").content.decode()
    assert "only you can see your profile" in page


def test_too_long_a_message_is_an_error_and_keeps_the_text(client, opportunity, expert_profile):
    client.force_login(expert_profile.user)
    response = client.post(f"/opportunities/{opportunity.pk}/interest/", {"message": "x" * 2001})
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.content.decode()
    assert "x" * 2001 in response.content.decode()
    assert not ExpressionOfInterest.objects.exists()
