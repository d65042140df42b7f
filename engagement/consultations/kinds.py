"""The kinds of question a questionnaire can ask, and the agreement scale. Apart from the models
because the admin form that checks questions against their kind is the page model's
`base_form_class`: the models import it, so it cannot import them."""

import re

from django.db import models
from django.utils.translation import gettext_lazy as _


class QuestionKind(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    AGREEMENT_SCALE = "agreement_scale", _("Agreement scale (5 points)")
    FREE_TEXT = "free_text", _("Free text")
    RANKING = "ranking", _("Ranking (put a list in order)")
    POINTS = "points", _("Points allocation (share points between priorities)")
    # People add short statements and vote agree, disagree or pass on others' (finding common
    # ground, the Pol.is method). Stores no answers: its statements and votes are a statements
    # activity (deliberation/opinions), linked by engagement/consultation_statements.
    STATEMENTS = "statements", _("Statements to add and vote on (finding common ground)")


CHOICE_KINDS = {
    QuestionKind.SINGLE_CHOICE,
    QuestionKind.MULTIPLE_CHOICE,
    QuestionKind.RANKING,
    QuestionKind.POINTS,
}

# Kinds whose answers are not `Answer` rows: left out of the answering form, the answers'
# results and exports (their results are their own).
KINDS_WITHOUT_ANSWERS = {QuestionKind.STATEMENTS}

AGREEMENT_SCALE = [
    (1, _("Strongly disagree")),
    (2, _("Disagree")),
    (3, _("Neither agree nor disagree")),
    (4, _("Agree")),
    (5, _("Strongly agree")),
]


_DOUBLED_STOP = re.compile(r"([.?!…])”\.")


def quoted_sentence(text: str) -> str:
    """A sentence that ends by quoting a question keeps the question's own full stop or
    question mark: “Put these in order, most important first.” and not “…first.”."""
    return _DOUBLED_STOP.sub(r"\1”", text)
