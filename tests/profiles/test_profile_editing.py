"""Creating and changing a profile, consent recorded and withdrawn."""

import pytest

from coproduce.accounts import roles
from engagement.models import PRIVACY_NOTICE_VERSION, ExpertProfile, ProfileConsent

pytestmark = pytest.mark.django_db


@pytest.fixture
def expert_user(role_user):
    return role_user(roles.EXPERT, display_name="Sam")


def form_data(term, **overrides):
    data = {
        "display_name": "Sam W",
        "bio": "<p>I hold a personal health budget.</p>",
        "experience_areas": [term("personal-health-budgets").pk],
        "other_experience": "multiple sclerosis, wheelchair user",
        "skills": [term("chairing-meetings").pk],
        "localities": [term("northshire-county-council").pk],
        "languages": [term("british-sign-language").pk],
        "availability": ["weekday_evenings"],
        "preferred_formats": ["large_print"],
        "visibility": "staff",
        "consent_to_profile": "on",
    }
    data.update(overrides)
    return data


def test_first_visit_goes_to_the_form(client, expert_user):
    client.force_login(expert_user)
    response = client.get("/profiles/me/")
    assert response.status_code == 302
    assert response["Location"] == "/profiles/me/edit/"
    assert "Create your expertise profile" in client.get("/profiles/me/edit/").content.decode()


def test_create_records_consent_and_everything_typed(client, expert_user, term):
    client.force_login(expert_user)
    response = client.post("/profiles/me/edit/", form_data(term))
    assert response.status_code == 302
    profile = ExpertProfile.objects.get(user=expert_user)
    assert profile.display_name == "Sam W"
    assert profile.visibility == "staff"
    assert profile.availability == ["weekday_evenings"]
    assert profile.preferred_formats == ["large_print"]
    assert [a.slug for a in profile.experience_areas.all()] == ["personal-health-budgets"]
    assert profile.other_experience_tags == ["multiple sclerosis", "wheelchair user"]
    consents = {c.purpose: c for c in ProfileConsent.objects.filter(user=expert_user)}
    assert set(consents) == {"profile"}
    assert consents["profile"].privacy_notice_version == PRIVACY_NOTICE_VERSION
    assert consents["profile"].given_at is not None
    page = client.get("/profiles/me/").content.decode()
    for shown in (
        "Sam W",
        "Personal health budgets",
        "British Sign Language",
        "Large print",
        "Weekday evenings",
        "involvement passport",
    ):
        assert shown in page, shown


def test_without_consent_nothing_is_stored(client, expert_user, term):
    client.force_login(expert_user)
    data = form_data(term)
    del data["consent_to_profile"]
    response = client.post("/profiles/me/edit/", data)
    page = response.content.decode()
    assert "Tick the box to agree, so we can keep your profile" in page
    assert 'value="Sam W"' in page  # nothing typed is lost
    assert not ExpertProfile.objects.exists()


def test_the_profile_form_sends_access_needs_to_the_passport(client, expert_user, term):
    client.force_login(expert_user)
    form = client.get("/profiles/me/edit/").content.decode()
    assert 'name="access_needs"' not in form
    assert 'href="/my/passport/"' in form


def test_editing_later_does_not_ask_for_consent_again(client, expert_user, term):
    client.force_login(expert_user)
    client.post("/profiles/me/edit/", form_data(term))
    form = client.get("/profiles/me/edit/").content.decode()
    assert "consent_to_profile" not in form
    assert 'value="Sam W"' in form
    data = form_data(term, display_name="Sam Whitfield", visibility="public")
    del data["consent_to_profile"]
    assert client.post("/profiles/me/edit/", data).status_code == 302
    profile = ExpertProfile.objects.get()
    assert profile.display_name == "Sam Whitfield"
    assert ProfileConsent.objects.filter(purpose="profile").count() == 1


def test_withdrawing_profile_consent_hides_the_profile(client, expert_user, term):
    client.force_login(expert_user)
    client.post("/profiles/me/edit/", form_data(term, visibility="public"))
    profile = ExpertProfile.objects.get()
    assert client.post("/profiles/me/consent/profile/withdraw/").status_code == 302
    profile.refresh_from_db()
    assert profile.visibility == "private"
    consent = ProfileConsent.objects.get(purpose="profile")
    assert consent.withdrawn_at is not None
    client.logout()
    assert client.get(f"/profiles/{profile.pk}/").status_code == 404
    # Making it visible again needs consent again.
    client.force_login(expert_user)
    assert "consent_to_profile" in client.get("/profiles/me/edit/").content.decode()


def test_consent_page_lists_what_was_agreed(client, expert_user, term):
    client.force_login(expert_user)
    client.post("/profiles/me/edit/", form_data(term))
    page = client.get("/profiles/me/consent/").content.decode()
    assert PRIVACY_NOTICE_VERSION in page
    assert "Withdraw" in page


def test_unknown_consent_purpose_is_404(client, expert_user):
    client.force_login(expert_user)
    assert client.post("/profiles/me/consent/marketing/withdraw/").status_code == 404


@pytest.mark.parametrize("role", [roles.PARTICIPANT, roles.FACILITATOR, roles.COMMISSIONER])
def test_only_experts_keep_a_profile(client, role_user, term, role):
    client.force_login(role_user(role))
    assert client.get("/profiles/me/edit/").status_code == 403
    assert client.post("/profiles/me/edit/", form_data(term)).status_code == 403
    assert not ExpertProfile.objects.exists()


def test_anonymous_is_asked_to_sign_in(client):
    response = client.get("/profiles/me/edit/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
