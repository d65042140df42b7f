"""Background tasks (django-tasks): run by `manage.py db_worker` in production, immediately in
tests and on a developer's machine."""

from django_tasks import task

from engagement.decisions.services import decision_notify_round


@task()
def notify_decision_round(round_id: int) -> dict:
    """Tell everyone who took part about a decision's publication or significant update."""
    return decision_notify_round(round_id=round_id)
