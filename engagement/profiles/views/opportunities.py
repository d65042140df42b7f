"""Opportunities to get involved: listing, posting, expressing interest, matching and
invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.disclosure import HIDDEN_NOTE
from coproduce.permissions import require_perm
from engagement.profiles import selectors
from engagement.profiles.forms import (
    InterestForm,
    InvitationForm,
    InvitationResponseForm,
    LotteryAnswersForm,
    OpportunityForm,
)
from engagement.profiles.models import (
    Invitation,
    Opportunity,
)
from engagement.profiles.services import lottery as lottery_services
from engagement.profiles.services import opportunities as opportunity_services

# --- Opportunities ---------------------------------------------------------------------------


def opportunity_list(request):
    opportunities = selectors.opportunities_for_listing(viewer=request.user)
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
    require_perm(request.user, "engagement.post_opportunity")
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
        return selectors.opportunity_detail(pk=pk)
    except Opportunity.DoesNotExist:
        raise Http404 from None


def opportunity_detail(request, pk: int):
    opportunity = _opportunity(pk)
    if not request.user.has_perm("engagement.view_opportunity", opportunity):
        raise Http404
    return _render_opportunity(
        request,
        opportunity,
        interest_form=InterestForm(),
        lottery_form=LotteryAnswersForm() if opportunity.selected_by_lottery else None,
    )


def _render_opportunity(request, opportunity, *, interest_form, lottery_form=None):
    profile = selectors.own_profile(user=request.user)
    interest, invitation = selectors.interest_and_invitation(
        opportunity=opportunity, profile=profile
    )
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
            "lottery_form": lottery_form,
            "can_run_lottery": opportunity.selected_by_lottery
            and request.user.has_perm("engagement.run_lottery", opportunity),
            "needs_profile": request.user.is_authenticated
            and request.user.has_perm("engagement.keep_profile")
            and profile is None,
        },
    )


@login_required
@require_POST
def opportunity_express_interest(request, pk: int):
    opportunity = _opportunity(pk)
    require_perm(request.user, "engagement.express_interest", opportunity)
    form = InterestForm(request.POST)
    lottery_form = LotteryAnswersForm(request.POST) if opportunity.selected_by_lottery else None
    if not form.is_valid() or (lottery_form is not None and not lottery_form.is_valid()):
        # Show the problem with what they typed still there.
        return _render_opportunity(
            request, opportunity, interest_form=form, lottery_form=lottery_form
        )
    interest = opportunity_services.interest_express(
        opportunity=opportunity,
        profile=request.user.expert_profile,
        message=form.cleaned_data["message"],
    )
    if lottery_form is not None and lottery_form.cleaned_data["consent"]:
        lottery_services.lottery_answers_give(
            interest=interest,
            age_band=lottery_form.cleaned_data["age_band"],
            disability=lottery_form.cleaned_data["disability"],
            ethnicity=lottery_form.cleaned_data["ethnicity"],
            area=lottery_form.cleaned_data["area"],
        )
    messages.success(request, _("Thank you. The commissioner can now see you are interested."))
    return redirect("engagement:opportunity_detail", pk=pk)


@login_required
@require_POST
def opportunity_close(request, pk: int):
    opportunity = _opportunity(pk)
    require_perm(request.user, "engagement.change_opportunity", opportunity)
    opportunity_services.opportunity_close(opportunity=opportunity)
    messages.success(
        request, _("The opportunity is closed. Claims for work done can still be made.")
    )
    return redirect("engagement:opportunity_detail", pk=pk)


@login_required
def opportunity_matches(request, pk: int):
    opportunity = _opportunity(pk)
    require_perm(request.user, "engagement.match_opportunity", opportunity)
    weights = selectors.matching_weights(request=request)
    areas = selectors.area_representation(opportunity=opportunity)
    matches = selectors.opportunity_matches(
        opportunity=opportunity, viewer=request.user, weights=weights, areas=areas
    )
    return render(
        request,
        "engagement/profiles/opportunity_matches.html",
        {
            "opportunity": opportunity,
            "matches": matches,
            "weights": weights,
            "areas": [share for share in areas if share.profiles],
            "hidden_note": HIDDEN_NOTE,
            "can_invite": request.user.has_perm("engagement.invite", opportunity),
            "can_set_weights": request.user.has_perm("engagement.change_matchingweights"),
        },
    )


@login_required
def opportunity_invitation_round(request, pk: int):
    """Every invitation to the opportunity, with why each person was put forward."""
    opportunity = _opportunity(pk)
    require_perm(request.user, "engagement.match_opportunity", opportunity)
    return render(
        request,
        "engagement/profiles/invitation_round.html",
        {
            "opportunity": opportunity,
            "invitations": selectors.invitation_round(opportunity=opportunity),
        },
    )


@login_required
def opportunity_invite(request, pk: int, profile_pk: int):
    opportunity = _opportunity(pk)
    require_perm(request.user, "engagement.invite", opportunity)
    profile = selectors.profile_by_id(pk=profile_pk)
    if profile is None or not request.user.has_perm("engagement.view_profile", profile):
        raise Http404
    form = InvitationForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        match, weights = selectors.match_for(
            opportunity=opportunity, profile=profile, viewer=request.user
        )
        opportunity_services.invitation_send(
            opportunity=opportunity,
            profile=profile,
            invited_by=request.user,
            message=form.cleaned_data["message"],
            match_rank=match.rank if match else None,
            match_score=match.score if match else None,
            match_reasons=match.audit["reasons"] if match else (),
            match_weights=weights.as_dict(),
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
        {"invitations": selectors.invitations_for(user=request.user)},
    )


@login_required
def invitation_respond(request, pk: int):
    invitation = selectors.invitation_by_id(pk=pk)
    if invitation is None or not request.user.has_perm(
        "engagement.respond_to_invitation", invitation
    ):
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
