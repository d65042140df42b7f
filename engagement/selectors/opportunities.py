"""Read paths for opportunities: lists, ranked matching with reasons, claims and the CSV rows."""

from dataclasses import dataclass

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
    Value,
    When,
)
from django.db.models.functions import Coalesce, Lower

from engagement.models import (
    Availability,
    ExpertProfile,
    ExpressionOfInterest,
    Invitation,
    Opportunity,
    PaymentClaim,
)

from .profiles import PROFILE_RELATIONS, profiles_visible_to

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
    from engagement.rules import is_finder

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


def approved_claims_for_finance() -> QuerySet[PaymentClaim]:
    """Approved claims with what finance needs to pay them; never access needs or profiles."""
    return (
        PaymentClaim.objects.filter(status=PaymentClaim.Status.APPROVED)
        .select_related("opportunity", "claimant", "reviewed_by")
        .order_by("reviewed_at", "pk")
    )
