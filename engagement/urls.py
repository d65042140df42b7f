from django.urls import path

from engagement.views import consultations as consultation_views

app_name = "engagement"
urlpatterns: list = []

# Answering
urlpatterns += [
    path(
        "consultations/<int:page_id>/answer/",
        consultation_views.answer_start,
        name="answer",
    ),
    path(
        "consultations/<int:page_id>/answer/section/<int:number>/",
        consultation_views.answer_section,
        name="answer_section",
    ),
    path(
        "consultations/<int:page_id>/answer/about-you/",
        consultation_views.answer_about_you,
        name="answer_about_you",
    ),
    path(
        "consultations/<int:page_id>/answer/check/",
        consultation_views.answer_check,
        name="answer_check",
    ),
    path(
        "consultations/<int:page_id>/answer/sent/",
        consultation_views.answer_done,
        name="answer_done",
    ),
    path(
        "consultations/<int:page_id>/answer/saved/",
        consultation_views.answer_saved,
        name="answer_saved",
    ),
    path(
        "consultations/<int:page_id>/answer/resume/<str:link>/",
        consultation_views.answer_resume,
        name="answer_resume",
    ),
    path(
        "consultations/<int:page_id>/assisted/",
        consultation_views.assisted_response,
        name="assisted_response",
    ),
    path(
        "consultations/<int:page_id>/another-format/",
        consultation_views.format_request,
        name="format_request",
    ),
]
