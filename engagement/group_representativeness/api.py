"""Open data: who took part in a co-production group in a year, against who lives here, as a
route of the one API (`engagement/api.py`, under /api/v1/). Published only once the year is
over (a year in progress would let a reader watch one person's answers arrive) and only when
at least 5 people took part (fewer, and the total itself is hidden, so there is nothing to
publish); every count through `coproduce.disclosure`, hidden figures null. Documented in
docs/api.md and docs/representativeness.md."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema

from coproduce.reporting_year import site_reporting_years
from deliberation.models import CoproductionGroup
from engagement.open_data import (
    LICENCE,
    SLUG,
    Licence,
    NotCompared,
    Problem,
    ProblemError,
    ReferenceArea,
    RepresentativenessField,
)

from . import selectors

router = Router(tags=["Co-production groups"])


class GroupRef(Schema):
    slug: str
    name: str


class GroupRepresentativeness(Schema):
    licence: Licence
    group: GroupRef
    year: int = Field(
        description="The reporting year, by the calendar year it starts in (UK time), over"
    )
    year_label: str = Field(
        description="The year as people say it: '2025', or for a financial year '2025 to 2026'"
    )
    year_starts: str = Field(description="The year's first day (ISO 8601 date)")
    year_ends: str = Field(description="The year's last day (ISO 8601 date)")
    year_over: bool
    sessions: int = Field(description="The group's sessions scheduled that year, not cancelled")
    people: int = Field(
        description="People who took part (came into a session's room), not its facilitators"
    )
    reference: ReferenceArea
    interval: str
    hidden_mark: str
    hidden_note: str
    fields: list[RepresentativenessField]
    not_compared: list[NotCompared]


@router.get(
    "/groups/{slug}/representativeness/{int:year}",
    response={200: GroupRepresentativeness, 400: Problem, 403: Problem, 404: Problem},
    url_name="group_representativeness",
    operation_id="group_representativeness",
    summary="Who took part in a co-production group in a year, against who lives here",
)
def group_representativeness_detail(
    request: HttpRequest,
    slug: str = Path(..., pattern=SLUG, max_length=200),
    year: int = Path(..., ge=selectors.FIRST_YEAR, le=selectors.LAST_YEAR),
):
    """The people who took part in the group's sessions in a year (not its facilitators),
    by their optional "about you" answers, against the population. Only once the year is
    over and when at least 5 people took part; hidden figures, and every share worked out
    from them, are null."""
    group = CoproductionGroup.objects.filter(slug=slug).first()
    if group is None:
        raise ProblemError(status=404, detail=_("There is no co-production group with that name."))
    years = site_reporting_years()
    if not selectors.year_is_over(year=year, years=years):
        raise ProblemError(
            status=403,
            kind="year-not-over",
            title=_("Year not over"),
            detail=_("Figures for a year are published once the year is over."),
        )
    figures = selectors.group_year_representativeness(group=group, year=year, years=years)
    if not figures.publishable:
        raise ProblemError(
            status=403,
            kind="too-few-people",
            title=_("Too few people"),
            detail=_(
                "Fewer than 5 people took part in this group that year: nothing is published, "
                "so that nobody can be picked out."
            ),
        )
    return {"licence": LICENCE} | figures.as_dict()
