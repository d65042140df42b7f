"""Open data: the list of consultations and one consultation's aggregate results, as routes
of the one API (`engagement/api.py`, under /api/v1/). Read-only, no authentication, no
cookies. The figures come from the same selectors as the results page; nothing is counted
again here. Documented in docs/api.md."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from engagement.consultations import results_cache
from engagement.consultations.exports import aggregates_as_dict
from engagement.consultations.models import ConsultationPage, ConsultationStatus, QuestionKind
from engagement.consultations.representativeness import consultation_representativeness
from engagement.consultations.results import (
    breakdown_fields,
    results_are_public,
)
from engagement.consultations.selectors import consultation_listing
from engagement.consultations.waves import series_comparison, series_comparison_by
from engagement.open_data import (
    DEFAULT_PAGE_SIZE,
    LICENCE,
    MAX_ID,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    SLUG,
    Licence,
    NotCompared,
    PageLinks,
    Problem,
    ProblemError,
    ReferenceArea,
    RepresentativenessField,
    page_window,
    paged_body,
)

router = Router(tags=["Consultations"])

# The schema's enums are the models' choices, so the description cannot drift from the data.
Status = Literal[tuple(ConsultationStatus.values)]
Kind = Literal[tuple(QuestionKind.values)]


# --- Schemas -----------------------------------------------------------------------------------


class Topic(Schema):
    slug: str
    name: str


class ConsultationSummary(Schema):
    id: int
    title: str
    summary: str
    url: str = Field(description="The consultation's page")
    status: Status
    opens_at: datetime
    closes_at: datetime
    topics: list[Topic]
    results_url: str = Field(
        description="Its aggregate results in this API: 403 until they are public"
    )


class ConsultationList(Schema):
    licence: Licence
    count: int = Field(description="Consultations matching the filters, on every page")
    page: int
    page_size: int
    pages: int
    links: PageLinks
    results: list[ConsultationSummary]


class ConsultationRef(Schema):
    id: int
    title: str
    opens_at: datetime
    closes_at: datetime
    status: Status


class ScalePoint(Schema):
    value: int = Field(description="1 (strongly disagree) to 5 (strongly agree)")
    label: str
    count: int
    percent: float


class ChoiceFigures(Schema):
    id: int
    label: str
    count: int = Field(description="People who chose, ranked or gave points to this choice")
    percent: float = Field(description="Of the people who answered the question")
    borda_score: int | None = Field(None, description="Ranking only")
    mean_position: float | None = Field(None, description="Ranking only; 1 is first")
    points: int | None = Field(None, description="Points allocation only")
    mean_points: float | None = Field(None, description="Points allocation only")
    points_percent: float | None = Field(None, description="Points allocation only")


class QuestionFigures(Schema):
    id: int
    section: str
    text: str
    kind: Kind
    answered: int = Field(description="People who answered this question")
    mean: float | None = Field(None, description="Agreement scale only")
    distribution: list[ScalePoint] | None = Field(None, description="Agreement scale only")
    points_to_share: int | None = Field(None, description="Points allocation only")
    choices: list[ChoiceFigures] | None = Field(
        None, description="Choice, ranking and points questions"
    )
    answers_shown: int | None = Field(
        None, description="Free text only: written answers shown in public (the text is not)"
    )


class ConsultationResults(Schema):
    licence: Licence
    consultation: ConsultationRef
    respondents: int = Field(description="Submitted responses")
    questions: list[QuestionFigures]


# --- Routes ------------------------------------------------------------------------------------


class ConsultationFilters(Schema):
    status: Literal["upcoming", "open", "closed"] | None = Field(
        None, description="`closed` includes those whose decision is published"
    )
    topic: str | None = Field(
        None, max_length=100, pattern=SLUG, description="A topic's slug, e.g. `carers`"
    )
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


def results_url(request: HttpRequest, consultation_id: int) -> str:
    return request.build_absolute_uri(
        reverse("api_v1:consultation_results", kwargs={"consultation_id": consultation_id})
    )


@router.get(
    "/consultations",
    response={200: ConsultationList, 400: Problem, 404: Problem},
    url_name="consultation_list",
    operation_id="consultation_list",
    summary="Consultations",
    exclude_unset=True,
)
def consultation_list(request: HttpRequest, filters: Query[ConsultationFilters]):
    """Published public consultations in the consultations page's order: open ones first,
    then upcoming, then closed. Filter by `status` and `topic`; paged."""
    consultations = consultation_listing(status=filters.status, topic=filters.topic)
    window = page_window(
        page=filters.page, page_size=filters.page_size, count=consultations.count()
    )
    rows = consultations[window.offset : window.offset + window.size]
    return paged_body(
        request,
        window,
        [
            {
                "id": c.pk,
                "title": c.title,
                "summary": c.summary,
                "url": c.get_full_url(request),
                "status": c.listing_status,
                "opens_at": c.opens_at,
                "closes_at": c.closes_at,
                "topics": [{"slug": t.slug, "name": t.name} for t in c.topics.all()],
                "results_url": results_url(request, c.pk),
            }
            for c in rows
        ],
    )


@router.get(
    "/consultations/{int:consultation_id}/results",
    response={200: ConsultationResults, 400: Problem, 403: Problem, 404: Problem},
    url_name="consultation_results",
    operation_id="consultation_results",
    summary="One consultation's results",
    exclude_unset=True,
)
def consultation_results_detail(
    request: HttpRequest, consultation_id: int = Path(..., ge=1, le=MAX_ID)
):
    """The aggregate results of one consultation, once they are public: after it closes, or
    while it is open if the commissioner chose live results; otherwise 403. No free text, no
    equality monitoring, nothing about any one person."""
    consultation = ConsultationPage.objects.live().filter(pk=consultation_id).first()
    if consultation is None:
        raise ProblemError(status=404, detail=_("There is no published consultation with that id."))
    if not results_are_public(consultation=consultation):
        raise ProblemError(
            status=403,
            kind="results-not-public",
            title=_("Results not public"),
            detail=_("The results of this consultation are not public yet."),
        )
    return {"licence": LICENCE} | aggregates_as_dict(
        results_cache.consultation_results(consultation=consultation)
    )


class ConsultationRepresentativeness(Schema):
    licence: Licence
    consultation: ConsultationRef
    reference: ReferenceArea
    interval: str
    hidden_mark: str
    hidden_note: str
    responses: int | None
    fields: list[RepresentativenessField]
    not_compared: list[NotCompared]


@router.get(
    "/consultations/{int:consultation_id}/representativeness",
    response={200: ConsultationRepresentativeness, 400: Problem, 403: Problem, 404: Problem},
    url_name="consultation_representativeness",
    operation_id="consultation_representativeness",
    summary="Who responded, against who lives here",
)
def consultation_representativeness_detail(
    request: HttpRequest, consultation_id: int = Path(..., ge=1, le=MAX_ID)
):
    """Respondents' answers to the optional equality questions against the population (Census
    2021 for England, or the area's figures the commissioner chose), once results are public.
    Counts of people go through disclosure control: hidden figures, and every share worked out
    from them, are null."""
    consultation = ConsultationPage.objects.live().filter(pk=consultation_id).first()
    if consultation is None:
        raise ProblemError(status=404, detail=_("There is no published consultation with that id."))
    if not results_are_public(consultation=consultation):
        raise ProblemError(
            status=403,
            kind="results-not-public",
            title=_("Results not public"),
            detail=_("The results of this consultation are not public yet."),
        )
    data = consultation_representativeness(consultation=consultation).as_dict()
    return {
        "licence": LICENCE,
        "consultation": {
            "id": consultation.pk,
            "title": consultation.title,
            "opens_at": consultation.opens_at,
            "closes_at": consultation.closes_at,
            "status": str(consultation.status),
        },
    } | data


class SeriesWave(Schema):
    wave: int
    consultation: dict
    audience: str | None = Field(description="`person`, `family_carer` or `staff`")


class SeriesAnswer(Schema):
    label: str
    people: list[int | None] = Field(description="Per wave; null where hidden (1 to 4)")
    percent: list[float | None] = Field(description="Per wave, of `answered`; null where hidden")
    change_points: float | None = Field(description="Latest wave minus the one before")


class SeriesTestOutcome(Schema):
    """The test of change between the last two waves, or why there is none."""

    statistic: float | None
    p_value: float | None
    more_than_chance: bool | None
    not_tested_because: str | None


class SeriesQuestion(SeriesTestOutcome):
    key: str = Field(description="The question's identity across waves")
    text: str
    kind: Literal["agreement_scale", "single_choice"]
    waves: list[int]
    answered: list[int | None]
    answers: list[SeriesAnswer]
    test: str | None
    statistic_name: str | None


class SeriesComparisonOut(Schema):
    licence: Licence
    series: str
    waves: list[SeriesWave]
    significance_level: float
    questions: list[SeriesQuestion]


@router.get(
    "/series/{series_key}",
    response={200: SeriesComparisonOut, 400: Problem, 404: Problem},
    url_name="series_comparison",
    operation_id="series_comparison",
    summary="A survey series compared wave by wave",
)
def series_comparison_detail(
    request: HttpRequest, series_key: str = Path(..., max_length=100, pattern=SLUG)
):
    """The waves of a survey series (the same questionnaire asked again, year on year) whose
    results are public, question by question: each wave's answers, the change, and whether it
    is more than chance (the test named). Counts of 1 to 4 people are null, and a test is
    withheld where a hidden count could be worked out from it."""
    comparison = series_comparison(series_key=series_key, public_only=True)
    if comparison is None:
        raise ProblemError(
            status=404, detail=_("There is no series with public results by that key.")
        )
    return {"licence": LICENCE} | comparison.as_dict()


class SeriesGroupAnswer(Schema):
    label: str
    people: list[int | None] = Field(description="Per wave; null where hidden")
    percent: list[float | None] = Field(
        description="Per wave, of the group's `answered`; null where hidden"
    )
    change_points: float | None = Field(description="Latest wave minus the one before")


class SeriesGroup(SeriesTestOutcome):
    value: str = Field(description="The field's stored value; `not_given` for no answer")
    label: str
    hidden: bool = Field(
        description="Something of this group is hidden in the last two waves: no test"
    )
    answered: list[int | None]
    answers: list[SeriesGroupAnswer]


class SeriesQuestionByGroup(Schema):
    key: str = Field(description="The question's identity across waves")
    text: str
    kind: Literal["agreement_scale", "single_choice"]
    waves: list[int]
    test: str
    statistic_name: str
    groups: list[SeriesGroup]


class SeriesByFieldOut(Schema):
    licence: Licence
    series: str
    by: str
    by_label: str
    waves: list[SeriesWave]
    significance_level: float
    questions: list[SeriesQuestionByGroup]


@router.get(
    "/series/{series_key}/by/{field}",
    response={200: SeriesByFieldOut, 400: Problem, 404: Problem},
    url_name="series_comparison_by",
    operation_id="series_comparison_by",
    summary="A survey series compared wave by wave within the groups of an equality field",
)
def series_comparison_by_detail(
    request: HttpRequest,
    series_key: str = Path(..., max_length=100, pattern=SLUG),
    field: str = Path(..., max_length=40, pattern=SLUG),
):
    """The series' public waves compared within each group of one equality-monitoring field
    (`age_band`, `disability`, `long_term_condition`, `carer`, `ethnicity`, `sex`): the same
    figures each wave's breakdown publishes, under the same disclosure control, and the same
    named test per group. A group with anything hidden in the last two waves is `hidden` and
    has no test."""
    fields = dict(breakdown_fields())
    if field not in fields:
        raise ProblemError(
            status=400,
            detail=_("Results can be compared by one of: %(fields)s.")
            % {"fields": ", ".join(fields)},
        )
    comparison = series_comparison_by(series_key=series_key, field_name=field, public_only=True)
    if comparison is None:
        raise ProblemError(
            status=404, detail=_("There is no series with public results by that key.")
        )
    return {"licence": LICENCE} | comparison.as_dict()
