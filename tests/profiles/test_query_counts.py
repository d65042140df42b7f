"""Every list page's query count stays the same as the data grows (the directory's own test is
in test_directory.py)."""

from decimal import Decimal

import pytest

from coproduce.accounts import roles
from tests import factories

pytestmark = pytest.mark.django_db

BUDGET = 30


def _count(client, path, django_assert_max_num_queries) -> int:
    client.get(path)  # warm the per-process caches (site, settings, the viewer's roles)
    with django_assert_max_num_queries(BUDGET) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured.captured_queries)


@pytest.fixture
def commissioner(role_user):
    return role_user(roles.COMMISSIONER)


def _add_data(term, commissioner, expert_profile, opportunity, how_many):
    area, skill = term("mental-health"), term("peer-support")
    for _ in range(how_many):
        other = factories.OpportunityFactory(
            posted_by=commissioner,
            experience_areas=[area],
            localities=[term("eastbridge-city-council")],
        )
        factories.InvitationFactory(opportunity=other, profile=expert_profile)
        profile = factories.ExpertProfileFactory(experience_areas=[area], skills=[skill])
        factories.InvitationFactory(opportunity=opportunity, profile=profile, status="accepted")
        factories.PaymentClaimFactory(
            opportunity=opportunity, claimant=profile.user, expenses_amount=Decimal("3.20")
        )


@pytest.mark.parametrize("as_role", ["expert", "commissioner"])
def test_list_pages_do_not_grow(
    client, commissioner, role_user, term, django_assert_max_num_queries, as_role
):
    expert_profile = factories.ExpertProfileFactory(
        user=role_user(roles.EXPERT), experience_areas=[term("mental-health")]
    )
    opportunity = factories.OpportunityFactory(
        posted_by=commissioner, experience_areas=[term("mental-health")]
    )
    if as_role == "expert":
        client.force_login(expert_profile.user)
        paths = ["/opportunities/", "/opportunities/invitations/", "/claims/", "/profiles/me/"]
    else:
        client.force_login(commissioner)
        paths = [
            "/opportunities/",
            "/claims/",
            f"/opportunities/{opportunity.pk}/matches/",
            f"/profiles/{expert_profile.pk}/",
        ]
    _add_data(term, commissioner, expert_profile, opportunity, 1)
    few = {path: _count(client, path, django_assert_max_num_queries) for path in paths}
    _add_data(term, commissioner, expert_profile, opportunity, 8)
    many = {path: _count(client, path, django_assert_max_num_queries) for path in paths}
    assert many == few
