"""What matters to people, year on year: the comparison of a series' waves, and "Run the next
wave" in the Wagtail admin."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from coproduce.disclosure import HIDDEN_NOTE
from coproduce.permissions import require_perm
from engagement.consultations.models import ConsultationPage
from engagement.consultations.services import consultation_next_wave
from engagement.consultations.waves import (
    CHART_BAR_ROOM,
    SIGNIFICANCE,
    breakdown_fields,
    series_comparison,
    series_comparison_by,
)


def _field_choices():
    return [("", gettext_lazy("Everyone together")), *breakdown_fields()]


class SeriesByForm(forms.Form):
    by = forms.ChoiceField(
        label=gettext_lazy("Compare within the groups of an equality question"),
        choices=_field_choices,
        required=False,
        widget=forms.Select,
    )


@login_required
def series_compare(request, series_key: str):
    require_perm(request.user, "engagement.compare_waves")
    comparison = series_comparison(series_key=series_key)
    if comparison is None:
        raise Http404
    # The commissioner may compare within the groups of one equality-monitoring field. A field
    # that is not one of them is shown back on the form as an error, never a 500.
    form = SeriesByForm(request.GET or None)
    by_field = None
    if form.is_valid() and form.cleaned_data["by"]:
        by_field = series_comparison_by(series_key=series_key, field_name=form.cleaned_data["by"])
    return render(
        request,
        "engagement/consultations/series_comparison.html",
        {
            "comparison": comparison,
            "form": form,
            "by_field": by_field,
            "significance": SIGNIFICANCE,
            "bar_room": CHART_BAR_ROOM,
            "hidden_note": HIDDEN_NOTE,
        },
    )


@require_http_methods(["GET", "POST"])
def next_wave(request, page_id: int):
    """Admin: confirm, then make the next wave as a draft and open it in the editor."""
    source = get_object_or_404(ConsultationPage, pk=page_id)
    if not (
        request.user.has_perm("engagement.change_questionnaire", source)
        and source.get_parent().permissions_for_user(request.user).can_add_subpage()
    ):
        raise PermissionDenied
    if request.method == "POST":
        page = consultation_next_wave(source=source, user=request.user)
        messages.success(
            request,
            _("Wave %(wave)s is ready as a draft. Check its dates and words, then publish.")
            % {"wave": page.wave},
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return TemplateResponse(
        request,
        "engagement/consultations/admin/next_wave.html",
        {"page": source, "header_title": _("Run the next wave")},
    )
