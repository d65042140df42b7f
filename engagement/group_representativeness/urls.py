from django.urls import path

from . import views

urlpatterns = [
    path(
        "groups/<slug:slug>/who-took-part/",
        views.latest_year,
        name="group_who_took_part_latest",
    ),
    path(
        "groups/<slug:slug>/who-took-part/<int:year>/",
        views.who_took_part,
        name="group_who_took_part",
    ),
    path(
        "groups/<slug:slug>/who-took-part/<int:year>.json",
        views.who_took_part_json,
        name="group_who_took_part_json",
    ),
]
