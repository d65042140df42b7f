from django.urls import path

from . import views

app_name = "passport"

urlpatterns = [
    path("", views.passport, name="passport"),
    path("delete/", views.passport_delete, name="delete"),
    path("about-you/", views.equality_answers, name="equality_answers"),
    path("about-you/delete/", views.equality_answers_delete, name="equality_answers_delete"),
]
