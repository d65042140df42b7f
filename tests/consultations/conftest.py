"""Fixtures for the results tests: a closed consultation with every question kind and a small
set of responses whose totals are worked out by hand in `KNOWN`."""

import datetime as dt

import pytest
from django.utils import timezone

from coproduce.accounts import roles
from tests import factories

SINGLE = "How often do you get a short break?"
MULTIPLE = "Which kinds of break would help?"
SCALE = "Short breaks help me keep caring."
RANKING = "Put these in order of importance."
POINTS = "Share 100 points between these."
TEXT = "What else should we know?"

# (kind, question text, choice labels) for one question of every kind, for building bigger
# consultations in query-count tests.
EVERY_KIND_TEXTS = [q for _title, questions in factories.EVERY_KIND for q in questions]

# Four submitted responses and one still in progress (which must never count).
SUBMITTED = [
    {
        SINGLE: "Weekly",
        MULTIPLE: ["Day care", "Overnight"],
        SCALE: 5,
        RANKING: ["Cost", "Distance", "Staff"],
        POINTS: {"Evenings": 50, "Weekends": 30, "Emergencies": 20},
        TEXT: "More evening sitters, please.",
    },
    {
        SINGLE: "Weekly",
        MULTIPLE: ["Day care"],
        SCALE: 4,
        RANKING: ["Distance", "Cost", "Staff"],
        POINTS: {"Evenings": 0, "Weekends": 100, "Emergencies": 0},
        TEXT: "The respite centre in Ashby is too far away.",
    },
    {
        SINGLE: "Rarely",
        MULTIPLE: ["Holiday"],
        SCALE: 2,
        RANKING: ["Cost", "Staff", "Distance"],
        POINTS: {"Evenings": 40, "Weekends": 40, "Emergencies": 20},
    },
    {SINGLE: "Monthly"},
]
IN_PROGRESS = {
    SINGLE: "Rarely",
    MULTIPLE: ["Sitting service"],
    SCALE: 1,
    TEXT: "Not finished yet",
}


@pytest.fixture
def closed_consultation(db):
    now = timezone.now()
    return factories.make_consultation(
        title="Short breaks for carers",
        opens_at=now - dt.timedelta(days=30),
        closes_at=now - dt.timedelta(days=1),
    )


@pytest.fixture
def open_consultation(db):
    return factories.make_consultation(title="Mental health crisis support")


@pytest.fixture
def answered(closed_consultation):
    """The closed consultation with the known responses."""
    responses = [
        factories.make_response(closed_consultation, answers=answers) for answers in SUBMITTED
    ]
    factories.make_response(closed_consultation, answers=IN_PROGRESS, submitted=False)
    closed_consultation.known_responses = responses
    return closed_consultation


@pytest.fixture
def support_worker(role_user):
    return role_user(roles.SUPPORT_WORKER)


@pytest.fixture
def superuser(db):
    return factories.UserFactory(is_superuser=True, is_staff=True)


# Every role, plus nobody logged in and a superuser: for permission tests over every role.
EVERY_ROLE = [
    "anonymous",
    "participant",
    "expert",
    "facilitator",
    "commissioner",
    "editor",
    "support_worker",
    "superuser",
]


@pytest.fixture
def person(request, client):
    """Parametrise with a name from EVERY_ROLE: logs the test client in as that person and
    returns them (None for anonymous)."""
    name = request.param
    if name == "anonymous":
        return None
    user = request.getfixturevalue(name)
    client.force_login(user)
    return user
