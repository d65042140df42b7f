"""Open data: published decisions, as routes of the one API (`engagement/api.py`, under
/api/v1/). Read-only and public; no personal data. The linked consultations' results are
the consultation results route's, counted once there. Documented in docs/api.md."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema

from engagement.decisions.models import (
    DecisionPage,
    DecisionStatus,
    InvolvementLevel,
    ResponseOutcome,
)
from engagement.decisions.selectors import (
    decisions_for_api,
    series_change_as_data,
    series_change_since,
)
from engagement.open_data import (
    DEFAULT_PAGE_SIZE,
    LICENCE,
    MAX_ID,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    SLUG,
    Licence,
    PageLinks,
    Problem,
    ProblemError,
    page_window,
    paged_body,
)

router = Router(tags=["Decisions"])

# The schema's enums are the models' choices, so the description cannot drift from the data.
Status = Literal[tuple(DecisionStatus.values)]
Level = Literal[tuple(InvolvementLevel.values)]
Outcome = Literal[tuple(ResponseOutcome.values)]


# --- Schemas -----------------------------------------------------------------------------------


class DecisionDates(Schema):
    proposed: dt.date | None
    decided: dt.date | None
    implementation_started: dt.date | None
    reviewed: dt.date | None


class Commissions(Schema):
    service: str
    budget: str | None = Field(description="Pounds, as a decimal string")
    budget_period: str
    starts_on: dt.date | None


class EvidenceConsultation(Schema):
    id: int
    title: str
    closed: bool
    responses: int = Field(description="Submitted responses")


class EvidenceSession(Schema):
    id: int
    title: str
    ended: bool
    people_took_part: int | None = Field(
        description="Facilitators not counted; null where 1 to 4 (hidden to protect people)"
    )
    experts_by_experience_present: bool


class SignOff(Schema):
    quorum: int | None = Field(description="Confirmations the group asks for; null: no group")
    confirmations: int


class Evidence(Schema):
    """What the record supports (docs/decisions.md): checked, never typed."""

    declared_level: Level
    supported_level: Level | None = Field(description="The highest level the record proves")
    declared_level_supported: bool
    missing: list[str] = Field(description="What the record lacks for the declared level")
    rules: dict[str, str] = Field(description="Each level's evidence rule")
    consultations: list[EvidenceConsultation]
    sessions: list[EvidenceSession]
    co_production_group: str | None
    sign_off: SignOff
    agreement: str | None = Field(description="The poll or agreement a co-decided level cites")


class Involvement(Schema):
    level: Level
    justification: str
    evidence: Evidence


class Contest(Schema):
    about: str = Field(description="'level' or 'point'")
    point: str | None = Field(description="The 'you said' point contested, if one")
    reason: str
    answer: str | None = Field(description="The commissioner's public answer")
    answered_at: str | None


class Contests(Schema):
    """Challenges by people who took part, to the level or a point, and the answers."""

    count: int
    answered: int
    contests: list[Contest]


class YouSaidWeDid(Schema):
    you_said: str
    outcome: Outcome
    we_did: str
    source: str | None = Field(description="Where the point came from, never who made it")


class MinorityView(Schema):
    view: str
    held_by: str
    response: str


class LinkedConsultation(Schema):
    id: int
    title: str
    url: str
    responses: int = Field(description="Submitted responses")
    results_url: str = Field(
        description="Its aggregate results in this API: 403 until they are public"
    )


class LinkedSession(Schema):
    id: int
    title: str
    date: dt.date
    people_took_part: int | None = Field(
        description="Facilitators not counted; null where 1 to 4 (hidden to protect people)"
    )


class Rating(Schema):
    average: float | None = Field(
        description="1 to 5; null before anyone rates it, or while the count is hidden"
    )
    count: int | None = Field(
        description="People who rated; null where 1 to 4 (hidden to protect people)"
    )


class Decision(Schema):
    id: int
    title: str
    url: str
    summary: str
    why: str
    status: Status
    dates: DecisionDates
    commissions: Commissions
    involvement: Involvement
    contests: Contests
    topics: list[str] = Field(description="Topic slugs")
    you_said_we_did: list[YouSaidWeDid]
    minority_views: list[MinorityView]
    consultations: list[LinkedConsultation]
    co_production_group: str | None
    sessions: list[LinkedSession]
    people_in_sessions: int | None = Field(
        description="Different people in any linked session; null where 1 to 4 (hidden)"
    )
    rating: Rating
    first_published_at: dt.datetime | None
    last_published_at: dt.datetime | None


class DecisionDetail(Decision):
    licence: Licence
    series_change: dict | None = Field(
        None,
        description="The survey series the decision cites, and how the share who agree changed "
        "since it was decided (worked out from the waves' answers); null when it cites none",
    )


class DecisionListLinks(PageLinks):
    feed: str = Field(description="The same decisions as an Atom feed (the 50 latest)")


class DecisionList(Schema):
    licence: Licence
    count: int = Field(description="Decisions matching the filters, on every page")
    page: int
    page_size: int
    pages: int
    links: DecisionListLinks
    results: list[Decision]


# --- Routes ------------------------------------------------------------------------------------


class DecisionFilters(Schema):
    topic: str | None = Field(
        None, max_length=100, pattern=SLUG, description="A topic's slug, e.g. `carers`"
    )
    status: Status | None = None
    decided_from: dt.date | None = Field(None, description="Decided on or after (YYYY-MM-DD)")
    decided_to: dt.date | None = Field(None, description="Decided on or before (YYYY-MM-DD)")
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int = Field(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE)


def _with_results_urls(request: HttpRequest, decision: dict) -> dict:
    for consultation in decision["consultations"]:
        consultation["results_url"] = request.build_absolute_uri(
            reverse("api_v1:consultation_results", kwargs={"consultation_id": consultation["id"]})
        )
    return decision


@router.get(
    "/decisions",
    response={200: DecisionList, 400: Problem, 404: Problem},
    url_name="decision_list",
    operation_id="decision_list",
    summary="Decisions",
)
def decision_list(request: HttpRequest, filters: Query[DecisionFilters]):
    """Published decisions, most recently decided first (proposals, not yet decided, come
    first). Filter by `topic`, `status` and the date decided; paged. `links.feed` is the
    Atom feed of the same log."""
    decisions = decisions_for_api(
        topic=filters.topic or "",
        status=filters.status or "",
        decided_from=filters.decided_from,
        decided_to=filters.decided_to,
        offset=(filters.page - 1) * filters.page_size,
        limit=filters.page_size,
    )
    window = page_window(page=filters.page, page_size=filters.page_size, count=decisions.count)
    return paged_body(
        request,
        window,
        [_with_results_urls(request, d) for d in decisions.results],
        feed=request.build_absolute_uri(reverse("engagement:decision_feed")),
    )


@router.get(
    "/decisions/{int:decision_id}",
    response={200: DecisionDetail, 400: Problem, 404: Problem},
    url_name="decision_detail",
    operation_id="decision_detail",
    summary="One decision",
)
def decision_detail(request: HttpRequest, decision_id: int = Path(..., ge=1, le=MAX_ID)):
    """One published decision; 404 if there is no published decision with that id."""
    found = decisions_for_api(decision_id=decision_id).results
    if not found:
        raise ProblemError(status=404, detail=_("There is no published decision with that id."))
    decision = DecisionPage.objects.get(pk=decision_id)
    return (
        {"licence": LICENCE}
        | _with_results_urls(request, found[0])
        | {"series_change": series_change_as_data(series_change_since(decision=decision))}
    )
