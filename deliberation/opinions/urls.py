"""Statements activities' pages, included in deliberation/urls.py under `deliberation:`."""

from django.urls import path

from . import views

urlpatterns = [
    path("sessions/<int:pk>/statements/", views.session_statements, name="session_statements"),
    path(
        "sessions/<int:pk>/statements/panel/",
        views.session_statements_panel,
        name="session_statements_panel",
    ),
    path("statements/<int:pk>/", views.statements_vote, name="statements_vote"),
    path("statements/<int:pk>/results/", views.statements_results, name="statements_results"),
    path(
        "statements/<int:pk>/moderate/<int:statement_pk>/",
        views.statements_moderate,
        name="statements_moderate",
    ),
    path("statements/<int:pk>/approval/", views.statements_approval, name="statements_approval"),
    path(
        "statements/<int:pk>/comments.csv",
        views.statements_export,
        {"name": "comments.csv"},
        name="statements_export_comments",
    ),
    path(
        "statements/<int:pk>/votes.csv",
        views.statements_export,
        {"name": "votes.csv"},
        name="statements_export_votes",
    ),
]
