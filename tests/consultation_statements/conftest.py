"""A consultation whose second question is a "statements" question."""

import datetime as dt

import pytest
from django.utils import timezone

from tests import factories

STATEMENTS_QUESTION = "What would make short breaks work for you?"
SECTIONS = [
    (
        "Short breaks",
        [
            ("single_choice", "How often do you get a short break?", ["Weekly", "Rarely"]),
            ("statements", STATEMENTS_QUESTION, []),
        ],
    )
]


def question_of(consultation):
    return consultation.sections.get().questions.get(kind="statements")


@pytest.fixture
def open_with_statements(db):
    return factories.make_consultation(title="Short breaks statements", sections=SECTIONS)


@pytest.fixture
def closed_with_statements(db):
    now = timezone.now()
    return factories.make_consultation(
        title="Closed statements",
        sections=SECTIONS,
        opens_at=now - dt.timedelta(days=30),
        closes_at=now - dt.timedelta(days=1),
    )
