from django.apps import AppConfig


class EngagementConfig(AppConfig):
    name = "engagement"
    verbose_name = "Engagement: consultations, expertise profiles and decisions"

    def ready(self):
        # Imported here, not at the top: receivers import models, which need the app registry
        # ready (Django's app loading forces this one).
        from django.db.models.signals import post_delete
        from wagtail.models import TaskState
        from wagtail.signals import page_published, page_unpublished, task_submitted

        from engagement.consultations.models import ConsultationPage, Response
        from engagement.consultations.receivers import page_changed, response_deleted
        from engagement.decisions.models import DecisionPage
        from engagement.decisions.receivers import decision_published, sign_off_requested

        page_published.connect(
            decision_published, sender=DecisionPage, dispatch_uid="engagement.decision_published"
        )
        for signal in (page_published, page_unpublished):
            signal.connect(
                page_changed,
                sender=ConsultationPage,
                dispatch_uid=f"engagement.consultation_results_{id(signal)}",
            )
        post_delete.connect(
            response_deleted, sender=Response, dispatch_uid="engagement.response_deleted"
        )
        task_submitted.connect(
            sign_off_requested, sender=TaskState, dispatch_uid="engagement.sign_off_requested"
        )
