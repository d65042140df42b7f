"""Each decisions rule over every role (django-rules)."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from coproduce.accounts import roles
from tests import factories

pytestmark = pytest.mark.django_db

ALL = [None, *roles.ALL_ROLES]


@pytest.fixture
def live_decision(db):
    return factories.make_decision()


@pytest.fixture
def draft_decision(db):
    return factories.make_decision(title="A draft decision", publish=False)


def _user(role_user, role):
    return AnonymousUser() if role is None else role_user(role)


@pytest.mark.parametrize("role", ALL)
def test_draft_decision(role_user, role):
    allowed = role in {roles.COMMISSIONER, roles.EDITOR}
    assert _user(role_user, role).has_perm("engagement.draft_decision") is allowed


@pytest.mark.parametrize("role", ALL)
def test_sign_off_decision_without_a_group_is_an_editor_s_record_check(
    role_user, draft_decision, role
):
    allowed = role == roles.EDITOR
    user = _user(role_user, role)
    assert user.has_perm("engagement.sign_off_decision", draft_decision) is allowed


@pytest.mark.parametrize("level", ["co_produced", "co_decided"])
def test_no_editor_fallback_for_co_produced_or_co_decided(role_user, level):
    draft = factories.make_decision(
        title="Claims co-production", slug="claims", publish=False, involvement_level=level
    )
    for role in roles.ALL_ROLES:
        assert not role_user(role).has_perm("engagement.sign_off_decision", draft)


@pytest.mark.parametrize("role", ALL)
def test_rate_decision_needs_an_account_and_a_live_decision(
    role_user, live_decision, draft_decision, role
):
    user = _user(role_user, role)
    assert user.has_perm("engagement.rate_decision", live_decision) is (role is not None)
    assert user.has_perm("engagement.rate_decision", draft_decision) is False


@pytest.mark.parametrize("role", ALL)
def test_view_decision_report(role_user, live_decision, draft_decision, role):
    user = _user(role_user, role)
    assert user.has_perm("engagement.view_decision_report", live_decision) is True
    staff = role in {roles.COMMISSIONER, roles.EDITOR}
    assert user.has_perm("engagement.view_decision_report", draft_decision) is staff


@pytest.mark.parametrize("role", ALL)
def test_view_own_notifications(role_user, role):
    user = _user(role_user, role)
    assert user.has_perm("engagement.view_own_notifications") is (role is not None)


@pytest.mark.parametrize("role", ALL)
def test_sign_off_decision_with_a_group_is_for_its_experts_by_experience_only(role_user, role):
    group = factories.CoproductionGroupFactory()
    decision = factories.make_decision(
        title="Group decision", slug="group", publish=False, co_production_group=group
    )
    outsider = _user(role_user, role)
    assert outsider.has_perm("engagement.sign_off_decision", decision) is False
    if role is not None:
        member = role_user(role)
        group.members.add(member)
        # Members with lived experience sign; staff and other members only see the draft.
        assert member.has_perm("engagement.sign_off_decision", decision) is (role == roles.EXPERT)
        assert member.has_perm("engagement.view_sign_off", decision) is True
        assert member.has_perm("engagement.record_dissent", decision) is True


def test_an_expert_who_is_also_staff_does_not_sign(role_user):
    group = factories.CoproductionGroupFactory()
    decision = factories.make_decision(
        title="Group decision", slug="group", publish=False, co_production_group=group
    )
    both = role_user(roles.EXPERT)
    both.groups.add(Group.objects.get(name=roles.COMMISSIONER))
    group.members.add(both)
    assert not both.has_perm("engagement.sign_off_decision", decision)
