"""Every permission rule in engagement/profiles/rules.py, checked for every role."""

import pytest
from django.contrib.auth.models import AnonymousUser

from coproduce.accounts import roles
from tests import factories

pytestmark = pytest.mark.django_db

ALL = [None, *roles.ALL_ROLES]  # None: anonymous


def _user(role_user, role):
    return AnonymousUser() if role is None else role_user(role)


def _allowed(roles_allowed):
    return [(role, role in roles_allowed) for role in ALL]


@pytest.mark.parametrize(("role", "expected"), _allowed({roles.FACILITATOR, roles.COMMISSIONER}))
def test_use_directory(role_user, role, expected):
    assert _user(role_user, role).has_perm("engagement.use_directory") is expected


@pytest.mark.parametrize(("role", "expected"), _allowed({roles.EXPERT}))
def test_keep_profile(role_user, role, expected):
    assert _user(role_user, role).has_perm("engagement.keep_profile") is expected


@pytest.mark.parametrize(("role", "expected"), _allowed({roles.COMMISSIONER}))
def test_post_opportunity(role_user, role, expected):
    assert _user(role_user, role).has_perm("engagement.post_opportunity") is expected


@pytest.mark.parametrize(("role", "expected"), _allowed({roles.FACILITATOR, roles.COMMISSIONER}))
def test_match_and_invite(role_user, role, expected):
    opportunity = factories.OpportunityFactory()
    user = _user(role_user, role)
    assert user.has_perm("engagement.match_opportunity", opportunity) is expected
    assert user.has_perm("engagement.invite", opportunity) is expected


@pytest.mark.parametrize("role", ALL)
def test_nobody_invites_to_a_closed_opportunity(role_user, role):
    opportunity = factories.OpportunityFactory(status="closed")
    assert not _user(role_user, role).has_perm("engagement.invite", opportunity)


@pytest.mark.parametrize(("role", "sees_closed"), _allowed({roles.FACILITATOR, roles.COMMISSIONER}))
def test_view_opportunity_open_for_all_closed_for_finders(role_user, role, sees_closed):
    user = _user(role_user, role)
    assert user.has_perm("engagement.view_opportunity", factories.OpportunityFactory())
    closed = factories.OpportunityFactory(status="closed")
    assert user.has_perm("engagement.view_opportunity", closed) is sees_closed


@pytest.mark.parametrize("role", ALL)
def test_express_interest_needs_expert_role_and_a_profile(role_user, role):
    opportunity = factories.OpportunityFactory()
    user = _user(role_user, role)
    assert not user.has_perm("engagement.express_interest", opportunity)
    if role is not None:
        factories.ExpertProfileFactory(user=user)
        user = type(user).objects.get(pk=user.pk)
        expected = role == roles.EXPERT
        assert user.has_perm("engagement.express_interest", opportunity) is expected
        closed = factories.OpportunityFactory(status="closed")
        assert not user.has_perm("engagement.express_interest", closed)


@pytest.mark.parametrize("role", ALL)
def test_only_the_invited_person_responds(role_user, role):
    invitation = factories.InvitationFactory()
    assert not _user(role_user, role).has_perm("engagement.respond_to_invitation", invitation)
    assert invitation.profile.user.has_perm("engagement.respond_to_invitation", invitation)


@pytest.mark.parametrize(("role", "expected"), _allowed({roles.EXPERT}))
def test_claim_for_self(role_user, role, expected):
    assert _user(role_user, role).has_perm("engagement.claim_for_self") is expected


@pytest.mark.parametrize(("role", "expected"), _allowed({roles.FACILITATOR}))
def test_claim_for_others(role_user, role, expected):
    assert _user(role_user, role).has_perm("engagement.claim_for_others") is expected


@pytest.mark.parametrize(("role", "expected"), _allowed({roles.COMMISSIONER}))
def test_view_review_and_export_claims(role_user, role, expected):
    claim = factories.PaymentClaimFactory()
    user = _user(role_user, role)
    assert user.has_perm("engagement.view_claim", claim) is expected
    assert user.has_perm("engagement.review_claim", claim) is expected
    assert user.has_perm("engagement.review_claims") is expected
    assert user.has_perm("engagement.export_claims") is expected


def test_claimant_and_recorder_see_their_claim_but_nobody_approves_their_own(role_user):
    commissioner = role_user(roles.COMMISSIONER)
    facilitator = role_user(roles.FACILITATOR)
    claim = factories.PaymentClaimFactory(claimant=commissioner, recorded_by=facilitator)
    assert commissioner.has_perm("engagement.view_claim", claim)
    assert facilitator.has_perm("engagement.view_claim", claim)
    assert not commissioner.has_perm("engagement.review_claim", claim)


@pytest.mark.parametrize("status", ["submitted", "approved", "queried"])
def test_change_claim_only_when_queried_and_only_by_claimant_or_recorder(role_user, status):
    expert = role_user(roles.EXPERT)
    claim = factories.PaymentClaimFactory(claimant=expert, status=status)
    assert expert.has_perm("engagement.change_claim", claim) is (status == "queried")
    assert not role_user(roles.COMMISSIONER).has_perm("engagement.change_claim", claim)


@pytest.mark.parametrize(("role", "expected"), _allowed({roles.COMMISSIONER}))
def test_change_opportunity_only_by_the_commissioner_who_posted_it(role_user, role, expected):
    user = _user(role_user, role)
    others = factories.OpportunityFactory()
    assert not user.has_perm("engagement.change_opportunity", others)
    if role is not None:
        own = factories.OpportunityFactory(posted_by=user)
        assert user.has_perm("engagement.change_opportunity", own) is expected
