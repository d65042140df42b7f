"""Writes: the statements activity of a consultation's question, made on first use."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from deliberation.opinions.models import StatementActivity
from engagement.consultations.models import Question

from .models import ConsultationStatements


def question_activity_get_or_create(*, question: Question) -> StatementActivity:
    """The question's statements activity, made the first time it is needed (two requests
    racing to make it meet the unique link and both get the same one)."""
    link = ConsultationStatements.objects.filter(question=question).select_related("activity")
    found = link.first()
    if found:
        return found.activity
    try:
        with transaction.atomic():
            activity = StatementActivity.objects.create(title=question.text[:200])
            ConsultationStatements.objects.create(question=question, activity=activity)
            return activity
    except IntegrityError:
        return link.get().activity
