"""Views for decisions: rating, the involvement report, sign-off on the public site (for
co-production group members who do not use the Wagtail admin), and "your notifications".

The decision log and the decision itself are Wagtail pages (engagement.decisions.models)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from coproduce.disclosure import HIDDEN_MARK, HIDDEN_NOTE
from engagement.decisions.forms import (
    DecisionRatingForm,
    NotificationPreferenceForm,
    SignOffForm,
)
from engagement.decisions.models import DecisionPage
from engagement.decisions.selectors import (
    decision_emails_wanted,
    decision_report,
    equality_summary_as_dict,
    notifications_for,
    sign_off_task_states_for,
)
from engagement.decisions.services import (
    decision_rate,
    decision_sign_off_act,
    notification_mark_read,
    notification_preference_set,
)


@require_POST
@login_required
def rate(request, pk: int):
    decision = get_object_or_404(DecisionPage.objects.live(), pk=pk)
    if not request.user.has_perm("engagement.rate_decision", decision):
        raise PermissionDenied
    form = DecisionRatingForm(request.POST)
    if form.is_valid():
        decision_rate(
            decision=decision,
            user=request.user,
            score=form.cleaned_data["score"],
            comment=form.cleaned_data["comment"],
        )
        messages.success(request, _("Thank you. Your rating is saved; you can change it."))
        return redirect(f"{decision.url}#rating")
    context = decision.get_context(request)
    context["rating_form"] = form
    return TemplateResponse(request, decision.get_template(request), context, status=400)


@require_GET
def involvement_report(request, pk: int):
    decision = get_object_or_404(DecisionPage, pk=pk)
    if not request.user.has_perm("engagement.view_decision_report", decision):
        raise Http404
    return render(
        request,
        "engagement/decisions/involvement_report.html",
        {
            "decision": decision,
            "hidden_mark": HIDDEN_MARK,
            "hidden_note": HIDDEN_NOTE,
            **decision_report(decision=decision),
        },
    )


@require_GET
def involvement_report_figures(request, pk: int):
    """The report's tables of people as JSON: its machine-readable twin, same permission."""
    decision = get_object_or_404(DecisionPage, pk=pk)
    if not request.user.has_perm("engagement.view_decision_report", decision):
        raise Http404
    return JsonResponse(
        equality_summary_as_dict(decision=decision), json_dumps_params={"indent": 2}
    )


@require_GET
@login_required
def sign_off_list(request):
    states = sign_off_task_states_for(user=request.user).order_by("started_at")
    return render(request, "engagement/decisions/sign_off_list.html", {"task_states": states})


@login_required
def sign_off(request, task_state_id: int):
    task_state = get_object_or_404(sign_off_task_states_for(user=request.user), pk=task_state_id)
    decision = task_state.workflow_state.content_object.specific
    if not request.user.has_perm("engagement.sign_off_decision", decision):
        raise Http404
    # The draft being signed off, as it was submitted (not the live page).
    draft = task_state.revision.as_object()
    form = SignOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision_sign_off_act(
                task_state=task_state,
                user=request.user,
                action=form.cleaned_data["action"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if form.cleaned_data["action"] == "approve":
                messages.success(request, _("Thank you. You confirmed “%s”.") % draft.title)
            else:
                messages.success(
                    request, _("Thank you. “%s” has gone back with your comment.") % draft.title
                )
            return redirect("engagement:decision_sign_off_list")
    return render(
        request,
        "engagement/decisions/sign_off.html",
        {"task_state": task_state, "draft": draft, "form": form},
        status=400 if form.errors else 200,
    )


@require_GET
@login_required
def notifications(request):
    return render(
        request,
        "engagement/decisions/notifications.html",
        {
            "notifications": notifications_for(user=request.user),
            "preference_form": NotificationPreferenceForm(
                initial={"decision_emails": decision_emails_wanted(user=request.user)}
            ),
        },
    )


@require_POST
@login_required
def notification_preferences(request):
    form = NotificationPreferenceForm(request.POST)
    if form.is_valid():
        notification_preference_set(
            user=request.user, decision_emails=form.cleaned_data["decision_emails"]
        )
        messages.success(request, _("Your choice is saved."))
    return redirect("engagement:notifications")


@require_POST
@login_required
def notifications_read(request):
    raw = request.POST.get("notification", "")
    notification_id = int(raw) if raw.isdigit() else None
    notification_mark_read(user=request.user, notification_id=notification_id)
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect("engagement:notifications")
