"""What matters to people, year on year: comparing the waves of a consultation series.

A series is the consultations that share a `series_key` (one per audience: the person, a family
carer, staff), numbered by `wave`. Questions line up across waves by their `key`, never by
position or wording, so a reworded or moved question still compares. For each question asked
in more than one wave this gives each wave's distribution side by side, the change from the
previous wave, and whether it is more than chance:

- agreement-scale answers (ordinal, 1 to 5): the Mann–Whitney U test, two-sided, with the
  normal approximation corrected for ties and for continuity (answers on a five-point scale
  tie too much for an exact test);
- single-choice answers (categories): Pearson's chi-square test of independence on the
  waves-by-answers table, without continuity correction.

Counts of people go through `coproduce.disclosure.count_or_mark` (1 to 4 shown as "[c]",
and their percentages with them); no test is run when a wave has fewer than
`SMALLEST_TESTED` answers."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from scipy.stats import chi2_contingency, mannwhitneyu

from coproduce.disclosure import HIDDEN_MARK, is_hidden
from coproduce.disclosure import count_or_mark as publishable_count
from engagement.consultations.kinds import AGREEMENT_SCALE, QuestionKind
from engagement.consultations.models import Answer, ConsultationPage, Question, ResponseStatus
from engagement.consultations.results import (
    breakdown_fields,
    consultation_breakdown,
    results_are_public,
)

COMPARED_KINDS = (QuestionKind.AGREEMENT_SCALE, QuestionKind.SINGLE_CHOICE)
SMALLEST_TESTED = 5
SIGNIFICANCE = 0.05
MANN_WHITNEY = _("Mann–Whitney U test (two-sided, normal approximation with tie correction)")
CHI_SQUARE = _("Pearson's chi-square test of independence")

# The chart: horizontal bars on a fixed 0 to 100% scale, one bar per wave for each answer.
CHART_WIDTH = 640
CHART_LABEL_WIDTH = 0
CHART_BAR_ROOM = 440
CHART_BAR_HEIGHT = 16
CHART_LABEL_HEIGHT = 20
CHART_GAP = 12


@dataclass(frozen=True)
class Cell:
    count: int
    total: int

    @property
    def percent(self) -> float:
        return 100 * self.count / self.total if self.total else 0.0

    @property
    def shown_count(self):
        return publishable_count(self.count)

    @property
    def shown_percent(self) -> str:
        if is_hidden(self.count) or is_hidden(self.total):
            return publishable_count(self.count)
        return f"{self.percent:.0f}%"


@dataclass
class AnswerRow:
    label: str
    cells: list[Cell]
    change: float | None = None  # percentage points, latest wave minus the one before

    @property
    def shown_change(self) -> str:
        if self.change is None or any(
            is_hidden(c.count) or is_hidden(c.total) for c in self.cells[-2:]
        ):
            return ""
        return f"{self.change:+.0f}"


@dataclass(frozen=True)
class ChartBar:
    wave: int
    label: str
    x: float
    y: float
    width: float
    text: str
    text_x: float
    latest: bool


@dataclass
class QuestionComparison:
    key: str
    text: str
    kind: str
    waves: list[int]
    totals: list[int]
    rows: list[AnswerRow]
    test_name: str = ""
    statistic_name: str = ""
    statistic: float | None = None
    p_value: float | None = None
    not_tested_because: str = ""
    headline: str = ""
    chart: list[ChartBar] = field(default_factory=list)
    chart_labels: list[tuple[str, float]] = field(default_factory=list)
    chart_height: int = 0

    @property
    def shown_totals(self) -> list:
        return [publishable_count(t) for t in self.totals]

    @property
    def more_than_chance(self) -> bool | None:
        return None if self.p_value is None else self.p_value < SIGNIFICANCE


@dataclass
class SeriesComparison:
    series_key: str
    consultations: list[ConsultationPage]
    questions: list[QuestionComparison]

    @property
    def waves(self) -> list[int]:
        return [page.wave for page in self.consultations]

    def as_dict(self) -> dict:
        """The comparison as published: counts of 1 to 4 people, and the percentages beside
        them, are null (the page shows "[c]")."""
        return {
            "series": self.series_key,
            "waves": [
                {
                    "wave": page.wave,
                    "consultation": {"id": page.pk, "title": page.title},
                    "audience": page.template_audience or None,
                }
                for page in self.consultations
            ],
            "significance_level": SIGNIFICANCE,
            "questions": [
                {
                    "key": q.key,
                    "text": q.text,
                    "kind": q.kind,
                    "waves": q.waves,
                    "answered": [None if is_hidden(t) else t for t in q.totals],
                    "answers": [
                        {
                            "label": row.label,
                            "people": [None if is_hidden(c.count) else c.count for c in row.cells],
                            "percent": [
                                None
                                if is_hidden(c.count) or is_hidden(c.total)
                                else round(c.percent, 1)
                                for c in row.cells
                            ],
                            "change_points": round(row.change, 1) if row.shown_change else None,
                        }
                        for row in q.rows
                    ],
                    **_published_test(q),
                }
                for q in self.questions
            ],
        }


SMALL_COUNT_IN_TEST = _("Not published: a hidden small count could be worked out from it.")


def _published_test(q: QuestionComparison) -> dict:
    # A test statistic is a function of every count in the last two waves: with one of them
    # hidden, publishing it could let a reader solve for the hidden count.
    hidden = any(is_hidden(c.count) for row in q.rows for c in row.cells[-2:])
    withheld = hidden and q.p_value is not None
    return {
        "test": q.test_name or None,
        "statistic_name": q.statistic_name or None,
        "statistic": None if withheld or q.statistic is None else round(q.statistic, 4),
        "p_value": None if withheld or q.p_value is None else round(q.p_value, 6),
        "more_than_chance": None if withheld else q.more_than_chance,
        "not_tested_because": str(SMALL_COUNT_IN_TEST)
        if withheld
        else (q.not_tested_because or None),
    }


def mann_whitney(first: list[int], second: list[int]) -> tuple[float, float]:
    """U for `second` against `first` (how often a later answer is higher), and the two-sided
    p-value."""
    result = mannwhitneyu(
        second, first, alternative="two-sided", use_continuity=True, method="asymptotic"
    )
    return float(result.statistic), float(result.pvalue)


def chi_square(table: list[list[int]]) -> tuple[float, float]:
    """Pearson's chi-square and its p-value for a waves-by-answers table (empty columns
    dropped)."""
    matrix = np.array(table)
    matrix = matrix[:, matrix.sum(axis=0) > 0]
    if matrix.shape[1] < 2:
        return 0.0, 1.0
    statistic, p_value, _dof, _expected = chi2_contingency(matrix, correction=False)
    return float(statistic), float(p_value)


def _chart(rows: list[AnswerRow], waves: list[int]) -> tuple[list[ChartBar], list, int]:
    bars, labels = [], []
    y = 0.0
    for row in rows:
        labels.append((row.label, y + CHART_LABEL_HEIGHT - 6))
        y += CHART_LABEL_HEIGHT
        for wave, cell in zip(waves, row.cells, strict=True):
            hidden = is_hidden(cell.count) or is_hidden(cell.total)
            width = 0.0 if hidden else round(CHART_BAR_ROOM * cell.percent / 100, 1)
            text = f"{_('Wave')} {wave}: {cell.shown_percent}"
            latest = wave == waves[-1]
            bars.append(ChartBar(wave, row.label, 0, y, width, text, width + 6, latest))
            y += CHART_BAR_HEIGHT + 2
        y += CHART_GAP
    return bars, labels, int(y) or 1


def series_consultations(*, series_key: str) -> list[ConsultationPage]:
    """The waves of a series, first to last."""
    return list(
        ConsultationPage.objects.filter(series_key=series_key)
        .exclude(series_key="")
        .order_by("wave", "pk")
    )


def series_comparison(*, series_key: str, public_only: bool = False) -> SeriesComparison | None:
    """Every keyed question of the series' waves compared, with a test of the change between
    the last two waves that asked it. Four queries, however many waves and answers (and one
    per wave for `public_only`: only waves whose results anyone may see, for the open data)."""
    pages = series_consultations(series_key=series_key)
    if public_only:
        pages = [page for page in pages if results_are_public(consultation=page)]
    if not pages:
        return None
    wave_of = {page.pk: page.wave for page in pages}
    questions = list(
        Question.objects.filter(
            section__page_id__in=list(wave_of), key__gt="", kind__in=COMPARED_KINDS
        )
        .select_related("section")
        .prefetch_related("choices")
        .order_by("section__sort_order", "sort_order", "pk")
    )
    counts: dict[tuple[int, object], int] = {}
    for row in (
        Answer.objects.filter(
            question__in=questions,
            response__status=ResponseStatus.SUBMITTED,
            hidden=False,
        )
        .values("question_id", "choice_id", "number")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        value = row["choice_id"] if row["choice_id"] is not None else row["number"]
        counts[(row["question_id"], value)] = row["n"]

    by_key: dict[str, dict[int, Question]] = {}
    for question in questions:
        by_key.setdefault(question.key, {})[wave_of[question.section.page_id]] = question
    comparisons = []
    for key, asked in by_key.items():
        waves = sorted(asked)
        latest = asked[waves[-1]]
        if latest.kind == QuestionKind.AGREEMENT_SCALE:
            categories = [(str(label), value) for value, label in AGREEMENT_SCALE]
            per_wave = [
                [counts.get((asked[w].pk, value), 0) for _l, value in categories] for w in waves
            ]
        else:
            labels: list[str] = []
            for w in reversed(waves):
                labels += [c.label for c in asked[w].choices.all() if c.label not in labels]
            categories = [(label, label) for label in labels]
            per_wave = []
            for w in waves:
                choice_ids = {c.label: c.pk for c in asked[w].choices.all()}
                per_wave.append(
                    [counts.get((asked[w].pk, choice_ids.get(label)), 0) for label in labels]
                )
        totals = [sum(row) for row in per_wave]
        rows = []
        for i, (label, _value) in enumerate(categories):
            cells = [Cell(per_wave[j][i], totals[j]) for j in range(len(waves))]
            change = cells[-1].percent - cells[-2].percent if len(cells) > 1 else None
            rows.append(AnswerRow(label, cells, change))
        comparison = QuestionComparison(
            key=key, text=latest.text, kind=latest.kind, waves=waves, totals=totals, rows=rows
        )
        if latest.kind == QuestionKind.AGREEMENT_SCALE:
            comparison.test_name = str(MANN_WHITNEY)
            comparison.statistic_name = "U"
            agree = [sum(row[3:]) for row in per_wave]
            if all(not is_hidden(t) for t in totals) and all(totals):
                shares = [100 * a / t for a, t in zip(agree, totals, strict=True)]
                comparison.headline = " → ".join(f"{s:.0f}%" for s in shares)
        else:
            comparison.test_name = str(CHI_SQUARE)
            comparison.statistic_name = "χ²"
        if len(waves) < 2:
            comparison.not_tested_because = str(_("Asked in one wave only."))
        elif min(totals[-2:]) < SMALLEST_TESTED:
            comparison.not_tested_because = str(_("Too few answers in a wave to test."))
        elif latest.kind == QuestionKind.AGREEMENT_SCALE:
            earlier = np.repeat([v for _l, v in categories], per_wave[-2]).tolist()
            later = np.repeat([v for _l, v in categories], per_wave[-1]).tolist()
            comparison.statistic, comparison.p_value = mann_whitney(earlier, later)
        else:
            comparison.statistic, comparison.p_value = chi_square(per_wave[-2:])
        comparison.chart, comparison.chart_labels, comparison.chart_height = _chart(rows, waves)
        comparisons.append(comparison)
    return SeriesComparison(series_key=series_key, consultations=pages, questions=comparisons)


# --- By equality field -----------------------------------------------------------------------

GROUP_HIDDEN = _(
    "Hidden to protect people: too few in this group to show its figures or a test of them."
)


@dataclass
class GroupRow:
    label: str
    people: list[int | None]  # per wave; None where hidden
    percent: list[float | None]  # per wave, of those in the group who answered
    change: float | None = None

    @property
    def shown(self) -> list[tuple[str, str]]:
        return [
            (
                HIDDEN_MARK if n is None else str(n),
                "" if p is None else f"{p:.0f}%",
            )
            for n, p in zip(self.people, self.percent, strict=True)
        ]

    @property
    def shown_change(self) -> str:
        return "" if self.change is None else f"{self.change:+.0f}"


@dataclass
class GroupComparison:
    """One category of the equality field, for one question: its answers wave by wave, as the
    breakdown of each wave publishes them, and the named test of the change when nothing in the
    last two waves is hidden and both have enough answers."""

    value: str
    label: str
    rows: list[GroupRow]
    answered: list[int | None]
    hidden: bool = False  # something of this group is hidden in the last two waves: no test
    nobody: bool = False
    statistic: float | None = None
    p_value: float | None = None
    not_tested_because: str = ""

    @property
    def shown_answered(self) -> list[str]:
        return [HIDDEN_MARK if a is None else str(a) for a in self.answered]

    @property
    def more_than_chance(self) -> bool | None:
        return None if self.p_value is None else self.p_value < SIGNIFICANCE


@dataclass
class QuestionByGroup:
    key: str
    text: str
    kind: str
    waves: list[int]
    test_name: str
    statistic_name: str
    groups: list[GroupComparison]


@dataclass
class SeriesByField:
    series_key: str
    field: str
    field_label: str
    consultations: list[ConsultationPage]
    questions: list[QuestionByGroup]

    def as_dict(self) -> dict:
        """As published: hidden counts, the shares worked out from them, and the tests of a
        group with anything hidden are null (`hidden` true)."""
        return {
            "series": self.series_key,
            "by": self.field,
            "by_label": self.field_label,
            "waves": [
                {
                    "wave": page.wave,
                    "consultation": {"id": page.pk, "title": page.title},
                    "audience": page.template_audience or None,
                }
                for page in self.consultations
            ],
            "significance_level": SIGNIFICANCE,
            "questions": [
                {
                    "key": q.key,
                    "text": q.text,
                    "kind": q.kind,
                    "waves": q.waves,
                    "test": q.test_name,
                    "statistic_name": q.statistic_name,
                    "groups": [
                        {
                            "value": g.value,
                            "label": g.label,
                            "hidden": g.hidden,
                            "answered": g.answered,
                            "answers": [
                                {
                                    "label": row.label,
                                    "people": row.people,
                                    "percent": [
                                        None if p is None else round(p, 1) for p in row.percent
                                    ],
                                    "change_points": None
                                    if row.change is None
                                    else round(row.change, 1),
                                }
                                for row in g.rows
                            ],
                            "statistic": None if g.statistic is None else round(g.statistic, 4),
                            "p_value": None if g.p_value is None else round(g.p_value, 6),
                            "more_than_chance": g.more_than_chance,
                            "not_tested_because": g.not_tested_because or None,
                        }
                        for g in q.groups
                    ],
                }
                for q in self.questions
            ],
        }


def _group_comparison(
    value: str, label: str, kind: str, labels: list[str], columns: list[dict]
) -> GroupComparison:
    """`columns`: per wave, {"counts": {answer label: count or None}, "skipped": count or None,
    "size": count or None}, all as the wave's breakdown publishes them."""
    answered: list[int | None] = []
    for column in columns:
        counts = [column["counts"].get(lbl, 0) for lbl in labels]
        if column["size"] is not None and column["skipped"] is not None:
            answered.append(column["size"] - column["skipped"])
        elif all(c is not None for c in counts):
            answered.append(sum(counts))
        else:
            answered.append(None)
    rows = []
    for lbl in labels:
        people = [column["counts"].get(lbl, 0) for column in columns]
        percent = [
            None if n is None or not a else 100 * n / a
            for n, a in zip(people, answered, strict=True)
        ]
        change = (
            percent[-1] - percent[-2]
            if len(percent) > 1 and None not in percent[-2:] and all(answered[-2:])
            else None
        )
        rows.append(GroupRow(lbl, people, percent, change))
    group = GroupComparison(value, label, rows, answered)
    last_two = columns[-2:]
    hidden = any(
        c["size"] is None or c["skipped"] is None or None in c["counts"].values() for c in last_two
    )
    if all(c["size"] == 0 for c in columns):
        group.nobody = True
        group.not_tested_because = str(_("Nobody in this group answered in these waves."))
    elif hidden:
        group.hidden = True
        group.not_tested_because = str(GROUP_HIDDEN)
    elif len(columns) < 2:
        group.not_tested_because = str(_("Asked in one wave only."))
    elif min(answered[-2:]) < SMALLEST_TESTED:
        group.not_tested_because = str(_("Too few answers in a wave to test."))
    elif kind == QuestionKind.AGREEMENT_SCALE:
        points = [value for value, _label in AGREEMENT_SCALE]
        earlier = np.repeat(points, [r.people[-2] for r in rows]).tolist()
        later = np.repeat(points, [r.people[-1] for r in rows]).tolist()
        group.statistic, group.p_value = mann_whitney(earlier, later)
    else:
        group.statistic, group.p_value = chi_square(
            [[r.people[-2] for r in rows], [r.people[-1] for r in rows]]
        )
    return group


def series_comparison_by(
    *, series_key: str, field_name: str, public_only: bool = False
) -> SeriesByField | None:
    """The series compared within each category of one equality-monitoring field. Every figure
    is taken from the wave's own equality breakdown (`consultation_breakdown`), so a count is
    hidden here exactly where the breakdown page hides it, with the same complementary
    suppression; a group with anything hidden in the last two waves gets no test (a test is a
    function of every count, and could give a hidden one away). Raises ValueError for a field
    results cannot be broken down by."""
    if field_name not in dict(breakdown_fields()):
        raise ValueError(f"Results cannot be broken down by {field_name!r}.")
    pages = series_consultations(series_key=series_key)
    if public_only:
        pages = [page for page in pages if results_are_public(consultation=page)]
    if not pages:
        return None
    breakdowns = [
        (page.wave, consultation_breakdown(consultation=page, field_name=field_name))
        for page in pages
    ]
    groups = breakdowns[0][1].groups
    # key -> wave -> (question, published table)
    asked: dict[str, dict[int, tuple]] = {}
    order: list[str] = []
    for wave, breakdown in breakdowns:
        for item in breakdown.questions:
            question = item.question
            if not question.key or question.kind not in COMPARED_KINDS:
                continue
            if question.key not in asked:
                order.append(question.key)
            asked.setdefault(question.key, {})[wave] = (question, item.table)

    compared = []
    for key in order:
        waves = sorted(asked[key])
        latest, _table = asked[key][waves[-1]]
        if latest.kind == QuestionKind.AGREEMENT_SCALE:
            labels = [str(label) for _value, label in AGREEMENT_SCALE]
        else:
            labels = []
            for w in reversed(waves):
                question, table = asked[key][w]
                labels += [lbl for lbl in table.row_labels[:-1] if lbl not in labels]
        group_comparisons = []
        for g, (value, label) in enumerate(groups):
            columns = []
            for w in waves:
                _question, table = asked[key][w]
                # The table's last row is "Did not answer"; its column total the group's size.
                columns.append(
                    {
                        "counts": {
                            lbl: table.cells[r][g] for r, lbl in enumerate(table.row_labels[:-1])
                        },
                        "skipped": table.cells[-1][g],
                        "size": table.column_totals[g],
                    }
                )
            group_comparisons.append(_group_comparison(value, label, latest.kind, labels, columns))
        agreement = latest.kind == QuestionKind.AGREEMENT_SCALE
        compared.append(
            QuestionByGroup(
                key=key,
                text=latest.text,
                kind=latest.kind,
                waves=waves,
                test_name=str(MANN_WHITNEY if agreement else CHI_SQUARE),
                statistic_name="U" if agreement else "χ²",
                groups=group_comparisons,
            )
        )
    return SeriesByField(
        series_key=series_key,
        field=field_name,
        field_label=dict(breakdown_fields())[field_name],
        consultations=pages,
        questions=compared,
    )
