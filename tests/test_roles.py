"""Every role rule, checked for every role: permissions follow from the group."""

import pytest

from coproduce.accounts import roles

pytestmark = pytest.mark.django_db

EVERY_ROLE = [None, *roles.ALL_ROLES]


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_only_editors_assign_roles(role_user, role):
    assert role_user(role).has_perm("accounts.assign_roles") is (role == roles.EDITOR)


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_who_may_enter_an_assisted_response(role_user, role):
    allowed = {roles.SUPPORT_WORKER, roles.COMMISSIONER, roles.FACILITATOR, roles.EDITOR}
    assert role_user(role).has_perm("accounts.enter_assisted_response") is (role in allowed)


def test_anonymous_has_no_role_permission():
    from django.contrib.auth.models import AnonymousUser

    assert not AnonymousUser().has_perm("accounts.assign_roles")


def test_public_name_never_shows_the_email(role_user):
    user = role_user(roles.PARTICIPANT, display_name="")
    assert "@" not in user.public_name
