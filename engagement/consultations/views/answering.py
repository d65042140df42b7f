"""Consultations: answering (signed in or open), save and finish later, assisted entry, and
requests for another format. Thin views: permission, form, service, render."""

from __future__ import annotations

import functools
import secrets

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from coproduce.easy_read import wants_easy_read
from engagement.consultations.forms import (
    AssistedResponseForm,
    EqualityMonitoringForm,
    FormatRequestForm,
    ResponseSubmitForm,
    ResumeEmailForm,
    SectionForm,
    question_field_name,
)
from engagement.consultations.models import (
    ConsultationPage,
    QuestionKind,
    Response,
    ResponseStatus,
    new_reference,
)
from engagement.consultations.respondent import (
    RESUME_LINK_MAX_AGE,
    browser_token,
    current_response,
    set_browser_token,
)
from engagement.consultations.selectors import (
    consultation_for_answering,
    questionnaire_sections,
    response_answer_values,
    response_summary,
    response_unfinished_values,
)
from engagement.consultations.services import (
    AssistedEntry,
    ConsultationNotOpen,
    browser_key_for,
    format_request_create,
    missing_required_questions,
    response_enter_assisted,
    response_save_equality,
    response_save_for_later,
    response_save_section,
    response_send_resume_link,
    response_start,
    response_submit,
    unfinished_questions,
)

RESUME_LINK_SALT = "engagement.consultation-resume"
# Open consultations: how many new responses one IP address may start in an hour. Generous,
# because a library, care home or day centre shares one address between many people.
DEFAULT_OPEN_RESPONSES_PER_HOUR = 30
DEFAULT_FORMAT_REQUESTS_PER_HOUR = 10


# --- Helpers: finding the consultation and the person's response ------------------------------


def _consultation_or_404(page_id: int) -> ConsultationPage:
    consultation = consultation_for_answering(page_id=page_id)
    if consultation is None:
        raise Http404(_("No such consultation."))
    return consultation


def _within_limit(request: HttpRequest, *, action: str, per_hour: int) -> bool:
    """A fixed one-hour window per IP address, counted in the shared cache, so every server
    process applies the same limit."""
    key = f"engagement:{action}:{request.META.get('REMOTE_ADDR', '')}"
    cache.add(key, 0, timeout=60 * 60)
    try:
        count = cache.incr(key)
    except ValueError:  # the key expired between add and incr
        cache.set(key, 1, timeout=60 * 60)
        count = 1
    return count <= per_hour


def _not_open(request: HttpRequest, consultation: ConsultationPage, status: int = 200):
    return render(
        request,
        "engagement/consultations/answering/not_open.html",
        {"consultation": consultation, "status": consultation.status},
        status=status,
    )


def _answering_access(request: HttpRequest, consultation: ConsultationPage):
    """None if this person may answer now, else the response to send instead."""
    if not request.user.has_perm("engagement.answer_consultation", consultation):
        return redirect_to_login(request.get_full_path())
    if not consultation.is_open:
        return _not_open(request, consultation, status=200 if request.method == "GET" else 403)
    return None


def answering(view):
    """For the views of the answering journey: finds the consultation (404 if there is none),
    sends people who may not answer now to sign in or to "not open", and otherwise calls the
    view with the consultation instead of its id."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, page_id: int, *args, **kwargs) -> HttpResponse:
        consultation = _consultation_or_404(page_id)
        refused = _answering_access(request, consultation)
        if refused:
            return refused
        return view(request, consultation, *args, **kwargs)

    return wrapped


def _has_unstorable_text(form) -> bool:
    """Whether an answer holds a NUL character, which no database text can store: even "save
    and finish later" then asks for it to be taken out, rather than failing to keep it."""
    return any(
        error.code == "null_characters_not_allowed"
        for errors in form.errors.as_data().values()
        for error in errors
    )


def _section_url(consultation: ConsultationPage, number: int) -> str:
    return reverse("engagement:answer_section", args=[consultation.pk, number])


# --- Answering ---------------------------------------------------------------------------------


@require_http_methods(["GET"])
@answering
def answer_start(request: HttpRequest, consultation: ConsultationPage) -> HttpResponse:
    """Where "Start now" leads: the first section, or where the person stopped."""
    response = current_response(request, consultation)
    if response is None:
        return redirect(_section_url(consultation, 1))
    if response.status == ResponseStatus.SUBMITTED:
        return redirect("engagement:answer_check", consultation.pk)
    section_count = len(questionnaire_sections(consultation=consultation))
    if response.current_section >= section_count:
        return redirect("engagement:answer_check", consultation.pk)
    return redirect(_section_url(consultation, response.current_section + 1))


@require_http_methods(["GET", "POST"])
@answering
def answer_section(
    request: HttpRequest, consultation: ConsultationPage, number: int
) -> HttpResponse:
    """One section of the questionnaire. "Save and continue" checks the answers and moves on
    (back to "check your answers" when the person came from its "Change" link); "Save and
    finish later" keeps everything typed, even what does not fit yet, and says how to come
    back."""
    sections = questionnaire_sections(consultation=consultation)
    if not 1 <= number <= len(sections):
        raise Http404(_("No such section."))
    section = sections[number - 1]
    questions = list(section.questions.all())
    response = current_response(request, consultation)
    returning_to_check = request.GET.get("return") == "check"

    if request.method == "GET":
        unfinished = response_unfinished_values(response=response)
        form = SectionForm(
            questions=questions,
            answers={**response_answer_values(response=response), **unfinished},
            easy_read=wants_easy_read(request),
        )
        return _render_section(
            request,
            consultation,
            sections,
            number,
            form,
            response,
            returning_to_check=returning_to_check,
            unfinished=[q for q in questions if q.pk in unfinished],
        )

    saving_for_later = request.POST.get("action") == "save"
    # A response already sent must stay complete; a draft may leave questions for later and
    # keep answers that do not fit yet.
    keep_as_typed = saving_for_later and not (
        response and response.status == ResponseStatus.SUBMITTED
    )
    form = SectionForm(
        request.POST,
        questions=questions,
        enforce_required=not keep_as_typed,
        easy_read=wants_easy_read(request),
    )
    if not form.is_valid() and (not keep_as_typed or _has_unstorable_text(form)):
        return _render_section(
            request,
            consultation,
            sections,
            number,
            form,
            response,
            returning_to_check=returning_to_check,
        )

    new_token = ""
    start = {}
    if response is None:
        if request.user.is_authenticated:
            start = {"respondent": request.user}
        else:
            token = browser_token(request, consultation)
            if not token:
                per_hour = getattr(
                    settings,
                    "CONSULTATION_OPEN_RESPONSES_PER_HOUR",
                    DEFAULT_OPEN_RESPONSES_PER_HOUR,
                )
                if not _within_limit(request, action="open-response", per_hour=per_hour):
                    return render(
                        request,
                        "engagement/consultations/answering/too_many.html",
                        {"consultation": consultation},
                        status=429,
                    )
                token = new_token = secrets.token_urlsafe(32)
            start = {"browser_key": browser_key_for(token)}
    try:
        if response is None:
            response = response_start(consultation=consultation, **start)
        if keep_as_typed:
            response_save_for_later(
                response=response,
                section=section,
                answers=form.answers(),
                unfinished=form.unfinished(),
                section_number=number - 1,
            )
        else:
            response_save_section(
                response=response,
                section=section,
                answers=form.answers(),
                section_number=number - 1,
            )
    except ConsultationNotOpen:
        return _not_open(request, consultation, status=403)
    except ValidationError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _render_section(
            request,
            consultation,
            sections,
            number,
            form,
            response,
            returning_to_check=returning_to_check,
        )

    if saving_for_later:
        target = reverse("engagement:answer_saved", args=[consultation.pk])
    elif returning_to_check:
        target = reverse("engagement:answer_check", args=[consultation.pk])
    elif number < len(sections):
        target = _section_url(consultation, number + 1)
    elif consultation.ask_equality_monitoring:
        target = reverse("engagement:answer_about_you", args=[consultation.pk])
    else:
        target = reverse("engagement:answer_check", args=[consultation.pk])
    http_response = redirect(target)
    if new_token:
        set_browser_token(http_response, request, consultation, new_token)
    return http_response


def _render_section(
    request, consultation, sections, number, form, response, *, returning_to_check, unfinished=()
):
    if returning_to_check:
        back_url = reverse("engagement:answer_check", args=[consultation.pk])
    elif number > 1:
        back_url = _section_url(consultation, number - 1)
    else:
        back_url = consultation.get_url(request)
    return render(
        request,
        "engagement/consultations/answering/section.html",
        {
            "consultation": consultation,
            "section": sections[number - 1],
            "number": number,
            "section_count": len(sections),
            "form": form,
            "response": response,
            "back_url": back_url,
            "returning_to_check": returning_to_check,
            "unfinished": unfinished,
            "has_points": any(q.kind == "points" for q in form.questions),
            "has_easy_read": any(q.easy_read_text for q in form.questions),
        },
    )


def _require_response(request, consultation):
    response = current_response(request, consultation)
    if response is None:
        return None, redirect("engagement:answer", consultation.pk)
    return response, None


@require_http_methods(["GET", "POST"])
@answering
def answer_about_you(request: HttpRequest, consultation: ConsultationPage) -> HttpResponse:
    """The optional equality monitoring questions, kept apart from the answers."""
    if not consultation.ask_equality_monitoring:
        raise Http404(_("This consultation does not ask about you."))
    response, missing = _require_response(request, consultation)
    if missing:
        return missing
    if request.method == "POST":
        form = EqualityMonitoringForm(request.POST)
        if form.is_valid():
            try:
                response_save_equality(response=response, data=form.cleaned_data)
            except ConsultationNotOpen:
                return _not_open(request, consultation, status=403)
            return redirect("engagement:answer_check", consultation.pk)
    else:
        equality = getattr(response, "equality", None)
        initial = (
            {name: getattr(equality, name) for name in EqualityMonitoringForm.base_fields}
            if equality
            else {}
        )
        form = EqualityMonitoringForm(initial=initial)
    sections = questionnaire_sections(consultation=consultation)
    return render(
        request,
        "engagement/consultations/answering/about_you.html",
        {
            "consultation": consultation,
            "form": form,
            "back_url": _section_url(consultation, len(sections)),
        },
    )


@require_http_methods(["GET", "POST"])
@answering
def answer_check(request: HttpRequest, consultation: ConsultationPage) -> HttpResponse:
    """Check your answers, then send (or, once sent, send the changes)."""
    response, missing = _require_response(request, consultation)
    if missing:
        return missing
    ask_email = not request.user.is_authenticated
    problems: list[tuple[str, str]] = []
    if request.method == "POST":
        form = ResponseSubmitForm(request.POST, ask_email=ask_email)
        if form.is_valid():
            try:
                response_submit(
                    response=response,
                    email=form.cleaned_data.get("email") if ask_email else None,
                    wants_updates=form.cleaned_data["wants_updates"],
                )
            except ConsultationNotOpen:
                return _not_open(request, consultation, status=403)
            except ValidationError:
                problems = _missing_answer_links(consultation, response)
            else:
                return redirect("engagement:answer_done", consultation.pk)
    else:
        form = ResponseSubmitForm(
            initial={"email": response.email, "wants_updates": response.wants_updates},
            ask_email=ask_email,
        )
    sections = questionnaire_sections(consultation=consultation)
    missing_questions = {q.pk for q in missing_required_questions(response=response)}
    unfinished = {q.pk for q in unfinished_questions(response=response)}
    back_url = (
        reverse("engagement:answer_about_you", args=[consultation.pk])
        if consultation.ask_equality_monitoring
        else _section_url(consultation, len(sections))
    )
    return render(
        request,
        "engagement/consultations/answering/check.html",
        {
            "consultation": consultation,
            "response": response,
            "summary": response_summary(response=response, sections=sections),
            "missing_questions": missing_questions,
            "unfinished_questions": unfinished,
            "problems": problems,
            "form": form,
            "back_url": back_url,
        },
        status=400 if problems else 200,
    )


def _missing_answer_links(
    consultation: ConsultationPage, response: Response
) -> list[tuple[str, str]]:
    """(message, link to the question) for each required question not answered yet, for the
    error summary on "check your answers"."""
    missing = {question.pk for question in missing_required_questions(response=response)}
    unfinished = {question.pk for question in unfinished_questions(response=response)}
    links = []
    for number, section in enumerate(questionnaire_sections(consultation=consultation), start=1):
        for question in section.questions.all():
            if question.pk not in missing and question.pk not in unfinished:
                continue
            # Groups of inputs are reached through their first input, as the form's own
            # error summary does.
            suffix = "" if question.kind == QuestionKind.FREE_TEXT else "_0"
            message = (
                _("Finish your answer to “%(question)s”: it does not fit the question yet.")
                if question.pk in unfinished
                else _("Answer “%(question)s”: it is required.")
            )
            links.append(
                (
                    message % {"question": question.text},
                    f"{_section_url(consultation, number)}?return=check"
                    f"#id_{question_field_name(question)}"
                    f"{suffix}",
                )
            )
    return links


@require_http_methods(["GET"])
def answer_done(request: HttpRequest, page_id: int) -> HttpResponse:
    """Thank you, with the reference number."""
    consultation = _consultation_or_404(page_id)
    response = current_response(request, consultation)
    if response is None or response.status != ResponseStatus.SUBMITTED:
        return redirect("engagement:answer", consultation.pk)
    return render(
        request,
        "engagement/consultations/answering/done.html",
        {"consultation": consultation, "response": response},
    )


@require_http_methods(["GET", "POST"])
@answering
def answer_saved(request: HttpRequest, consultation: ConsultationPage) -> HttpResponse:
    """Saved for later: how to come back. Without an account, offer a link by email."""
    response, missing = _require_response(request, consultation)
    if missing:
        return missing
    form = None
    sent_to = ""
    if not request.user.is_authenticated:
        form = ResumeEmailForm(request.POST or None, initial={"email": response.email})
        if request.method == "POST" and form.is_valid():
            token = browser_token(request, consultation)
            link = signing.dumps({"c": consultation.pk, "t": token}, salt=RESUME_LINK_SALT)
            try:
                response_send_resume_link(
                    response=response,
                    email=form.cleaned_data["email"],
                    resume_url=request.build_absolute_uri(
                        reverse("engagement:answer_resume", args=[consultation.pk, link])
                    ),
                )
            except ConsultationNotOpen:
                return _not_open(request, consultation, status=403)
            sent_to = form.cleaned_data["email"]
            form = None
    return render(
        request,
        "engagement/consultations/answering/saved.html",
        {
            "consultation": consultation,
            "response": response,
            "form": form,
            "sent_to": sent_to,
        },
    )


@require_http_methods(["GET"])
def answer_resume(request: HttpRequest, page_id: int, link: str) -> HttpResponse:
    """A resume link from an email: this browser carries on the saved response."""
    consultation = _consultation_or_404(page_id)
    try:
        data = signing.loads(link, salt=RESUME_LINK_SALT, max_age=RESUME_LINK_MAX_AGE)
    except signing.BadSignature:
        data = None
    if not isinstance(data, dict) or data.get("c") != consultation.pk or not data.get("t"):
        return render(
            request,
            "engagement/consultations/answering/bad_link.html",
            {"consultation": consultation},
            status=400,
        )
    http_response = redirect("engagement:answer", consultation.pk)
    set_browser_token(http_response, request, consultation, data["t"])
    return http_response


# --- Assisted and proxy responses --------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def assisted_response(request: HttpRequest, page_id: int) -> HttpResponse:
    """A support worker, advocate or carer enters a whole response for someone: from paper, by
    phone, in person, or on their behalf with their consent."""
    consultation = _consultation_or_404(page_id)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not request.user.has_perm("engagement.enter_assisted_response", consultation):
        raise PermissionDenied
    if not consultation.is_open:
        return _not_open(request, consultation, status=200 if request.method == "GET" else 403)
    questions = consultation.ordered_questions
    if request.method == "POST":
        form = AssistedResponseForm(request.POST, questions=questions)
        if form.is_valid():
            try:
                response, _created = response_enter_assisted(
                    consultation=consultation,
                    entry=AssistedEntry(
                        entered_by=request.user,
                        assistance=form.cleaned_data["assistance"],
                        consent_recorded=form.cleaned_data["consent_recorded"],
                    ),
                    answers=form.answers(),
                    reference=form.cleaned_data["reference"],
                    email=form.cleaned_data["email"],
                )
            except ConsultationNotOpen:
                return _not_open(request, consultation, status=403)
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                return render(
                    request,
                    "engagement/consultations/answering/assisted_done.html",
                    {"consultation": consultation, "response": response},
                )
    else:
        form = AssistedResponseForm(questions=questions, initial={"reference": new_reference()})
    section_fields = [
        (
            section,
            [form[question_field_name(q)] for q in section.questions.all() if q.gives_answers],
        )
        for section in questionnaire_sections(consultation=consultation)
    ]
    return render(
        request,
        "engagement/consultations/answering/assisted.html",
        {
            "consultation": consultation,
            "form": form,
            "section_fields": section_fields,
            "has_points": any(q.kind == "points" for q in questions),
        },
    )


# --- Another format ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def format_request(request: HttpRequest, page_id: int) -> HttpResponse:
    """Ask for the consultation in another format: easy read, large print, BSL, paper..."""
    consultation = _consultation_or_404(page_id)
    form = FormatRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        per_hour = getattr(
            settings, "CONSULTATION_FORMAT_REQUESTS_PER_HOUR", DEFAULT_FORMAT_REQUESTS_PER_HOUR
        )
        if not _within_limit(request, action="format-request", per_hour=per_hour):
            return render(
                request,
                "engagement/consultations/answering/too_many.html",
                {"consultation": consultation},
                status=429,
            )
        format_request_create(consultation=consultation, **form.cleaned_data)
        return render(
            request,
            "engagement/consultations/answering/format_request_sent.html",
            {"consultation": consultation},
        )
    return render(
        request,
        "engagement/consultations/answering/format_request.html",
        {"consultation": consultation, "form": form},
    )
