"""Fixtures for the expertise profile tests: taxonomy terms from the data migration, and a
viewer in each role (or anonymous)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from coproduce.accounts import roles
from engagement.models import ExperienceArea, Language, Locality, Skill

ANONYMOUS = "anonymous"
VIEWER_ROLES = [ANONYMOUS, roles.PARTICIPANT, roles.EXPERT, roles.FACILITATOR, roles.COMMISSIONER]


@pytest.fixture
def term(db):
    """`term("mental-health")` finds a seeded term of any kind by slug."""

    def find(slug: str):
        for model in (ExperienceArea, Skill, Locality, Language):
            found = model.objects.filter(slug=slug).first()
            if found:
                return found
        raise LookupError(slug)

    return find


@pytest.fixture
def viewer(role_user):
    """`viewer(role)`: a signed-in user in that role, or AnonymousUser for "anonymous"."""

    def make(role: str):
        if role == ANONYMOUS:
            return AnonymousUser()
        return role_user(role)

    return make


@pytest.fixture
def client_as(client):
    """A test client signed in as the user (or left anonymous)."""

    def sign_in(user):
        if user.is_authenticated:
            client.force_login(user)
        return client

    return sign_in
