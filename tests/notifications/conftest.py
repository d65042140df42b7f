import pytest

from coproduce.accounts import roles
from tests import factories


@pytest.fixture
def opportunity(role_user):
    return factories.OpportunityFactory(
        title="Join the short breaks panel", posted_by=role_user(roles.COMMISSIONER)
    )


@pytest.fixture
def expert(role_user):
    return factories.ExpertProfileFactory(
        user=role_user(roles.EXPERT, email="priya@example.org"), display_name="Priya"
    )


@pytest.fixture
def queued_tasks(settings):
    """Tasks are queued, not run: what a request leaves for the worker."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from django_tasks import default_task_backend

    default_task_backend.clear()
    return default_task_backend
