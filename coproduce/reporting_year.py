"""The site's reporting year: a calendar year (January to December) or, as NHS bodies report,
a financial year (1 April to 31 March). An Editor chooses it in the Organisation settings
("Reporting year starts in"); the involvement ledger and "who took part in a group in a year"
count by it. A year is named by the calendar year it starts in (the URL's /2025/ is 1 April
2025 to 31 March 2026) and labelled in GOV.UK style, "2025 to 2026". Boundaries are midnight in
the site's time zone (Europe/London), so a session at 00:30 BST on 1 April is in the new year.
docs/representativeness.md and docs/profiles.md."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Case, IntegerField, Value, When
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site

from coproduce.home.models import OrganisationSettings

JANUARY = 1
APRIL = 4


@dataclass(frozen=True)
class ReportingYears:
    """How the site counts years: `start_month` is 1 (calendar years) or 4 (financial)."""

    start_month: int = JANUARY

    @property
    def financial(self) -> bool:
        return self.start_month != JANUARY

    def year_of(self, moment: datetime.date | datetime.datetime) -> int:
        """The reporting year a date, or a moment (in the site's time zone), falls in."""
        if isinstance(moment, datetime.datetime):
            moment = timezone.localtime(moment).date()
        return moment.year if moment.month >= self.start_month else moment.year - 1

    def bounds(self, year: int) -> tuple[datetime.datetime, datetime.datetime]:
        """The year's first moment and the next year's first, in the site's time zone."""
        return (
            timezone.make_aware(datetime.datetime(year, self.start_month, 1)),
            timezone.make_aware(datetime.datetime(year + 1, self.start_month, 1)),
        )

    def first_and_last_day(self, year: int) -> tuple[datetime.date, datetime.date]:
        start = datetime.date(year, self.start_month, 1)
        end = datetime.date(year + 1, self.start_month, 1) - datetime.timedelta(days=1)
        return start, end

    def label(self, year: int) -> str:
        """'2025', or for a financial year '2025 to 2026' (GOV.UK style)."""
        if not self.financial:
            return str(year)
        return _("%(start)s to %(end)s") % {"start": year, "end": year + 1}

    def current(self, today: datetime.date | None = None) -> int:
        return self.year_of(today or timezone.localdate())

    def is_over(self, year: int, today: datetime.date | None = None) -> bool:
        """Whether the reporting year has ended (the site's time zone)."""
        return year < self.current(today)

    def year_expression(self, field_name: str):
        """The reporting year of a date or date-time column, worked out in SQL (in the site's
        time zone), for grouping counts by year in one query."""
        if not self.financial:
            return ExtractYear(field_name)
        return ExtractYear(field_name) - Case(
            When(**{f"{field_name}__month__lt": self.start_month}, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )


CALENDAR_YEARS = ReportingYears(JANUARY)


def _from_settings(organisation: OrganisationSettings) -> ReportingYears:
    return ReportingYears(organisation.reporting_year_starts or JANUARY)


def reporting_years_for_request(request) -> ReportingYears:
    """The site's reporting year for a page: read from the Organisation settings, which Wagtail
    caches on the request (the header and footer read them too), so no extra query."""
    if Site.find_for_request(request) is None:  # no Wagtail site at all: calendar years
        return CALENDAR_YEARS
    return _from_settings(OrganisationSettings.for_request(request))


def site_reporting_years() -> ReportingYears:
    """The default site's reporting year, where there is no request (the open data, a task).
    One query."""
    start = (
        OrganisationSettings.objects.filter(site__is_default_site=True)
        .values_list("reporting_year_starts", flat=True)
        .first()
    )
    return ReportingYears(start or JANUARY)
