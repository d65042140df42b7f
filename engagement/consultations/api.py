"""The open-data API: a consultation's aggregate results as JSON, once they are public.
Documented in docs/api.md. Plain Django views: read-only, no authentication, no cookies used."""

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from engagement.consultations.exports import aggregates_as_dict
from engagement.consultations.models import ConsultationPage
from engagement.consultations.results import consultation_results, results_are_public


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


@require_safe
def consultation_results_api(request, consultation_id: int):
    """GET /api/consultations/<id>/results/: the aggregate results (no free text, no
    equality monitoring), only when they are public: after closing, or live if the
    commissioner chose live results. Otherwise 403 saying so; 404 if there is no such
    published consultation."""
    consultation = ConsultationPage.objects.live().filter(pk=consultation_id).first()
    if consultation is None:
        return _error(_("There is no published consultation with that id."), 404)
    if not results_are_public(consultation=consultation):
        return _error(_("The results of this consultation are not public yet."), 403)
    response = JsonResponse(aggregates_as_dict(consultation_results(consultation=consultation)))
    # Open data: any site may read it; caches may keep it a few minutes.
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=300"
    return response
