"""Access needs never leak. They live in the involvement passport (coproduce.passport); every
field of it stays off another person's view of the profile, the directory and its search, the
matches, the finance export, the open-data API, the group and session pages, and the
preparation list of any session the person did not choose to share it with. Only the person
sees their passport; a session's facilitators see exactly what was shared for that session."""

import pytest
from django.urls import reverse

from coproduce.accounts import roles
from coproduce.passport.models import NEEDS, Passport
from deliberation import services as room_services
from engagement.models import PaymentClaim
from tests import factories

from .conftest import VIEWER_ROLES

pytestmark = pytest.mark.django_db

# One unmistakable value per text field of the passport.
SECRETS = {
    "interpreter_language": "Kurmanji Kurdish Zzyzx",
    "dietary": "Coeliac and no sesame Zzyzx",
    "other_needs": "Needs a quiet room because of PTSD flashbacks",
}
# The ticked needs, the contact and payment choices, as their labels would show.
TICKS = {need.key: True for need in NEEDS if not need.is_text}
TICK_LABELS = [str(need.label) for need in NEEDS if not need.is_text]
CHOICES = {"contact_method": "post", "contact_format": "audio", "payment_preference": "declined"}
CHOICE_LABELS = ["Letter, by post", "I do not want to be paid for my time"]


def _leaks(text: str) -> list[str]:
    return [s for s in [*SECRETS.values(), *TICK_LABELS, *CHOICE_LABELS] if s in text]


@pytest.fixture
def profile(term):
    area = term("mental-health")
    profile = factories.ExpertProfileFactory(
        display_name="Ife Adebayo", visibility="public", experience_areas=[area]
    )
    factories.PassportFactory(user=profile.user, **TICKS, **SECRETS, **CHOICES)
    return profile


def test_every_field_is_covered():
    """A new passport field must be added to this file's secrets, ticks or choices."""
    covered = {*SECRETS, *TICKS, *CHOICES}
    bookkeeping = {"id", "user", "privacy_notice_version", "consent_given_at"}
    bookkeeping |= {"created_at", "updated_at"}
    fields = {f.name for f in Passport._meta.concrete_fields}
    assert fields - bookkeeping == covered


@pytest.mark.parametrize("role", VIEWER_ROLES)
def test_not_on_the_profile_page_for_anyone_else(viewer, client_as, profile, role):
    page = client_as(viewer(role)).get(f"/profiles/{profile.pk}/").content.decode()
    assert "Ife Adebayo" in page
    assert _leaks(page) == []
    assert "Access and support needs" not in page


def test_the_person_sees_their_own(client, profile):
    client.force_login(profile.user)
    page = client.get("/my/passport/").content.decode()
    for secret in SECRETS.values():
        assert secret in page


@pytest.mark.parametrize("role", [roles.FACILITATOR, roles.COMMISSIONER])
def test_not_in_the_directory_nor_findable_by_search(role_user, client, profile, role):
    client.force_login(role_user(role))
    listing = client.get("/directory/").content.decode()
    assert "Ife Adebayo" in listing
    assert _leaks(listing) == []
    for words in ("PTSD flashbacks", "Kurmanji", "sesame"):
        found = client.get("/directory/", {"q": words}).content.decode()
        assert "Ife Adebayo" not in found


def test_not_among_matches(role_user, client, profile, term):
    opportunity = factories.OpportunityFactory(experience_areas=[term("mental-health")])
    client.force_login(role_user(roles.COMMISSIONER))
    page = client.get(f"/opportunities/{opportunity.pk}/matches/").content.decode()
    assert "Ife Adebayo" in page
    assert _leaks(page) == []


def test_not_in_the_finance_export(role_user, client, profile):
    opportunity = factories.OpportunityFactory()
    factories.InvitationFactory(opportunity=opportunity, profile=profile, status="accepted")
    factories.PaymentClaimFactory(
        opportunity=opportunity, claimant=profile.user, status=PaymentClaim.Status.APPROVED
    )
    client.force_login(role_user(roles.COMMISSIONER))
    export = client.get("/claims/approved.csv").content.decode()
    assert profile.user.email in export
    assert _leaks(export) == []


def test_not_in_the_open_data_api(client, profile):
    factories.make_consultation()
    factories.make_decision()
    for path in ("/api/v1/consultations", "/api/v1/decisions"):
        response = client.get(path)
        assert response.status_code == 200
        assert _leaks(response.content.decode()) == []


def test_not_on_group_or_session_pages_nor_unshared_preparation_lists(client, profile, role_user):
    facilitator = role_user(roles.FACILITATOR)
    other_member = role_user(roles.EXPERT, display_name="Priya")
    group = factories.CoproductionGroupFactory(
        members=[profile.user, other_member], facilitators=[facilitator]
    )
    shared = factories.SessionFactory(group=group, status="scheduled")
    unshared = factories.SessionFactory(group=group, status="scheduled")
    for session, keys in ((shared, ["other_needs"]), (unshared, [])):
        room_services.session_attendance_save(
            session=session, user=profile.user, attending=True, shared_needs=keys
        )
    client.force_login(other_member)
    for url in (group.get_absolute_url(), shared.get_absolute_url()):
        assert _leaks(client.get(url).content.decode()) == []
    client.force_login(facilitator)
    page = client.get(reverse("deliberation:session_preparation", args=[unshared.pk])).text
    assert "Ife Adebayo" in page or profile.user.public_name in page
    assert _leaks(page) == []
    # What was shared, and only that, reaches this session's facilitators.
    page = client.get(reverse("deliberation:session_preparation", args=[shared.pk])).text
    assert _leaks(page) == [SECRETS["other_needs"]]


def test_withdrawing_the_profiles_access_needs_consent_deletes_the_passport(client, profile):
    client.force_login(profile.user)
    client.post("/profiles/me/consent/access_needs/withdraw/")
    assert not Passport.objects.filter(user=profile.user).exists()


def test_withdrawing_consent_deletes_them(client, profile):
    client.force_login(profile.user)
    assert client.post(reverse("passport:delete")).status_code == 302
    assert not Passport.objects.filter(user=profile.user).exists()
    page = client.get("/my/passport/").content.decode()
    assert [s for s in SECRETS.values() if s in page] == []
