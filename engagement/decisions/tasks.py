"""Background tasks (django-tasks): run by `manage.py db_worker` in production, immediately in
tests and on a developer's machine."""

from datetime import timedelta

from django.utils import timezone
from django_tasks import default_task_backend, task

from engagement.decisions.services import decision_notify_round

# A round with emails that failed runs again after this long (each failure is logged).
RETRY_AFTER = timedelta(minutes=10)


@task()
def notify_decision_round(round_id: int) -> dict:
    """Tell everyone who took part about a decision's publication or significant update. If
    some emails failed, the round runs again later for them (where the task backend can defer,
    as the database backend in production can)."""
    result = decision_notify_round(round_id=round_id)
    if result.get("emails_failed") and default_task_backend.supports_defer:
        notify_decision_round.using(run_after=timezone.now() + RETRY_AFTER).enqueue(
            round_id=round_id
        )
    return result
