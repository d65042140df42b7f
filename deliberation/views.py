"""Pages for co-production groups and their sessions. Thin: permission, form, service or
selector, render. The live part of the room is the WebSocket consumer; this page is what works
without JavaScript (the agenda and the transcript so far)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from coproduce.passport import selectors as passport_selectors
from coproduce.spreadsheets import csv_writer

from . import calendar, selectors, services
from .forms import AttendanceForm, NeedsSharingForm, SummaryForm


def _session_or_404(pk: int):
    session = selectors.session_get(pk=pk)
    if session is None:
        raise Http404
    return session


def _require(user, permission: str, obj) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def group_list(request):
    return render(
        request, "deliberation/group_list.html", {"groups": selectors.groups_for_listing()}
    )


def group_detail(request, slug):
    group = selectors.group_detail(slug=slug)
    if group is None:
        raise Http404
    return render(
        request,
        "deliberation/group_detail.html",
        {
            "group": group,
            "sessions": group.sessions.all(),
            "show_members": request.user.has_perm("deliberation.view_group_members", group),
            # Checked here on the server: the link is in the page for no one else.
            "show_who_took_part": request.user.has_perm("deliberation.view_who_took_part", group),
        },
    )


@login_required
def session_room(request, pk):
    session = _session_or_404(pk)
    _require(request.user, "deliberation.enter_room", session)
    context = {
        "session": session,
        "room": selectors.room_page(session=session, user=request.user),
        "can_facilitate": request.user.has_perm("deliberation.facilitate", session),
        "can_take_part": request.user.has_perm("deliberation.take_part", session),
        # Checked here on the server: the link is never in the page for anyone else.
        "online_link": session.online_link
        if session.online_link and request.user.has_perm("deliberation.see_online_link", session)
        else "",
        "session_full": selectors.session_full(session=session),
    }
    context["has_easy_read_agenda"] = any(item.easy_read_title for item in context["room"].agenda)
    if request.user.has_perm("deliberation.register_attendance", session):
        attendance = selectors.attendance_for(session=session, user=request.user)
        context["attendance"] = attendance
        context["attendance_form"] = AttendanceForm(initial=AttendanceForm.initial_for(attendance))
    return render(request, "deliberation/session_room.html", context)


@login_required
def session_attendance(request, pk):
    session = _session_or_404(pk)
    _require(request.user, "deliberation.register_attendance", session)
    if session.has_ended:
        messages.info(request, _("This session has ended."))
        return redirect(session)
    attendance = selectors.attendance_for(session=session, user=request.user)
    form = AttendanceForm(request.POST or None, initial=AttendanceForm.initial_for(attendance))
    needs_form = NeedsSharingForm(
        request.POST or None,
        passport=passport_selectors.passport_for(user=request.user),
        initial=NeedsSharingForm.initial_for(attendance),
    )
    if request.method == "POST" and form.is_valid() and needs_form.is_valid():
        with transaction.atomic():
            services.session_attendance_save(
                session=session, user=request.user, **form.cleaned_data, **needs_form.cleaned_data
            )
            # "Are you coming?" becomes a place, or a place on the waiting list.
            attendance = services.session_registration_sync(session=session, user=request.user)
        if attendance is not None and attendance.place == attendance.Place.WAITING:
            messages.success(
                request,
                _(
                    "This session is full, so you are on the waiting list. We will email you "
                    "if a place comes up."
                ),
            )
        else:
            messages.success(request, _("Thank you. We have your answer for this session."))
        return redirect(session)
    return render(
        request,
        "deliberation/session_attendance.html",
        {"session": session, "form": form, "needs_form": needs_form},
    )


@login_required
def session_calendar(request, pk):
    """The session's calendar file (.ics); the online link only for someone with a place."""
    session = _session_or_404(pk)
    _require(request.user, "deliberation.enter_room", session)
    body = calendar.session_calendar(
        session,
        with_link=request.user.has_perm("deliberation.see_online_link", session),
        page_url=request.build_absolute_uri(session.get_absolute_url()),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{calendar.calendar_filename(session)}"'
    )
    return response


@login_required
def session_preparation(request, pk):
    session = _session_or_404(pk)
    _require(request.user, "deliberation.view_preparation_list", session)
    return render(
        request,
        "deliberation/session_preparation.html",
        {"session": session, "preparation": selectors.preparation_list(session=session)},
    )


@login_required
@require_POST
def session_start(request, pk):
    session = _session_or_404(pk)
    _require(request.user, "deliberation.facilitate", session)
    services.session_start(session=session, facilitator=request.user)
    return redirect(session)


@login_required
def session_transcript(request, pk):
    session = _session_or_404(pk)
    _require(request.user, "deliberation.view_transcript", session)
    return render(
        request,
        "deliberation/session_transcript.html",
        {
            "session": session,
            "entries": selectors.transcript_entries(session=session),
            "can_write_summary": request.user.has_perm("deliberation.write_summary", session),
        },
    )


@login_required
def session_summary(request, pk):
    session = _session_or_404(pk)
    _require(request.user, "deliberation.write_summary", session)
    form = SummaryForm(
        request.POST or None,
        initial={"summary": session.summary, "agreed_actions": session.agreed_actions},
    )
    if request.method == "POST" and form.is_valid():
        services.session_summary_save(session=session, **form.cleaned_data)
        messages.success(request, _("The summary and agreed actions are saved."))
        return redirect("deliberation:session_transcript", pk=session.pk)
    return render(request, "deliberation/session_summary.html", {"session": session, "form": form})


def _export_name(session, extension: str) -> str:
    return f"transcript-{slugify(session.group.name)}-{session.pk}.{extension}"


@login_required
def transcript_csv(request, pk):
    session = _session_or_404(pk)
    _require(request.user, "deliberation.view_transcript", session)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(session, "csv")}"'
    writer = csv_writer(response)
    writer.writerow(["seq", "time", "event", "person", "text", "detail"])
    for entry in selectors.transcript_entries(session=session):
        if entry.removed:
            text = _("[removed by facilitator]")
        elif entry.poll:
            rows = "; ".join(f"{choice}: {count}" for choice, count in entry.poll["rows"])
            text = f"{entry.poll['question']} {rows}".strip()
        else:
            text = entry.text
        writer.writerow(
            [
                entry.seq,
                entry.at,
                entry.type,
                entry.actor,
                text,
                entry.detail,
            ]
        )
    return response


@login_required
def transcript_html(request, pk):
    session = _session_or_404(pk)
    _require(request.user, "deliberation.view_transcript", session)
    html = render_to_string(
        "deliberation/transcript_export.html",
        {"session": session, "entries": selectors.transcript_entries(session=session)},
        request=request,
    )
    response = HttpResponse(html, content_type="text/html; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(session, "html")}"'
    return response
