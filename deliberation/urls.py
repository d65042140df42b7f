from django.urls import path

from . import views
from .opinions import urls as opinion_urls

app_name = "deliberation"

urlpatterns = [
    path("groups/", views.group_list, name="group_list"),
    path("groups/<slug:slug>/", views.group_detail, name="group_detail"),
    path("sessions/<int:pk>/", views.session_room, name="session_room"),
    path("sessions/<int:pk>/attendance/", views.session_attendance, name="session_attendance"),
    path("sessions/<int:pk>/session.ics", views.session_calendar, name="session_calendar"),
    path("sessions/<int:pk>/preparation/", views.session_preparation, name="session_preparation"),
    path("sessions/<int:pk>/start/", views.session_start, name="session_start"),
    path("sessions/<int:pk>/transcript/", views.session_transcript, name="session_transcript"),
    path(
        "sessions/<int:pk>/transcript/summary/",
        views.session_summary,
        name="session_summary",
    ),
    path("sessions/<int:pk>/transcript.csv", views.transcript_csv, name="session_transcript_csv"),
    path(
        "sessions/<int:pk>/transcript.html",
        views.transcript_html,
        name="session_transcript_html",
    ),
    *opinion_urls.urlpatterns,
]
