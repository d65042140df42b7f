"""Open data: decisions as JSON, with their links and the linked consultations' aggregate
results. Read-only and public; no personal data. Documented in docs/api.md."""

from django.http import JsonResponse
from django.views.decorators.http import require_GET

from engagement.decisions.selectors import decisions_for_api

API_VERSION = 1


@require_GET
def decision_list(request):
    results = decisions_for_api()
    return JsonResponse({"version": API_VERSION, "count": len(results), "results": results})


@require_GET
def decision_detail(request, pk: int):
    results = decisions_for_api(decision_id=pk)
    if not results:
        return JsonResponse({"error": "not_found", "message": "No published decision."}, status=404)
    return JsonResponse({"version": API_VERSION, **results[0]})
