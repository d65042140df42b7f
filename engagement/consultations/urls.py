"""Answering a consultation, its results, exports and open data."""

from django.urls import path

from engagement.consultations import api
from engagement.consultations.views import answering, results

urlpatterns = [
    path(
        "consultations/<int:page_id>/answer/",
        answering.answer_start,
        name="answer",
    ),
    path(
        "consultations/<int:page_id>/answer/section/<int:number>/",
        answering.answer_section,
        name="answer_section",
    ),
    path(
        "consultations/<int:page_id>/answer/about-you/",
        answering.answer_about_you,
        name="answer_about_you",
    ),
    path(
        "consultations/<int:page_id>/answer/check/",
        answering.answer_check,
        name="answer_check",
    ),
    path(
        "consultations/<int:page_id>/answer/sent/",
        answering.answer_done,
        name="answer_done",
    ),
    path(
        "consultations/<int:page_id>/answer/saved/",
        answering.answer_saved,
        name="answer_saved",
    ),
    path(
        "consultations/<int:page_id>/answer/resume/<str:link>/",
        answering.answer_resume,
        name="answer_resume",
    ),
    path(
        "consultations/<int:page_id>/assisted/",
        answering.assisted_response,
        name="assisted_response",
    ),
    path(
        "consultations/<int:page_id>/another-format/",
        answering.format_request,
        name="format_request",
    ),
]
urlpatterns += [
    path(
        "consultations/<int:consultation_id>/results/",
        results.consultation_results,
        name="consultation_results",
    ),
    path(
        "consultations/<int:consultation_id>/results/questions/<int:question_id>/",
        results.consultation_free_text,
        name="consultation_free_text",
    ),
    path(
        "consultations/<int:consultation_id>/results/breakdown/",
        results.consultation_breakdown,
        name="consultation_breakdown",
    ),
    path(
        "consultations/<int:consultation_id>/results/answers/<int:answer_id>/hide/",
        results.answer_hide,
        name="consultation_answer_hide",
    ),
    path(
        "consultations/<int:consultation_id>/results/answers/<int:answer_id>/unhide/",
        results.answer_unhide,
        name="consultation_answer_unhide",
    ),
    path(
        "consultations/<int:consultation_id>/results/export.<str:fmt>",
        results.export_results,
        name="consultation_results_export",
    ),
    path(
        "consultations/<int:consultation_id>/results/responses.<str:fmt>",
        results.export_responses,
        name="consultation_responses_export",
    ),
    path(
        "api/consultations/<int:consultation_id>/results/",
        api.consultation_results_api,
        name="api_consultation_results",
    ),
]
