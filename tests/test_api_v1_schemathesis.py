"""Property-based tests of the open-data API: schemathesis reads /api/v1/openapi.json from the
Django app itself (through WSGI, in this process, so the test database and its seeded rows
are what it sees) and sends requests generated from the description, valid and invalid.
Every answer must be no server error and match the description: its status code, content
type, required headers and body schema."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.test_api_v1 import seed_open_data

# Small enough for the four routes to run in well under a minute on a busy machine.
MAX_EXAMPLES = 50

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


# Loaded when the module is collected: the description needs no database. (Not through
# `schemathesis.pytest.from_fixture`: with pytest 9 its lazy loader fails on a renamed
# attribute of pytest's test items.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def seeded(db):
    # The WSGI handler closes the database connection after each request; here that is the
    # test's own connection, inside its transaction. Django's test client keeps it open the
    # same way.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield seed_open_data()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_every_answer_matches_the_description(case, seeded):
    case.call_and_validate(checks=CHECKS)
