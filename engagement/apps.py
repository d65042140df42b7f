from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = "Engagement: consultations, expertise profiles and decisions"

    def ready(self):
        # Decisions
        from wagtail.signals import page_published

        from engagement.models import DecisionPage
        from engagement.receivers import decision_published

        page_published.connect(
            decision_published, sender=DecisionPage, dispatch_uid="engagement.decision_published"
        )
