from django.apps import AppConfig


class HomeConfig(AppConfig):
    name = "coproduce.home"
    label = "home"
    verbose_name = "Site pages and settings"

    def ready(self):
        from coproduce import kept
        from coproduce.operations import page_cache

        page_cache.connect()
        kept.connect()
