from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "coproduce.home"
    label = "home"
    verbose_name = "Site pages and settings"
