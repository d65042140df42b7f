"""Each consultation permission, checked for every role (and for nobody signed in)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from coproduce.accounts import roles
from engagement.models import AnswerMode
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

EVERY_ROLE = [None, *roles.ALL_ROLES]


@pytest.fixture
def user_in(role_user):
    def make(role):
        return AnonymousUser() if role is None else role_user(role)

    return make


@pytest.mark.parametrize("role", EVERY_ROLE)
@pytest.mark.parametrize("mode", [AnswerMode.OPEN, AnswerMode.SIGNED_IN])
def test_answer_consultation(user_in, role, mode):
    consultation = make_consultation(answer_mode=mode)
    expected = role is not None or mode == AnswerMode.OPEN
    assert user_in(role).has_perm("engagement.answer_consultation", consultation) is expected


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_enter_assisted_response(user_in, role):
    consultation = make_consultation()
    expected = role in {
        roles.SUPPORT_WORKER,
        roles.FACILITATOR,
        roles.COMMISSIONER,
        roles.EDITOR,
    }
    assert user_in(role).has_perm("engagement.enter_assisted_response", consultation) is expected


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_change_questionnaire(user_in, role):
    consultation = make_consultation()
    expected = role in {roles.COMMISSIONER, roles.EDITOR}
    assert user_in(role).has_perm("engagement.change_questionnaire", consultation) is expected


def test_superusers_may_do_everything(role_user):
    consultation = make_consultation(answer_mode=AnswerMode.SIGNED_IN)
    admin = role_user(None, is_superuser=True)
    for perm in ["answer_consultation", "enter_assisted_response", "change_questionnaire"]:
        assert admin.has_perm(f"engagement.{perm}", consultation)
