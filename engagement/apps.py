from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = "Engagement: consultations, expertise profiles and decisions"

    def ready(self):
        # Imported here, not at the top: receivers import models, which need the app registry
        # ready (Django's app loading forces this one).
        from wagtail.models import TaskState
        from wagtail.signals import page_published, task_submitted

        from engagement.decisions.models import DecisionPage
        from engagement.decisions.receivers import decision_published, sign_off_requested

        page_published.connect(
            decision_published, sender=DecisionPage, dispatch_uid="engagement.decision_published"
        )
        task_submitted.connect(
            sign_off_requested, sender=TaskState, dispatch_uid="engagement.sign_off_requested"
        )
