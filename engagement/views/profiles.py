"""Views for expertise profiles, the directory, opportunities, payment claims and "my data".

Each view checks permission through the rules in `engagement.rules`, parses input with a form,
and calls a service (writes) or selector (reads)."""

import csv
import json

from django.contrib import messages
from django.contrib.auth import get_user_model, logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from engagement.forms.profiles import (
    ClaimForm,
    ClaimReviewForm,
    DirectoryFilterForm,
    EraseAccountForm,
    InterestForm,
    InvitationForm,
    InvitationResponseForm,
    OpportunityForm,
    ProfileForm,
)
from engagement.models import (
    ExpertProfile,
    ExpressionOfInterest,
    Invitation,
    Opportunity,
    PaymentClaim,
    ProfileConsent,
)
from engagement.selectors import opportunities as opportunity_selectors
from engagement.selectors import profiles as profile_selectors
from engagement.services import opportunities as opportunity_services
from engagement.services import people as people_services
from engagement.services import profiles as profile_services

DIRECTORY_PAGE_SIZE = 20


def _require(user, permission, obj=None):
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _active_consents(user) -> set[str]:
    return set(
        ProfileConsent.objects.filter(user=user, withdrawn_at__isnull=True).values_list(
            "purpose", flat=True
        )
    )


# --- Profiles --------------------------------------------------------------------------------


def _render_profile(request, profile, *, is_own):
    record = None
    if is_own or profile.show_involvement_record:
        record = profile_selectors.involvement_record(user=profile.user)
    return render(
        request,
        "engagement/profiles/profile_detail.html",
        {
            "profile": profile,
            "is_own": is_own,
            "show_access_needs": request.user.has_perm("engagement.view_access_needs", profile),
            "record": record,
            "show_record": bool(record) and (is_own or profile.show_involvement_record),
        },
    )


@login_required
def my_profile(request):
    profile = ExpertProfile.objects.filter(user=request.user).first()
    if profile is None:
        if request.user.has_perm("engagement.keep_profile"):
            return redirect("engagement:profile_edit")
        raise PermissionDenied
    profile = profile_selectors.profile_for_viewing(pk=profile.pk)
    return _render_profile(request, profile, is_own=True)


def profile_detail(request, pk: int):
    try:
        profile = profile_selectors.profile_for_viewing(pk=pk)
    except ExpertProfile.DoesNotExist:
        raise Http404 from None
    # A profile the viewer may not see does not exist for them: 404, not 403, so its
    # existence is not revealed.
    if not request.user.has_perm("engagement.view_profile", profile):
        raise Http404
    return _render_profile(request, profile, is_own=profile.user_id == request.user.pk)


@login_required
def profile_edit(request):
    _require(request.user, "engagement.keep_profile")
    profile = ExpertProfile.objects.filter(user=request.user).first()
    consents = _active_consents(request.user)
    form_kwargs = {
        "has_profile_consent": ProfileConsent.Purpose.PROFILE in consents,
        "has_access_needs_consent": ProfileConsent.Purpose.ACCESS_NEEDS in consents,
    }
    if request.method == "POST":
        form = ProfileForm(request.POST, **form_kwargs)
        if form.is_valid():
            profile_services.profile_save(user=request.user, **form.cleaned_data)
            messages.success(request, _("Your profile has been saved."))
            return redirect("engagement:my_profile")
    else:
        initial = (
            ProfileForm.initial_for(profile)
            if profile
            else {"display_name": request.user.public_name if request.user.display_name else ""}
        )
        form = ProfileForm(initial=initial, **form_kwargs)
    return render(
        request,
        "engagement/profiles/profile_form.html",
        {"form": form, "is_new": profile is None},
    )


@login_required
def consents(request):
    records = ProfileConsent.objects.filter(user=request.user).order_by("-given_at", "-pk")
    return render(request, "engagement/profiles/consents.html", {"consents": records})


@login_required
@require_POST
def consent_withdraw(request, purpose: str):
    if purpose not in ProfileConsent.Purpose.values:
        raise Http404
    profile_services.consent_withdraw(user=request.user, purpose=purpose)
    if purpose == ProfileConsent.Purpose.PROFILE:
        messages.success(request, _("Consent withdrawn. Only you can see your profile now."))
    else:
        messages.success(
            request, _("Consent withdrawn. Your access and support needs have been deleted.")
        )
    return redirect("engagement:consents")


@login_required
def involvement_record(request):
    record = profile_selectors.involvement_record(user=request.user)
    return render(request, "engagement/profiles/involvement_record.html", {"record": record})


@login_required
def involvement_record_download(request):
    profile = ExpertProfile.objects.filter(user=request.user).first()
    record = profile_selectors.involvement_record(user=request.user)
    response = render(
        request,
        "engagement/profiles/involvement_record_download.html",
        {
            "record": record,
            "name": profile.display_name if profile else request.user.public_name,
            "today": timezone.localdate(),
        },
    )
    response["Content-Disposition"] = 'attachment; filename="involvement-record.html"'
    return response


# --- Directory -------------------------------------------------------------------------------


@login_required
def directory(request):
    _require(request.user, "engagement.use_directory")
    form = DirectoryFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    profiles = profile_selectors.directory_search(
        viewer=request.user,
        query=filters.get("q", ""),
        experience_areas=filters.get("experience_areas", ()),
        skills=filters.get("skills", ()),
        localities=filters.get("localities", ()),
        languages=filters.get("languages", ()),
        availability=filters.get("availability", ()),
    )
    paginator = Paginator(profiles, DIRECTORY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    query_without_page = request.GET.copy()
    query_without_page.pop("page", None)
    return render(
        request,
        "engagement/profiles/directory.html",
        {
            "form": form,
            "profiles": page,
            "paginator": paginator,
            "querystring": query_without_page.urlencode(),
        },
    )


# --- Opportunities ---------------------------------------------------------------------------


def opportunity_list(request):
    opportunities = opportunity_selectors.opportunities_for_listing(viewer=request.user)
    return render(
        request,
        "engagement/profiles/opportunity_list.html",
        {
            "opportunities": opportunities,
            "can_post": request.user.has_perm("engagement.post_opportunity"),
        },
    )


@login_required
def opportunity_create(request):
    _require(request.user, "engagement.post_opportunity")
    form = OpportunityForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        opportunity = opportunity_services.opportunity_create(
            posted_by=request.user, **form.cleaned_data
        )
        messages.success(request, _("Your opportunity has been posted."))
        return redirect("engagement:opportunity_matches", pk=opportunity.pk)
    return render(request, "engagement/profiles/opportunity_form.html", {"form": form})


def _opportunity(pk):
    try:
        return opportunity_selectors.opportunity_detail(pk=pk)
    except Opportunity.DoesNotExist:
        raise Http404 from None


def opportunity_detail(request, pk: int):
    opportunity = _opportunity(pk)
    if not request.user.has_perm("engagement.view_opportunity", opportunity):
        raise Http404
    return _render_opportunity(request, opportunity, interest_form=InterestForm())


def _render_opportunity(request, opportunity, *, interest_form):
    profile = None
    interest = invitation = None
    if request.user.is_authenticated:
        profile = ExpertProfile.objects.filter(user=request.user).first()
        if profile:
            interest = ExpressionOfInterest.objects.filter(
                opportunity=opportunity, profile=profile
            ).first()
            invitation = Invitation.objects.filter(opportunity=opportunity, profile=profile).first()
    return render(
        request,
        "engagement/profiles/opportunity_detail.html",
        {
            "opportunity": opportunity,
            "profile": profile,
            "interest": interest,
            "invitation": invitation,
            "can_express_interest": request.user.has_perm(
                "engagement.express_interest", opportunity
            ),
            "can_match": request.user.has_perm("engagement.match_opportunity", opportunity),
            "can_close": opportunity.is_open
            and request.user.has_perm("engagement.change_opportunity", opportunity),
            "can_claim": invitation is not None and invitation.status == Invitation.Status.ACCEPTED,
            "can_claim_for_others": request.user.has_perm("engagement.claim_for_others"),
            "interest_form": interest_form,
            "needs_profile": request.user.is_authenticated
            and request.user.has_perm("engagement.keep_profile")
            and profile is None,
        },
    )


@login_required
@require_POST
def opportunity_express_interest(request, pk: int):
    opportunity = _opportunity(pk)
    _require(request.user, "engagement.express_interest", opportunity)
    form = InterestForm(request.POST)
    if not form.is_valid():
        # Show the problem with what they typed still there.
        return _render_opportunity(request, opportunity, interest_form=form)
    opportunity_services.interest_express(
        opportunity=opportunity,
        profile=request.user.expert_profile,
        message=form.cleaned_data["message"],
    )
    messages.success(request, _("Thank you. The commissioner can now see you are interested."))
    return redirect("engagement:opportunity_detail", pk=pk)


@login_required
@require_POST
def opportunity_close(request, pk: int):
    opportunity = _opportunity(pk)
    _require(request.user, "engagement.change_opportunity", opportunity)
    opportunity_services.opportunity_close(opportunity=opportunity)
    messages.success(
        request, _("The opportunity is closed. Claims for work done can still be made.")
    )
    return redirect("engagement:opportunity_detail", pk=pk)


@login_required
def opportunity_matches(request, pk: int):
    opportunity = _opportunity(pk)
    _require(request.user, "engagement.match_opportunity", opportunity)
    matches = opportunity_selectors.opportunity_matches(
        opportunity=opportunity, viewer=request.user
    )
    return render(
        request,
        "engagement/profiles/opportunity_matches.html",
        {
            "opportunity": opportunity,
            "matches": matches,
            "can_invite": request.user.has_perm("engagement.invite", opportunity),
        },
    )


@login_required
def opportunity_invite(request, pk: int, profile_pk: int):
    opportunity = _opportunity(pk)
    _require(request.user, "engagement.invite", opportunity)
    profile = get_object_or_404(ExpertProfile, pk=profile_pk)
    if not request.user.has_perm("engagement.view_profile", profile):
        raise Http404
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        opportunity_services.invitation_send(
            opportunity=opportunity,
            profile=profile,
            invited_by=request.user,
            message=form.cleaned_data["message"],
        )
        messages.success(request, _("%(name)s has been invited.") % {"name": profile.display_name})
        return redirect("engagement:opportunity_matches", pk=pk)
    return render(
        request,
        "engagement/profiles/invitation_form.html",
        {"form": form, "opportunity": opportunity, "profile": profile},
    )


@login_required
def invitations(request):
    return render(
        request,
        "engagement/profiles/invitation_list.html",
        {"invitations": opportunity_selectors.invitations_for(user=request.user)},
    )


@login_required
def invitation_respond(request, pk: int):
    invitation = get_object_or_404(
        Invitation.objects.select_related("opportunity", "profile"), pk=pk
    )
    if not request.user.has_perm("engagement.respond_to_invitation", invitation):
        raise Http404
    form = InvitationResponseForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        accept = form.cleaned_data["answer"] == "accept"
        try:
            opportunity_services.invitation_respond(
                invitation=invitation, user=request.user, accept=accept
            )
        except ValidationError as error:
            form.add_error(None, error.message)
        else:
            if accept:
                messages.success(request, _("Thank you for accepting."))
            else:
                messages.success(request, _("You have declined this invitation."))
            return redirect("engagement:invitations")
    return render(
        request,
        "engagement/profiles/invitation_respond.html",
        {"form": form, "invitation": invitation},
    )


# --- Involvement payment claims --------------------------------------------------------------


@login_required
def claim_list(request):
    can_review = request.user.has_perm("engagement.review_claims")
    return render(
        request,
        "engagement/profiles/claim_list.html",
        {
            "claims": opportunity_selectors.claims_for(user=request.user),
            "to_review": opportunity_selectors.claims_to_review().exclude(claimant=request.user)
            if can_review
            else None,
            "can_export": request.user.has_perm("engagement.export_claims"),
            "can_claim": request.user.has_perm("engagement.claim_for_self")
            or request.user.has_perm("engagement.claim_for_others"),
        },
    )


@login_required
def claim_create(request, opportunity_pk: int):
    opportunity = _opportunity(opportunity_pk)
    user = request.user
    claimants = None
    if user.has_perm("engagement.claim_for_others"):
        # A facilitator records a claim for anyone who took the opportunity up.
        claimants = (
            get_user_model()
            .objects.filter(
                expert_profile__invitations__opportunity=opportunity,
                expert_profile__invitations__status=Invitation.Status.ACCEPTED,
            )
            .order_by("display_name", "pk")
        )
    elif not (
        user.has_perm("engagement.claim_for_self")
        and Invitation.objects.filter(
            opportunity=opportunity, profile__user=user, status=Invitation.Status.ACCEPTED
        ).exists()
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


def _claim(pk):
    return get_object_or_404(
        PaymentClaim.objects.select_related("opportunity", "claimant", "recorded_by"), pk=pk
    )


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
        },
    )


@login_required
def claim_change(request, pk: int):
    claim = _claim(pk)
    if not request.user.has_perm("engagement.view_claim", claim):
        raise Http404
    _require(request.user, "engagement.change_claim", claim)
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


def _csv_cell(value) -> str:
    # Spreadsheets run cells that start with these as formulas; finance opens this file in one.
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@login_required
def claims_export(request):
    _require(request.user, "engagement.export_claims")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"approved-involvement-claims-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
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
    for claim in opportunity_selectors.approved_claims_for_finance():
        full_name = claim.claimant.get_full_name() or claim.claimant.public_name
        writer.writerow(
            _csv_cell(value)
            for value in [
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


# --- My data ---------------------------------------------------------------------------------


@login_required
def my_data(request):
    return render(request, "engagement/profiles/my_data.html", {})


@login_required
def my_data_download(request):
    data = people_services.person_export(user=request.user)
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    return response


@login_required
def my_data_delete(request):
    form = EraseAccountForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        people_services.person_erase(user=user)
        logout(request)
        messages.success(request, _("Your account and personal data have been deleted."))
        return redirect("/")
    return render(request, "engagement/profiles/my_data_delete.html", {"form": form})
