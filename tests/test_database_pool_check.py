"""A connection taken from the pool (production: DATABASE_POOL_MAX_SIZE) is checked without a
round trip when its socket can tell it is healthy, and a connection the server has ended is
never handed out (`coproduce/postgresql/base.py`). The room's own test of the same, through a
real server, is in tests/deliberation/test_database_pool.py."""

import time

import pytest
from django.db import connection
from psycopg_pool import ConnectionPool

from coproduce.postgresql import base as pooled_backend

pytestmark = pytest.mark.postgres


@pytest.fixture
def pool(postgres):
    """A pool of one connection to the test database, checked as our backend checks."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with ConnectionPool(
        kwargs={**params, "autocommit": True},
        min_size=1,
        max_size=1,
        timeout=5,
        check=pooled_backend.check_connection,
    ) as opened:
        yield opened


def _take(pool, sql: str = "SELECT pg_backend_pid()"):
    """What a request or a room message does: take a connection, use it, give it back."""
    with pool.connection() as conn:
        return conn.execute(sql).fetchone()[0]


def _server_says(sql: str, pid: int):
    with connection.cursor() as cursor:
        cursor.execute(sql, [pid])
        row = cursor.fetchone()
        return row[0] if row else None


def _last_query(pid: int) -> str:
    """What the server last ran on that connection (PostgreSQL's own view)."""
    return _server_says("SELECT query FROM pg_stat_activity WHERE pid = %s", pid)


def test_a_healthy_connection_is_taken_without_a_round_trip(pool):
    pid = _take(pool)
    _take(pool, "SELECT 'marker'")
    with pool.connection():
        # Taken again: had the check sent anything, the server's last query would be it.
        assert _last_query(pid) == "SELECT 'marker'"


def test_a_connection_not_fully_checked_for_a_while_gets_the_full_check(pool, monkeypatch):
    pid = _take(pool)
    _take(pool, "SELECT 'marker'")
    monkeypatch.setattr(pooled_backend, "FULL_CHECK_AFTER_SECONDS", 0.0)
    with pool.connection():
        # psycopg_pool's own check: an empty query.
        assert _last_query(pid) == ""


def test_a_connection_the_server_ended_is_replaced_before_anyone_uses_it(pool):
    first_pid = _take(pool)
    # What a PostgreSQL restart does to every open connection.
    _server_says("SELECT pg_terminate_backend(%s)", first_pid)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and _server_says(
        "SELECT pid FROM pg_stat_activity WHERE pid = %s", first_pid
    ):
        time.sleep(0.05)

    # No error: the check saw the ended connection, and the pool opened another.
    second_pid = _take(pool)
    assert second_pid != first_pid
    assert _take(pool, "SELECT 1") == 1


def test_the_backend_gives_its_pool_this_check(postgres):
    settings_dict = {
        **connection.settings_dict,
        "CONN_MAX_AGE": 0,
        "OPTIONS": {"pool": {"min_size": 1, "max_size": 1}},
    }
    wrapper = pooled_backend.DatabaseWrapper(settings_dict, alias="pool-check-test")
    try:
        assert wrapper.pool._check is pooled_backend.check_connection
    finally:
        wrapper.close_pool()
