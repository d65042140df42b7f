"""Background tasks (django-tasks): run by `manage.py db_worker` in production, immediately in
tests and on a developer's machine."""

import logging

from django.utils import timezone
from django_tasks import default_task_backend, task

from .services import outgoing_email_send

logger = logging.getLogger(__name__)


@task()
def send_outgoing_email(email_id: int) -> dict:
    """Send one stored email. On failure it is queued again after a back-off (where the task
    backend can defer, as the database backend in production can); the periodic
    `send_due_notifications` sweep retries it otherwise."""
    outcome = outgoing_email_send(email_id=email_id)
    if outcome.retry_after is not None and default_task_backend.supports_defer:
        send_outgoing_email.using(run_after=timezone.now() + outcome.retry_after).enqueue(
            email_id=email_id
        )
    return {"sent": outcome.sent, "retry": outcome.retry_after is not None}
