"""Access and support needs never leak: not on another person's view of the profile, not in the
directory or its search, not among matches, not in the finance export, not in the opportunity
pages. Only the person sees them (and, once groups exist, their groups' facilitators)."""

import pytest

from coproduce.accounts import roles
from engagement.models import PaymentClaim
from tests import factories

from .conftest import VIEWER_ROLES

pytestmark = pytest.mark.django_db

SECRET = "Needs a quiet room because of PTSD flashbacks"


@pytest.fixture
def profile(term):
    area = term("mental-health")
    return factories.ExpertProfileFactory(
        display_name="Ife Adebayo",
        visibility="public",
        access_needs=SECRET,
        experience_areas=[area],
    )


@pytest.mark.parametrize("role", VIEWER_ROLES)
def test_not_on_the_profile_page_for_anyone_else(viewer, client_as, profile, role):
    page = client_as(viewer(role)).get(f"/profiles/{profile.pk}/").content.decode()
    assert "Ife Adebayo" in page
    assert SECRET not in page
    assert "Access and support needs" not in page


def test_the_person_sees_their_own(client, profile):
    client.force_login(profile.user)
    assert SECRET in client.get("/profiles/me/").content.decode()


@pytest.mark.parametrize("role", [roles.FACILITATOR, roles.COMMISSIONER])
def test_not_in_the_directory_nor_findable_by_search(role_user, client, profile, role):
    client.force_login(role_user(role))
    listing = client.get("/directory/").content.decode()
    assert "Ife Adebayo" in listing
    assert SECRET not in listing
    found = client.get("/directory/", {"q": "PTSD flashbacks"}).content.decode()
    assert "Ife Adebayo" not in found


def test_not_among_matches(role_user, client, profile, term):
    opportunity = factories.OpportunityFactory(experience_areas=[term("mental-health")])
    client.force_login(role_user(roles.COMMISSIONER))
    page = client.get(f"/opportunities/{opportunity.pk}/matches/").content.decode()
    assert "Ife Adebayo" in page
    assert SECRET not in page


def test_not_in_the_finance_export(role_user, client, profile):
    opportunity = factories.OpportunityFactory()
    factories.InvitationFactory(opportunity=opportunity, profile=profile, status="accepted")
    factories.PaymentClaimFactory(
        opportunity=opportunity, claimant=profile.user, status=PaymentClaim.Status.APPROVED
    )
    client.force_login(role_user(roles.COMMISSIONER))
    export = client.get("/claims/approved.csv").content.decode()
    assert profile.user.email in export
    assert SECRET not in export


def test_withdrawing_consent_deletes_them(client, profile):
    client.force_login(profile.user)
    client.post("/profiles/me/consent/access_needs/withdraw/")
    profile.refresh_from_db()
    assert profile.access_needs == ""
    assert SECRET not in client.get("/profiles/me/").content.decode()


def test_the_facilitator_of_a_group_the_person_belongs_to_sees_them(facilitator, profile):
    assert not facilitator.has_perm("engagement.view_access_needs", profile)
    factories.CoproductionGroupFactory(members=[profile.user], facilitators=[facilitator])
    assert facilitator.has_perm("engagement.view_access_needs", profile)


def test_the_facilitator_of_another_group_does_not(facilitator, role_user, profile):
    factories.CoproductionGroupFactory(
        members=[role_user(roles.EXPERT)], facilitators=[facilitator]
    )
    assert not facilitator.has_perm("engagement.view_access_needs", profile)
