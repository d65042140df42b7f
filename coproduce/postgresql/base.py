"""Django's PostgreSQL backend with a cheaper check of a pooled connection.

Django gives psycopg_pool a check that sends an empty query to the server every time a
connection is taken from the pool: one round trip before every request's and every room
message's own work (0.42 ms of a room message's 7.5 ms under load, docs/benchmarks.md). This
backend checks the way most of that answer can be had locally:

- When PostgreSQL ends a connection (a restart, a crash, `pg_terminate_backend`, an idle
  timeout), it says so on the socket (an error message, then end of file), so the socket has
  something to read. A healthy idle connection has nothing to read. Asking the kernel is a
  system call, not a round trip.
- What the socket cannot tell is a peer that vanished without a word (a host or network gone).
  A connection not proven by a full check for `FULL_CHECK_AFTER_SECONDS` gets the full check,
  as before.

Anything unexpected on the socket (a notice, a notification) also gets the full check, which
reads it; a connection that fails is dropped by the pool and another taken, as before.
"""

import select
import time
import weakref

from django.db.backends.postgresql import base
from psycopg_pool import ConnectionPool

# A connection in steady use is still sent the full check this often.
FULL_CHECK_AFTER_SECONDS = 30.0

_fully_checked_at: "weakref.WeakKeyDictionary[object, float]" = weakref.WeakKeyDictionary()


def _has_something_to_read(conn) -> bool:
    """Whether the server has sent anything (or closed the socket) since the last result was
    read. poll, not select: a busy server process has file descriptors above select's 1,024."""
    poller = select.poll()
    poller.register(conn.fileno(), select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def check_connection(conn) -> None:
    """psycopg_pool's `check`: return if the connection can be used, raise if not (the pool
    then drops it and takes another)."""
    now = time.monotonic()
    if (
        not conn.broken
        and not conn.closed
        and now - _fully_checked_at.get(conn, float("-inf")) < FULL_CHECK_AFTER_SECONDS
        and not _has_something_to_read(conn)
    ):
        return
    ConnectionPool.check_connection(conn)
    _fully_checked_at[conn] = now


class DatabaseWrapper(base.DatabaseWrapper):
    @property
    def pool(self):
        pool = super().pool
        # Django passes psycopg_pool its own check (`CONN_HEALTH_CHECKS`); the pool keeps it as
        # `_check`, and nothing has been taken from the pool before this property returns it.
        if pool is not None and pool._check is not None and pool._check is not check_connection:
            pool._check = check_connection
        return pool
