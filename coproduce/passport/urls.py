from django.urls import path

from . import views

app_name = "passport"

urlpatterns = [
    path("", views.passport, name="passport"),
    path("delete/", views.passport_delete, name="delete"),
]
