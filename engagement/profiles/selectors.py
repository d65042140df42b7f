"""Read paths for expertise profiles: the directory, one profile, the involvement record."""

import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    DecimalField,
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
from django.db.models.functions import MD5, Cast, Coalesce, Concat, Floor
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.accounts.rules import is_finder
from coproduce.disclosure import count_or_mark as publishable_count
from coproduce.reporting_year import ReportingYears, site_reporting_years
from deliberation import selectors as room_selectors
from deliberation.models import CoproductionGroup, Session, SessionParticipant
from engagement.consultations.models import Response, ResponseStatus
from engagement.profiles.models import (
    CLAIM_MAX_AGE_DAYS,
    Availability,
    ExperienceArea,
    ExpertProfile,
    ExpressionOfInterest,
    Invitation,
    Language,
    Locality,
    LotteryAnswers,
    LotteryDraw,
    MatchingWeights,
    Opportunity,
    PaymentClaim,
    ProfileConsent,
    Skill,
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
    # are not even loaded: the directory has no business with them, nor with the rest of the
    # profile (its cards show the name, and the terms' names from `with_term_names`).
    return profiles.only("pk", "display_name").order_by(*ordering)


def with_term_names(profiles) -> list[ExpertProfile]:
    """The profiles, each with `term_names`: {relation: names of its terms, by name} for the four
    kinds of term. One query, whatever the number of profiles and of kinds (a prefetch would be
    one per kind)."""
    profiles = list(profiles)
    names = {profile.pk: {relation: [] for relation in _TERM_MODELS} for profile in profiles}
    if profiles:
        rows = None
        for relation, model in _TERM_MODELS.items():
            through = ExpertProfile._meta.get_field(relation).remote_field.through
            terms = through.objects.filter(expertprofile_id__in=names).annotate(
                term_kind=Value(relation), term_name=F(f"{model._meta.model_name}__name")
            )
            terms = terms.values_list("term_kind", "expertprofile_id", "term_name").order_by()
            rows = terms if rows is None else rows.union(terms, all=True)
        for relation, profile_id, name in rows.order_by("term_name"):
            names[profile_id][relation].append(name)
    for profile in profiles:
        profile.term_names = names[profile.pk]
    return profiles


_TERM_MODELS = {
    "experience_areas": ExperienceArea,
    "skills": Skill,
    "localities": Locality,
    "languages": Language,
}


def taxonomy_fingerprint() -> str:
    """A digest of every term the directory's filters offer (kind, id, name): one query, so
    something rendered from the terms can be kept under it and is never read once a term is
    added, renamed or removed, by whatever means."""
    rows = None
    for relation, model in _TERM_MODELS.items():
        terms = model.objects.annotate(term_kind=Value(relation))
        terms = terms.values_list("term_kind", "pk", "name")
        terms = terms.order_by()
        rows = terms if rows is None else rows.union(terms, all=True)
    digest = hashlib.sha256()
    for row in sorted(rows.order_by()):
        digest.update(repr(row).encode())
    return digest.hexdigest()[:24]


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
        claimant=user, status__in=PaymentClaim.APPROVED_STATUSES
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


# At most this many matches are loaded and shown.
MAX_MATCHES = 50
# "Recent" for fairness: invitations, paid hours and sessions in the last 12 months.
RECENT_DAYS = 365


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


def matching_weights(*, request=None) -> MatchingWeights:
    """The weights in force (Settings → Matching weights), cached on the request if given."""
    return MatchingWeights.load(request_or_site=request)


@dataclass(frozen=True)
class AreaShare:
    """One locality: how many profiles name it, and how many of the people already involved
    in the last 12 months. Counts of people: published only through `publishable_count`."""

    locality: Locality
    profiles: int
    involved: int
    under_represented: bool

    @property
    def shown_profiles(self):
        return publishable_count(self.profiles)

    @property
    def shown_involved(self):
        return publishable_count(self.involved)


def _recent_since():
    return timezone.now() - timedelta(days=RECENT_DAYS)


def _involved_profiles(*, since, opportunity: Opportunity | None = None) -> QuerySet:
    """Profiles of people already involved since `since`: took up an opportunity (accepted an
    invitation) or took part in a live session. `opportunity` itself is left out, so inviting
    people to it does not change how it ranks them."""
    accepted = Invitation.objects.filter(
        profile=OuterRef("pk"), status=Invitation.Status.ACCEPTED, responded_at__gte=since
    )
    if opportunity is not None:
        accepted = accepted.exclude(opportunity=opportunity)
    attended = SessionParticipant.objects.filter(
        user=OuterRef("user_id"), session__scheduled_at__gte=since
    )
    return ExpertProfile.objects.filter(Exists(accepted) | Exists(attended))


def area_representation(*, opportunity: Opportunity | None = None) -> list[AreaShare]:
    """Each locality's share of all profiles against its share of the people already involved
    in the last 12 months. A locality is under-represented when its share of the involved is
    below its share of profiles (and someone is involved at all). Two queries."""
    involved = _involved_profiles(since=_recent_since(), opportunity=opportunity)
    totals = ExpertProfile.objects.aggregate(
        profiles=Count("pk"), involved=Count("pk", filter=Q(pk__in=involved.values("pk")))
    )
    rows = Locality.objects.annotate(
        n_profiles=Count("profiles", distinct=True),
        n_involved=Count("profiles", filter=Q(profiles__in=involved.values("pk")), distinct=True),
    ).order_by("name")
    shares = []
    for row in rows:
        under = bool(
            totals["involved"]
            and row.n_profiles
            # involved share < profile share, in integers: no rounding decides it.
            and row.n_involved * totals["profiles"] < row.n_profiles * totals["involved"]
        )
        shares.append(AreaShare(row, row.n_profiles, row.n_involved, under))
    return shares


@dataclass
class Match:
    """One person put forward for an opportunity, with the score and every reason for it."""

    profile: ExpertProfile
    rank: int
    score: int
    fit: int
    reasons: list[str]
    fairness_reasons: list[str]
    interested: bool
    invitation: Invitation | None
    recent_invitations: int = 0
    recent_hours: Decimal = Decimal("0")
    recent_sessions: int = 0
    recent_payments: Decimal = Decimal("0")
    new_to_involvement: bool = False

    @property
    def audit(self) -> dict:
        """What an invitation keeps of this match."""
        return {
            "rank": self.rank,
            "score": self.score,
            "reasons": [*self.reasons, *self.fairness_reasons],
        }


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


def _sum_of(queryset, column: str, output_field):
    """A correlated SUM of `column` over `queryset`, 0 when there are no rows."""
    summed = queryset.order_by().annotate(one=Value(1)).values("one").annotate(t=Sum(column))
    return Coalesce(
        Subquery(summed.values("t")[:1], output_field=output_field),
        Value(0),
        output_field=output_field,
    )


def _opportunity_terms(opportunity: Opportunity) -> dict[str, list[int]]:
    """The ids of the terms an opportunity asks for, by kind: four queries."""
    return {
        "areas": list(opportunity.experience_areas.values_list("pk", flat=True)),
        "skills": list(opportunity.skills.values_list("pk", flat=True)),
        "localities": list(opportunity.localities.values_list("pk", flat=True)),
        "languages": list(opportunity.languages.values_list("pk", flat=True)),
    }


def _ranked_candidates(*, opportunity: Opportunity, viewer, weights: MatchingWeights, areas, terms):
    """Every profile the viewer may see that fits the opportunity at all, with its fit,
    fairness figures and score annotated, in rank order. Ties are broken by the MD5 of the
    opportunity's and the profile's ids: random-looking, stable for this opportunity, and
    different for the next, so nobody's name or age of account decides."""
    area_ids, skill_ids = terms["areas"], terms["skills"]
    locality_ids, language_ids = terms["localities"], terms["languages"]
    under_ids = [share.locality.pk for share in areas if share.under_represented]
    since = _recent_since()

    time_matches = Value(0, output_field=IntegerField())
    for choice in opportunity.times_needed:
        time_matches = time_matches + _flag(Q(**{f"available_{choice}": True}))
    interested = Exists(
        ExpressionOfInterest.objects.filter(opportunity=opportunity, profile=OuterRef("pk"))
    )
    # Fairness figures leave this opportunity out: inviting someone to it must not move them.
    invitations = Invitation.objects.filter(profile=OuterRef("pk")).exclude(opportunity=opportunity)
    # Approved, and approved then paid: a claim marked paid still counts as involvement.
    approved = PaymentClaim.objects.filter(
        claimant=OuterRef("user_id"), status__in=PaymentClaim.APPROVED_STATUSES
    ).exclude(opportunity=opportunity)
    paid = approved.exclude(payment_choice=PaymentClaim.PaymentChoice.DECLINED)
    recent_paid = paid.filter(worked_on__gte=since.date())
    sessions = SessionParticipant.objects.filter(user=OuterRef("user_id"))
    new = (
        ~Exists(invitations.filter(status=Invitation.Status.ACCEPTED))
        & ~Exists(sessions)
        & ~Exists(approved)
    )
    money = DecimalField(max_digits=12, decimal_places=2)
    return (
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
            under_represented_matches=_matching_terms(
                ExpertProfile.localities.through, "locality_id", under_ids
            ),
            time_matches=time_matches,
            interested=interested,
            recent_invitations=_count_of(invitations.filter(created_at__gte=since)),
            recent_hours=_sum_of(
                recent_paid, "hours", DecimalField(max_digits=9, decimal_places=2)
            ),
            recent_payments=_sum_of(
                recent_paid.annotate(fee=F("hours") * F("hourly_rate")), "fee", money
            ),
            recent_sessions=_count_of(sessions.filter(session__scheduled_at__gte=since)),
            new_to_involvement=Case(
                When(new, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
        )
        .annotate(
            fit=weights.experience_area * F("area_matches")
            + weights.skill * F("skill_matches")
            # Living in one of the places counts once, however many of them match.
            + weights.locality * _flag(Q(locality_matches__gt=0))
            + weights.language * F("language_matches")
            + weights.availability * F("time_matches")
            + weights.interest * _flag(Q(interested=True)),
            fairness=weights.new_to_involvement * _flag(Q(new_to_involvement=True))
            + weights.under_represented_area * _flag(Q(under_represented_matches__gt=0))
            - weights.recent_invitation * F("recent_invitations")
            - weights.recent_paid_hours * Cast(Floor(F("recent_hours") / 10), IntegerField()),
            tie_break=MD5(Concat(Value(f"{opportunity.pk}:"), Cast("pk", CharField()))),
        )
        .annotate(score=F("fit") + F("fairness"))
        .filter(
            Q(area_matches__gt=0)
            | Q(skill_matches__gt=0)
            | Q(locality_matches__gt=0)
            | Q(interested=True)
        )
        .order_by("-score", "tie_break", "pk")
    )


def _fairness_reasons(profile, weights: MatchingWeights, under_names: list[str]) -> list[str]:
    reasons = []
    if profile.new_to_involvement and weights.new_to_involvement:
        reasons.append(f"new to involvement (+{weights.new_to_involvement})")
    if profile.under_represented_matches and weights.under_represented_area:
        reasons.append(
            f"lives in an area under-represented among people involved: "
            f"{', '.join(under_names)} (+{weights.under_represented_area})"
        )
    if profile.recent_invitations and weights.recent_invitation:
        reasons.append(
            f"{profile.recent_invitations} invitation(s) in the last 12 months "
            f"(-{weights.recent_invitation * profile.recent_invitations})"
        )
    tens = int(profile.recent_hours // 10)
    if tens and weights.recent_paid_hours:
        reasons.append(
            f"{profile.recent_hours.normalize():f} paid hours in the last 12 months "
            f"(-{weights.recent_paid_hours * tens})"
        )
    return reasons


def opportunity_matches(
    *, opportunity: Opportunity, viewer, weights: MatchingWeights | None = None, areas=None
) -> list[Match]:
    """Experts ranked for an opportunity by fit and fairness, each with the reasons ("Mental
    health; Northshire County Council; weekday evenings"; "new to involvement (+2)"). Only
    profiles the viewer may see are considered. Fit: matching experience, skills, places,
    languages, times and interest. Fairness: fewer invitations and paid hours in the last 12
    months, new to involvement, and living in an area under-represented among the people
    already involved. The weights are `MatchingWeights`. The score and the ranking are
    computed in SQL; only the top `MAX_MATCHES` are loaded."""
    weights = weights or matching_weights()
    if areas is None:
        areas = area_representation(opportunity=opportunity)
    terms = _opportunity_terms(opportunity)
    area_ids, skill_ids = set(terms["areas"]), set(terms["skills"])
    locality_ids, language_ids = set(terms["localities"]), set(terms["languages"])
    under = {share.locality.pk for share in areas if share.under_represented}
    times = opportunity.times_needed
    profiles = list(
        _ranked_candidates(
            opportunity=opportunity, viewer=viewer, weights=weights, areas=areas, terms=terms
        ).prefetch_related(*PROFILE_RELATIONS)[:MAX_MATCHES]
    )
    invitations = {
        invitation.profile_id: invitation
        for invitation in Invitation.objects.filter(
            opportunity=opportunity, profile__in=[p.pk for p in profiles]
        )
    }
    matches = []
    for rank, profile in enumerate(profiles, start=1):
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
        under_names = [loc.name for loc in profile.localities.all() if loc.pk in under]
        matches.append(
            Match(
                profile=profile,
                rank=rank,
                score=profile.score,
                fit=profile.fit,
                reasons=reasons,
                fairness_reasons=_fairness_reasons(profile, weights, under_names),
                interested=profile.interested,
                invitation=invitations.get(profile.pk),
                recent_invitations=profile.recent_invitations,
                recent_hours=profile.recent_hours,
                recent_sessions=profile.recent_sessions,
                recent_payments=profile.recent_payments,
                new_to_involvement=profile.new_to_involvement,
            )
        )
    return matches


def match_for(
    *, opportunity: Opportunity, profile: ExpertProfile, viewer
) -> tuple[Match | None, MatchingWeights]:
    """How `profile` ranks for `opportunity` now, and the weights in force: what an invitation
    records. None if the person is not among the matches (invited from the directory)."""
    weights = matching_weights()
    for match in opportunity_matches(opportunity=opportunity, viewer=viewer, weights=weights):
        if match.profile.pk == profile.pk:
            return match, weights
    return None, weights


def invitation_round(*, opportunity: Opportunity) -> QuerySet[Invitation]:
    """Every invitation to an opportunity with why each person was put forward, in the order
    they were sent: the audit of a round."""
    return (
        Invitation.objects.filter(opportunity=opportunity)
        .select_related("profile", "invited_by")
        .order_by("created_at", "pk")
    )


# --- The involvement ledger --------------------------------------------------------------------


@dataclass
class LedgerYear:
    """One reporting year of a person's involvement (a calendar year, or a financial year from
    1 April, as the site's Organisation settings say), counted from the records. `year` is the
    calendar year it starts in; `label` is how people say it ('2025', or '2025 to 2026')."""

    year: int
    label: str = ""
    invitations: int = 0
    invitations_accepted: int = 0
    sessions_attended: int = 0
    consultations_answered: int = 0
    paid_hours: Decimal = Decimal("0")
    payments: Decimal = Decimal("0")
    expenses: Decimal = Decimal("0")


def involvement_ledger(*, user, years: ReportingYears | None = None) -> list[LedgerYear]:
    """A person's involvement year by year, newest first: invitations (and how many they
    accepted) by the year sent, live sessions taken part in by the session's date,
    consultations answered by the date submitted, and approved payment claims by the date of
    the work (hours paid for, whether as payment or voucher; the payment for time; expenses).
    Years are the site's reporting years (`years`, read from the settings when not given),
    bucketed in SQL in the site's time zone. Four queries, however long the record (five
    without `years`)."""
    years = years or site_reporting_years()
    ledger: dict[int, LedgerYear] = {}

    def year(y: int) -> LedgerYear:
        return ledger.setdefault(y, LedgerYear(year=y, label=years.label(y)))

    for row in (
        Invitation.objects.filter(profile__user=user)
        .annotate(y=years.year_expression("created_at"))
        .values("y")
        .annotate(n=Count("pk"), accepted=Count("pk", filter=Q(status=Invitation.Status.ACCEPTED)))
        .order_by()
    ):
        year(row["y"]).invitations = row["n"]
        year(row["y"]).invitations_accepted = row["accepted"]
    for row in (
        SessionParticipant.objects.filter(user=user)
        .annotate(y=years.year_expression("session__scheduled_at"))
        .values("y")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        year(row["y"]).sessions_attended = row["n"]
    for row in (
        Response.objects.filter(respondent=user, status=ResponseStatus.SUBMITTED)
        .annotate(y=years.year_expression("submitted_at"))
        .values("y")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        year(row["y"]).consultations_answered = row["n"]
    # Claims are summed here, not in SQL, so each claim's fee is rounded exactly as
    # `PaymentClaim.fee` rounds what finance pays.
    for claim in PaymentClaim.objects.filter(
        claimant=user, status__in=PaymentClaim.APPROVED_STATUSES
    ).only("worked_on", "hours", "hourly_rate", "payment_choice", "expenses_amount"):
        entry = year(years.year_of(claim.worked_on))
        if claim.payment_choice != PaymentClaim.PaymentChoice.DECLINED:
            entry.paid_hours += claim.hours
        entry.payments += claim.fee
        entry.expenses += claim.expenses_amount
    return [ledger[y] for y in sorted(ledger, reverse=True)]


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
    """Approved claims waiting to be paid, with what finance needs to pay them; never access
    needs or profiles. Claims recorded as paid leave this list (they are in the history)."""
    return (
        PaymentClaim.objects.filter(status=PaymentClaim.Status.APPROVED)
        .select_related("opportunity", "claimant", "reviewed_by")
        .order_by("reviewed_at", "pk")
    )


# --- Claims for sessions, from the room's record of who took part ------------------------------


def session_hours(*, session: Session) -> Decimal:
    """The session's planned length in hours, rounded to the nearest quarter hour (at least a
    quarter, at most a day: what a claim allows)."""
    quarters = (Decimal(session.duration_minutes) / 15).quantize(Decimal("1"), ROUND_HALF_UP)
    return min(max(quarters * Decimal("0.25"), Decimal("0.25")), Decimal("24.00"))


def session_day(session: Session):
    return timezone.localtime(session.scheduled_at).date()


def _paying_opportunities(group_ids) -> dict[int, list[Opportunity]]:
    """The opportunities that pay each group's sessions, newest first (one query)."""
    by_group: dict[int, list[Opportunity]] = {}
    for opportunity in Opportunity.objects.filter(
        coproduction_group_id__in=set(group_ids)
    ).order_by("-created_at", "-pk"):
        by_group.setdefault(opportunity.coproduction_group_id, []).append(opportunity)
    return by_group


def _rate_for(session: Session, by_group: dict[int, list[Opportunity]]) -> Opportunity | None:
    """The newest opportunity naming the session's group that was posted on or before the
    session's day; if every one was posted later, the oldest of them (a group whose rate was
    set after it started meeting still pays its first sessions)."""
    candidates = by_group.get(session.group_id, [])
    day = session_day(session)
    for opportunity in candidates:
        if timezone.localtime(opportunity.created_at).date() <= day:
            return opportunity
    return candidates[-1] if candidates else None


def paying_opportunity(*, session: Session) -> Opportunity | None:
    """The opportunity whose rate pays this session, or None if the group names none."""
    return _rate_for(session, _paying_opportunities([session.group_id]))


@dataclass
class SessionToClaim:
    session: Session
    opportunity: Opportunity | None
    hours: Decimal
    person: object = None  # the person a facilitator would record the claim for


def _claim_window():
    today = timezone.localdate()
    return today - timedelta(days=CLAIM_MAX_AGE_DAYS), today


def sessions_to_claim(*, user) -> list[SessionToClaim]:
    """Sessions in the last 12 months the room shows this person took part in (as a member,
    not an observer) and that they have not claimed for yet, newest first, with the rate that
    pays each (None when the group names no opportunity)."""
    earliest, today = _claim_window()
    sessions = [
        session
        for session in room_selectors.sessions_taken_part_in(user=user).exclude(
            pk__in=PaymentClaim.objects.filter(claimant=user, session__isnull=False).values(
                "session_id"
            )
        )
        if earliest <= session_day(session) <= today
    ]
    if not sessions:
        return []
    rates = _paying_opportunities(session.group_id for session in sessions)
    return [
        SessionToClaim(
            session=session,
            opportunity=_rate_for(session, rates),
            hours=session_hours(session=session),
        )
        for session in sessions
    ]


def people_to_claim_for(*, session: Session) -> QuerySet:
    """The members who took part in this session and have no claim for it yet, by name."""
    return (
        get_user_model()
        .objects.filter(
            pk__in=room_selectors.participants_who_took_part(session=session).values("user_id")
        )
        .exclude(payment_claims__session=session)
        .order_by("display_name", "pk")
    )


def sessions_to_record_for_others(*, user) -> list[SessionToClaim]:
    """For a facilitator: each member of their groups who took part in a session in the last 12
    months and has not claimed for it, with the rate that pays it (two queries)."""
    earliest, today = _claim_window()
    claimed = PaymentClaim.objects.filter(
        session=OuterRef("session_id"), claimant=OuterRef("user_id")
    )
    participants = [
        participant
        for participant in SessionParticipant.objects.filter(
            session__in=room_selectors.attended_sessions_of_groups_facilitated(user=user),
            user__coproduction_groups=F("session__group_id"),
        )
        .exclude(Exists(claimed))
        .select_related("session__group", "user")
        .order_by("-session__scheduled_at", "session_id", "user__display_name", "user_id")
        if earliest <= session_day(participant.session) <= today
    ]
    if not participants:
        return []
    rates = _paying_opportunities(p.session.group_id for p in participants)
    return [
        SessionToClaim(
            session=p.session,
            opportunity=_rate_for(p.session, rates),
            hours=session_hours(session=p.session),
            person=p.user,
        )
        for p in participants
    ]


@dataclass
class AttendanceEvidence:
    """What a reviewer sees about a claim made for a session."""

    session: Session | None
    session_hours: Decimal
    took_part: bool  # the room's record shows the claimant took part, now
    hours_above_session: bool


def attendance_evidence(*, claim: PaymentClaim) -> AttendanceEvidence | None:
    """For a claim made from a session's attendance: the session (None if it has been deleted
    since, with its room record), whether the room still shows the claimant took part, and
    whether more hours were claimed than the session's length."""
    if not claim.from_attendance:
        return None
    session = claim.session
    return AttendanceEvidence(
        session=session,
        session_hours=claim.prefilled_hours,
        took_part=session is not None
        and room_selectors.took_part(session=session, user=claim.claimant),
        hours_above_session=claim.hours_above_prefilled,
    )


# --- One person's own things, and one record by id --------------------------------------------


def own_profile(*, user) -> ExpertProfile | None:
    """The signed-in person's expertise profile, or None if they have not made one."""
    if not user.is_authenticated:
        return None
    return ExpertProfile.objects.filter(user=user).first()


def active_consent_purposes(*, user) -> set[str]:
    """The purposes the person has consented to and not withdrawn."""
    return set(
        ProfileConsent.objects.filter(user=user, withdrawn_at__isnull=True).values_list(
            "purpose", flat=True
        )
    )


def consent_history(*, user) -> QuerySet[ProfileConsent]:
    """Every consent the person gave or withdrew, newest first."""
    return ProfileConsent.objects.filter(user=user).order_by("-given_at", "-pk")


def interest_and_invitation(
    *, opportunity: Opportunity, profile: ExpertProfile | None
) -> tuple[ExpressionOfInterest | None, Invitation | None]:
    """What this profile has already done about an opportunity: its expression of interest
    and its invitation, each or both None."""
    if profile is None:
        return None, None
    interest = ExpressionOfInterest.objects.filter(opportunity=opportunity, profile=profile).first()
    invitation = Invitation.objects.filter(opportunity=opportunity, profile=profile).first()
    return interest, invitation


def took_up(*, user, opportunity: Opportunity) -> bool:
    """Whether the person accepted an invitation to this opportunity (so may claim for it)."""
    return Invitation.objects.filter(
        opportunity=opportunity, profile__user=user, status=Invitation.Status.ACCEPTED
    ).exists()


def people_who_took_up(*, opportunity: Opportunity) -> QuerySet:
    """Everyone who accepted an invitation to this opportunity: whom a facilitator may record
    a claim for."""
    return (
        get_user_model()
        .objects.filter(
            expert_profile__invitations__opportunity=opportunity,
            expert_profile__invitations__status=Invitation.Status.ACCEPTED,
        )
        .order_by("display_name", "pk")
    )


def profile_by_id(*, pk: int) -> ExpertProfile | None:
    return ExpertProfile.objects.filter(pk=pk).first()


def invitation_by_id(*, pk: int) -> Invitation | None:
    return Invitation.objects.select_related("opportunity", "profile").filter(pk=pk).first()


def claim_by_id(*, pk: int) -> PaymentClaim | None:
    return (
        PaymentClaim.objects.select_related(
            "opportunity", "claimant", "recorded_by", "session__group"
        )
        .filter(pk=pk)
        .first()
    )


# --- Panels by lottery ---------------------------------------------------------------------------

LOTTERY_FEATURES = (
    ("age_band", _("Age")),
    ("disability", _("Disabled or a long-term condition")),
    ("ethnicity", _("Ethnic group")),
    ("area", _("Area")),
)
_NOT_GIVEN = "prefer_not"


def _value_labels() -> dict[str, dict[str, str]]:
    """Labels for each feature's stored values (area values are locality slugs): one query."""
    labels = {
        "age_band": {k: str(v) for k, v in LotteryAnswers.AgeBand.choices},
        "disability": {k: str(v) for k, v in LotteryAnswers.YesNo.choices},
        "ethnicity": {k: str(v) for k, v in LotteryAnswers.Ethnicity.choices},
        "area": dict(Locality.objects.values_list("slug", "name")),
    }
    labels["area"][_NOT_GIVEN] = str(_("Prefer not to say"))
    return labels


@dataclass(frozen=True)
class QuotaRow:
    """One group of one feature in a draw: its quota, and counts of people (published only
    through `publishable_count`)."""

    feature: str
    feature_label: str
    value: str
    label: str
    minimum: int
    maximum: int
    in_pool: int
    selected: int | None

    @property
    def met(self) -> bool:
        return self.selected is not None and self.minimum <= self.selected <= self.maximum

    @property
    def shown_in_pool(self):
        return publishable_count(self.in_pool)

    @property
    def shown_selected(self):
        return None if self.selected is None else publishable_count(self.selected)


def lottery_groups(*, pool: list[dict], panel_size: int) -> list[QuotaRow]:
    """Every group present in the pool, with a default quota proportional to the pool (the
    panel size times the group's share, rounded down and up)."""
    labels = _value_labels()
    rows = []
    for feature, feature_label in LOTTERY_FEATURES:
        counts: dict[str, int] = {}
        for person in pool:
            counts[person[feature]] = counts.get(person[feature], 0) + 1
        for value in sorted(counts, key=lambda v: (v == _NOT_GIVEN, labels[feature].get(v, v))):
            share = panel_size * counts[value]
            low, high = share // len(pool), -(-share // len(pool))
            rows.append(
                QuotaRow(
                    feature,
                    str(feature_label),
                    value,
                    labels[feature].get(value, value),
                    low,
                    high,
                    counts[value],
                    None,
                )
            )
    return rows


def lottery_quota_table(*, draw: LotteryDraw) -> list[QuotaRow]:
    """A stored draw's quotas, with how many of the pool and of the panel are in each group."""
    labels = _value_labels()
    chosen = {str(i) for i in draw.selected}
    rows = []
    for feature, feature_label in LOTTERY_FEATURES:
        for value, (low, high) in draw.quotas.get(feature, {}).items():
            members = [p for p in draw.pool if p[feature] == value]
            rows.append(
                QuotaRow(
                    feature,
                    str(feature_label),
                    value,
                    labels[feature].get(value, value),
                    low,
                    high,
                    len(members),
                    sum(1 for p in members if p["id"] in chosen),
                )
            )
    return rows


def lottery_pool_size(*, opportunity: Opportunity) -> int:
    return ExpressionOfInterest.objects.filter(opportunity=opportunity).count()


def lottery_draws_for(*, opportunity: Opportunity) -> QuerySet[LotteryDraw]:
    return LotteryDraw.objects.filter(opportunity=opportunity).select_related("drawn_by")


def lottery_draw_by_id(*, opportunity: Opportunity, pk: int) -> LotteryDraw | None:
    return (
        LotteryDraw.objects.filter(opportunity=opportunity, pk=pk)
        .select_related("drawn_by")
        .first()
    )


def lottery_panel(*, draw: LotteryDraw) -> QuerySet[ExpressionOfInterest]:
    """The people a draw chose, each with the status of their invitation to the opportunity
    (None if not invited yet), in a stable order that is not their names."""
    invitation = Invitation.objects.filter(
        opportunity_id=draw.opportunity_id, profile=OuterRef("profile_id")
    )
    return (
        ExpressionOfInterest.objects.filter(pk__in=draw.selected)
        .select_related("profile")
        .annotate(invitation_status=Subquery(invitation.values("status")[:1]))
        .order_by("pk")
    )
