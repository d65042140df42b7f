"""Panels by lottery: a commissioner sets quotas and draws a panel from the people who
expressed interest, sees each draw with its seed and inputs, and runs it again to check it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from coproduce.disclosure import HIDDEN_NOTE
from coproduce.permissions import require_perm
from engagement.profiles import selectors
from engagement.profiles.forms import LotteryForm
from engagement.profiles.models import LotteryRequest, Opportunity
from engagement.profiles.services import lottery as lottery_services
from engagement.profiles.tasks import run_lottery_request

DEFAULT_PANEL_SIZE = 8


def _lottery_opportunity(request, pk: int) -> Opportunity:
    try:
        opportunity = selectors.opportunity_detail(pk=pk)
    except Opportunity.DoesNotExist:
        raise Http404 from None
    require_perm(request.user, "engagement.run_lottery", opportunity)
    if not opportunity.selected_by_lottery:
        raise Http404
    return opportunity


@login_required
def opportunity_lottery(request, pk: int):
    opportunity = _lottery_opportunity(request, pk)
    pool = lottery_services.lottery_pool(opportunity=opportunity)
    try:
        panel_size = int(request.POST.get("panel_size", DEFAULT_PANEL_SIZE))
    except ValueError:
        panel_size = DEFAULT_PANEL_SIZE
    groups = (
        selectors.lottery_groups(pool=pool, panel_size=min(max(panel_size, 1), len(pool)))
        if pool
        else []
    )
    form = LotteryForm(
        request.POST if request.method == "POST" else None,
        groups=[
            (g.feature, g.value, f"{g.feature_label}: {g.label}", g.minimum, g.maximum)
            for g in groups
        ],
        initial={"panel_size": min(DEFAULT_PANEL_SIZE, len(pool)) or None},
    )
    if request.method == "POST" and pool and form.is_valid():
        try:
            asked = lottery_services.lottery_request(
                opportunity=opportunity,
                requested_by=request.user,
                panel_size=form.cleaned_data["panel_size"],
                quotas=form.quotas(),
                seed=form.cleaned_data["seed"],
            )
        except lottery_services.LotteryError as error:
            form.add_error(None, error.messages[0])
        else:
            # The request row is committed (no transaction around views), so a worker can
            # pick the task up at once; the draw itself can take minutes.
            run_lottery_request.enqueue(request_id=asked.pk)
            return redirect("engagement:lottery_request", pk=pk, request_pk=asked.pk)
    rows = [
        (
            group,
            form[f"{group.feature}__{group.value}__min"],
            form[f"{group.feature}__{group.value}__max"],
        )
        for group in groups
    ]
    return render(
        request,
        "engagement/profiles/lottery.html",
        {
            "opportunity": opportunity,
            "pool_size": len(pool),
            "form": form,
            "rows": rows,
            "draws": selectors.lottery_draws_for(opportunity=opportunity),
            "hidden_note": HIDDEN_NOTE,
        },
    )


@login_required
def lottery_draw(request, pk: int, draw_pk: int):
    opportunity = _lottery_opportunity(request, pk)
    draw = selectors.lottery_draw_by_id(opportunity=opportunity, pk=draw_pk)
    if draw is None:
        raise Http404
    checked = None
    if request.method == "POST" and request.POST.get("action") == "invite":
        require_perm(request.user, "engagement.invite", opportunity)
        invited = lottery_services.lottery_invite_panel(draw=draw, invited_by=request.user)
        messages.success(
            request, _("%(count)s people chosen are invited.") % {"count": len(invited)}
        )
        return redirect("engagement:lottery_draw", pk=pk, draw_pk=draw.pk)
    if request.method == "POST":
        checked = lottery_services.lottery_check(draw=draw)
    panel = [
        (interest, request.user.has_perm("engagement.view_profile", interest.profile))
        for interest in selectors.lottery_panel(draw=draw)
    ]
    return render(
        request,
        "engagement/profiles/lottery_draw.html",
        {
            "opportunity": opportunity,
            "draw": draw,
            "panel": panel,
            "can_invite": request.user.has_perm("engagement.invite", opportunity),
            "quota_rows": selectors.lottery_quota_table(draw=draw),
            "checked": checked,
            "hidden_note": HIDDEN_NOTE,
        },
    )


@login_required
def lottery_request_status(request, pk: int, request_pk: int):
    """Where a draw asked for has got to: queued or drawing (check again), drawn (on to the
    panel) or not drawn (why, and back to the form)."""
    opportunity = _lottery_opportunity(request, pk)
    asked = LotteryRequest.objects.filter(opportunity=opportunity, pk=request_pk).first()
    if asked is None:
        raise Http404
    if asked.status == LotteryRequest.Status.DONE and asked.draw_id:
        messages.success(request, _("The panel has been drawn."))
        return redirect("engagement:lottery_draw", pk=pk, draw_pk=asked.draw_id)
    return render(
        request,
        "engagement/profiles/lottery_request.html",
        {"opportunity": opportunity, "asked": asked},
    )
