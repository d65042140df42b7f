"""A consultation's statements question: its page in the answering journey (vote on one
statement at a time, add a statement), and moderation by the consultation's moderators.

Voting works without JavaScript: each statement is a small form whose three buttons carry the
vote. Someone signed in votes as their account; without an account (an open consultation),
as this browser: the consultation's own browser cookie (the one that keeps their response),
stored only as a hash."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from deliberation.opinions import selectors as opinions
from deliberation.opinions import services as opinion_services
from deliberation.opinions.forms import StatementForm, VoteForm
from engagement.consultations.models import ConsultationPage
from engagement.consultations.respondent import browser_token, set_browser_token
from engagement.consultations.selectors import consultation_for_answering

from . import selectors, services

DEFAULT_OPEN_VOTERS_PER_HOUR = 30


def _consultation_or_404(page_id: int) -> ConsultationPage:
    consultation = consultation_for_answering(page_id=page_id)
    if consultation is None:
        raise Http404(_("No such consultation."))
    return consultation


def _question_or_404(consultation: ConsultationPage, question_id: int):
    question = selectors.statements_question(consultation=consultation, question_id=question_id)
    if question is None:
        raise Http404(_("No such question."))
    return question


def _respondent_key(token: str) -> str:
    return "browser:" + hashlib.sha256(f"statements:{token}".encode()).hexdigest()


def _within_limit(request: HttpRequest) -> bool:
    """New browsers voting without an account: a fixed hourly window per IP address, shared by
    every server process (as for starting an open response)."""
    per_hour = getattr(
        settings, "CONSULTATION_OPEN_RESPONSES_PER_HOUR", DEFAULT_OPEN_VOTERS_PER_HOUR
    )
    key = f"engagement:open-statements:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=60 * 60)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=60 * 60)
        count = 1
    return count <= per_hour


def _back_url(consultation: ConsultationPage, section: str | None) -> str:
    if section and section.isdigit() and int(section) >= 1:
        return reverse("engagement:answer_section", args=[consultation.pk, int(section)])
    return reverse("engagement:answer", args=[consultation.pk])


@require_http_methods(["GET", "POST"])
def statements_answer(request: HttpRequest, page_id: int, question_id: int) -> HttpResponse:
    """Vote on the next statement (unseen first, in this person's own order) or add one."""
    consultation = _consultation_or_404(page_id)
    question = _question_or_404(consultation, question_id)
    if not request.user.has_perm("engagement.answer_consultation", consultation):
        return redirect_to_login(request.get_full_path())
    if not consultation.is_open:
        return render(
            request,
            "engagement/consultations/answering/not_open.html",
            {"consultation": consultation, "status": consultation.status},
            status=200 if request.method == "GET" else 403,
        )
    activity = services.question_activity_get_or_create(question=question)
    user = request.user if request.user.is_authenticated else None
    token = "" if user else browser_token(request, consultation)
    key = _respondent_key(token) if token else ""
    section = request.GET.get("section") or request.POST.get("section")
    here = request.path + ("?" + urlencode({"section": section}) if section else "")

    action = request.POST.get("action")
    vote_form = VoteForm(request.POST if action == "vote" else None)
    statement_form = StatementForm(request.POST if action == "add" else None)
    if request.method == "POST":
        new_token = ""
        if user is None and not key:
            if not _within_limit(request):
                return render(
                    request,
                    "engagement/consultations/answering/too_many.html",
                    {"consultation": consultation},
                    status=429,
                )
            new_token = secrets.token_urlsafe(32)
            key = _respondent_key(new_token)
        done = None
        try:
            if vote_form.is_bound and vote_form.is_valid():
                voter = opinion_services.activity_voter(
                    activity=activity, user=user, respondent_key=key
                )
                opinion_services.activity_vote(
                    activity=activity,
                    voter=voter,
                    statement_id=vote_form.cleaned_data["statement"],
                    vote=vote_form.cleaned_data["vote"],
                )
                done = _("Your vote is saved.")
            elif statement_form.is_bound and statement_form.is_valid():
                statement = opinion_services.activity_statement_add(
                    activity=activity, author=user, text=statement_form.cleaned_data["text"]
                )
                done = (
                    _("Thank you. A moderator will check your statement first.")
                    if statement.status == statement.Status.PENDING
                    else _("Thank you. Your statement is added.")
                )
            elif not (vote_form.is_bound or statement_form.is_bound):
                vote_form = VoteForm(request.POST)
                vote_form.is_valid()
                vote_form.add_error(None, _("Choose agree, disagree or pass"))
        except opinion_services.StatementError as error:
            target = statement_form if statement_form.is_bound else vote_form
            target.add_error(None, error.message)
        if done:
            messages.success(request, done)
            http_response = redirect(here)
            if new_token:
                set_browser_token(http_response, request, consultation, new_token)
            return http_response
    upcoming = opinions.next_statement(activity=activity, user=user, respondent_key=key)
    return render(
        request,
        "engagement/consultation_statements/vote.html",
        {
            "consultation": consultation,
            "question": question,
            "activity": activity,
            "next": upcoming,
            "vote_form": vote_form,
            "statement_form": statement_form,
            "section": section if section and section.isdigit() else "",
            "back_url": _back_url(consultation, section),
        },
        status=400 if request.method == "POST" else 200,
    )


def _results_url(consultation: ConsultationPage, question_id: int) -> str:
    return (
        reverse("engagement:consultation_results", args=[consultation.pk])
        + f"#statements-{question_id}"
    )


def _moderation_target(request: HttpRequest, page_id: int, question_id: int):
    consultation = ConsultationPage.objects.live().filter(pk=page_id).first()
    if consultation is None:
        raise Http404(_("No such consultation."))
    if not request.user.is_authenticated:
        return consultation, None, redirect_to_login(request.get_full_path())
    if not request.user.has_perm("engagement.moderate_consultation_statements", consultation):
        raise PermissionDenied
    question = _question_or_404(consultation, question_id)
    activity = selectors.question_activity(question=question)
    if activity is None:
        raise Http404(_("Nobody has added a statement yet."))
    return consultation, activity, None


@require_POST
def statements_moderate(request: HttpRequest, page_id: int, question_id: int, statement_pk: int):
    """Approve a statement, or moderate it out (left out of voting and results; votes kept)."""
    consultation, activity, refused = _moderation_target(request, page_id, question_id)
    if refused:
        return refused
    decision = request.POST.get("decision")
    if decision not in ("approve", "reject"):
        messages.error(request, _("Choose to approve or to moderate out."))
    else:
        try:
            opinion_services.activity_statement_moderate(
                activity=activity, statement_id=statement_pk, approve=decision == "approve"
            )
        except opinion_services.StatementError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _("The statement is approved.")
                if decision == "approve"
                else _("The statement is moderated out."),
            )
    return redirect(_results_url(consultation, question_id))


@require_POST
def statements_approval(request: HttpRequest, page_id: int, question_id: int):
    """Whether new statements wait for a moderator's approval."""
    consultation, activity, refused = _moderation_target(request, page_id, question_id)
    if refused:
        return refused
    required = request.POST.get("required") == "yes"
    opinion_services.statement_activity_set_approval(activity=activity, required=required)
    messages.success(
        request,
        _("New statements now wait for approval.")
        if required
        else _("New statements are now open for votes at once."),
    )
    return redirect(_results_url(consultation, question_id))
