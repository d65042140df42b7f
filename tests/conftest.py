"""Shared fixtures. Real parts are used where they run: PostgreSQL when DATABASE_URL names it,
Redis when REDIS_URL is set, Debian's Chromium for browser tests. A test that needs a part
that is missing is skipped on a laptop and fails in CI (CI=true), so CI always exercises them."""

import importlib
import os
import uuid
from contextlib import contextmanager

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from coproduce.accounts import roles
from tests import factories
from tests.query_budgets import QUERY_BUDGETS

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require(condition: bool, reason: str) -> None:
    """Skip when a real part is missing; in CI, fail instead."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must exercise this: {reason}", pytrace=False)
    pytest.skip(reason)


# Data migrations whose rows the site cannot work without. A transactional test (live server,
# WebSocket) empties every table when it ends; the next one puts these rows back by running the
# same functions the migrations ran. A new data migration that the site needs joins this list.
BASE_DATA_MIGRATIONS = [
    ("coproduce.accounts.migrations.0002_roles", "create_roles"),
    ("coproduce.home.migrations.0002_create_homepage", "create_homepage"),
    ("coproduce.home.migrations.0003_role_page_permissions", "grant"),
    ("coproduce.home.migrations.0004_site_name_is_the_organisation_name", "name_sites"),
    ("engagement.migrations.0005_sign_off_workflow", "create_sign_off_workflow"),
    ("deliberation.migrations.0002_role_permissions", "grant"),
    ("engagement.migrations.0102_profile_taxonomy", "seed_taxonomy"),
]


def restore_base_data() -> None:
    from django.apps import apps
    from wagtail.models import Collection, Locale, Page

    if Group.objects.exists():
        return
    from django.conf import settings
    from wagtail.coreutils import get_supported_content_language_variant

    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if not Page.get_first_root_node():
        Page.add_root(instance=Page(title="Root", slug="root", content_type_id=None))
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")
    for module, function in BASE_DATA_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)


@pytest.fixture(autouse=True)
def _base_data_for_transactional_tests(request):
    marker = request.node.get_closest_marker("django_db")
    if marker and marker.kwargs.get("transaction"):
        request.getfixturevalue("transactional_db")
        restore_base_data()


@pytest.fixture
def postgres(db):
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    require(bool(url), "needs Redis (set REDIS_URL)")
    return url


@pytest.fixture(autouse=True)
def _isolated_redis_prefixes(settings, request):
    # Each test gets its own channel-layer and cache key prefixes, so tests never see each
    # other's messages or cached rate limits, even across runs sharing one Redis.
    prefix = f"test-{os.getpid()}-{uuid.uuid4().hex[:12]}"
    layer = settings.CHANNEL_LAYERS["default"]
    if "CONFIG" in layer:
        settings.CHANNEL_LAYERS = {
            "default": {**layer, "CONFIG": {**layer["CONFIG"], "prefix": prefix}}
        }
    settings.CACHES = {"default": {**settings.CACHES["default"], "KEY_PREFIX": prefix}}
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture
def role_user(db):
    """Make a verified user in a role: `role_user(roles.COMMISSIONER)`."""

    def make(role: str | None = None, **kwargs):
        user = factories.UserFactory(**kwargs)
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def participant(role_user):
    return role_user(roles.PARTICIPANT)


@pytest.fixture
def expert(role_user):
    return role_user(roles.EXPERT)


@pytest.fixture
def facilitator(role_user):
    return role_user(roles.FACILITATOR)


@pytest.fixture
def commissioner(role_user):
    return role_user(roles.COMMISSIONER)


@pytest.fixture
def editor(role_user):
    return role_user(roles.EDITOR)


@pytest.fixture
def home_page(db):
    from coproduce.home.models import HomePage

    return HomePage.objects.get()


@pytest.fixture
def make_content_page(home_page):
    """Publish a ContentPage under the home page: `make_content_page(title=..., body=[...])`."""
    from coproduce.home.models import ContentPage

    def make(**fields):
        page = home_page.add_child(instance=ContentPage(**fields))
        page.save_revision().publish()
        return page

    return make


def pytest_report_header(config):
    db = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
    layer = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[-1]
    return f"coproduce: database={db} channel_layer={layer} CI={IN_CI}"


@pytest.fixture
def exact_queries(django_assert_num_queries):
    """`with exact_queries("consultation index"):` asserts the page's exact query count from
    tests/query_budgets.py. With QUERY_BUDGETS_REPORT=1 in the environment it prints each
    block's count and queries instead of asserting (to review a change)."""

    @contextmanager
    def report(name: str):
        with CaptureQueriesContext(connection) as captured:
            yield
        print(f"\nQUERY BUDGET {name!r}: {len(captured.captured_queries)}")
        for query in captured.captured_queries:
            print("   ", query["sql"][:160])

    def check(name: str):
        if os.environ.get("QUERY_BUDGETS_REPORT"):
            return report(name)
        budget = QUERY_BUDGETS[name]
        return django_assert_num_queries(
            budget.queries,
            info=f"{name!r}: change tests/query_budgets.py, with the reason, if this is intended",
        )

    return check
