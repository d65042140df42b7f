"""Who took part, against who lives here: a consultation's respondents compared with a reference
population, and the page where a commissioner loads their area's figures and chooses which ones
results are compared with. Thin: check the permission, parse with a form, call a selector or a
service, render."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coproduce.disclosure import HIDDEN_MARK, HIDDEN_NOTE
from coproduce.permissions import require_perm
from engagement.consultations.models import ReferencePopulation
from engagement.consultations.representativeness import (
    COLUMNS,
    COMPARISON_GROUPS,
    ENGLAND_CSV,
    ENGLAND_KEY,
    FIELD_TABLES,
    INTERVAL_METHOD,
    MAX_FILE_BYTES,
    NOT_COMPARED,
    ReferenceFileError,
    consultation_representativeness,
    england_reference,
    field_label,
    reference_in_use,
)
from engagement.consultations.services import (
    reference_population_upload,
    reference_population_use,
)
from engagement.consultations.views.results import _consultation, _require


class ReferenceUploadForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name these figures"),
        help_text=gettext_lazy("For example: Eastbridge, Census 2021"),
        max_length=200,
    )
    file = forms.FileField(
        label=gettext_lazy("Upload a CSV file"),
        required=False,
    )
    text = forms.CharField(
        label=gettext_lazy("Or paste the CSV here"),
        help_text=gettext_lazy(
            "If the file has a problem, its text is kept here so you can correct it."
        ),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        max_length=MAX_FILE_BYTES,
    )
    use = forms.BooleanField(
        label=gettext_lazy("Compare results with these figures"),
        required=False,
        initial=True,
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        text = cleaned.get("text") or ""
        if upload:
            if upload.size > MAX_FILE_BYTES:
                self.add_error("file", _("The file is too big: at most 200 KB."))
                return cleaned
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", _("Save the file as CSV UTF-8 and upload it again."))
                return cleaned
        if not text.strip():
            self.add_error("file", _("Upload a CSV file or paste its text."))
            return cleaned
        cleaned["csv_text"] = text
        return cleaned


class ReferenceChoiceForm(forms.Form):
    reference = forms.CharField(max_length=20)


@require_GET
def consultation_representativeness_page(request, consultation_id: int):
    """A consultation's respondents against the reference population, field by field."""
    consultation = _consultation(consultation_id)
    if denied := _require(request, "engagement.break_down_consultation_results", consultation):
        return denied
    comparison = consultation_representativeness(consultation=consultation)
    return render(
        request,
        "engagement/consultations/results/representativeness.html",
        {
            "consultation": consultation,
            "page": consultation,
            "comparison": comparison,
            "interval_method": INTERVAL_METHOD,
            "hidden_mark": HIDDEN_MARK,
            "hidden_note": HIDDEN_NOTE,
            "can_manage": request.user.has_perm("engagement.manage_reference_populations"),
        },
    )


@require_GET
def consultation_representativeness_json(request, consultation_id: int):
    """The page's figures as published, as JSON."""
    consultation = _consultation(consultation_id)
    if denied := _require(request, "engagement.break_down_consultation_results", consultation):
        return denied
    comparison = consultation_representativeness(consultation=consultation)
    response = JsonResponse(
        {"consultation": {"id": consultation.pk, "title": consultation.title}}
        | comparison.as_dict(),
        json_dumps_params={"indent": 2},
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _mapping_rows():
    return [
        {
            "field": name,
            "label": field_label(name),
            "table": FIELD_TABLES[name],
            "groups": groups,
        }
        for name, groups in COMPARISON_GROUPS.items()
    ]


@login_required
@require_http_methods(["GET", "POST"])
def reference_populations(request):
    """The figures results can be compared with: England's as shipped and the areas loaded,
    which one is in use, and a form to load another."""
    require_perm(request.user, "engagement.manage_reference_populations")
    form = ReferenceUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            population = reference_population_upload(
                name=form.cleaned_data["name"],
                csv_text=form.cleaned_data["csv_text"],
                user=request.user,
                use=form.cleaned_data["use"],
            )
        except ReferenceFileError as error:
            problems = error.problems
            # Keep what was sent: the file's text goes back into the box to be corrected.
            data = request.POST.copy()
            data["text"] = form.cleaned_data["csv_text"]
            form = ReferenceUploadForm(data)
            form.is_valid()
            form.add_error("text", _("The figures could not be read: see the problems listed."))
        else:
            messages.success(
                request,
                _("%(name)s loaded: %(n)s figures.")
                % {"name": population.name, "n": len(population.figures)},
            )
            return redirect("engagement:reference_populations")
    in_use = reference_in_use()
    return render(
        request,
        "engagement/consultations/reference_populations.html",
        {
            "form": form,
            "problems": problems,
            "england": england_reference(),
            "england_key": ENGLAND_KEY,
            "populations": ReferencePopulation.objects.select_related("uploaded_by"),
            "in_use": in_use,
            "columns": COLUMNS,
            "england_url": reverse("engagement:england_reference_csv"),
            "mapping": _mapping_rows(),
            "not_compared": [(field_label(n), why) for n, why in NOT_COMPARED.items()],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def reference_population_choose(request):
    require_perm(request.user, "engagement.manage_reference_populations")
    form = ReferenceChoiceForm(request.POST)
    key = form.cleaned_data["reference"] if form.is_valid() else ""
    if key != ENGLAND_KEY and not (key.isdigit() and len(key) < 10):
        messages.error(request, _("Choose figures from the list."))
        return redirect("engagement:reference_populations")
    try:
        chosen = reference_population_use(key=key)
    except ReferencePopulation.DoesNotExist:
        messages.error(request, _("Those figures no longer exist; choose from the list."))
        return redirect("engagement:reference_populations")
    messages.success(
        request,
        _("Results are now compared with %(name)s.")
        % {"name": chosen.name if chosen else england_reference().name},
    )
    return redirect("engagement:reference_populations")


@login_required
@require_GET
def england_reference_csv(request):
    """England's figures as shipped: the layout to follow, with sources."""
    require_perm(request.user, "engagement.manage_reference_populations")
    return FileResponse(
        ENGLAND_CSV.open("rb"),
        as_attachment=True,
        filename="census2021_england.csv",
        content_type="text/csv; charset=utf-8",
    )
