"""Every list page's query count stays the same as the data grows (the directory's own test is
in test_directory.py)."""

from decimal import Decimal

import pytest

from coproduce.accounts import roles
from deliberation.models import SessionParticipant
from tests import factories

pytestmark = pytest.mark.django_db


def _check(client, path, name, exact_queries) -> None:
    client.get(path)  # warm the per-process caches (site, settings, the viewer's roles)
    with exact_queries(name):
        response = client.get(path)
    assert response.status_code == 200, path


@pytest.fixture
def commissioner(role_user):
    return role_user(roles.COMMISSIONER)


def _add_data(term, commissioner, expert_profile, opportunity, how_many, facilitator=None):
    area, skill = term("mental-health"), term("peer-support")
    for _ in range(how_many):
        # A session the expert took part in, in a group whose sessions an opportunity pays,
        # and one a second member took part in: the claims page lists both kinds.
        member = factories.UserFactory()
        group = factories.CoproductionGroupFactory(
            members=[expert_profile.user, member],
            facilitators=[facilitator] if facilitator else [],
        )
        factories.OpportunityFactory(posted_by=commissioner, coproduction_group=group)
        session = factories.SessionFactory(group=group, status="ended")
        SessionParticipant.objects.create(session=session, user=expert_profile.user)
        SessionParticipant.objects.create(session=session, user=member)
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


@pytest.mark.parametrize("as_role", ["expert", "commissioner", "facilitator"])
def test_list_pages_do_not_grow(client, commissioner, role_user, term, exact_queries, as_role):
    expert_profile = factories.ExpertProfileFactory(
        user=role_user(roles.EXPERT), experience_areas=[term("mental-health")]
    )
    opportunity = factories.OpportunityFactory(
        posted_by=commissioner, experience_areas=[term("mental-health")]
    )
    facilitator = None
    if as_role == "expert":
        client.force_login(expert_profile.user)
        paths = {
            f"expert: {path}": path
            for path in [
                "/opportunities/",
                "/opportunities/invitations/",
                "/claims/",
                "/profiles/me/",
            ]
        }
    elif as_role == "facilitator":
        facilitator = role_user(roles.FACILITATOR)
        client.force_login(facilitator)
        paths = {"facilitator: /claims/": "/claims/"}
    else:
        client.force_login(commissioner)
        paths = {
            "commissioner: /opportunities/": "/opportunities/",
            "commissioner: /claims/": "/claims/",
            "commissioner: matches": f"/opportunities/{opportunity.pk}/matches/",
            "commissioner: a profile": f"/profiles/{expert_profile.pk}/",
        }
    _add_data(term, commissioner, expert_profile, opportunity, 1, facilitator)
    for name, path in paths.items():
        _check(client, path, name, exact_queries)
    _add_data(term, commissioner, expert_profile, opportunity, 8, facilitator)
    for name, path in paths.items():
        _check(client, path, name, exact_queries)
