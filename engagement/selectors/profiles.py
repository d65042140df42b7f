"""Read paths for expertise profiles: the directory, one profile, the involvement record."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from deliberation.models import CoproductionGroup, SessionParticipant
from engagement.models import (
    ExpertProfile,
    Invitation,
    PaymentClaim,
    Response,
    ResponseStatus,
)
from engagement.rules import is_finder

PROFILE_RELATIONS = ("experience_areas", "skills", "localities", "languages")


def profiles_visible_to(*, viewer) -> QuerySet[ExpertProfile]:
    """Profiles the viewer may see, by each profile's own visibility (mirrors
    `engagement.rules.can_view_profile` in SQL, so lists never show what a page would refuse)."""
    condition = Q(visibility=ExpertProfile.Visibility.PUBLIC)
    if viewer.is_authenticated:
        condition |= Q(user_id=viewer.pk)
        if is_finder(viewer):
            condition |= Q(visibility=ExpertProfile.Visibility.STAFF)
    return ExpertProfile.objects.filter(condition)


def directory_search(
    *,
    viewer,
    query: str = "",
    experience_areas=(),
    skills=(),
    localities=(),
    languages=(),
    availability=(),
) -> QuerySet[ExpertProfile]:
    """The directory for commissioners and facilitators: profiles they may see, matching the
    words (PostgreSQL full-text search, ranked; a plain word match on SQLite) and every filter
    given. A profile must have each chosen filter value of a kind to match ("mental health" and
    "carer" means both). Access needs are never searched."""
    profiles = profiles_visible_to(viewer=viewer)
    for relation, terms in (
        ("experience_areas", experience_areas),
        ("skills", skills),
        ("localities", localities),
        ("languages", languages),
    ):
        for term in terms:
            profiles = profiles.filter(**{relation: term})
    for choice in availability:
        profiles = profiles.filter(**{f"available_{choice}": True})

    query = query.strip()
    ordering = ["display_name", "pk"]
    if query:
        if connection.vendor == "postgresql":
            from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

            vector = SearchVector("search_text", config="english")
            search = SearchQuery(query, config="english", search_type="websearch")
            # Match with @@; ts_rank alone gives non-matches a tiny non-zero rank.
            profiles = profiles.annotate(
                search_document=vector, rank=SearchRank(vector, search)
            ).filter(search_document=search)
            ordering = ["-rank", *ordering]
        else:
            for word in query.split():
                profiles = profiles.filter(search_text__icontains=word)
    # Each filter joins on one term id, so no profile repeats: no DISTINCT needed. Access needs
    # are not even loaded: the directory has no business with them.
    return profiles.defer("access_needs").prefetch_related(*PROFILE_RELATIONS).order_by(*ordering)


def profile_for_viewing(*, pk: int) -> ExpertProfile:
    """One profile with everything its page shows, in a fixed number of queries."""
    return (
        ExpertProfile.objects.select_related("user").prefetch_related(*PROFILE_RELATIONS).get(pk=pk)
    )


@dataclass(frozen=True)
class Badge:
    slug: str
    name: str
    description: str


@dataclass
class InvolvementRecord:
    """What a person actually did on the platform, counted from the records themselves."""

    opportunities_taken_up: list = field(default_factory=list)
    approved_hours: Decimal = Decimal("0")
    groups_joined: int = 0
    sessions_attended: int = 0
    consultations_answered: int = 0
    badges: list[Badge] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (
            self.opportunities_taken_up
            or self.approved_hours
            or self.groups_joined
            or self.sessions_attended
            or self.consultations_answered
        )


# (slug, name, description, test). Badges are earned from the record, never awarded by hand.
BADGES = [
    (
        "first-step",
        _("First step"),
        _("Took up a first involvement opportunity."),
        lambda r: len(r.opportunities_taken_up) >= 1,
    ),
    (
        "regular",
        _("Regular contributor"),
        _("Took up five or more involvement opportunities."),
        lambda r: len(r.opportunities_taken_up) >= 5,
    ),
    (
        "ten-hours",
        _("Ten hours of expertise"),
        _("Ten or more hours of involvement, approved."),
        lambda r: r.approved_hours >= 10,
    ),
    (
        "fifty-hours",
        _("Fifty hours of expertise"),
        _("Fifty or more hours of involvement, approved."),
        lambda r: r.approved_hours >= 50,
    ),
    (
        "group-member",
        _("Co-production group member"),
        _("Joined a co-production group."),
        lambda r: r.groups_joined >= 1,
    ),
]


def _count_of(queryset):
    """A correlated COUNT(*) of `queryset`, for use as one column of a larger SELECT."""
    counted = queryset.order_by().annotate(one=Value(1)).values("one").annotate(n=Count("*"))
    return Coalesce(Subquery(counted.values("n")[:1]), 0)


def _participation_counts(user) -> tuple[int, int, int]:
    """Co-production groups joined, live sessions taken part in, consultations answered: one
    query, three correlated counts."""
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .annotate(
            groups_joined=_count_of(CoproductionGroup.objects.filter(members=OuterRef("pk"))),
            sessions_attended=_count_of(SessionParticipant.objects.filter(user=OuterRef("pk"))),
            consultations_answered=_count_of(
                Response.objects.filter(respondent=OuterRef("pk"), status=ResponseStatus.SUBMITTED)
            ),
        )
        .values_list("groups_joined", "sessions_attended", "consultations_answered")
        .first()
    )
    return row or (0, 0, 0)


def involvement_record(*, user) -> InvolvementRecord:
    """Count what the person did: opportunities taken up (accepted invitations) and approved
    claim hours. Each further kind of involvement (consultations answered, sessions attended,
    groups joined) is one more query here, added by the feature that records it."""
    record = InvolvementRecord()
    record.opportunities_taken_up = list(
        Invitation.objects.filter(profile__user=user, status=Invitation.Status.ACCEPTED)
        .select_related("opportunity")
        .order_by("responded_at")
        .values_list("opportunity__title", "responded_at")
    )
    record.approved_hours = PaymentClaim.objects.filter(
        claimant=user, status=PaymentClaim.Status.APPROVED
    ).aggregate(total=Sum("hours"))["total"] or Decimal("0")
    (
        record.groups_joined,
        record.sessions_attended,
        record.consultations_answered,
    ) = _participation_counts(user)
    record.badges = [
        Badge(slug, str(name), str(description))
        for slug, name, description, earned in BADGES
        if earned(record)
    ]
    return record
