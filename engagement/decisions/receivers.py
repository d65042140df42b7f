"""Wagtail signal receivers: thin, they hand over to a service and queue background tasks.
Connected in `EngagementConfig.ready`."""

from django.db import transaction

from engagement.decisions.services import (
    decision_publication_record,
    decision_sign_off_requested,
)
from engagement.decisions.tasks import notify_decision_round
from engagement.decisions.workflow import CoproducedSignOffTask


def decision_published(sender, instance, revision=None, **kwargs):
    # Every way a decision goes live (the sign-off workflow finishing, a scheduled publish,
    # the demo seed) sends Wagtail's page_published; the admin-only hooks would miss some.
    round_ = decision_publication_record(
        decision_id=instance.pk, revision_id=revision.pk if revision is not None else None
    )
    if round_ is not None:
        transaction.on_commit(lambda: notify_decision_round.enqueue(round_id=round_.pk))


def sign_off_requested(sender, instance, user=None, **kwargs):
    # Wagtail sends task_submitted for every task of every workflow; only ours tells people.
    if isinstance(instance.task.specific, CoproducedSignOffTask):
        decision_sign_off_requested(task_state=instance, user=user)
