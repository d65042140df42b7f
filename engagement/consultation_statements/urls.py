"""A consultation's statements questions: voting while answering, and moderation."""

from django.urls import path

from . import views

urlpatterns = [
    path(
        "consultations/<int:page_id>/answer/statements/<int:question_id>/",
        views.statements_answer,
        name="consultation_statements",
    ),
    path(
        "consultations/<int:page_id>/statements/<int:question_id>/moderate/<int:statement_pk>/",
        views.statements_moderate,
        name="consultation_statements_moderate",
    ),
    path(
        "consultations/<int:page_id>/statements/<int:question_id>/approval/",
        views.statements_approval,
        name="consultation_statements_approval",
    ),
]
