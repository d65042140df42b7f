"""Results of a consultation: the results page, free text with search, the equality breakdown,
moderation of free text, and exports. Thin: check the permission (`rules.py` beside this
feature), parse input with a form, call a selector or service, render."""

import functools
import hashlib
import json

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.handlers.asgi import ASGIRequest
from django.http import Http404, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template, render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from wagtail import hooks

from coproduce.disclosure import HIDDEN_MARK, HIDDEN_NOTE
from engagement.consultations import moderation as moderation
from engagement.consultations import results as selectors
from engagement.consultations import results_cache
from engagement.consultations.charts import bar_chart
from engagement.consultations.exports import (
    aggregate_csv,
    aggregates_as_dict,
    breakdown_csv,
    responses_csv,
    responses_json,
    streaming_content,
)
from engagement.consultations.models import Answer, ConsultationPage, Question, QuestionKind

# --- Forms: the input these views accept ------------------------------------------------------


class FreeTextSearchForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Search these answers"),
        required=False,
        max_length=selectors.MAX_TEXT_QUERY_LENGTH,
    )


class BreakdownForm(forms.Form):
    by = forms.ChoiceField(
        label=gettext_lazy("Break the results down by"),
        choices=selectors.breakdown_fields,
        widget=forms.Select,
    )


class HideAnswerForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why are you hiding this answer?"),
        help_text=gettext_lazy(
            "For example: it names a member of staff, or it is abusive. The person who wrote it "
            "is not told; other commissioners and editors see the reason."
        ),
        max_length=moderation.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- Helpers -----------------------------------------------------------------------------------


def _consultation(consultation_id: int) -> ConsultationPage:
    return get_object_or_404(ConsultationPage, pk=consultation_id)


def _require(request, perm: str, consultation: ConsultationPage):
    """None if the user may; otherwise people not logged in go to log in, others get a 403."""
    if request.user.has_perm(perm, consultation):
        return None
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise PermissionDenied


def _abilities(request, consultation: ConsultationPage) -> dict:
    user = request.user
    return {
        "can_break_down": user.has_perm("engagement.break_down_consultation_results", consultation),
        "can_export": user.has_perm("engagement.export_consultation_results", consultation),
        "can_moderate": user.has_perm("engagement.moderate_consultation_answers", consultation),
        "results_public": selectors.results_are_public(consultation=consultation),
    }


def _not_public(request, consultation: ConsultationPage) -> HttpResponse:
    return render(
        request,
        "engagement/consultations/results/not_public.html",
        {"consultation": consultation, "page": consultation},
        status=403,
    )


def _chart_label(label: str) -> str:
    # The table beside the chart holds the full label; a bar's label stays on one line.
    return label if len(label) <= 50 else label[:49] + "…"


# --- Pages -------------------------------------------------------------------------------------


@require_GET
def consultation_results(request, consultation_id: int):
    """The results page: every question's figures as a chart and an equivalent table."""
    consultation = _consultation(consultation_id)
    if not request.user.has_perm("engagement.view_consultation_results", consultation):
        return _not_public(request, consultation)
    results = results_cache.consultation_results(consultation=consultation)
    sections = [
        (
            title,
            [
                (
                    result,
                    bar_chart(
                        title=result.question.text,
                        bars=[(_chart_label(label), v, t) for label, v, t in result.bars],
                    )
                    if result.kind != QuestionKind.FREE_TEXT
                    else None,
                )
                for result in question_results
            ],
        )
        for title, question_results in results.sections
    ]
    return render(
        request,
        "engagement/consultations/results/results.html",
        {
            "consultation": consultation,
            "page": consultation,
            "results": results,
            "sections": sections,
            # What other features add (a statements question's analysis): HTML, from hooks.
            "extra_results": [
                block
                for build in hooks.get_hooks("consultation_results_blocks")
                if (block := build(consultation=consultation, request=request))
            ],
            **_abilities(request, consultation),
        },
    )


@require_GET
def consultation_free_text(request, consultation_id: int, question_id: int):
    """Every answer to one free-text question, searchable and paginated. Moderators also see
    hidden answers, marked, with the means to hide or show each one."""
    consultation = _consultation(consultation_id)
    if not request.user.has_perm("engagement.view_consultation_results", consultation):
        return _not_public(request, consultation)
    question = get_object_or_404(
        Question.objects.select_related("section"),
        pk=question_id,
        section__page=consultation,
        kind=QuestionKind.FREE_TEXT,
    )
    abilities = _abilities(request, consultation)
    form = FreeTextSearchForm(request.GET or None)
    search = form.cleaned_data["q"] if form.is_valid() else ""
    answers = selectors.free_text_answers(
        question=question,
        include_hidden=abilities["can_moderate"],
        search=search,
        page_number=request.GET.get("page", 1),
    )
    return render(
        request,
        "engagement/consultations/results/free_text.html",
        {
            "consultation": consultation,
            "page": consultation,
            "question": question,
            "form": form,
            "search": search,
            "answers": answers,
            **abilities,
        },
    )


BREAKDOWN_TABLES = "engagement/consultations/results/_breakdown_tables.html"


@functools.cache
def _templates_version(*names: str) -> str:
    """A short digest of these templates' source: part of the key of HTML kept rendered, so a
    deploy that changes a template never serves what the one before rendered."""
    digest = hashlib.sha256()
    for name in names:
        digest.update(get_template(name).template.source.encode())
    return digest.hexdigest()[:16]


def _render_breakdown_tables(breakdown) -> str:
    # No request: nothing that differs by viewer can get into HTML shared between viewers.
    return render_to_string(
        BREAKDOWN_TABLES,
        {
            "breakdown": breakdown,
            "consultation": breakdown.consultation,
            "hidden_mark": HIDDEN_MARK,
            "hidden_note": HIDDEN_NOTE,
        },
    )


@require_GET
def consultation_breakdown(request, consultation_id: int):
    """Results broken down by one equality-monitoring field, under disclosure control. The
    tables are the same for every commissioner who may see them: once the permission is
    checked they come rendered from the results cache (results_cache.breakdown_tables)."""
    consultation = _consultation(consultation_id)
    if denied := _require(request, "engagement.break_down_consultation_results", consultation):
        return denied
    form = BreakdownForm(request.GET or None)
    field_name = tables = None
    if form.is_valid():
        field_name = form.cleaned_data["by"]
        tables = results_cache.breakdown_tables(
            consultation=consultation,
            field_name=field_name,
            render=_render_breakdown_tables,
            template_version=_templates_version(
                BREAKDOWN_TABLES,
                "engagement/consultations/results/_breakdown_head.html",
                "engagement/consultations/results/_breakdown_row.html",
                "engagement/consultations/results/_figure.html",
            ),
        )
    return render(
        request,
        "engagement/consultations/results/breakdown.html",
        {
            "consultation": consultation,
            "page": consultation,
            "form": form,
            "breakdown_field": field_name,
            "breakdown_label": dict(selectors.breakdown_fields()).get(field_name, ""),
            "breakdown_tables": tables,
            "hidden_mark": HIDDEN_MARK,
        },
    )


@require_GET
def breakdown_export(request, consultation_id: int, fmt: str):
    """The breakdown's figures exactly as the page publishes them: JSON (the page's
    machine-readable twin, shown in the browser) or CSV (a download). Same permission as the
    page; a missing or unknown field is a 400 that says what to send."""
    consultation = _consultation(consultation_id)
    if denied := _require(request, "engagement.break_down_consultation_results", consultation):
        return denied
    if fmt not in ("json", "csv"):
        raise Http404
    form = BreakdownForm(request.GET)
    if not form.is_valid():
        fields = ", ".join(name for name, _label in selectors.breakdown_fields())
        message = _("Say which field to break the results down by: ?by= one of %(fields)s.") % {
            "fields": fields
        }
        if fmt == "json":
            return JsonResponse({"error": message}, status=400)
        return HttpResponse(message, status=400, content_type="text/plain; charset=utf-8")
    breakdown = results_cache.consultation_breakdown(
        consultation=consultation, field_name=form.cleaned_data["by"]
    )
    if fmt == "json":
        response = JsonResponse(breakdown.as_dict(), json_dumps_params={"indent": 2})
        response["Cache-Control"] = "private, no-store"
        return response
    response = HttpResponse(breakdown_csv(breakdown), content_type="text/csv; charset=utf-8")
    return _attachment(response, f"consultation-{consultation.pk}-breakdown-{breakdown.field}.csv")


def _moderated_answer(consultation: ConsultationPage, answer_id: int) -> Answer:
    return get_object_or_404(
        Answer.objects.select_related("question__section"),
        pk=answer_id,
        response__consultation=consultation,
        question__kind=QuestionKind.FREE_TEXT,
    )


def _free_text_url(answer: Answer) -> str:
    return reverse(
        "engagement:consultation_free_text",
        args=[answer.question.section.page_id, answer.question_id],
    )


@require_http_methods(["GET", "POST"])
def answer_hide(request, consultation_id: int, answer_id: int):
    """Ask for a reason, then hide a free-text answer from public results."""
    consultation = _consultation(consultation_id)
    if denied := _require(request, "engagement.moderate_consultation_answers", consultation):
        return denied
    answer = _moderated_answer(consultation, answer_id)
    form = HideAnswerForm(request.POST or None, initial={"reason": answer.hidden_reason})
    if request.method == "POST" and form.is_valid():
        try:
            moderation.answer_hide(
                answer_id=answer.pk, moderator=request.user, reason=form.cleaned_data["reason"]
            )
        except moderation.ModerationError as error:
            form.add_error("reason", str(error))
        else:
            messages.success(request, _("The answer is hidden from public results."))
            return redirect(_free_text_url(answer))
    return render(
        request,
        "engagement/consultations/results/hide_answer.html",
        {"consultation": consultation, "page": consultation, "answer": answer, "form": form},
    )


@require_POST
def answer_unhide(request, consultation_id: int, answer_id: int):
    """Show a hidden free-text answer in public results again."""
    consultation = _consultation(consultation_id)
    if denied := _require(request, "engagement.moderate_consultation_answers", consultation):
        return denied
    answer = _moderated_answer(consultation, answer_id)
    moderation.answer_unhide(answer_id=answer.pk, moderator=request.user)
    messages.success(request, _("The answer is shown in public results again."))
    return redirect(_free_text_url(answer))


# --- Exports (Commissioners) -------------------------------------------------------------------


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def export_results(request, consultation_id: int, fmt: str):
    """The aggregate results as CSV or JSON."""
    consultation = _consultation(consultation_id)
    if denied := _require(request, "engagement.export_consultation_results", consultation):
        return denied
    results = results_cache.consultation_results(consultation=consultation)
    if fmt == "csv":
        response = HttpResponse(aggregate_csv(results), content_type="text/csv; charset=utf-8")
    elif fmt == "json":
        response = HttpResponse(
            json.dumps(aggregates_as_dict(results), indent=2), content_type="application/json"
        )
    else:
        raise Http404
    return _attachment(response, f"consultation-{consultation.pk}-results.{fmt}")


@require_GET
def export_responses(request, consultation_id: int, fmt: str):
    """Every submitted response, pseudonymous, streamed so any size fits in flat memory."""
    consultation = _consultation(consultation_id)
    if denied := _require(request, "engagement.export_consultation_results", consultation):
        return denied
    if fmt == "csv":
        chunks, content_type = responses_csv(consultation), "text/csv; charset=utf-8"
    elif fmt == "json":
        chunks, content_type = responses_json(consultation), "application/json"
    else:
        raise Http404
    response = StreamingHttpResponse(
        streaming_content(chunks, asynchronous=isinstance(request, ASGIRequest)),
        content_type=content_type,
    )
    return _attachment(response, f"consultation-{consultation.pk}-responses.{fmt}")
