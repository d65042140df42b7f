"""Background tasks (django-tasks): run by `manage.py db_worker` in production, immediately in
tests and on a developer's machine."""

from django_tasks import task

from engagement.profiles.services.lottery import lottery_request_run


@task()
def run_lottery_request(request_id: int) -> str:
    """Draw a panel asked for on the lottery page; returns how it ended."""
    return lottery_request_run(request_id=request_id).status
