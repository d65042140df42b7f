"""Each results permission (`engagement/consultations/rules.py`) over every role."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from tests import factories

from .conftest import EVERY_ROLE

pytestmark = pytest.mark.django_db

STAFF_ALWAYS = {"commissioner", "editor", "superuser"}
COMMISSIONING = {"commissioner", "superuser"}


def _user(request, role):
    return AnonymousUser() if role == "anonymous" else request.getfixturevalue(role)


@pytest.fixture
def not_yet_public(db):
    return factories.make_consultation(title="Wheelchair personal health budgets")


@pytest.fixture
def public(db):
    now = timezone.now()
    return factories.make_consultation(
        title="Short breaks review",
        opens_at=now - dt.timedelta(days=40),
        closes_at=now - dt.timedelta(days=10),
    )


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_view_results(request, role, public, not_yet_public):
    user = _user(request, role)
    assert user.has_perm("engagement.view_consultation_results", public)
    assert user.has_perm("engagement.view_consultation_results", not_yet_public) == (
        role in STAFF_ALWAYS
    )


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_break_down_results(request, role, public):
    user = _user(request, role)
    assert user.has_perm("engagement.break_down_consultation_results", public) == (
        role in COMMISSIONING
    )


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_export_results(request, role, public):
    user = _user(request, role)
    assert user.has_perm("engagement.export_consultation_results", public) == (
        role in COMMISSIONING
    )


@pytest.mark.parametrize("role", EVERY_ROLE)
def test_moderate_answers(request, role, public):
    user = _user(request, role)
    assert user.has_perm("engagement.moderate_consultation_answers", public) == (
        role in STAFF_ALWAYS
    )
