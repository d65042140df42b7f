"""Read paths for a consultation's results: aggregates, free text, equality breakdowns.

Every figure is computed by the database (GROUP BY and conditional aggregation over the
one-row-per-answered-item `Answer` table). Python only arranges the few grouped rows that come
back, so the number of queries is the same for 10 responses or 100,000, and for 3 questions or 30.
Only submitted responses count; a response still in progress is not a result.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.paginator import Page as PaginatorPage
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Sum, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.disclosure import HIDDEN_MARK, HIDDEN_NOTE, PublishedTable, protect_table
from coproduce.disclosure import Table as DisclosureTable
from coproduce.equality import NOT_ANSWERS
from engagement.consultations.models import (
    AGREEMENT_SCALE,
    Answer,
    ConsultationPage,
    ConsultationStatus,
    EqualityMonitoring,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
    ResultsVisibility,
)

# How many free-text answers the results page shows under each free-text question; the rest
# are a click away, searchable and paginated.
TEXT_SAMPLE_SIZE = 3
TEXT_ANSWERS_PER_PAGE = 20
MAX_TEXT_QUERY_LENGTH = 200


# --- Who may see results ---------------------------------------------------------------------


def results_are_public(*, consultation: ConsultationPage, now: datetime | None = None) -> bool:
    """True when anyone may see the results: the consultation is published, not restricted to
    some people, and either closed, or open with live results chosen. Upcoming consultations
    never show results."""
    if not consultation.live:
        return False
    # A page kept private (password, log-in, groups) keeps its results private too. Asked once
    # per page object: a request asks several permissions of the same consultation.
    restricted = getattr(consultation, "_results_restricted", None)
    if restricted is None:
        restricted = consultation.get_view_restrictions().exists()
        consultation._results_restricted = restricted
    if restricted:
        return False
    status = consultation.period_at(now or timezone.now())
    if status == ConsultationStatus.UPCOMING:
        return False
    if status == ConsultationStatus.OPEN:
        return consultation.results_visibility == ResultsVisibility.LIVE
    return True


# --- Aggregates ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChoiceResult:
    """One choice of a question. `count` is the people who chose it (single and multiple
    choice), ranked it (ranking) or gave it any points (points allocation)."""

    choice_id: int
    label: str
    count: int
    percent: float
    # Ranking: Borda score (n-1 points for a first place ... 0 for last, n = number of choices)
    # and the mean position (1 = first).
    borda: int | None = None
    mean_rank: float | None = None
    # Points allocation: all points given, the mean per respondent and its share of the total.
    points: int | None = None
    mean_points: float | None = None
    points_percent: float | None = None


@dataclass(frozen=True)
class ScalePoint:
    value: int
    label: str
    count: int
    percent: float


@dataclass(frozen=True)
class TextAnswer:
    answer_id: int
    text: str
    hidden: bool = False
    hidden_reason: str = ""


@dataclass
class QuestionResult:
    question: Question
    answered: int = 0
    choices: list[ChoiceResult] = field(default_factory=list)
    scale: list[ScalePoint] = field(default_factory=list)
    mean: float | None = None
    texts: list[TextAnswer] = field(default_factory=list)
    text_count: int = 0

    @property
    def kind(self) -> str:
        return self.question.kind

    @property
    def bars(self) -> list[tuple[str, float, str]]:
        """What the chart shows: (label, share in percent, value as text) per bar. Shares are
        of the people who answered (choices, scale points), of all Borda points (rankings) or
        of the points each person shares out (allocations), so every bar sits on the same
        0-100% scale."""
        kind = self.question.kind
        if kind == QuestionKind.AGREEMENT_SCALE:
            return [(str(p.label), p.percent, f"{p.count} ({p.percent:.0f}%)") for p in self.scale]
        if kind == QuestionKind.RANKING:
            all_points = sum(c.borda or 0 for c in self.choices)
            return [
                (c.label, share, f"{c.borda or 0} ({share:.0f}%)")
                for c in self.choices
                for share in [_percent(c.borda or 0, all_points)]
            ]
        if kind == QuestionKind.POINTS:
            return [
                (
                    c.label,
                    c.points_percent or 0,
                    f"{c.mean_points or 0:.1f} ({c.points_percent or 0:.0f}%)",
                )
                for c in self.choices
            ]
        if kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE):
            return [(c.label, c.percent, f"{c.count} ({c.percent:.0f}%)") for c in self.choices]
        return []


@dataclass
class ConsultationResults:
    consultation: ConsultationPage
    respondents: int
    questions: list[QuestionResult]

    @property
    def sections(self) -> list[tuple[str, list[QuestionResult]]]:
        grouped: list[tuple[str, list[QuestionResult]]] = []
        for result in self.questions:
            title = result.question.section.title
            if not grouped or grouped[-1][0] != title:
                grouped.append((title, []))
            grouped[-1][1].append(result)
        return grouped


def submitted_answers(*, consultation_id: int) -> QuerySet[Answer]:
    """Answers that count: those of submitted responses to this consultation."""
    return Answer.objects.filter(
        response__consultation_id=consultation_id, response__status=ResponseStatus.SUBMITTED
    )


def _percent(part: int | float, whole: int | float) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _scale_bucket():
    # Agreement-scale answers have no choice: group them by the point chosen instead. (Free
    # text has neither choice nor number, so it lands in a bucket of its own.)
    return Case(
        When(choice__isnull=True, then=F("number")),
        default=Value(None),
        output_field=IntegerField(),
    )


ITEM_FIGURES = ("n", "given", "firsts", "total", "texts")


def _item_figures(answers: QuerySet[Answer], *, include_hidden: bool) -> dict[tuple, dict]:
    """Per (question, choice, scale point): rows, rows with points, first places, the sum of
    numbers, and visible free-text answers. One GROUP BY."""
    visible_text = ~Q(text="") if include_hidden else ~Q(text="") & Q(hidden=False)
    rows = (
        answers.annotate(bucket=_scale_bucket())
        .values("question_id", "choice_id", "bucket")
        .annotate(
            n=Count("id"),
            given=Count("id", filter=Q(number__gt=0)),
            firsts=Count("id", filter=Q(number=1)),
            total=Coalesce(Sum("number"), 0),
            texts=Count("id", filter=visible_text),
        )
        .order_by()
    )
    return {(r["question_id"], r["choice_id"], r["bucket"]): r for r in rows}


def _respondents_per_question(answers: QuerySet[Answer], question_ids: list[int]) -> dict:
    rows = (
        answers.filter(question_id__in=question_ids)
        .values("question_id")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    )
    return {r["question_id"]: r["n"] for r in rows}


def _latest_texts(*, consultation_id: int, question_ids: list[int], include_hidden: bool):
    """The newest few written answers to each free-text question, in one query."""
    answers = submitted_answers(consultation_id=consultation_id).exclude(text="")
    if not include_hidden:
        answers = answers.filter(hidden=False)
    fields = ("question_id", "response_id", "id", "text", "hidden", "hidden_reason")
    if not question_ids:
        return []
    if connection.features.supports_slicing_ordering_in_compound:
        # PostgreSQL: a UNION ALL of one "ORDER BY response DESC LIMIT 3" per question, each
        # read backwards from the (question, response) index and stopping after three rows
        # (a window function over every answer sorted them all: 120 ms at 100,000 responses).
        parts = [
            answers.filter(question_id=question_id)
            .order_by("-response_id")
            .values_list(*fields)[:TEXT_SAMPLE_SIZE]
            for question_id in question_ids
        ]
        rows = list(parts[0].union(*parts[1:], all=True)) if len(parts) > 1 else list(parts[0])
    else:
        # SQLite cannot order and limit inside a UNION: number the rows with a window instead.
        rows = list(
            answers.filter(question_id__in=question_ids)
            .annotate(
                row=Window(
                    RowNumber(),
                    partition_by=[F("question_id")],
                    order_by=[F("response_id").desc()],
                )
            )
            .filter(row__lte=TEXT_SAMPLE_SIZE)
            .values_list(*fields)
        )
    return sorted(rows, key=lambda row: (row[0], -row[1]))


def consultation_results(
    *, consultation: ConsultationPage, include_hidden: bool = False
) -> ConsultationResults:
    """Every question's results for a consultation, in questionnaire order.

    Counts and percentages per choice (percentages of the respondents who answered that
    question), mean and distribution for agreement scales, Borda scores and mean positions for
    rankings, point totals and mean shares for allocations, and for free text the number of
    answers and the latest few. Hidden (moderated) free text is left out unless
    `include_hidden`. Eight queries, whatever the size of the consultation.

    How it stays fast at 100,000 responses (see docs/benchmarks.md): the figures are taken over
    every answer to the consultation's questions, found by the question index without joining
    the responses, and then the answers of responses not yet submitted (few, found through
    the (consultation, status) index) are taken away again. People who answered a question are
    counted from the grouped rows where each person has exactly one row (single choice, scale,
    free text; first places for rankings); only multiple choice and points allocations need a
    COUNT(DISTINCT), served by an index on (question, response)."""
    questions = consultation.ordered_questions  # 2 queries: questions, choices
    question_ids = [q.pk for q in questions]
    distinct_ids = [
        q.pk for q in questions if q.kind in (QuestionKind.MULTIPLE_CHOICE, QuestionKind.POINTS)
    ]
    every_answer = Answer.objects.filter(question_id__in=question_ids)
    unsubmitted = every_answer.filter(response__consultation_id=consultation.pk).exclude(
        response__status=ResponseStatus.SUBMITTED
    )

    respondents = Response.objects.filter(
        consultation_id=consultation.pk, status=ResponseStatus.SUBMITTED
    ).count()

    figures = _item_figures(every_answer, include_hidden=include_hidden)
    for key, row in _item_figures(unsubmitted, include_hidden=include_hidden).items():
        for name in ITEM_FIGURES:
            figures[key][name] -= row[name]
    people = _respondents_per_question(every_answer, distinct_ids)
    for question_id, n in _respondents_per_question(unsubmitted, distinct_ids).items():
        people[question_id] -= n

    per_item: dict[int, dict] = defaultdict(dict)
    for (question_id, choice_id, bucket), row in figures.items():
        per_item[question_id][choice_id if choice_id is not None else ("scale", bucket)] = row

    text_ids = [q.pk for q in questions if q.kind == QuestionKind.FREE_TEXT]
    texts: dict[int, list[TextAnswer]] = defaultdict(list)
    for question_id, _response_id, answer_id, text, hidden, reason in _latest_texts(
        consultation_id=consultation.pk, question_ids=text_ids, include_hidden=include_hidden
    ):
        texts[question_id].append(TextAnswer(answer_id, text, hidden, reason))

    results = []
    for question in questions:
        items = per_item.get(question.pk, {})
        result = QuestionResult(question=question)
        if question.pk in distinct_ids:
            result.answered = people.get(question.pk, 0)
        elif question.kind == QuestionKind.RANKING:
            result.answered = sum(row["firsts"] for row in items.values())
        else:
            result.answered = sum(row["n"] for row in items.values())
        if question.kind == QuestionKind.AGREEMENT_SCALE:
            _fill_scale(result, items)
        elif question.kind == QuestionKind.FREE_TEXT:
            result.text_count = sum(row["texts"] for row in items.values())
            result.texts = texts.get(question.pk, [])
        else:
            _fill_choices(result, items)
        results.append(result)
    return ConsultationResults(
        consultation=consultation, respondents=respondents, questions=results
    )


def _fill_scale(result: QuestionResult, items: dict) -> None:
    total = 0
    people = 0
    for value, label in AGREEMENT_SCALE:
        count = items.get(("scale", value), {}).get("n", 0)
        total += value * count
        people += count
        result.scale.append(ScalePoint(value, str(label), count, _percent(count, result.answered)))
    result.mean = round(total / people, 2) if people else None


def _fill_choices(result: QuestionResult, items: dict) -> None:
    question = result.question
    choices = list(question.choices.all())
    size = len(choices)
    for choice in choices:
        row = items.get(choice.pk, {})
        # Allocations may store a zero for a priority someone gave nothing: not "chose it".
        count = row.get("given" if question.kind == QuestionKind.POINTS else "n", 0)
        number_sum = row.get("total") or 0
        extra: dict = {}
        if question.kind == QuestionKind.RANKING:
            # A place p of n is worth n - p points, so the sum over rows is n*count - sum(p).
            extra = {
                "borda": size * count - number_sum,
                "mean_rank": round(number_sum / count, 2) if count else None,
            }
        elif question.kind == QuestionKind.POINTS:
            mean = number_sum / result.answered if result.answered else 0
            extra = {
                "points": number_sum,
                "mean_points": round(mean, 1),
                "points_percent": _percent(mean, question.points_total),
            }
        result.choices.append(
            ChoiceResult(
                choice_id=choice.pk,
                label=choice.label,
                count=count,
                percent=_percent(count, result.answered),
                **extra,
            )
        )
    if question.kind == QuestionKind.RANKING:
        result.choices.sort(key=lambda c: (-(c.borda or 0), c.label))


# --- Free text -------------------------------------------------------------------------------


def free_text_answers(
    *,
    question: Question,
    include_hidden: bool = False,
    search: str = "",
    page_number: int | str = 1,
    per_page: int = TEXT_ANSWERS_PER_PAGE,
) -> PaginatorPage:
    """One page of a free-text question's answers from submitted responses, newest first,
    optionally only those containing `search` (case-insensitive). Hidden answers are left out
    unless `include_hidden` (moderators see them, marked). Two queries: a count and the page."""
    answers = (
        submitted_answers(consultation_id=question.section.page_id)
        .filter(question=question)
        .exclude(text="")
        .order_by("-response_id")  # newest first, straight from the (question, response) index
        .only("id", "text", "hidden", "hidden_reason", "hidden_at")
    )
    if not include_hidden:
        answers = answers.filter(hidden=False)
    search = search.strip()[:MAX_TEXT_QUERY_LENGTH]
    if search:
        answers = answers.filter(text__icontains=search)
    return Paginator(answers, per_page).get_page(page_number)


# --- Equality breakdown ----------------------------------------------------------------------

NOT_GIVEN = "not_given"


@dataclass(frozen=True)
class Cell:
    """One figure of a breakdown table. `value` is None when it is hidden to protect people's
    privacy: pages show the one neutral mark "[c]" with its footnote, exports and the JSON twin
    leave it empty or null. Nothing says why a cell is hidden (that would tell a reader which
    hidden cells are the small ones)."""

    value: int | float | None
    # A mean of nobody's answers: there is nothing to show, and nothing is hidden.
    empty: bool = False

    @property
    def hidden(self) -> bool:
        return self.value is None and not self.empty


@dataclass
class BreakdownRow:
    label: str
    cells: list[Cell]
    total: Cell | None = None


@dataclass
class QuestionBreakdown:
    """One question's table: a row per choice (or scale point) and a row for the people who
    did not answer it, a column per group, each column's total the group's size. `table` is
    exactly what is published (coproduce.disclosure)."""

    question: Question
    rows: list[BreakdownRow]
    respondents: BreakdownRow
    table: PublishedTable
    # What the rows count: "people", "ranked first", or for points allocations "answered"
    # (the counts), with `means` the mean points per person, hidden wherever the count is.
    measure: str = "people"
    means: list[BreakdownRow] = field(default_factory=list)

    def as_dict(self) -> dict:
        data: dict[str, Any] = {
            "id": f"question-{self.question.pk}",
            "question": {
                "id": self.question.pk,
                "text": self.question.text,
                "kind": self.question.kind,
            },
            "measure": self.measure,
            **self.table.as_dict(),
        }
        if self.means:
            data["mean_points"] = {
                "row_labels": [row.label for row in self.means],
                "cells": [[cell.value for cell in row.cells] for row in self.means],
            }
        return data


@dataclass
class Breakdown:
    consultation: ConsultationPage
    field: str
    field_label: str
    groups: list[tuple[str, str]]  # (value, label)
    group_sizes: BreakdownRow
    respondents: PublishedTable
    questions: list[QuestionBreakdown]

    def as_dict(self) -> dict:
        """Every table of the breakdown as published: the JSON twin of the page, and the JSON
        export. Hidden figures are null; see docs/statistics.md."""
        return {
            "consultation": {"id": self.consultation.pk, "title": self.consultation.title},
            "breakdown_by": self.field,
            "breakdown_label": self.field_label,
            "hidden_mark": HIDDEN_MARK,
            "hidden_note": HIDDEN_NOTE,
            "tables": [
                {"id": "respondents", "measure": "people", **self.respondents.as_dict()},
                *(item.as_dict() for item in self.questions),
            ],
        }


# What each equality-monitoring field is called when results are broken down by it (the
# fields' own labels are the questions people were asked).
BREAKDOWN_LABELS = {
    "age_band": _("Age"),
    "disability": _("Disability"),
    "long_term_condition": _("Long-term condition"),
    "carer": _("Caring for someone"),
    "ethnicity": _("Ethnicity"),
    "sex": _("Sex"),
}


def breakdown_fields() -> list[tuple[str, str]]:
    """The equality-monitoring fields results can be broken down by, with their labels."""
    return [
        (name, str(BREAKDOWN_LABELS.get(name, name.replace("_", " ").capitalize())))
        for name in EqualityMonitoring.BREAKDOWN_FIELDS
    ]


def _rows_of(published: PublishedTable) -> list[BreakdownRow]:
    return [
        BreakdownRow(label, [Cell(v) for v in cells], Cell(total))
        for label, cells, total in zip(
            published.row_labels, published.cells, published.row_totals, strict=True
        )
    ]


def _column_totals_row(published: PublishedTable, label: str) -> BreakdownRow:
    return BreakdownRow(
        label, [Cell(v) for v in published.column_totals], Cell(published.grand_total)
    )


def protect_breakdown(
    *,
    group_labels: list[str],
    sizes: list[int],
    questions: list[tuple[list[str], list[list[int]], bool]],
    not_answers: Iterable[int] = (),
) -> tuple[PublishedTable, list[PublishedTable]]:
    """Disclosure control for a whole breakdown: the group sizes, and per question a table of
    (row labels, rows of counts by group, whether the rows add up to the group sizes: not for
    multiple choice). Every question table's column totals are the group sizes, so they are
    hidden alike in all of them: a group hidden in one table is hidden, every cell of it, in
    every table, which also keeps the tables from telling a reader anything about each other
    (docs/statistics.md). Row totals are the public results: known to every reader.
    `not_answers`: the groups that are not an answer ("Prefer not to say", "Not given"): no
    table may show one of the others holding everyone in a line who answered."""
    not_answers = tuple(not_answers)
    respondents = str(_("Respondents"))
    hidden_groups: set[int] = set()
    while True:
        sizes_table = protect_table(
            DisclosureTable.of(
                row_labels=[respondents],
                column_labels=group_labels,
                cells=[sizes],
                row_totals_known=True,
                grand_total_known=True,
                hide=[(0, c) for c in sorted(hidden_groups)],
                not_answers=not_answers,
            )
        )
        hidden_now = {c for c, v in enumerate(sizes_table.cells[0]) if v is None}
        tables = []
        for labels, matrix, sums in questions:
            n_rows = len(labels)
            table = DisclosureTable.of(
                row_labels=labels,
                column_labels=group_labels,
                cells=matrix,
                column_totals=sizes,
                column_totals_are_sums=sums,
                row_totals_known=True,
                grand_total_known=True,
                hide=[(r, c) for c in hidden_now for r in range(n_rows + 1)],
                keep=[(n_rows, c) for c in range(len(group_labels))],
                not_answers=not_answers,
            )
            tables.append(protect_table(table))
        for published in tables:
            hidden_now |= {c for c, v in enumerate(published.column_totals) if v is None}
        if hidden_now <= {c for c, v in enumerate(sizes_table.cells[0]) if v is None}:
            return sizes_table, tables
        hidden_groups |= hidden_now


def consultation_breakdown(*, consultation: ConsultationPage, field_name: str) -> Breakdown:
    """Results by one equality-monitoring field, for commissioners.

    Columns are the field's answers plus "not given" (no 'about you' answers, or left blank), so
    each row adds up to the public result and each column to the group's size. Rows: per
    choice the people who chose it (single and multiple choice), chose each scale point, or
    ranked it first (ranking), then the people who did not answer; for points allocations the
    people who answered and did not, and the mean points per person. Every table goes through
    coproduce.disclosure (counts of 1 to 4 hidden, and enough else that no hidden count can be
    worked out, docs/statistics.md); free text is never broken down. Five queries, whatever
    the size."""
    if field_name not in EqualityMonitoring.BREAKDOWN_FIELDS:
        raise ValueError(f"Results cannot be broken down by {field_name!r}.")
    model_field = EqualityMonitoring._meta.get_field(field_name)
    groups = [(value, str(label)) for value, label in model_field.choices]
    groups.append((NOT_GIVEN, str(_("Not given"))))
    index = {value: i for i, (value, _label) in enumerate(groups)}

    def group_of(path: str):
        return Coalesce(
            Case(When(**{f"{path}": ""}, then=Value(NOT_GIVEN)), default=F(path)),
            Value(NOT_GIVEN),
        )

    questions = [q for q in consultation.ordered_questions if q.kind != QuestionKind.FREE_TEXT]
    distinct_ids = [
        q.pk for q in questions if q.kind in (QuestionKind.MULTIPLE_CHOICE, QuestionKind.POINTS)
    ]
    answers = submitted_answers(consultation_id=consultation.pk).filter(
        question_id__in=[q.pk for q in questions]
    )
    answer_group = group_of(f"response__equality__{field_name}")

    sizes = [0] * len(groups)
    for row in (
        Response.objects.filter(consultation_id=consultation.pk, status=ResponseStatus.SUBMITTED)
        .annotate(group=group_of(f"equality__{field_name}"))
        .values("group")
        .annotate(n=Count("id"))
        .order_by()
    ):
        sizes[index.get(row["group"], index[NOT_GIVEN])] += row["n"]

    # Per question, per item (choice, or scale point), per group: how many people chose it
    # (rankings: put it first), and the sum of their numbers (points given).
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(groups))
    sums: dict[tuple, list[int]] = defaultdict(lambda: [0] * len(groups))
    kinds = {q.pk: q.kind for q in questions}
    for row in (
        answers.annotate(group=answer_group, bucket=_scale_bucket())
        .values("question_id", "choice_id", "bucket", "group")
        .annotate(n=Count("id"), firsts=Count("id", filter=Q(number=1)), total=Sum("number"))
        .order_by()
    ):
        key = (row["question_id"], row["choice_id"], row["bucket"])
        column = index.get(row["group"], index[NOT_GIVEN])
        ranking = kinds[row["question_id"]] == QuestionKind.RANKING
        counts[key][column] += row["firsts"] if ranking else row["n"]
        sums[key][column] += row["total"] or 0

    # People who answered, per group: one row per person for single choice and scales, one
    # first place per person for rankings; multiple choice and points need a distinct count.
    answered: dict[int, list[int]] = defaultdict(lambda: [0] * len(groups))
    for (question_id, _choice, _bucket), values in counts.items():
        if question_id not in distinct_ids:
            answered[question_id] = [
                a + v for a, v in zip(answered[question_id], values, strict=True)
            ]
    for row in (
        answers.filter(question_id__in=distinct_ids)
        .annotate(group=answer_group)
        .values("question_id", "group")
        .annotate(n=Count("response_id", distinct=True))
        .order_by()
    ):
        answered[row["question_id"]][index.get(row["group"], index[NOT_GIVEN])] += row["n"]

    group_labels = [label for _value, label in groups]
    plans = []
    for question in questions:
        answered_row = answered[question.pk]
        skipped = [size - a for size, a in zip(sizes, answered_row, strict=True)]
        if question.kind == QuestionKind.AGREEMENT_SCALE:
            items = [(str(label), (question.pk, None, value)) for value, label in AGREEMENT_SCALE]
        else:
            items = [(c.label, (question.pk, c.pk, None)) for c in question.choices.all()]
        if question.kind == QuestionKind.POINTS:
            labels = [str(_("Answered this question")), str(_("Did not answer"))]
            plans.append((question, items, labels, [answered_row, skipped], True))
        else:
            labels = [label for label, _key in items] + [str(_("Did not answer"))]
            matrix = [counts[key] for _label, key in items] + [skipped]
            adds_up = question.kind != QuestionKind.MULTIPLE_CHOICE
            plans.append((question, items, labels, matrix, adds_up))

    sizes_table, tables = protect_breakdown(
        group_labels=group_labels,
        sizes=sizes,
        questions=[(labels, matrix, adds_up) for _q, _i, labels, matrix, adds_up in plans],
        not_answers=[
            i
            for i, (value, _label) in enumerate(groups)
            if value in NOT_ANSWERS or value == NOT_GIVEN
        ],
    )
    respondents = str(_("Respondents"))

    breakdowns = []
    for (question, items, _labels, _matrix, _sums), published in zip(plans, tables, strict=True):
        means = []
        if question.kind == QuestionKind.POINTS:
            shown_answered = published.cells[0]
            means = [
                BreakdownRow(
                    label,
                    [
                        Cell(None, empty=(n == 0)) if not n else Cell(round(total / n, 1))
                        for total, n in zip(sums[key], shown_answered, strict=True)
                    ],
                )
                for label, key in items
            ]
            measure = "answered"
        elif question.kind == QuestionKind.RANKING:
            measure = "ranked first"
        else:
            measure = "people"
        breakdowns.append(
            QuestionBreakdown(
                question=question,
                rows=_rows_of(published),
                respondents=_column_totals_row(published, respondents),
                table=published,
                measure=measure,
                means=means,
            )
        )

    return Breakdown(
        consultation=consultation,
        field=field_name,
        field_label=dict(breakdown_fields())[field_name],
        groups=groups,
        group_sizes=BreakdownRow(
            respondents, [Cell(v) for v in sizes_table.cells[0]], Cell(sizes_table.grand_total)
        ),
        respondents=sizes_table,
        questions=breakdowns,
    )
