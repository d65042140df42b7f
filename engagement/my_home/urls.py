"""Your home."""

from django.urls import path

from engagement.my_home import views

urlpatterns = [
    path("my/", views.my_home, name="my_home"),
]
