"""Write paths for opportunities, expressions of interest, invitations and payment claims."""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.notifications.mail import Kind, send_email
from deliberation import selectors as room_selectors
from deliberation.models import CoproductionGroup, Session
from engagement.profiles import selectors
from engagement.profiles.models import (
    ExperienceArea,
    ExpertProfile,
    ExpressionOfInterest,
    Invitation,
    Language,
    Locality,
    Opportunity,
    PaymentClaim,
    Skill,
)


def _email_after_commit(
    *, kind: Kind, to: str, subject: str, template: str, context: dict, user=None
) -> None:
    # Stored in this transaction and sent by a background task once it commits: a rolled-back
    # invitation is not announced, and a failed send is retried and logged, never dropped.
    context = {**context, "base_url": settings.WAGTAILADMIN_BASE_URL.rstrip("/")}
    body = render_to_string(template, context)
    send_email(kind=kind, to=to, subject=subject, body=body, user=user)


@transaction.atomic
def opportunity_create(
    *,
    posted_by,
    title: str,
    summary: str,
    what_it_involves: str,
    time_commitment: str,
    format: str,
    hourly_rate: Decimal,
    expenses: str,
    experience_areas: Iterable[ExperienceArea] = (),
    skills: Iterable[Skill] = (),
    localities: Iterable[Locality] = (),
    languages: Iterable[Language] = (),
    times_needed: Iterable[str] = (),
    closes_on: date | None = None,
    selected_by_lottery: bool = False,
    coproduction_group: CoproductionGroup | None = None,
) -> Opportunity:
    """Post an involvement opportunity, open for interest and invitations. With
    `selected_by_lottery`, people who express interest are asked the lottery's four optional
    equality questions, and a commissioner draws the panel from them."""
    times_needed = set(times_needed)
    opportunity = Opportunity.objects.create(
        posted_by=posted_by,
        title=title,
        summary=summary,
        what_it_involves=what_it_involves,
        time_commitment=time_commitment,
        format=format,
        hourly_rate=hourly_rate,
        expenses=expenses,
        closes_on=closes_on,
        selected_by_lottery=selected_by_lottery,
        coproduction_group=coproduction_group,
        needs_weekday_daytime="weekday_daytime" in times_needed,
        needs_weekday_evenings="weekday_evenings" in times_needed,
        needs_weekends="weekends" in times_needed,
    )
    opportunity.experience_areas.set(experience_areas)
    opportunity.skills.set(skills)
    opportunity.localities.set(localities)
    opportunity.languages.set(languages)
    return opportunity


def opportunity_close(*, opportunity: Opportunity) -> None:
    """Stop taking interest and invitations. Claims for work already done can still be made."""
    Opportunity.objects.filter(pk=opportunity.pk).update(status=Opportunity.Status.CLOSED)
    opportunity.status = Opportunity.Status.CLOSED


def interest_express(
    *, opportunity: Opportunity, profile: ExpertProfile, message: str = ""
) -> ExpressionOfInterest:
    """Say "I would like to do this". Idempotent: a second expression returns the first."""
    if not opportunity.is_open:
        raise ValidationError(_("This opportunity is closed."))
    interest, _created = ExpressionOfInterest.objects.get_or_create(
        opportunity=opportunity, profile=profile, defaults={"message": message}
    )
    return interest


def invitation_send(
    *,
    opportunity: Opportunity,
    profile: ExpertProfile,
    invited_by,
    message: str = "",
    match_rank: int | None = None,
    match_score: int | None = None,
    match_reasons: Iterable[str] = (),
    match_weights: dict | None = None,
) -> Invitation:
    """Invite an expert, keeping why they were put forward (their rank and score on the
    matches, the reasons, the weights in force) so the round can be audited. Idempotent:
    inviting the same person again returns the first invitation, its record unchanged."""
    if not opportunity.is_open:
        raise ValidationError(_("This opportunity is closed."))
    try:
        with transaction.atomic():
            invitation, created = Invitation.objects.get_or_create(
                opportunity=opportunity,
                profile=profile,
                defaults={
                    "invited_by": invited_by,
                    "message": message,
                    "match_rank": match_rank,
                    "match_score": match_score,
                    "match_reasons": list(match_reasons),
                    "match_weights": match_weights or {},
                },
            )
    except IntegrityError:
        # Two invitations at once: the other one won and sent the email; return it.
        return Invitation.objects.get(opportunity=opportunity, profile=profile)
    if created and profile.user.is_active:
        _email_after_commit(
            kind=Kind.INVITATIONS,
            user=profile.user,
            to=profile.user.email,
            subject=_("You are invited: %(title)s") % {"title": opportunity.title},
            template="engagement/profiles/email/invitation.txt",
            context={"invitation": invitation},
        )
    return invitation


def invitation_respond(*, invitation: Invitation, user, accept: bool) -> Invitation:
    """Accept or decline. Only the invited person may answer, and only once: the conditional
    update makes a double submission harmless."""
    if invitation.profile.user_id != user.pk:
        raise PermissionDenied
    status = Invitation.Status.ACCEPTED if accept else Invitation.Status.DECLINED
    updated = Invitation.objects.filter(pk=invitation.pk, status=Invitation.Status.PENDING).update(
        status=status, responded_at=timezone.now()
    )
    invitation.refresh_from_db()
    if not updated and invitation.status != status:
        raise ValidationError(_("You have already answered this invitation."))
    return invitation


def _has_taken_up(*, opportunity: Opportunity, user) -> bool:
    return Invitation.objects.filter(
        opportunity=opportunity, profile__user=user, status=Invitation.Status.ACCEPTED
    ).exists()


@transaction.atomic
def claim_submit(
    *,
    opportunity: Opportunity,
    claimant,
    recorded_by,
    worked_on: date,
    description: str,
    hours: Decimal,
    payment_choice: str,
    expenses_amount: Decimal = Decimal("0"),
    expenses_description: str = "",
) -> PaymentClaim:
    """Record hours and expenses against an opportunity the claimant took up, at its rate.

    The claimant records their own; a facilitator may record one for them."""
    if not _has_taken_up(opportunity=opportunity, user=claimant):
        raise ValidationError(_("Only people who took up this opportunity can claim for it."))
    return _claim_create(
        opportunity=opportunity,
        claimant=claimant,
        recorded_by=recorded_by,
        worked_on=worked_on,
        description=description,
        hours=hours,
        payment_choice=payment_choice,
        expenses_amount=expenses_amount,
        expenses_description=expenses_description,
    )


def _claim_create(
    *, opportunity: Opportunity, expenses_amount: Decimal, expenses_description: str, **fields
) -> PaymentClaim:
    """A claim at the opportunity's rate, once its expenses say what they were for."""
    if expenses_amount and not expenses_description:
        raise ValidationError(_("Say what the expenses were for."))
    return PaymentClaim.objects.create(
        opportunity=opportunity,
        hourly_rate=opportunity.hourly_rate,
        expenses_amount=expenses_amount,
        expenses_description=expenses_description,
        **fields,
    )


ALREADY_CLAIMED = _(
    "A claim for this session has already been made for this person. Find it under "
    "“Your claims”; to change it, ask the reviewer to query it."
)


@transaction.atomic
def claim_submit_for_session(
    *,
    session: Session,
    claimant,
    recorded_by,
    worked_on: date,
    description: str,
    hours: Decimal,
    payment_choice: str,
    expenses_amount: Decimal = Decimal("0"),
    expenses_description: str = "",
) -> PaymentClaim:
    """Claim for a session the room shows the claimant took part in, at the rate of the
    opportunity that pays the group's sessions. One claim per person per session (a database
    constraint, so two tabs sent at once make one claim). Hours above the session's length are
    allowed: the reviewer sees them flagged."""
    if not room_selectors.took_part(session=session, user=claimant):
        raise PermissionDenied(_("Only people who took part in this session can claim for it."))
    opportunity = selectors.paying_opportunity(session=session)
    if opportunity is None:
        raise ValidationError(
            _(
                "No involvement payment rate is set for this group's sessions yet. "
                "Ask its facilitator."
            )
        )
    try:
        with transaction.atomic():
            return _claim_create(
                opportunity=opportunity,
                session=session,
                prefilled_hours=selectors.session_hours(session=session),
                claimant=claimant,
                recorded_by=recorded_by,
                worked_on=worked_on,
                description=description,
                hours=hours,
                expenses_amount=expenses_amount,
                expenses_description=expenses_description,
                payment_choice=payment_choice,
            )
    except IntegrityError:
        # The one-per-session constraint (asked of the data, not of the error's wording, which
        # names the constraint on PostgreSQL and only the columns on SQLite).
        if PaymentClaim.objects.filter(claimant=claimant, session=session).exists():
            raise ValidationError(ALREADY_CLAIMED) from None
        raise


@transaction.atomic
def claim_resubmit(
    *,
    claim: PaymentClaim,
    worked_on: date,
    description: str,
    hours: Decimal,
    payment_choice: str,
    expenses_amount: Decimal = Decimal("0"),
    expenses_description: str = "",
) -> PaymentClaim:
    """Answer a query: correct the claim and send it back for approval."""
    claim = PaymentClaim.objects.select_for_update().get(pk=claim.pk)
    if claim.status != PaymentClaim.Status.QUERIED:
        raise ValidationError(_("Only a queried claim can be changed."))
    if expenses_amount and not expenses_description:
        raise ValidationError(_("Say what the expenses were for."))
    claim.worked_on = worked_on
    claim.description = description
    claim.hours = hours
    claim.payment_choice = payment_choice
    claim.expenses_amount = expenses_amount
    claim.expenses_description = expenses_description
    claim.status = PaymentClaim.Status.SUBMITTED
    claim.save()
    return claim


def claim_review(*, claim: PaymentClaim, reviewer, approve: bool, note: str = "") -> PaymentClaim:
    """Approve a claim, or query it with a note saying what is wrong. Only a claim waiting for
    approval can be reviewed; nobody reviews their own."""
    if claim.claimant_id == reviewer.pk:
        raise PermissionDenied
    if not approve and not note.strip():
        raise ValidationError(_("Say what needs to change."))
    status = PaymentClaim.Status.APPROVED if approve else PaymentClaim.Status.QUERIED
    updated = PaymentClaim.objects.filter(pk=claim.pk, status=PaymentClaim.Status.SUBMITTED).update(
        status=status,
        query_note="" if approve else note.strip(),
        reviewed_by=reviewer,
        reviewed_at=timezone.now(),
    )
    if not updated:
        raise ValidationError(_("This claim is not waiting for approval."))
    claim.refresh_from_db()
    if not approve and claim.claimant.is_active:
        _email_after_commit(
            kind=Kind.CLAIMS,
            user=claim.claimant,
            to=claim.claimant.email,
            subject=_("Your involvement payment claim needs a change"),
            template="engagement/profiles/email/claim_queried.txt",
            context={"claim": claim},
        )
    return claim


def claim_mark_paid(*, claim: PaymentClaim, recorded_by, paid_on) -> PaymentClaim:
    """Record that an approved claim has been paid, and on which day. Only an approved claim can
    be paid (never twice), not before it was approved nor in the future; nobody records their
    own claim as paid."""
    if claim.claimant_id == recorded_by.pk:
        raise PermissionDenied
    if paid_on > timezone.localdate():
        raise ValidationError(_("The date paid must be today or in the past."))
    if claim.reviewed_at and paid_on < timezone.localtime(claim.reviewed_at).date():
        raise ValidationError(_("The date paid must be on or after the day it was approved."))
    updated = PaymentClaim.objects.filter(pk=claim.pk, status=PaymentClaim.Status.APPROVED).update(
        status=PaymentClaim.Status.PAID, paid_on=paid_on, paid_recorded_by=recorded_by
    )
    if not updated:
        raise ValidationError(_("Only an approved claim that has not been paid can be paid."))
    claim.refresh_from_db()
    return claim
