"""Views for decisions: rating, the involvement report, sign-off on the public site (for
co-production group members who do not use the Wagtail admin), and "your notifications".

The decision log and the decision itself are Wagtail pages (engagement.decisions.models)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from coproduce.disclosure import HIDDEN_MARK, HIDDEN_NOTE
from engagement.decisions.forms import (
    CodingForm,
    CodingSearchForm,
    ContestAnswerForm,
    ContestForm,
    DecisionRatingForm,
    DissentForm,
    HideCommentForm,
    NotificationPreferenceForm,
    ReportCommentForm,
    SignOffForm,
    ThemeForm,
)
from engagement.decisions.models import Contest, DecisionPage, DecisionRating
from engagement.decisions.selectors import (
    coding_items,
    decision_evidence,
    decision_pack,
    decision_report,
    decisions_to_code,
    equality_summary_as_dict,
    group_member_task_states,
    notification_choices,
    notifications_for,
    sign_off_record,
    sign_off_task_states_for,
)
from engagement.decisions.services import (
    contest_answer,
    decision_contest,
    decision_dissent_record,
    decision_rate,
    decision_sign_off_act,
    notification_mark_read,
    notification_preference_set,
    rating_comment_hide,
    rating_comment_report,
    theme_create,
    themes_apply,
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
def involvement_report_json(request, pk: int):
    """The evidence pack as JSON: the report's figures, no personal data."""
    decision = get_object_or_404(DecisionPage, pk=pk)
    if not request.user.has_perm("engagement.view_decision_report", decision):
        raise Http404
    response = JsonResponse(decision_pack(decision=decision), json_dumps_params={"indent": 2})
    response["Content-Disposition"] = f'attachment; filename="involvement-report-{pk}.json"'
    return response


@require_GET
def involvement_report_pdf(request, pk: int):
    """The evidence pack as a tagged PDF (PDF/UA-1), from the printable report."""
    decision = get_object_or_404(DecisionPage, pk=pk)
    if not request.user.has_perm("engagement.view_decision_report", decision):
        raise Http404
    html = render_to_string(
        "engagement/decisions/involvement_report.html",
        {
            "decision": decision,
            "for_pdf": True,
            "hidden_mark": HIDDEN_MARK,
            "hidden_note": HIDDEN_NOTE,
            **decision_report(decision=decision),
        },
        request=request,
    )
    # Imported here: WeasyPrint is heavy to import (and logs as it parses its stylesheets),
    # and only this view needs it.
    from engagement.decisions.report_pdf import tagged_pdf

    pdf = tagged_pdf(html)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="involvement-report-{pk}.pdf"'
    return response


@require_GET
@login_required
def sign_off_list(request):
    to_sign = sign_off_task_states_for(user=request.user).order_by("started_at")
    signing = {state.pk for state in to_sign}
    in_my_groups = [
        state
        for state in group_member_task_states(user=request.user).order_by("started_at")
        if state.pk not in signing
    ]
    return render(
        request,
        "engagement/decisions/sign_off_list.html",
        {"task_states": to_sign, "group_task_states": in_my_groups},
    )


def _visible_sign_off(request, task_state_id: int):
    """A sign-off this person may see: one they may act on, or one of their group's drafts."""
    ids = set(sign_off_task_states_for(user=request.user).values_list("pk", flat=True))
    ids |= set(group_member_task_states(user=request.user).values_list("pk", flat=True))
    if task_state_id not in ids:
        raise Http404
    task_state = get_object_or_404(
        group_member_task_states(user=request.user).model.objects.select_related(
            "revision", "workflow_state"
        ),
        pk=task_state_id,
    )
    draft = task_state.revision.as_object()
    if not request.user.has_perm("engagement.view_sign_off", draft):
        raise Http404
    return task_state, draft


@login_required
def sign_off(request, task_state_id: int):
    task_state, draft = _visible_sign_off(request, task_state_id)
    may_sign = request.user.has_perm("engagement.sign_off_decision", draft)
    may_dissent = request.user.has_perm("engagement.record_dissent", draft)
    which = request.POST.get("form", "sign-off") if request.method == "POST" else ""
    form = SignOffForm(request.POST if which == "sign-off" else None)
    dissent_form = DissentForm(request.POST if which == "dissent" else None)
    if which == "dissent":
        if not may_dissent:
            raise Http404
        if dissent_form.is_valid():
            try:
                decision_dissent_record(
                    task_state=task_state,
                    user=request.user,
                    view=dissent_form.cleaned_data["view"],
                    named=dissent_form.cleaned_data["named"],
                )
            except ValidationError as error:
                dissent_form.add_error(None, error)
            else:
                messages.success(request, _("Your dissent is recorded with the decision."))
                return redirect("engagement:decision_sign_off", task_state.pk)
    elif which == "sign-off":
        if not may_sign:
            raise Http404
        if form.is_valid():
            try:
                decision_sign_off_act(
                    task_state=task_state,
                    user=request.user,
                    action=form.cleaned_data["action"],
                    comment=form.cleaned_data["comment"],
                    named=form.cleaned_data["named"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if form.cleaned_data["action"] == "approve":
                    messages.success(request, _("Thank you. You confirmed “%s”.") % draft.title)
                else:
                    messages.success(
                        request,
                        _("Thank you. “%s” has gone back with your comment.") % draft.title,
                    )
                return redirect("engagement:decision_sign_off_list")
    evidence = decision_evidence(decision=draft, revision_id=task_state.revision_id)
    record = sign_off_record(decision=draft, revision_id=task_state.revision_id)
    answered = task_state.sign_off_responses.filter(user=request.user).first()
    return render(
        request,
        "engagement/decisions/sign_off.html",
        {
            "task_state": task_state,
            "draft": draft,
            "form": form,
            "dissent_form": dissent_form,
            "may_sign": may_sign and answered is None,
            "may_dissent": may_dissent and answered is None,
            "my_answer": answered,
            "evidence": evidence,
            "sign_off_record": record,
        },
        status=400 if (form.errors or dissent_form.errors) else 200,
    )


@require_POST
@login_required
def contest(request, pk: int):
    decision = get_object_or_404(DecisionPage.objects.live(), pk=pk)
    if not request.user.has_perm("engagement.contest_decision", decision):
        raise PermissionDenied
    form = ContestForm(request.POST, items=list(decision.you_said_items.all()))
    if form.is_valid():
        try:
            decision_contest(
                decision=decision,
                user=request.user,
                reason=form.cleaned_data["reason"],
                item_id=form.item_id(),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you. Your challenge is published; we will answer."))
            return redirect(f"{decision.url}#contests")
    context = decision.get_context(request)
    context["contest_form"] = form
    return TemplateResponse(request, decision.get_template(request), context, status=400)


@require_POST
@login_required
def contest_answer_view(request, pk: int, contest_id: int):
    decision = get_object_or_404(DecisionPage.objects.live(), pk=pk)
    contest_row = get_object_or_404(Contest, pk=contest_id, decision=decision)
    if not request.user.has_perm("engagement.answer_contest", decision):
        raise PermissionDenied
    form = ContestAnswerForm(request.POST)
    if form.is_valid():
        contest_answer(
            contest_id=contest_row.pk, user=request.user, answer=form.cleaned_data["answer"]
        )
        messages.success(request, _("Your answer is published."))
    else:
        messages.error(request, _("Write the answer people will read."))
    return redirect(f"{decision.url}#contests")


@require_POST
@login_required
def rating_comment_hide_view(request, pk: int, rating_id: int):
    decision = get_object_or_404(DecisionPage.objects.live(), pk=pk)
    rating = get_object_or_404(DecisionRating, pk=rating_id, decision=decision)
    if not request.user.has_perm("engagement.moderate_rating", decision):
        raise PermissionDenied
    form = HideCommentForm(request.POST)
    if form.is_valid():
        rating_comment_hide(
            rating_id=rating.pk, moderator=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(request, _("The comment is hidden."))
    else:
        messages.error(request, _("Say why the comment is hidden."))
    return redirect(f"{decision.url}#rating")


@require_POST
@login_required
def rating_comment_report_view(request, pk: int, rating_id: int):
    """Report a rating comment (signed in; once per comment; a few an hour). The answer is a
    message on the decision page, at the comments; a refusal says why and keeps nothing."""
    decision = get_object_or_404(DecisionPage.objects.live(), pk=pk)
    rating = get_object_or_404(DecisionRating, pk=rating_id, decision=decision)
    if not request.user.has_perm("engagement.report_rating_comment", decision):
        raise PermissionDenied
    form = ReportCommentForm(request.POST)
    back = redirect(f"{decision.url}#rating-comment-{rating.pk}")
    if not form.is_valid():
        messages.error(request, _("Choose what is wrong with the comment, then send the report."))
        return back
    try:
        rating_comment_report(
            rating_id=rating.pk, user=request.user, reason=form.cleaned_data["reason"]
        )
    except ValidationError as refused:  # already reported, own comment, too many (ReportLimited)
        messages.error(request, " ".join(refused.messages))
        return back
    messages.success(request, _("Thank you. The comment is reported; a moderator will look at it."))
    return back


@require_GET
@login_required
def coding_index(request):
    decisions = decisions_to_code(user=request.user)
    if not decisions and not request.user.has_perm("engagement.draft_decision"):
        raise PermissionDenied
    return render(request, "engagement/decisions/coding_index.html", {"decisions": decisions})


@login_required
def coding(request, pk: int):
    decision = get_object_or_404(DecisionPage, pk=pk)
    if not request.user.has_perm("engagement.code_themes", decision):
        raise Http404
    search = CodingSearchForm(request.GET or None)
    filters = search.cleaned_data if search.is_valid() else {}
    listing = coding_items(
        decision=decision, q=filters.get("q", ""), uncoded=filters.get("uncoded", False)
    )
    theme_form = ThemeForm(request.POST if request.POST.get("form") == "theme" else None)
    coding_form = CodingForm(
        request.POST if request.POST.get("form") == "code" else None, themes=listing["themes"]
    )
    if request.method == "POST":
        try:
            if request.POST.get("form") == "theme" and theme_form.is_valid():
                theme = theme_create(
                    decision=decision,
                    user=request.user,
                    name=theme_form.cleaned_data["name"],
                    description=theme_form.cleaned_data["description"],
                )
                messages.success(request, _("Theme “%s” added.") % theme.name)
                return redirect(request.get_full_path())
            if request.POST.get("form") == "code" and coding_form.is_valid():
                made = themes_apply(
                    decision=decision,
                    user=request.user,
                    theme_ids=coding_form.cleaned_data["themes"],
                    answer_ids=coding_form.cleaned_data["answers"],
                    contribution_ids=coding_form.cleaned_data["contributions"],
                )
                messages.success(request, _("%d new codes applied.") % made)
                return redirect(request.get_full_path())
        except ValidationError as error:
            target = theme_form if request.POST.get("form") == "theme" else coding_form
            target.add_error(None, error)
    return render(
        request,
        "engagement/decisions/coding.html",
        {
            "decision": decision,
            "search_form": search,
            "theme_form": theme_form,
            "coding_form": coding_form,
            **listing,
        },
        status=400 if (theme_form.errors or coding_form.errors) else 200,
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
                initial=notification_choices(user=request.user)
            ),
        },
    )


@require_POST
@login_required
def notification_preferences(request):
    form = NotificationPreferenceForm(request.POST)
    if form.is_valid():
        notification_preference_set(user=request.user, **form.cleaned_data)
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
