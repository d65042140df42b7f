from django.urls import path

from engagement import api
from engagement.views import results as results_views

app_name = "engagement"
urlpatterns: list = []

# Results
urlpatterns += [
    path(
        "consultations/<int:consultation_id>/results/",
        results_views.consultation_results,
        name="consultation_results",
    ),
    path(
        "consultations/<int:consultation_id>/results/questions/<int:question_id>/",
        results_views.consultation_free_text,
        name="consultation_free_text",
    ),
    path(
        "consultations/<int:consultation_id>/results/breakdown/",
        results_views.consultation_breakdown,
        name="consultation_breakdown",
    ),
    path(
        "consultations/<int:consultation_id>/results/answers/<int:answer_id>/hide/",
        results_views.answer_hide,
        name="consultation_answer_hide",
    ),
    path(
        "consultations/<int:consultation_id>/results/answers/<int:answer_id>/unhide/",
        results_views.answer_unhide,
        name="consultation_answer_unhide",
    ),
    path(
        "consultations/<int:consultation_id>/results/export.<str:fmt>",
        results_views.export_results,
        name="consultation_results_export",
    ),
    path(
        "consultations/<int:consultation_id>/results/responses.<str:fmt>",
        results_views.export_responses,
        name="consultation_responses_export",
    ),
    path(
        "api/consultations/<int:consultation_id>/results/",
        api.consultation_results_api,
        name="api_consultation_results",
    ),
]
# --- end of Results
