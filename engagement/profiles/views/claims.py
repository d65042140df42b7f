"""Involvement payment claims: making, reviewing, querying and the finance export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.passport import selectors as passport_selectors
from coproduce.permissions import require_perm
from coproduce.spreadsheets import csv_writer
from deliberation import selectors as room_selectors
from engagement.profiles import selectors
from engagement.profiles.forms import (
    ClaimForm,
    ClaimHistoryFilterForm,
    ClaimPaidForm,
    ClaimReviewForm,
)
from engagement.profiles.models import (
    Opportunity,
    PaymentClaim,
)
from engagement.profiles.services import opportunities as opportunity_services

# --- Involvement payment claims --------------------------------------------------------------


CLAIMS_HISTORY_PAGE_SIZE = 50


@login_required
def claim_list(request):
    user = request.user
    can_review = user.has_perm("engagement.review_claims")
    for_others = user.has_perm("engagement.claim_for_others")
    can_claim = user.has_perm("engagement.claim_for_self") or for_others
    context = {
        "claims": selectors.claims_for(user=user),
        "to_review": selectors.claims_to_review().exclude(claimant=user) if can_review else None,
        "can_export": user.has_perm("engagement.export_claims"),
        "can_claim": can_claim,
        "claimable": selectors.opportunities_to_claim_for(user=user, for_others=for_others)
        if can_claim
        else (),
        # From the room's record of who took part: the person's own sessions, and for a
        # facilitator, the members of their groups who have not claimed yet.
        "sessions_to_claim": selectors.sessions_to_claim(user=user)
        if user.has_perm("engagement.claim_for_self")
        else (),
        "sessions_for_others": selectors.sessions_to_record_for_others(user=user)
        if for_others
        else (),
    }
    if can_review:
        # The history: approved and queried claims stay findable here, not only in the CSV.
        history_form = ClaimHistoryFilterForm(request.GET or None)
        filters = history_form.cleaned_data if history_form.is_valid() else {}
        history = selectors.claims_history(
            status=filters.get("status", ""), person=filters.get("person", "")
        )
        query_without_page = request.GET.copy()
        query_without_page.pop("page", None)
        context.update(
            history_form=history_form,
            history=Paginator(history, CLAIMS_HISTORY_PAGE_SIZE).get_page(request.GET.get("page")),
            querystring=query_without_page.urlencode(),
        )
    return render(request, "engagement/profiles/claim_list.html", context)


@login_required
def claim_create(request, opportunity_pk: int):
    try:
        opportunity = selectors.opportunity_detail(pk=opportunity_pk)
    except Opportunity.DoesNotExist:
        raise Http404 from None
    user = request.user
    claimants = None
    if user.has_perm("engagement.claim_for_others"):
        # A facilitator records a claim for anyone who took the opportunity up.
        claimants = selectors.people_who_took_up(opportunity=opportunity)
    elif not (
        user.has_perm("engagement.claim_for_self")
        and selectors.took_up(user=user, opportunity=opportunity)
    ):
        raise PermissionDenied
    form = ClaimForm(request.POST if request.method == "POST" else None, claimants=claimants)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        claimant = data.pop("claimant", user)
        try:
            claim = opportunity_services.claim_submit(
                opportunity=opportunity, claimant=claimant, recorded_by=user, **data
            )
        except ValidationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your claim has been sent for approval."))
            return redirect("engagement:claim_detail", pk=claim.pk)
    return render(
        request,
        "engagement/profiles/claim_form.html",
        {"form": form, "opportunity": opportunity},
    )


def _session_claim_description(session) -> str:
    description = _("%(session)s, %(group)s") % {
        "session": session.title,
        "group": session.group.name,
    }
    return description[:255]


@login_required
def claim_for_session(request, session_pk: int):
    """A claim for one session, pre-filled from the room's record: the date, the session and
    group, its length to the quarter hour, and the payment choice in the person's passport.
    Everything stays editable; the server checks again that the person took part.

    The person claims for themselves; a facilitator of the group records one for a member who
    took part (`?for=<user id>`)."""
    session = room_selectors.session_get_with_group(pk=session_pk)
    if session is None:
        raise Http404
    user = request.user
    person_id = request.GET.get("for", "")
    if person_id:
        if not (
            user.has_perm("engagement.claim_for_others")
            and room_selectors.facilitates(session=session, user=user)
        ):
            raise PermissionDenied
        claimant = (
            selectors.people_to_claim_for(session=session)
            .filter(pk=int(person_id) if person_id.isdigit() and len(person_id) < 10 else 0)
            .first()
        )
        if claimant is None:
            messages.error(
                request,
                _(
                    "That person has already been claimed for, or the room does not show them "
                    "taking part in this session."
                ),
            )
            return redirect("engagement:claim_list")
    else:
        claimant = user
        if not (
            user.has_perm("engagement.claim_for_self")
            and room_selectors.took_part(session=session, user=user)
        ):
            # Not the generic "another role" page: say why, and what to do if they were there.
            return render(
                request,
                "engagement/profiles/claim_session_refused.html",
                {"session": session},
                status=403,
            )
    opportunity = selectors.paying_opportunity(session=session)
    hours = selectors.session_hours(session=session)
    passport = passport_selectors.passport_for(user=claimant)
    preference = passport.payment_preference if passport else ""
    initial = {
        "worked_on": selectors.session_day(session),
        "description": _session_claim_description(session),
        "hours": hours,
        "payment_choice": preference or None,
    }
    form = ClaimForm(request.POST if request.method == "POST" else None, initial=initial)
    form.fields["hours"].help_text = _(
        "Pre-filled from the session’s planned length, %(minutes)s minutes, rounded to the "
        "quarter hour. Add any preparation or travel time: the reviewer will check hours "
        "longer than the session."
    ) % {"minutes": session.duration_minutes}
    if request.method == "POST" and opportunity is not None and form.is_valid():
        try:
            claim = opportunity_services.claim_submit_for_session(
                session=session, claimant=claimant, recorded_by=user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your claim has been sent for approval."))
            return redirect("engagement:claim_detail", pk=claim.pk)
    return render(
        request,
        "engagement/profiles/claim_form.html",
        {
            "form": form if opportunity is not None else None,
            "opportunity": opportunity,
            "session": session,
            "claimant": claimant,
            "from_passport": bool(preference),
            "for_someone_else": claimant != user,
        },
    )


def _claim(pk):
    claim = selectors.claim_by_id(pk=pk)
    if claim is None:
        raise Http404
    return claim


@login_required
def claim_detail(request, pk: int):
    claim = _claim(pk)
    if not request.user.has_perm("engagement.view_claim", claim):
        raise Http404
    can_review = (
        request.user.has_perm("engagement.review_claim", claim)
        and claim.status == PaymentClaim.Status.SUBMITTED
    )
    form = (
        ClaimReviewForm(request.POST if request.method == "POST" else None) if can_review else None
    )
    if request.method == "POST":
        if not can_review:
            raise PermissionDenied
        if form.is_valid():
            try:
                opportunity_services.claim_review(
                    claim=claim,
                    reviewer=request.user,
                    approve=form.cleaned_data["decision"] == "approve",
                    note=form.cleaned_data["note"],
                )
            except ValidationError as error:
                form.add_error(None, error.message)
            else:
                messages.success(request, _("Your decision has been saved."))
                return redirect("engagement:claim_list")
    return render(
        request,
        "engagement/profiles/claim_detail.html",
        {
            "claim": claim,
            "form": form,
            "can_change": request.user.has_perm("engagement.change_claim", claim),
            "evidence": selectors.attendance_evidence(claim=claim),
            "paid_form": ClaimPaidForm(initial={"paid_on": timezone.localdate()})
            if _can_mark_paid(request.user, claim)
            else None,
        },
    )


def _can_mark_paid(user, claim) -> bool:
    return (
        user.has_perm("engagement.mark_claim_paid", claim)
        and claim.status == PaymentClaim.Status.APPROVED
    )


@login_required
def claim_mark_paid(request, pk: int):
    """Record that an approved claim has been paid (POST from the claim's page)."""
    claim = _claim(pk)
    if not request.user.has_perm("engagement.view_claim", claim):
        raise Http404
    require_perm(request.user, "engagement.mark_claim_paid", claim)
    if request.method != "POST":
        return redirect("engagement:claim_detail", pk=claim.pk)
    form = ClaimPaidForm(request.POST)
    if form.is_valid():
        try:
            opportunity_services.claim_mark_paid(
                claim=claim, recorded_by=request.user, paid_on=form.cleaned_data["paid_on"]
            )
        except ValidationError as error:
            form.add_error("paid_on", error.message)
        else:
            messages.success(request, _("The claim is recorded as paid."))
            return redirect("engagement:claim_detail", pk=claim.pk)
    return render(
        request,
        "engagement/profiles/claim_detail.html",
        {
            "claim": claim,
            "form": None,
            "can_change": False,
            "paid_form": form,
            "evidence": selectors.attendance_evidence(claim=claim),
        },
        status=400,
    )


@login_required
def claim_change(request, pk: int):
    claim = _claim(pk)
    if not request.user.has_perm("engagement.view_claim", claim):
        raise Http404
    require_perm(request.user, "engagement.change_claim", claim)
    initial = {
        "worked_on": claim.worked_on,
        "description": claim.description,
        "hours": claim.hours,
        "payment_choice": claim.payment_choice,
        "expenses_amount": claim.expenses_amount,
        "expenses_description": claim.expenses_description,
    }
    form = ClaimForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity_services.claim_resubmit(claim=claim, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Your claim has been sent for approval again."))
            return redirect("engagement:claim_detail", pk=claim.pk)
    return render(
        request,
        "engagement/profiles/claim_form.html",
        {"form": form, "opportunity": claim.opportunity, "claim": claim},
    )


@login_required
def claims_export(request):
    require_perm(request.user, "engagement.export_claims")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"approved-involvement-claims-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv_writer(response)
    writer.writerow(
        [
            "claim",
            "payee",
            "payee email",
            "opportunity",
            "date",
            "hours",
            "hourly rate",
            "payment choice",
            "involvement payment",
            "expenses",
            "expenses for",
            "total to pay",
            "approved by",
            "approved on",
        ]
    )
    for claim in selectors.approved_claims_for_finance():
        full_name = claim.claimant.get_full_name() or claim.claimant.public_name
        writer.writerow(
            [
                claim.pk,
                full_name,
                claim.claimant.email,
                claim.opportunity.title,
                claim.worked_on.isoformat(),
                f"{claim.hours:.2f}",
                f"{claim.hourly_rate:.2f}",
                claim.get_payment_choice_display(),
                f"{claim.fee:.2f}",
                f"{claim.expenses_amount:.2f}",
                claim.expenses_description,
                f"{claim.total:.2f}",
                claim.reviewed_by.public_name if claim.reviewed_by else "",
                timezone.localtime(claim.reviewed_at).date().isoformat()
                if claim.reviewed_at
                else "",
            ]
        )
    return response
