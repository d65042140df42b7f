"""Read paths for expertise profiles: the directory, one profile, the involvement record."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower
from django.utils.translation import gettext_lazy as _

from coproduce.accounts.rules import is_finder
from deliberation.models import CoproductionGroup, SessionParticipant
from engagement.consultations.models import Response, ResponseStatus
from engagement.profiles.models import (
    Availability,
    ExpertProfile,
    ExpressionOfInterest,
    Invitation,
    Opportunity,
    PaymentClaim,
)

PROFILE_RELATIONS = ("experience_areas", "skills", "localities", "languages")


def profiles_visible_to(*, viewer) -> QuerySet[ExpertProfile]:
    """Profiles the viewer may see, by each profile's own visibility (mirrors
    `engagement.profiles.rules.can_view_profile` in SQL, so lists never show what a page would
    refuse)."""
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


# How much each kind of match counts towards the rank. Lived experience matters most.
AREA_WEIGHT = 3
SKILL_WEIGHT = 2
LOCALITY_WEIGHT = 2
LANGUAGE_WEIGHT = 1
TIME_WEIGHT = 1
INTEREST_WEIGHT = 2
MAX_MATCHES = 50


def opportunities_for_listing(*, viewer) -> QuerySet[Opportunity]:
    """Open opportunities for everyone; commissioners and facilitators also see closed ones."""

    opportunities = Opportunity.objects.prefetch_related("experience_areas", "localities")
    if not (viewer.is_authenticated and is_finder(viewer)):
        opportunities = opportunities.filter(status=Opportunity.Status.OPEN)
    return opportunities.order_by("status", "-created_at", "-pk")


def opportunity_detail(*, pk: int) -> Opportunity:
    return Opportunity.objects.prefetch_related(
        "experience_areas", "skills", "localities", "languages"
    ).get(pk=pk)


@dataclass
class Match:
    profile: ExpertProfile
    score: int
    reasons: list[str]
    interested: bool
    invitation: Invitation | None


def _matching_terms(through, term_column: str, ids: list[int]):
    """How many of `ids` a profile has, as a correlated subquery: no join fan-out, so the
    count stays cheap however many terms each profile carries."""
    if not ids:
        return Value(0, output_field=IntegerField())
    counted = (
        through.objects.filter(expertprofile_id=OuterRef("pk"), **{f"{term_column}__in": ids})
        .order_by()
        .values("expertprofile_id")
        .annotate(matches=Count("*"))
        .values("matches")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _flag(condition: Q):
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def opportunity_matches(*, opportunity: Opportunity, viewer) -> list[Match]:
    """Experts ranked for an opportunity, each with the reasons it matched ("Mental health;
    Northshire County Council; weekday evenings"). Only profiles the viewer may see are
    considered. The score and the ranking are computed in SQL; only the top `MAX_MATCHES`
    are loaded, and their reasons come from the prefetched terms."""
    area_ids = list(opportunity.experience_areas.values_list("pk", flat=True))
    skill_ids = list(opportunity.skills.values_list("pk", flat=True))
    locality_ids = list(opportunity.localities.values_list("pk", flat=True))
    language_ids = list(opportunity.languages.values_list("pk", flat=True))
    times = opportunity.times_needed

    time_matches = Value(0, output_field=IntegerField())
    for choice in times:
        time_matches = time_matches + _flag(Q(**{f"available_{choice}": True}))
    interested = Exists(
        ExpressionOfInterest.objects.filter(opportunity=opportunity, profile=OuterRef("pk"))
    )
    profiles = (
        profiles_visible_to(viewer=viewer)
        .annotate(
            area_matches=_matching_terms(
                ExpertProfile.experience_areas.through, "experiencearea_id", area_ids
            ),
            skill_matches=_matching_terms(ExpertProfile.skills.through, "skill_id", skill_ids),
            locality_matches=_matching_terms(
                ExpertProfile.localities.through, "locality_id", locality_ids
            ),
            language_matches=_matching_terms(
                ExpertProfile.languages.through, "language_id", language_ids
            ),
            time_matches=time_matches,
            interested=interested,
        )
        .annotate(
            score=AREA_WEIGHT * F("area_matches")
            + SKILL_WEIGHT * F("skill_matches")
            # Living in one of the places counts once, however many of them match.
            + LOCALITY_WEIGHT * _flag(Q(locality_matches__gt=0))
            + LANGUAGE_WEIGHT * F("language_matches")
            + TIME_WEIGHT * F("time_matches")
            + INTEREST_WEIGHT * _flag(Q(interested=True))
        )
        .filter(
            Q(area_matches__gt=0)
            | Q(skill_matches__gt=0)
            | Q(locality_matches__gt=0)
            | Q(interested=True)
        )
        .defer("access_needs")
        .order_by("-score", Lower("display_name"), "pk")
        .prefetch_related(*PROFILE_RELATIONS)[:MAX_MATCHES]
    )
    profiles = list(profiles)
    invitations = {
        invitation.profile_id: invitation
        for invitation in Invitation.objects.filter(
            opportunity=opportunity, profile__in=[p.pk for p in profiles]
        )
    }
    matches = []
    for profile in profiles:
        reasons = [a.name for a in profile.experience_areas.all() if a.pk in area_ids]
        reasons += [s.name for s in profile.skills.all() if s.pk in skill_ids]
        reasons += [loc.name for loc in profile.localities.all() if loc.pk in locality_ids]
        reasons += [lang.name for lang in profile.languages.all() if lang.pk in language_ids]
        reasons += [
            str(Availability(choice).label).lower()
            for choice in times
            if choice in profile.availability
        ]
        if profile.interested:
            reasons.append("expressed interest")
        matches.append(
            Match(
                profile=profile,
                score=profile.score,
                reasons=reasons,
                interested=profile.interested,
                invitation=invitations.get(profile.pk),
            )
        )
    return matches


def invitations_for(*, user) -> QuerySet[Invitation]:
    """The person's invitations, newest first."""
    return (
        Invitation.objects.filter(profile__user=user)
        .select_related("opportunity")
        .order_by("-created_at", "-pk")
    )


def opportunities_taken_up(*, user) -> QuerySet[Opportunity]:
    return Opportunity.objects.filter(
        invitations__profile__user=user, invitations__status=Invitation.Status.ACCEPTED
    ).order_by("title")


def claims_for(*, user) -> QuerySet[PaymentClaim]:
    """Claims the person made, or recorded for someone else."""
    return (
        PaymentClaim.objects.filter(Q(claimant=user) | Q(recorded_by=user))
        .select_related("opportunity", "claimant")
        .order_by("-created_at", "-pk")
    )


def claims_to_review() -> QuerySet[PaymentClaim]:
    return (
        PaymentClaim.objects.filter(status=PaymentClaim.Status.SUBMITTED)
        .select_related("opportunity", "claimant")
        .order_by("created_at", "pk")
    )


def claims_history(*, status: str = "", person: str = "") -> QuerySet[PaymentClaim]:
    """Every claim, newest first, whatever its status (approved ones do not vanish), optionally
    only one status and only people whose name or email contains `person`."""
    claims = PaymentClaim.objects.select_related("opportunity", "claimant").order_by(
        "-created_at", "-pk"
    )
    if status:
        claims = claims.filter(status=status)
    if person:
        claims = claims.filter(
            Q(claimant__display_name__icontains=person) | Q(claimant__email__icontains=person)
        )
    return claims


def opportunities_to_claim_for(*, user, for_others: bool) -> QuerySet[Opportunity]:
    """The opportunities a claim can be made for: those the person took up, or, for someone
    who records claims for others (a facilitator), any that someone took up."""
    accepted = Invitation.objects.filter(status=Invitation.Status.ACCEPTED)
    if not for_others:
        accepted = accepted.filter(profile__user=user)
    return Opportunity.objects.filter(pk__in=accepted.values("opportunity_id")).order_by("title")


def approved_claims_for_finance() -> QuerySet[PaymentClaim]:
    """Approved claims with what finance needs to pay them; never access needs or profiles."""
    return (
        PaymentClaim.objects.filter(status=PaymentClaim.Status.APPROVED)
        .select_related("opportunity", "claimant", "reviewed_by")
        .order_by("reviewed_at", "pk")
    )
