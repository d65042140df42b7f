"""Reads: a consultation's statements question, its activity, and what its results show."""

from __future__ import annotations

from deliberation.opinions import selectors as opinions
from deliberation.opinions.models import StatementActivity
from engagement.consultations.models import ConsultationPage, Question, QuestionKind

from .models import ConsultationStatements


def statements_question(*, consultation: ConsultationPage, question_id: int) -> Question | None:
    """The consultation's "statements" question with this id (None for any other)."""
    return (
        Question.objects.filter(
            pk=question_id, section__page_id=consultation.pk, kind=QuestionKind.STATEMENTS
        )
        .select_related("section")
        .first()
    )


def question_activity(*, question: Question) -> StatementActivity | None:
    link = ConsultationStatements.objects.filter(question=question).select_related("activity")
    found = link.first()
    return found.activity if found else None


def consultation_statement_results(*, consultation: ConsultationPage) -> list[tuple]:
    """(question, activity or None, OpinionResults or None) for each statements question, in
    questionnaire order: the same analysis, thresholds and disclosed counts as a room's."""
    questions = consultation.statement_questions
    links = {
        link.question_id: link.activity
        for link in ConsultationStatements.objects.filter(question__in=questions).select_related(
            "activity"
        )
    }
    found = []
    for question in questions:
        activity = links.get(question.pk)
        results = opinions.opinion_results(activity=activity) if activity else None
        found.append((question, activity, results))
    return found
