"""My data: download and erasure."""

from django.urls import path

from engagement.my_data import views

urlpatterns = [
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/download/", views.my_data_download, name="my_data_download"),
    path("my-data/delete/", views.my_data_delete, name="my_data_delete"),
]
