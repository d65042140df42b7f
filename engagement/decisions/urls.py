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
    path(
        "decisions/<int:pk>/involvement-report.json",
        views.involvement_report_figures,
        name="decision_report_figures",
    ),
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
