"""Who sees a profile: each visibility × anonymous, participant, expert, facilitator,
commissioner, on the profile page, in the directory and among an opportunity's matches."""

import pytest

from coproduce.accounts import roles
from engagement.profiles.selectors import profiles_visible_to
from tests import factories

from .conftest import ANONYMOUS, VIEWER_ROLES

pytestmark = pytest.mark.django_db

FINDERS = {roles.FACILITATOR, roles.COMMISSIONER}
CAN_SEE = {
    "public": set(VIEWER_ROLES),
    "staff": FINDERS,
    "private": set(),
}
MATRIX = [
    (visibility, role, role in CAN_SEE[visibility])
    for visibility in ("public", "staff", "private")
    for role in VIEWER_ROLES
]


@pytest.mark.parametrize(("visibility", "role", "sees"), MATRIX)
def test_profile_page(viewer, client_as, visibility, role, sees):
    profile = factories.ExpertProfileFactory(display_name="Ife Adebayo", visibility=visibility)
    response = client_as(viewer(role)).get(f"/profiles/{profile.pk}/")
    # Not allowed looks exactly like not there: the profile's existence is not revealed.
    assert response.status_code == (200 if sees else 404)
    assert ("Ife Adebayo" in response.content.decode()) is sees


@pytest.mark.parametrize(("visibility", "role", "sees"), MATRIX)
def test_directory(viewer, client_as, visibility, role, sees):
    factories.ExpertProfileFactory(display_name="Ife Adebayo", visibility=visibility)
    response = client_as(viewer(role)).get("/directory/")
    if role not in FINDERS:
        # The directory is for commissioners and facilitators only.
        assert response.status_code in (302, 403)
        return
    assert response.status_code == 200
    assert ("Ife Adebayo" in response.content.decode()) is sees
    searched = client_as(viewer(role)).get("/directory/", {"q": "Adebayo"})
    assert ("Ife Adebayo" in searched.content.decode()) is sees


@pytest.mark.parametrize(("visibility", "role", "sees"), MATRIX)
def test_selector_matches_the_rule(viewer, visibility, role, sees):
    profile = factories.ExpertProfileFactory(visibility=visibility)
    user = viewer(role)
    assert profiles_visible_to(viewer=user).filter(pk=profile.pk).exists() is sees
    assert user.has_perm("engagement.view_profile", profile) is sees


@pytest.mark.parametrize("visibility", ["public", "staff", "private"])
def test_the_person_always_sees_their_own_profile(client, visibility):
    profile = factories.ExpertProfileFactory(display_name="Ife Adebayo", visibility=visibility)
    client.force_login(profile.user)
    assert client.get(f"/profiles/{profile.pk}/").status_code == 200
    response = client.get("/profiles/me/")
    assert response.status_code == 200
    assert "Ife Adebayo" in response.content.decode()


@pytest.mark.parametrize("visibility", ["staff", "private"])
def test_matches_leave_out_profiles_the_viewer_may_not_see(role_user, client, term, visibility):
    area = term("mental-health")
    factories.ExpertProfileFactory(
        display_name="Ife Adebayo", visibility=visibility, experience_areas=[area]
    )
    opportunity = factories.OpportunityFactory(experience_areas=[area])
    client.force_login(role_user(roles.COMMISSIONER))
    page = client.get(f"/opportunities/{opportunity.pk}/matches/").content.decode()
    assert ("Ife Adebayo" in page) is (visibility == "staff")


def test_anonymous_is_sent_to_sign_in_for_the_directory(client):
    assert ANONYMOUS in VIEWER_ROLES
    response = client.get("/directory/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
