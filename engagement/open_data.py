"""What every open-data API response shares: the licence, page-number paging with links, and
problems (RFC 9457). The features' routers (`<feature>/api.py`) use these; `engagement/api.py`
assembles the one API and turns problems into `application/problem+json` answers.

Imports no feature: it sits below every feature's API layer (see docs/architecture.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urlencode

from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema

# The largest id a page has (PostgreSQL `integer`): larger ones cannot exist, and asking the
# database for one would fail rather than find nothing.
MAX_ID = 2**31 - 1
# What a topic's slug may hold (Django's SlugField): anything else cannot match one.
SLUG = r"^[-a-zA-Z0-9_]+$"
DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# A page number past this cannot hold anything at MAX_PAGE_SIZE rows a page.
MAX_PAGE = 100_000

OGL_NAME = "Open Government Licence v3.0"
OGL_URL = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"


class Licence(Schema):
    """Every dataset is published under the Open Government Licence."""

    name: str = Field(examples=[OGL_NAME])
    url: str = Field(examples=[OGL_URL])


LICENCE = {"name": OGL_NAME, "url": OGL_URL}


class PageLinks(Schema):
    """Absolute URLs of this page and its neighbours; `next`/`prev` are null at either end."""

    self: str
    first: str
    last: str
    next: str | None
    prev: str | None


class InvalidParameter(Schema):
    parameter: str
    location: str = Field(description="`query` or `path`")
    detail: str


class Problem(Schema):
    """An error, as RFC 9457 problem details (`application/problem+json`)."""

    type: str = Field(description="A URI naming the kind of problem; `about:blank` for plain HTTP")
    title: str
    status: int
    detail: str
    instance: str | None = Field(None, description="The path that was asked for")
    errors: list[InvalidParameter] | None = Field(
        None, description="Bad query or path parameters, one entry each (400 only)"
    )


@dataclass
class ProblemError(Exception):
    """Raised by a route to answer with a problem. `kind` names a problem documented on the
    API's docs page (its anchor); "" means a plain HTTP status (`about:blank`)."""

    status: int
    detail: str
    kind: str = ""
    title: str = ""
    errors: list[dict] = field(default_factory=list)


@dataclass(frozen=True)
class PageWindow:
    """One page of a list: which rows to fetch, and the links to the others."""

    number: int
    size: int
    count: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.count / self.size))

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def page_window(*, page: int, page_size: int, count: int) -> PageWindow:
    """The page asked for, or a 404 problem if it is past the last page (page 1 always exists,
    empty when nothing matches)."""
    window = PageWindow(number=page, size=page_size, count=count)
    if page > window.pages:
        raise ProblemError(
            status=404,
            kind="page-not-found",
            title=str(_("Page not found")),
            detail=str(
                _("There is no page %(page)s: the last page is %(last)s.")
                % {"page": page, "last": window.pages}
            ),
        )
    return window


def page_links(request: HttpRequest, window: PageWindow) -> dict:
    """Links to this page, the first, last, next and previous, keeping every other query
    parameter as it was asked."""
    params = {key: value for key, value in request.GET.items() if key != "page"}
    base = request.build_absolute_uri(request.path)

    def url(number: int) -> str:
        return f"{base}?{urlencode({**params, 'page': number})}"

    return {
        "self": url(window.number),
        "first": url(1),
        "last": url(window.pages),
        "next": url(window.number + 1) if window.number < window.pages else None,
        "prev": url(window.number - 1) if window.number > 1 else None,
    }


def paged_body(request: HttpRequest, window: PageWindow, results: list, **links: str) -> dict:
    """A list response: licence, counts, links (plus any extra ones, such as a feed), rows."""
    return {
        "licence": LICENCE,
        "count": window.count,
        "page": window.number,
        "page_size": window.size,
        "pages": window.pages,
        "links": page_links(request, window) | links,
        "results": results,
    }


# --- Who took part, against who lives here (docs/representativeness.md) ----------------------
# Shared by a consultation's respondents and a co-production group's year.


class RepresentativenessGroup(Schema):
    group: str
    label: str
    mapping_note: str | None = Field(None, description="How our answers and ONS's line up")
    people: int | None = Field(
        description="People in the group (respondents, or people who took part); null where hidden"
    )
    share: float | None = Field(description="Share of those with a comparable answer, 0 to 1")
    interval_low: float | None = Field(description="95% Wilson score interval, low end")
    interval_high: float | None = Field(description="95% Wilson score interval, high end")
    reference_share: float | None = Field(description="The population's share, 0 to 1")
    ratio: float | None = Field(description="share / reference_share")
    difference_points: float | None = Field(description="share - reference_share, in points")
    verdict: Literal["over", "under", "in_line"] | None = Field(
        description="`over` or `under` only where the interval leaves out the population's share"
    )


class RepresentativenessSource(Schema):
    table_code: str
    source_url: str
    provenance: str
    unit: Literal["count", "percent"]


class RepresentativenessField(Schema):
    field: str
    question: str
    census_table: str
    reference_available: bool
    sources: list[RepresentativenessSource]
    answered: int | None
    not_given_or_not_comparable: int | None
    groups: list[RepresentativenessGroup]


class ReferenceArea(Schema):
    name: str
    area_code: str
    area_name: str


class NotCompared(Schema):
    field: str
    question: str
    why: str
