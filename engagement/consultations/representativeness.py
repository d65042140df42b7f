"""Who took part, against who lives here: respondents' equality monitoring compared with a
reference population (docs/representativeness.md).

The reference is England's Census 2021 figures shipped in `reference_data/census2021_england.csv`
(each row with its table code, source address and provenance), or an area's figures a
commissioner loaded in the same layout (`ReferencePopulation`). Census categories are mapped to
the product's answers by `COMPARISON_GROUPS`, one explicit table: where the two do not line up
one to one (the census's five-year age bands straddle 18, so "under 18" and "18 to 24" are
compared together as "under 25"), the group says so; answers with no census counterpart ("prefer
not to say", a long-term condition) are listed as not compared.

For each group: the share of respondents who gave a comparable answer, the reference share,
their ratio and difference, and a 95% Wilson score interval for the respondents' share
(`scipy.stats.binomtest(...).proportion_ci(method="wilson")`), which stays honest for small
samples. A group is called over- or under-represented only where the interval leaves out the
reference share. Counts of people go through `coproduce.disclosure.protect_table`; a share
(and everything worked out from it) is published only where its count and its denominator both
are, so nothing hidden can be worked back."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

from django.db.models import Count, QuerySet
from django.utils.translation import gettext_lazy as _
from scipy.stats import binomtest

from coproduce.disclosure import HIDDEN_MARK, HIDDEN_NOTE, PublishedTable, protect_table
from coproduce.disclosure import Table as DisclosureTable
from engagement.consultations.models import (
    EqualityMonitoring,
    ReferencePopulation,
    Response,
    ResponseStatus,
)

ENGLAND_CSV = Path(__file__).parent / "reference_data" / "census2021_england.csv"
ENGLAND_KEY = "england"
CONFIDENCE = 0.95
INTERVAL_METHOD = _("95% Wilson score interval")
# The columns of a reference file, in order (docs/representativeness.md).
COLUMNS = (
    "field",
    "census_category",
    "value",
    "unit",
    "area_code",
    "area_name",
    "table_code",
    "source_url",
    "provenance",
)
UNITS = ("count", "percent")
MAX_FILE_BYTES = 200_000
MAX_ROWS = 500


@dataclass(frozen=True)
class ComparisonGroup:
    key: str
    label: str
    answers: tuple[str, ...]  # EqualityMonitoring values counted in this group
    census_categories: tuple[str, ...]  # ONS category labels counted in this group
    note: str = ""


def _ages(*bands: str) -> tuple[str, ...]:
    return tuple(bands)


# The mapping, field by field. The census labels are ONS's, exactly as in their tables.
COMPARISON_GROUPS: dict[str, tuple[ComparisonGroup, ...]] = {
    "age_band": (
        ComparisonGroup(
            "under_25",
            str(_("Under 25")),
            ("under_18", "18_24"),
            _ages(
                "Aged 4 years and under",
                "Aged 5 to 9 years",
                "Aged 10 to 14 years",
                "Aged 15 to 19 years",
                "Aged 20 to 24 years",
            ),
            str(
                _(
                    "Our ‘under 18’ and ‘18 to 24’ together: the census's five-year bands "
                    "straddle 18."
                )
            ),
        ),
        ComparisonGroup(
            "25_34",
            str(_("25 to 34")),
            ("25_34",),
            _ages("Aged 25 to 29 years", "Aged 30 to 34 years"),
        ),
        ComparisonGroup(
            "35_49",
            str(_("35 to 49")),
            ("35_49",),
            _ages("Aged 35 to 39 years", "Aged 40 to 44 years", "Aged 45 to 49 years"),
        ),
        ComparisonGroup(
            "50_64",
            str(_("50 to 64")),
            ("50_64",),
            _ages("Aged 50 to 54 years", "Aged 55 to 59 years", "Aged 60 to 64 years"),
        ),
        ComparisonGroup(
            "65_79",
            str(_("65 to 79")),
            ("65_79",),
            _ages("Aged 65 to 69 years", "Aged 70 to 74 years", "Aged 75 to 79 years"),
        ),
        ComparisonGroup(
            "80_plus",
            str(_("80 or over")),
            ("80_plus",),
            _ages("Aged 80 to 84 years", "Aged 85 years and over"),
        ),
    ),
    "sex": (
        ComparisonGroup("female", str(_("Female")), ("female",), ("Female",)),
        ComparisonGroup("male", str(_("Male")), ("male",), ("Male",)),
    ),
    "ethnicity": (
        ComparisonGroup(
            "asian",
            str(_("Asian or Asian British")),
            ("asian",),
            ("Asian, Asian British or Asian Welsh",),
        ),
        ComparisonGroup(
            "black",
            str(_("Black, Black British, Caribbean or African")),
            ("black",),
            ("Black, Black British, Black Welsh, Caribbean or African",),
        ),
        ComparisonGroup(
            "mixed",
            str(_("Mixed or multiple ethnic groups")),
            ("mixed",),
            ("Mixed or Multiple ethnic groups",),
        ),
        ComparisonGroup("white", str(_("White")), ("white",), ("White",)),
        ComparisonGroup(
            "other", str(_("Another ethnic group")), ("other",), ("Other ethnic group",)
        ),
    ),
    "disability": (
        ComparisonGroup(
            "yes",
            str(_("Disabled")),
            ("yes",),
            (
                "Disabled under the Equality Act: Day-to-day activities limited a lot",
                "Disabled under the Equality Act: Day-to-day activities limited a little",
            ),
            str(
                _(
                    "We ask ‘do you consider yourself disabled?’; the census counts people whose "
                    "day-to-day activities are limited by a long-term condition."
                )
            ),
        ),
        ComparisonGroup(
            "no", str(_("Not disabled")), ("no",), ("Not disabled under the Equality Act",)
        ),
    ),
    "carer": (
        ComparisonGroup(
            "yes",
            str(_("Looks after someone")),
            ("yes",),
            (
                "Provides 19 hours or less unpaid care a week",
                "Provides 20 to 49 hours unpaid care a week",
                "Provides 50 or more hours unpaid care a week",
            ),
            str(_("The census counts unpaid care among people aged 5 and over.")),
        ),
        ComparisonGroup(
            "no", str(_("Does not look after someone")), ("no",), ("Provides no unpaid care",)
        ),
    ),
}

# Answers we collect that no census table compares with.
NOT_COMPARED: dict[str, str] = {
    "long_term_condition": str(
        _(
            "Not compared: the census's long-term condition figures are not part of the "
            "reference (its disability table counts conditions that limit day-to-day life)."
        )
    ),
}
FIELD_TABLES = {
    "age_band": "TS007A",
    "sex": "TS008",
    "ethnicity": "TS021",
    "disability": "TS038",
    "carer": "TS039",
}


def field_label(name: str) -> str:
    return str(EqualityMonitoring._meta.get_field(name).verbose_name).capitalize()


def census_categories(field_name: str) -> dict[str, str]:
    """ONS category label -> the comparison group it counts in, for one field."""
    return {
        category: group.key
        for group in COMPARISON_GROUPS[field_name]
        for category in group.census_categories
    }


# --- Reference figures ---------------------------------------------------------------------------


class ReferenceFileError(ValueError):
    """A reference file that cannot be read: every problem, each with its line."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class ReferenceFigures:
    key: str  # "england" or the ReferencePopulation's id
    name: str
    area_code: str
    area_name: str
    rows: list[dict]

    def fields(self) -> list[str]:
        return [name for name in COMPARISON_GROUPS if any(r["field"] == name for r in self.rows)]

    def shares(self, field_name: str) -> dict[str, float] | None:
        """Each comparison group's share of the reference (0 to 1), or None where the
        reference has no figures for the field."""
        rows = [r for r in self.rows if r["field"] == field_name]
        if not rows:
            return None
        mapping = census_categories(field_name)
        totals: dict[str, float] = {}
        for row in rows:
            group = mapping[row["census_category"]]
            totals[group] = totals.get(group, 0.0) + float(row["value"])
        whole = sum(totals.values())
        return {g.key: totals.get(g.key, 0.0) / whole for g in COMPARISON_GROUPS[field_name]}

    def sources(self, field_name: str) -> list[dict]:
        seen, out = set(), []
        for row in self.rows:
            if row["field"] != field_name:
                continue
            key = (row["table_code"], row["source_url"], row["provenance"], row["unit"])
            if key not in seen:
                seen.add(key)
                out.append(
                    {
                        "table_code": row["table_code"],
                        "source_url": row["source_url"],
                        "provenance": row["provenance"],
                        "unit": row["unit"],
                    }
                )
        return out


def read_reference_csv(text: str) -> list[dict]:
    """The rows of a reference file, checked: the columns in `COLUMNS`, known fields and ONS
    categories, a number in every value, one unit and one area per file, no category twice,
    and every field's figures adding up to more than nothing. Raises `ReferenceFileError`
    listing every problem with its line number."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        raise ReferenceFileError([str(_("The file is too big: at most 200 KB."))])
    if "\x00" in text:
        raise ReferenceFileError([str(_("The file is not a CSV text file."))])
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in (reader.fieldnames or [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ReferenceFileError(
            [
                str(_("The first line must name the columns %(columns)s; missing: %(missing)s."))
                % {"columns": ", ".join(COLUMNS), "missing": ", ".join(missing)}
            ]
        )
    problems: list[str] = []
    rows: list[dict] = []
    seen: set[tuple[str, str]] = set()
    units: dict[str, str] = {}
    for line, raw in enumerate(reader, start=2):
        if len(rows) >= MAX_ROWS:
            problems.append(str(_("At most %(n)s rows.")) % {"n": MAX_ROWS})
            break
        row = {key.strip(): (value or "").strip() for key, value in raw.items() if key}
        if not any(row.values()):
            continue
        where = str(_("Line %(line)s")) % {"line": line}
        name = row["field"]
        if name not in COMPARISON_GROUPS:
            problems.append(
                f"{where}: "
                + str(_("‘%(field)s’ is not a field we compare; use one of %(fields)s."))
                % {"field": name, "fields": ", ".join(COMPARISON_GROUPS)}
            )
            continue
        category = row["census_category"]
        if category not in census_categories(name):
            problems.append(
                f"{where}: "
                + str(
                    _(
                        "‘%(category)s’ is not an ONS category of %(field)s we map; use one of: "
                        "%(known)s."
                    )
                )
                % {
                    "category": category,
                    "field": name,
                    "known": "; ".join(census_categories(name)),
                }
            )
            continue
        if (name, category) in seen:
            problems.append(
                f"{where}: " + str(_("‘%(category)s’ is given twice.")) % {"category": category}
            )
            continue
        seen.add((name, category))
        try:
            value = Decimal(row["value"].replace(",", ""))
        except InvalidOperation:
            problems.append(
                f"{where}: "
                + str(_("the value ‘%(value)s’ is not a number.")) % {"value": row["value"]}
            )
            continue
        if not value.is_finite() or value < 0:
            problems.append(f"{where}: " + str(_("the value must be zero or more.")))
            continue
        if row["unit"] not in UNITS:
            problems.append(f"{where}: " + str(_("the unit must be ‘count’ or ‘percent’.")))
            continue
        if units.setdefault(name, row["unit"]) != row["unit"]:
            problems.append(f"{where}: " + str(_("one field's rows must share one unit.")))
            continue
        if not row["area_code"] or not row["source_url"]:
            problems.append(f"{where}: " + str(_("give the area code and the source's address.")))
            continue
        rows.append({column: row[column] for column in COLUMNS} | {"value": str(value)})
    areas = {(r["area_code"], r["area_name"]) for r in rows}
    if len(areas) > 1:
        problems.append(
            str(_("One file holds one area's figures; this one has %(n)s areas."))
            % {"n": len(areas)}
        )
    for name in {r["field"] for r in rows}:
        if sum(Decimal(r["value"]) for r in rows if r["field"] == name) <= 0:
            problems.append(
                str(_("The figures for %(field)s add up to nothing.")) % {"field": name}
            )
    if not rows and not problems:
        problems.append(str(_("The file has no figures.")))
    if problems:
        raise ReferenceFileError(problems)
    return rows


@lru_cache(maxsize=1)
def _england_rows() -> tuple[dict, ...]:
    return tuple(read_reference_csv(ENGLAND_CSV.read_text(encoding="utf-8")))


def england_reference() -> ReferenceFigures:
    """England's Census 2021 figures, as shipped."""
    return ReferenceFigures(
        key=ENGLAND_KEY,
        name=str(_("England, Census 2021")),
        area_code="E92000001",
        area_name="England",
        rows=[dict(r) for r in _england_rows()],
    )


def reference_of(population: ReferencePopulation) -> ReferenceFigures:
    return ReferenceFigures(
        key=str(population.pk),
        name=population.name,
        area_code=population.area_code,
        area_name=population.area_name,
        rows=list(population.figures),
    )


def reference_in_use() -> ReferenceFigures:
    """The figures results are compared with: the area's a commissioner chose, else England's."""
    population = ReferencePopulation.objects.filter(in_use=True).first()
    return reference_of(population) if population else england_reference()


# --- The comparison ----------------------------------------------------------------------------


@dataclass
class GroupComparison:
    key: str
    label: str
    note: str
    count: int | None  # published count (None: hidden)
    share: float | None = None  # respondents' share, 0 to 1 (None: not published)
    low: float | None = None
    high: float | None = None
    reference_share: float | None = None
    verdict: str = ""  # "over", "under", "in_line", "" (not published or no reference)

    @property
    def ratio(self) -> float | None:
        if self.share is None or not self.reference_share:
            return None
        return self.share / self.reference_share

    @property
    def difference(self) -> float | None:
        """Percentage points."""
        if self.share is None or self.reference_share is None:
            return None
        return 100 * (self.share - self.reference_share)

    @property
    def count_text(self) -> str:
        return HIDDEN_MARK if self.count is None else f"{self.count:,}"

    @property
    def share_text(self) -> str:
        return "" if self.share is None else f"{100 * self.share:.0f}%"

    @property
    def interval_text(self) -> str:
        if self.low is None or self.high is None:
            return ""
        return f"{100 * self.low:.0f}% to {100 * self.high:.0f}%"

    @property
    def reference_text(self) -> str:
        return "" if self.reference_share is None else f"{100 * self.reference_share:.1f}%"

    @property
    def ratio_text(self) -> str:
        return "" if self.ratio is None else f"{self.ratio:.2f}"

    @property
    def difference_text(self) -> str:
        return "" if self.difference is None else f"{self.difference:+.1f}"

    @property
    def verdict_text(self) -> str:
        return {
            "over": str(_("More than in the population")),
            "under": str(_("Fewer than in the population")),
            "in_line": str(_("Within what chance allows")),
        }.get(self.verdict, "")


@dataclass
class FieldComparison:
    name: str
    label: str
    table_code: str
    groups: list[GroupComparison]
    not_given: int | None  # published count of people who did not say or gave no comparable answer
    responses: int | None
    answered: int | None  # denominator of the shares: None when it is not published
    sources: list[dict] = field(default_factory=list)
    no_reference: bool = False
    table: PublishedTable | None = None  # the counts as disclosure control published them

    @property
    def has_hidden(self) -> bool:
        return any(g.count is None for g in self.groups) or self.not_given is None


@dataclass
class Representativeness:
    reference: ReferenceFigures
    responses: int
    fields: list[FieldComparison]
    not_compared: dict[str, str]

    @property
    def not_compared_list(self) -> list[tuple[str, str]]:
        return [(field_label(name), why) for name, why in self.not_compared.items()]

    def as_dict(self) -> dict:
        """The comparison as published (hidden figures are null): the page's JSON twin and the
        open data."""
        return {
            "reference": {
                "name": self.reference.name,
                "area_code": self.reference.area_code,
                "area_name": self.reference.area_name,
            },
            "interval": str(INTERVAL_METHOD),
            "hidden_mark": HIDDEN_MARK,
            "hidden_note": HIDDEN_NOTE,
            "responses": self.responses,
            "fields": [
                {
                    "field": f.name,
                    "question": f.label,
                    "census_table": f.table_code,
                    "reference_available": not f.no_reference,
                    "sources": f.sources,
                    "answered": f.answered,
                    "not_given_or_not_comparable": f.not_given,
                    "groups": [
                        {
                            "group": g.key,
                            "label": g.label,
                            "mapping_note": g.note or None,
                            "people": g.count,
                            "share": _round(g.share),
                            "interval_low": _round(g.low),
                            "interval_high": _round(g.high),
                            "reference_share": _round(g.reference_share),
                            "ratio": _round(g.ratio),
                            "difference_points": _round(g.difference, 1),
                            "verdict": g.verdict or None,
                        }
                        for g in f.groups
                    ],
                }
                for f in self.fields
            ],
            "not_compared": [
                {"field": name, "question": field_label(name), "why": why}
                for name, why in self.not_compared.items()
            ],
        }


def _round(value: float | None, places: int = 4) -> float | None:
    return None if value is None else round(value, places)


def wilson_interval(count: int, total: int) -> tuple[float, float]:
    """The 95% Wilson score interval for a share of `count` in `total` (scipy)."""
    interval = binomtest(count, total).proportion_ci(confidence_level=CONFIDENCE, method="wilson")
    return float(interval.low), float(interval.high)


def compare_counts(
    *,
    field_name: str,
    counts: dict[str, int],
    responses: int,
    reference: ReferenceFigures,
) -> FieldComparison:
    """One field compared: `counts` holds respondents per EqualityMonitoring value; everyone
    else of the `responses` did not say or gave an answer with no census counterpart."""
    groups = COMPARISON_GROUPS[field_name]
    group_counts = [sum(counts.get(a, 0) for a in g.answers) for g in groups]
    not_given = responses - sum(group_counts)
    published = protect_table(
        DisclosureTable.of(
            row_labels=[*(g.key for g in groups), "not_given"],
            column_labels=["people"],
            cells=[[c] for c in [*group_counts, not_given]],
            column_totals_known=True,
            grand_total_known=True,
            groups_in="rows",
            # Not given, prefer not to say, or no census counterpart: not an answer compared.
            not_answers=[len(groups)],
        )
    )
    shown = [row[0] for row in published.cells]
    shown_not_given = shown[-1]
    answered = sum(group_counts)
    answered_published = shown_not_given is not None and published.grand_total is not None
    reference_shares = reference.shares(field_name)
    comparisons = []
    for group, count, shown_count in zip(groups, group_counts, shown[:-1], strict=True):
        comparison = GroupComparison(
            key=group.key, label=group.label, note=group.note, count=shown_count
        )
        if reference_shares is not None:
            comparison.reference_share = reference_shares[group.key]
        if shown_count is not None and answered_published and answered > 0:
            comparison.share = count / answered
            comparison.low, comparison.high = wilson_interval(count, answered)
            if comparison.reference_share is not None:
                if comparison.low > comparison.reference_share:
                    comparison.verdict = "over"
                elif comparison.high < comparison.reference_share:
                    comparison.verdict = "under"
                else:
                    comparison.verdict = "in_line"
        comparisons.append(comparison)
    return FieldComparison(
        name=field_name,
        label=field_label(field_name),
        table_code=FIELD_TABLES[field_name],
        groups=comparisons,
        not_given=shown_not_given,
        responses=published.grand_total,
        answered=answered if answered_published else None,
        sources=reference.sources(field_name),
        no_reference=reference_shares is None,
        table=published,
    )


def responses_representativeness(
    *, responses: QuerySet[Response], reference: ReferenceFigures | None = None
) -> Representativeness:
    """Respondents' equality monitoring against the reference, field by field. `responses` are
    the submitted responses to count (one consultation's, or a decision's linked ones). One
    count and one grouped query per field."""
    total = responses.count()
    base = EqualityMonitoring.objects.filter(response__in=responses)
    counts = {
        name: {
            row[name]: row["n"]
            for row in base.exclude(**{name: ""}).values(name).annotate(n=Count("pk")).order_by()
        }
        for name in COMPARISON_GROUPS
    }
    return counts_representativeness(counts=counts, people=total, reference=reference)


def counts_representativeness(
    *,
    counts: dict[str, dict[str, int]],
    people: int,
    reference: ReferenceFigures | None = None,
    not_compared: dict[str, str] | None = None,
) -> Representativeness:
    """The comparison from counts already made: `counts[field][answer]` people gave each
    answer (the equality monitoring values; skipped questions left out) among `people` in
    all. Respondents to a consultation, or the people who took part in a co-production group
    in a year (their passport's "about you" answers): the same mapping, disclosure control and
    intervals for both."""
    reference = reference or reference_in_use()
    fields = [
        compare_counts(
            field_name=name,
            counts=counts.get(name, {}),
            responses=people,
            reference=reference,
        )
        for name in COMPARISON_GROUPS
    ]
    return Representativeness(
        reference=reference,
        responses=people,
        fields=fields,
        not_compared=dict(NOT_COMPARED if not_compared is None else not_compared),
    )


def consultation_representativeness(
    *, consultation, reference: ReferenceFigures | None = None
) -> Representativeness:
    """One consultation's submitted respondents against the reference."""
    return responses_representativeness(
        responses=Response.objects.filter(
            consultation=consultation, status=ResponseStatus.SUBMITTED
        ),
        reference=reference,
    )
