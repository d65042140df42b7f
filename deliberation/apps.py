from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = "Deliberation: co-production groups and live rooms"

    def ready(self):
        # Connects the receivers (Django's app loading forces the import here).
        from . import receivers  # noqa: F401
