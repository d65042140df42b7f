"""Consultations: the reads behind the pages and the answering screens. (Results are in
`selectors/results.py`.)"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, Exists, OuterRef, Prefetch, QuerySet, Value, When
from django.utils import timezone

from engagement.consultations.models import (
    AGREEMENT_SCALE,
    Answer,
    ConsultationIndexPage,
    ConsultationPage,
    ConsultationStatus,
    ConsultationTopic,
    Question,
    QuestionKind,
    QuestionSection,
    Response,
)

# Open first (people can act on them now), then upcoming, then closed.
STATUS_ORDER = {ConsultationStatus.OPEN: 0, ConsultationStatus.UPCOMING: 1}


def consultation_listing(
    *,
    index: ConsultationIndexPage | None = None,
    topic: str | None = None,
    status: str | None = None,
    now=None,
) -> QuerySet[ConsultationPage]:
    """The live, public consultations (under `index`, if given), each annotated with
    `listing_status` (from the dates and any published decision, in SQL): open first, then
    upcoming, then closed; optionally only one topic (by slug) or one status. Topics are
    prefetched: the page's query count does not grow with the number of consultations."""
    now = now or timezone.now()
    consultations = ConsultationPage.objects.live().public()
    if index is not None:
        consultations = consultations.child_of(index)
    consultations = consultations.annotate(
        listing_status=Case(
            When(opens_at__gt=now, then=Value(ConsultationStatus.UPCOMING.value)),
            When(closes_at__gt=now, then=Value(ConsultationStatus.OPEN.value)),
            When(
                # Through the decisions' reverse relation: consultations import no other
                # feature.
                Exists(ConsultationPage.objects.filter(pk=OuterRef("pk"), decisions__live=True)),
                then=Value(ConsultationStatus.DECISION_PUBLISHED.value),
            ),
            default=Value(ConsultationStatus.CLOSED.value),
            output_field=CharField(),
        ),
        status_rank=Case(
            When(opens_at__gt=now, then=Value(1)),
            When(closes_at__gt=now, then=Value(0)),
            default=Value(2),
        ),
    ).prefetch_related("topics")
    if topic:
        consultations = consultations.filter(topics__slug=topic)
    if status == ConsultationStatus.OPEN:
        consultations = consultations.filter(opens_at__lte=now, closes_at__gt=now)
    elif status == ConsultationStatus.UPCOMING:
        consultations = consultations.filter(opens_at__gt=now)
    elif status == ConsultationStatus.CLOSED:
        consultations = consultations.filter(closes_at__lte=now)
    # Open ones closing soonest first; upcoming ones opening soonest; closed, latest first.
    return consultations.order_by("status_rank", "closes_at", "-opens_at", "pk")


def open_consultations(*, now=None) -> QuerySet[ConsultationPage]:
    """The live, public consultations open for answers now, closing soonest first."""
    now = now or timezone.now()
    return (
        ConsultationPage.objects.live()
        .public()
        .filter(opens_at__lte=now, closes_at__gt=now)
        .order_by("closes_at", "pk")
    )


def responses_of(*, user) -> QuerySet[Response]:
    """The person's own responses (started or sent), newest first, with their consultation."""
    if not user.is_authenticated:
        return Response.objects.none()
    return (
        Response.objects.filter(respondent=user)
        .select_related("consultation")
        .order_by("-updated_at", "-pk")
    )


def consultation_topics() -> QuerySet[ConsultationTopic]:
    """Every topic, by name: consultations and decisions are filed under the same topics."""
    return ConsultationTopic.objects.all()


def consultation_for_answering(*, page_id: int) -> ConsultationPage | None:
    """The live, public consultation with this id, or None."""
    return ConsultationPage.objects.live().public().filter(pk=page_id).first()


def questionnaire_sections(*, consultation: ConsultationPage) -> list[QuestionSection]:
    """The consultation's sections in order, each with its questions and their choices
    prefetched (three queries whatever the size of the questionnaire)."""
    return list(
        QuestionSection.objects.filter(page=consultation)
        .order_by("sort_order", "pk")
        .prefetch_related(
            Prefetch(
                "questions",
                queryset=Question.objects.order_by("sort_order", "pk").prefetch_related("choices"),
            )
        )
    )


def response_for(
    *, consultation: ConsultationPage, user=None, browser_key: str = ""
) -> Response | None:
    """The response this person (signed in) or this browser (open mode) has started or sent,
    or None. Assisted responses are never found this way: they belong to nobody's account."""
    if user is not None and user.is_authenticated:
        return Response.objects.filter(consultation=consultation, respondent=user).first()
    if browser_key:
        return Response.objects.filter(consultation=consultation, browser_key=browser_key).first()
    return None


def response_answer_values(*, response: Response | None) -> dict[int, Any]:
    """What the response holds, per question id, in the shape the services take (see
    `services.consultations.answer_rows`): for showing saved answers back in the forms."""
    if response is None:
        return {}
    values: dict[int, Any] = {}
    rows = (
        Answer.objects.filter(response=response)
        .select_related("question")
        .order_by("question_id", "number", "choice__sort_order", "pk")
    )
    for row in rows:
        kind = row.question.kind
        if kind == QuestionKind.FREE_TEXT:
            values[row.question_id] = row.text
        elif kind == QuestionKind.AGREEMENT_SCALE:
            values[row.question_id] = row.number
        elif kind == QuestionKind.SINGLE_CHOICE:
            values[row.question_id] = row.choice_id
        elif kind == QuestionKind.MULTIPLE_CHOICE or kind == QuestionKind.RANKING:
            values.setdefault(row.question_id, []).append(row.choice_id)
        elif kind == QuestionKind.POINTS:
            values.setdefault(row.question_id, {})[row.choice_id] = row.number
    return values


def response_unfinished_values(*, response: Response | None) -> dict[int, Any]:
    """What was saved for later but does not fit its question yet, per question id, in the
    shape `response_answer_values` gives (points keyed by choice id), to show it back."""
    if response is None:
        return {}
    values: dict[int, Any] = {}
    for key, value in response.unfinished_answers.items():
        if isinstance(value, dict):
            value = {int(choice_id): points for choice_id, points in value.items()}
        values[int(key)] = value
    return values


def response_summary(
    *, response: Response, sections: list[QuestionSection]
) -> list[tuple[int, QuestionSection, list[tuple[Question, list[str]]]]]:
    """For "check your answers": per section (numbered from 1), each question with its answer
    as lines of text ([] when unanswered). `sections` come from `questionnaire_sections`, so
    this adds one query."""
    values = response_answer_values(response=response)
    scale = dict(AGREEMENT_SCALE)
    summary = []
    for number, section in enumerate(sections, start=1):
        rows = []
        for question in section.questions.all():
            if not question.gives_answers:  # a statements question is answered on its own page
                continue
            labels = {choice.pk: choice.label for choice in question.choices.all()}
            value = values.get(question.pk)
            kind = question.kind
            if value in (None, "", [], {}):
                lines = []
            elif kind == QuestionKind.FREE_TEXT:
                lines = [value]
            elif kind == QuestionKind.AGREEMENT_SCALE:
                lines = [str(scale.get(value, value))]
            elif kind == QuestionKind.SINGLE_CHOICE:
                lines = [labels.get(value, "")]
            elif kind == QuestionKind.MULTIPLE_CHOICE:
                lines = [labels.get(v, "") for v in value]
            elif kind == QuestionKind.RANKING:
                lines = [f"{position}. {labels.get(v, '')}" for position, v in enumerate(value, 1)]
            else:  # points
                lines = [
                    f"{labels[choice_id]}: {value.get(choice_id, 0)}"
                    for choice_id in labels
                    if choice_id in value
                ]
            rows.append((question, lines))
        summary.append((number, section, rows))
    return summary
