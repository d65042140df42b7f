from django.apps import AppConfig


class DeliberationConfig(AppConfig):
    name = "deliberation"
    verbose_name = "Deliberation: co-production groups and live rooms"

    def ready(self):
        # Connects the receivers (Django's app loading forces the import here).
        from django.db.models.signals import post_save

        from .models import Session
        from .receivers import session_saved

        post_save.connect(session_saved, sender=Session, dispatch_uid="deliberation.session_saved")
        from . import receivers  # noqa: F401
