"""Pages for statements activities: vote one statement at a time, add a statement, see the
results (map or tables, with the same facts in text), moderate, export in Pol.is's layout.

Thin: permission, form, service or selector, render. Votes and statements go through the
room's services, so a vote cast here reaches the room like one sent over the WebSocket."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.spreadsheets import UTF8_BOM
from deliberation.selectors import session_get
from deliberation.services import RoomActionError

from . import selectors, services
from .forms import StatementForm, VoteForm
from .polis import write_comments, write_votes


def _activity_or_404(pk: int):
    activity = selectors.activity_get(pk=pk)
    if activity is None:
        raise Http404
    return activity


def _require(user, permission: str, obj) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


@login_required
def session_statements(request, pk):
    """The current agenda item's statements. An item without them yet: a facilitator is asked
    to start them (a button, so that reading a page never changes the room: a link checker or
    a browser's prefetch must not open an activity); anyone else is told there are none."""
    session = session_get(pk=pk)
    if session is None:
        raise Http404
    _require(request.user, "deliberation.enter_room", session)
    item = session.current_item
    if item is None:
        messages.info(request, _("There is no agenda item in progress."))
        return redirect(session)
    activity = getattr(item, "statement_activity", None)
    if activity is None:
        if not request.user.has_perm("deliberation.facilitate", session):
            messages.info(request, _("There are no statements for this agenda item yet."))
            return redirect(session)
        if request.method != "POST":
            return render(
                request, "deliberation/opinions/start.html", {"session": session, "item": item}
            )
        activity = services.statement_activity_for_item(item=item)
    if request.user.has_perm("deliberation.vote_statements", activity):
        return redirect("deliberation:statements_vote", pk=activity.pk)
    return redirect("deliberation:statements_results", pk=activity.pk)


@login_required
def session_statements_panel(request, pk):
    """The room page's statements panel (fetched by room_opinions.js): the current item's next
    statement to vote on and a compact summary of where people agree. `?part=vote` or
    `?part=summary` renders one half, so a live update never replaces what has focus."""
    session = session_get(pk=pk)
    if session is None:
        raise Http404
    _require(request.user, "deliberation.enter_room", session)
    item = session.current_item
    activity = getattr(item, "statement_activity", None) if item else None
    can_vote = bool(activity) and request.user.has_perm("deliberation.vote_statements", activity)
    can_view = bool(activity) and request.user.has_perm("deliberation.view_opinions", activity)
    part = request.GET.get("part", "")
    context = {
        "session": session,
        "activity": activity,
        "can_vote": can_vote,
        "can_view": can_view,
        "next": (
            selectors.next_statement(activity=activity, user=request.user)
            if can_vote and part != "summary"
            else None
        ),
        "results": (
            selectors.opinion_results(activity=activity) if can_view and part != "vote" else None
        ),
    }
    template = {
        "vote": "deliberation/opinions/_room_vote.html",
        "summary": "deliberation/opinions/_room_summary.html",
    }.get(part, "deliberation/opinions/_room_panel.html")
    return render(request, template, context)


@login_required
def statements_vote(request, pk):
    activity = _activity_or_404(pk)
    _require(request.user, "deliberation.vote_statements", activity)
    session = selectors.activity_session(activity=activity)
    vote_form = VoteForm(request.POST if request.POST.get("action") == "vote" else None)
    statement_form = StatementForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        try:
            if vote_form.is_bound and vote_form.is_valid():
                services.statement_vote(
                    session=session,
                    voter=request.user,
                    statement_id=vote_form.cleaned_data["statement"],
                    vote=vote_form.cleaned_data["vote"],
                    client_id=None,
                )
                messages.success(request, _("Your vote is saved."))
                if request.POST.get("return") == "room" and session is not None:
                    return redirect(session)
                return redirect("deliberation:statements_vote", pk=activity.pk)
            if statement_form.is_bound and statement_form.is_valid():
                recorded = services.statement_create(
                    session=session,
                    author=request.user,
                    text=statement_form.cleaned_data["text"],
                    client_id=None,
                )
                if recorded.event.payload.get("status") == "pending":
                    messages.success(
                        request, _("Thank you. A facilitator will check your statement first.")
                    )
                else:
                    messages.success(request, _("Thank you. Your statement is added."))
                return redirect("deliberation:statements_vote", pk=activity.pk)
        except RoomActionError as error:
            target = statement_form if statement_form.is_bound else vote_form
            target.add_error(None, error.message)
    upcoming = selectors.next_statement(activity=activity, user=request.user)
    return render(
        request,
        "deliberation/opinions/vote.html",
        {
            "activity": activity,
            "session": session,
            "next": upcoming,
            "vote_form": vote_form,
            "statement_form": statement_form,
            "can_moderate": request.user.has_perm("deliberation.moderate_statements", activity),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def statements_results(request, pk):
    activity = _activity_or_404(pk)
    _require(request.user, "deliberation.view_opinions", activity)
    can_moderate = request.user.has_perm("deliberation.moderate_statements", activity)
    session = selectors.activity_session(activity=activity)
    context = {
        "activity": activity,
        "session": session,
        "results": selectors.opinion_results(activity=activity),
        "can_vote": request.user.has_perm("deliberation.vote_statements", activity),
        "can_moderate": can_moderate,
        "can_export": request.user.has_perm("deliberation.export_statements", activity),
        "pending": selectors.pending_statements(activity=activity) if can_moderate else [],
        "last_seq": session.last_seq if session else 0,
    }
    template = "deliberation/opinions/results.html"
    if request.GET.get("fragment") == "1":
        template = "deliberation/opinions/_results_body.html"
    return render(request, template, context)


@login_required
@require_POST
def statements_moderate(request, pk, statement_pk):
    activity = _activity_or_404(pk)
    _require(request.user, "deliberation.moderate_statements", activity)
    session = selectors.activity_session(activity=activity)
    approve = request.POST.get("decision") == "approve"
    if request.POST.get("decision") not in ("approve", "reject") or session is None:
        messages.error(request, _("Choose to approve or to moderate out."))
    else:
        try:
            services.statement_moderate(
                session=session,
                facilitator=request.user,
                statement_id=statement_pk,
                approve=approve,
            )
            messages.success(
                request,
                _("The statement is approved.")
                if approve
                else _("The statement is moderated out."),
            )
        except RoomActionError as error:
            messages.error(request, error.message)
    return redirect(reverse("deliberation:statements_results", kwargs={"pk": activity.pk}))


@login_required
@require_POST
def statements_approval(request, pk):
    activity = _activity_or_404(pk)
    _require(request.user, "deliberation.moderate_statements", activity)
    required = request.POST.get("required") == "yes"
    services.statement_activity_set_approval(activity=activity, required=required)
    messages.success(
        request,
        _("New statements now wait for approval.")
        if required
        else _("New statements are now open for votes at once."),
    )
    return redirect(reverse("deliberation:statements_results", kwargs={"pk": activity.pk}))


@login_required
def statements_export(request, pk, name):
    """comments.csv or votes.csv in Pol.is's layout (no byte order mark: Pol.is's tools read
    these files; formula characters are still guarded)."""
    activity = _activity_or_404(pk)
    _require(request.user, "deliberation.export_statements", activity)
    comments, votes, tallies = selectors.activity_polis_export(activity=activity)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="statements-{activity.pk}-{name}"'
    if name == "comments.csv":
        write_comments(response, comments, tallies)
    else:
        write_votes(response, votes)
    assert not response.content.startswith(UTF8_BOM.encode())
    return response
