"""The people who took part in a group's sessions in a year, and their "about you" answers
compared with the reference population. Counts only: nobody's answers leave here one by one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone

from coproduce.disclosure import protect_count
from coproduce.passport.selectors import equality_answer_counts
from deliberation.models import CoproductionGroup, Session, SessionParticipant
from engagement.consultations.representativeness import (
    ReferenceFigures,
    Representativeness,
    counts_representativeness,
)

# Years a page or the open data may be asked for: outside them there is nothing to count, and
# the database's date arithmetic would fail rather than find nothing.
FIRST_YEAR = 2000
LAST_YEAR = 2100


def year_is_valid(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def year_is_over(*, year: int, today: datetime.date | None = None) -> bool:
    """Whether the calendar year (in the site's time zone) has ended."""
    today = today or timezone.localdate()
    return year < today.year


def group_years(*, group: CoproductionGroup) -> list[int]:
    """The years in which the group had sessions, newest first (the site's time zone)."""
    return sorted(
        {
            moment.year
            for moment in Session.objects.filter(group=group).datetimes(
                "scheduled_at", "year", tzinfo=timezone.get_current_timezone()
            )
        },
        reverse=True,
    )


def participant_ids(*, group: CoproductionGroup, year: int) -> QuerySet:
    """Everyone who came into the room of one of the group's sessions scheduled in `year`
    (the room's participation records, one per person per session), each once. The group's
    facilitators, who run the sessions, are left out, as in the involvement report."""
    return (
        SessionParticipant.objects.filter(session__group=group, session__scheduled_at__year=year)
        .exclude(user__in=group.facilitators.values("pk"))
        .values("user_id")
        .distinct()
    )


@dataclass
class GroupYear:
    group: CoproductionGroup
    year: int
    sessions: int  # sessions scheduled that year and not cancelled
    people: int  # who took part (not published unless it passes disclosure control)
    comparison: Representativeness
    year_over: bool

    @property
    def people_published(self) -> int | None:
        return protect_count(self.people)

    def as_dict(self) -> dict:
        """As published: hidden figures are null."""
        data = self.comparison.as_dict()
        data.pop("responses")
        return {
            "group": {"slug": self.group.slug, "name": self.group.name},
            "year": self.year,
            "year_over": self.year_over,
            "sessions": self.sessions,
            "people": self.people_published,
        } | data


def group_year_representativeness(
    *, group: CoproductionGroup, year: int, reference: ReferenceFigures | None = None
) -> GroupYear:
    """The people who took part in the group's sessions in `year`, compared field by field
    with the reference population through their passport's "about you" answers. People who
    keep no answers count as "not given". A fixed number of queries whatever the numbers."""
    people = participant_ids(group=group, year=year)
    total = people.count()
    counts = equality_answer_counts(user_ids=people)
    comparison = counts_representativeness(
        counts=counts, people=total, reference=reference, not_compared={}
    )
    sessions = Session.objects.filter(group=group, scheduled_at__year=year, cancelled=False).count()
    return GroupYear(
        group=group,
        year=year,
        sessions=sessions,
        people=total,
        comparison=comparison,
        year_over=year_is_over(year=year),
    )
