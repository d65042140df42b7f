"""The people who took part in a group's sessions in a year, and their "about you" answers
compared with the reference population. Counts only: nobody's answers leave here one by one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.disclosure import SMALLEST_SHOWN, protect_count
from coproduce.passport.selectors import equality_answer_counts
from coproduce.reporting_year import ReportingYears, site_reporting_years
from deliberation.models import CoproductionGroup, Session, SessionParticipant
from engagement.consultations.representativeness import (
    ReferenceFigures,
    Representativeness,
    counts_representativeness,
)

User = get_user_model()

# The last row of every table: everyone who counts but gave no comparable answer, including
# people who keep no "about you" answers at all.
NOT_GIVEN_LABEL = _("Not given (no answers kept, prefer not to say, or no comparable answer)")

# Years a page or the open data may be asked for: outside them there is nothing to count, and
# the database's date arithmetic would fail rather than find nothing.
FIRST_YEAR = 2000
LAST_YEAR = 2100


def year_is_valid(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def year_is_over(
    *, year: int, today: datetime.date | None = None, years: ReportingYears | None = None
) -> bool:
    """Whether the reporting year (calendar or financial, in the site's time zone) has ended."""
    return (years or site_reporting_years()).is_over(year, today)


def group_years(*, group: CoproductionGroup, years: ReportingYears | None = None) -> list[int]:
    """The reporting years in which the group had sessions, newest first (the site's time
    zone). One query over the months with sessions, not the sessions."""
    years = years or site_reporting_years()
    return sorted(
        {
            years.year_of(month.date())
            for month in Session.objects.filter(group=group).datetimes(
                "scheduled_at", "month", tzinfo=timezone.get_current_timezone()
            )
        },
        reverse=True,
    )


def session_participant_ids(*, sessions: QuerySet) -> QuerySet:
    """Everyone who came into the room of one of these sessions (the room's participation
    records, one per person per session), each once. The facilitators of the sessions' groups,
    who run them, are left out, as in the involvement report. A subquery, not a list."""
    facilitators = User.objects.filter(facilitated_groups__sessions__in=sessions).values("pk")
    return (
        SessionParticipant.objects.filter(session__in=sessions)
        .exclude(user__in=facilitators)
        .values("user_id")
        .distinct()
    )


def year_sessions(
    *, group: CoproductionGroup, year: int, years: ReportingYears | None = None
) -> QuerySet:
    """The group's sessions scheduled in the reporting year `year`."""
    start, end = (years or site_reporting_years()).bounds(year)
    return Session.objects.filter(group=group, scheduled_at__gte=start, scheduled_at__lt=end)


def participant_ids(
    *, group: CoproductionGroup, year: int, years: ReportingYears | None = None
) -> QuerySet:
    """Everyone who came into the room of one of the group's sessions scheduled in the
    reporting year `year`, each once, not the group's facilitators."""
    return session_participant_ids(sessions=year_sessions(group=group, year=year, years=years))


@dataclass
class SessionsPeople:
    """The people who took part in some sessions, compared with the population. Published
    (on a public page or as open data) only when at least 5 people took part: with fewer, the
    total itself is hidden and there is nothing to show."""

    people: int  # who took part (not published unless it passes disclosure control)
    comparison: Representativeness
    not_given_label = NOT_GIVEN_LABEL

    @property
    def people_published(self) -> int | None:
        return protect_count(self.people)

    @property
    def publishable(self) -> bool:
        return self.people >= SMALLEST_SHOWN

    def comparison_as_dict(self) -> dict:
        """The comparison as published: hidden figures are null."""
        data = self.comparison.as_dict()
        data.pop("responses")
        return data


def sessions_representativeness(
    *, sessions: QuerySet, reference: ReferenceFigures | None = None
) -> SessionsPeople:
    """The people who came into the room of these sessions (each once, not the facilitators),
    compared field by field with the reference population through their passport's "about
    you" answers (only those they keep, under their consent). People who keep no answers
    count as "not given". The same mapping, disclosure control and intervals as for a
    consultation's respondents. Seven queries (reference, people, 5 questions) whatever the
    numbers."""
    people = session_participant_ids(sessions=sessions)
    total = people.count()
    counts = equality_answer_counts(user_ids=people)
    comparison = counts_representativeness(
        counts=counts, people=total, reference=reference, not_compared={}
    )
    return SessionsPeople(people=total, comparison=comparison)


@dataclass
class GroupYear:
    group: CoproductionGroup
    year: int
    year_label: str
    first_day: datetime.date
    last_day: datetime.date
    sessions: int  # sessions scheduled that year and not cancelled
    took_part: SessionsPeople
    year_over: bool

    @property
    def people(self) -> int:
        return self.took_part.people

    @property
    def comparison(self) -> Representativeness:
        return self.took_part.comparison

    @property
    def people_published(self) -> int | None:
        return self.took_part.people_published

    @property
    def publishable(self) -> bool:
        return self.took_part.publishable

    def as_dict(self) -> dict:
        """As published: hidden figures are null."""
        return {
            "group": {"slug": self.group.slug, "name": self.group.name},
            "year": self.year,
            "year_label": self.year_label,
            "year_starts": self.first_day.isoformat(),
            "year_ends": self.last_day.isoformat(),
            "year_over": self.year_over,
            "sessions": self.sessions,
            "people": self.people_published,
        } | self.took_part.comparison_as_dict()


def group_year_representativeness(
    *,
    group: CoproductionGroup,
    year: int,
    reference: ReferenceFigures | None = None,
    years: ReportingYears | None = None,
) -> GroupYear:
    """The people who took part in the group's sessions in the reporting year `year`,
    compared field by field with the reference population through their passport's "about
    you" answers. A fixed number of queries whatever the numbers (one more without `years`)."""
    years = years or site_reporting_years()
    sessions = year_sessions(group=group, year=year, years=years)
    first_day, last_day = years.first_and_last_day(year)
    return GroupYear(
        group=group,
        year=year,
        year_label=years.label(year),
        first_day=first_day,
        last_day=last_day,
        sessions=sessions.filter(cancelled=False).count(),
        took_part=sessions_representativeness(sessions=sessions, reference=reference),
        year_over=years.is_over(year),
    )
