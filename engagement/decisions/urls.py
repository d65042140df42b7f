"""Decisions: rating, the involvement report, sign-off, notices, the feed and open data."""

from django.urls import path

from engagement.decisions import views
from engagement.decisions.feeds import DecisionFeed

urlpatterns = [
    path("decisions/feed/", DecisionFeed(), name="decision_feed"),
    path("decisions/<int:pk>/rate/", views.rate, name="decision_rate"),
    path(
        "decisions/<int:pk>/involvement-report/",
        views.involvement_report,
        name="decision_report",
    ),
    # The report's tables of people as published (docs/statistics.md).
    path(
        "decisions/<int:pk>/involvement-report/figures.json",
        views.involvement_report_figures,
        name="decision_report_figures",
    ),
    # The whole evidence pack as data (docs/decisions.md).
    path(
        "decisions/<int:pk>/involvement-report.json",
        views.involvement_report_json,
        name="decision_report_json",
    ),
    path(
        "decisions/<int:pk>/involvement-report.pdf",
        views.involvement_report_pdf,
        name="decision_report_pdf",
    ),
    path("decisions/<int:pk>/contest/", views.contest, name="decision_contest"),
    path(
        "decisions/<int:pk>/contests/<int:contest_id>/answer/",
        views.contest_answer_view,
        name="decision_contest_answer",
    ),
    path(
        "decisions/<int:pk>/ratings/<int:rating_id>/hide/",
        views.rating_comment_hide_view,
        name="decision_rating_hide",
    ),
    path(
        "decisions/<int:pk>/ratings/<int:rating_id>/report/",
        views.rating_comment_report_view,
        name="decision_rating_report",
    ),
    path("decisions/coding/", views.coding_index, name="decision_coding_index"),
    path("decisions/<int:pk>/coding/", views.coding, name="decision_coding"),
    path("decisions/sign-off/", views.sign_off_list, name="decision_sign_off_list"),
    path(
        "decisions/sign-off/<int:task_state_id>/",
        views.sign_off,
        name="decision_sign_off",
    ),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path(
        "notifications/preferences/",
        views.notification_preferences,
        name="notification_preferences",
    ),
]
