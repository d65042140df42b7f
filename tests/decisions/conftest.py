import pytest

from tests import factories


@pytest.fixture
def consultation(db):
    return factories.make_consultation(title="Short breaks for carers")


@pytest.fixture
def free_text_question(consultation):
    return consultation.ordered_questions[-1]
