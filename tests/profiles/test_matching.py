"""Ranked matching of experts to an opportunity, with the reasons for each match."""

import pytest

from coproduce.accounts import roles
from engagement.profiles.selectors import opportunity_matches
from engagement.profiles.services.opportunities import interest_express
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def opportunity(term):
    return factories.OpportunityFactory(
        title="Mental health crisis support review",
        experience_areas=[term("mental-health"), term("carer")],
        skills=[term("peer-support")],
        localities=[term("eastbridge-city-council")],
        needs_weekday_evenings=True,
    )


def test_rank_order_on_planted_data(role_user, term, opportunity):
    mh, carer = term("mental-health"), term("carer")
    leeds_like = term("eastbridge-city-council")
    best = factories.ExpertProfileFactory(
        display_name="Best",
        experience_areas=[mh, carer],
        skills=[term("peer-support")],
        localities=[leeds_like],
        available_weekday_evenings=True,
    )
    second = factories.ExpertProfileFactory(
        display_name="Second", experience_areas=[mh], localities=[leeds_like]
    )
    third = factories.ExpertProfileFactory(display_name="Third", experience_areas=[carer])
    fourth = factories.ExpertProfileFactory(display_name="Fourth", localities=[leeds_like])
    factories.ExpertProfileFactory(display_name="Unrelated", experience_areas=[term("dementia")])
    matches = opportunity_matches(opportunity=opportunity, viewer=role_user(roles.COMMISSIONER))
    assert [m.profile for m in matches] == [best, second, third, fourth]
    assert matches[0].reasons == [
        "Carer",
        "Mental health",
        "Peer support",
        "Eastbridge City Council",
        "weekday evenings",
    ]
    assert matches[1].reasons == ["Mental health", "Eastbridge City Council"]
    assert matches[0].score > matches[1].score > matches[2].score > matches[3].score


def test_interest_lifts_a_person_and_is_a_reason(role_user, term, opportunity):
    mh = term("mental-health")
    quiet = factories.ExpertProfileFactory(display_name="Quiet", experience_areas=[mh])
    keen = factories.ExpertProfileFactory(display_name="Keen", experience_areas=[mh])
    interest_express(opportunity=opportunity, profile=keen)
    matches = opportunity_matches(opportunity=opportunity, viewer=role_user(roles.COMMISSIONER))
    assert [m.profile for m in matches] == [keen, quiet]
    assert "expressed interest" in matches[0].reasons


def test_matches_page_shows_reasons(client, role_user, term, opportunity):
    factories.ExpertProfileFactory(
        display_name="Bryn",
        experience_areas=[term("mental-health")],
        available_weekday_evenings=True,
    )
    client.force_login(role_user(roles.FACILITATOR))
    page = client.get(f"/opportunities/{opportunity.pk}/matches/").content.decode()
    assert "Bryn" in page
    assert "Mental health; weekday evenings" in page


@pytest.mark.parametrize("role", [roles.PARTICIPANT, roles.EXPERT, roles.EDITOR])
def test_matches_page_refused_to_others(client, role_user, opportunity, role):
    client.force_login(role_user(role))
    assert client.get(f"/opportunities/{opportunity.pk}/matches/").status_code == 403


def test_matching_query_count_is_flat(role_user, term, opportunity, exact_queries):
    viewer = role_user(roles.COMMISSIONER)
    mh = term("mental-health")
    factories.ExpertProfileFactory(experience_areas=[mh])
    opportunity_matches(opportunity=opportunity, viewer=viewer)  # caches the viewer's roles
    with exact_queries("matching"):
        opportunity_matches(opportunity=opportunity, viewer=viewer)
    for _ in range(10):
        factories.ExpertProfileFactory(experience_areas=[mh], skills=[term("peer-support")])
    with exact_queries("matching"):
        opportunity_matches(opportunity=opportunity, viewer=viewer)
