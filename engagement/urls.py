from django.urls import path

from engagement import api_decisions
from engagement.feeds import DecisionFeed
from engagement.views import decisions as decision_views

app_name = "engagement"
urlpatterns: list = []

# Decisions
urlpatterns += [
    path("decisions/feed/", DecisionFeed(), name="decision_feed"),
    path("decisions/<int:pk>/rate/", decision_views.rate, name="decision_rate"),
    path(
        "decisions/<int:pk>/involvement-report/",
        decision_views.involvement_report,
        name="decision_report",
    ),
    path("decisions/sign-off/", decision_views.sign_off_list, name="decision_sign_off_list"),
    path(
        "decisions/sign-off/<int:task_state_id>/",
        decision_views.sign_off,
        name="decision_sign_off",
    ),
    path("notifications/", decision_views.notifications, name="notifications"),
    path("notifications/read/", decision_views.notifications_read, name="notifications_read"),
    path(
        "notifications/preferences/",
        decision_views.notification_preferences,
        name="notification_preferences",
    ),
    path("api/decisions/", api_decisions.decision_list, name="api_decision_list"),
    path("api/decisions/<int:pk>/", api_decisions.decision_detail, name="api_decision_detail"),
]
