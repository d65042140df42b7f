"""A room's trips to PostgreSQL reuse a pool of open connections (DATABASE_POOL_MAX_SIZE, on in
production) instead of opening one per message: opening one costs about 11 ms on loopback, which
was most of the room's fixed cost per message (docs/benchmarks.md)."""

import asyncio
import json
import time

import pytest
import websockets
from django.conf import settings
from django.db import connection

from tests.deliberation.conftest import session_cookie
from tests.deliberation.servers import real_servers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]

# Under the room's rate limit (10 in 10 s per person).
MESSAGES = 8


def _sessions_opened() -> int:
    """Connections ever made to the test database (PostgreSQL's own count)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0]


def _settled_sessions_opened() -> int:
    """The count once PostgreSQL's statistics have caught up (they lag by up to a second)."""
    previous, deadline = _sessions_opened(), time.monotonic() + 5
    while time.monotonic() < deadline:
        time.sleep(1.1)
        current = _sessions_opened()
        if current == previous:
            return current
        previous = current
    return previous


def _talk(base_url: str, session_id: int, cookie: str, halfway=None) -> list[int]:
    """Send MESSAGES contributions on one connection, each waiting for its ack; `halfway` is
    called (in a thread) after half of them."""

    async def scenario():
        async with websockets.connect(
            base_url.replace("http://", "ws://") + f"/ws/rooms/{session_id}/",
            origin=base_url,
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
            open_timeout=10,
        ) as socket:
            assert json.loads(await socket.recv())["type"] == "welcome"
            acknowledged = []
            for n in range(MESSAGES):
                if n == MESSAGES // 2 and halfway is not None:
                    await asyncio.to_thread(halfway)
                await socket.send(
                    json.dumps(
                        {"type": "contribution.create", "client_id": f"c{n}", "text": f"{n}"}
                    )
                )
                async with asyncio.timeout(10):
                    while True:
                        message = json.loads(await socket.recv())
                        if message["type"] == "ack":
                            acknowledged.append(message["seq"])
                            break
            return acknowledged

    return asyncio.run(scenario())


@pytest.mark.parametrize("pool_size", ["4", "0"])
def test_a_room_reuses_pooled_connections_for_every_message(postgres, room, pool_size):
    cookie = session_cookie(room.member)
    with real_servers(1, extra_env={"DATABASE_POOL_MAX_SIZE": pool_size}) as urls:
        before = _settled_sessions_opened()
        acknowledged = _talk(urls[0], room.session.pk, cookie)
        opened = _settled_sessions_opened() - before

    assert len(acknowledged) == MESSAGES, "every contribution was stored and acknowledged"
    if pool_size == "0":
        # Without the pool (the control): a connection opened for every trip.
        assert opened >= MESSAGES
    else:
        # The join and every message on the pool's connections, opened once.
        assert opened <= int(pool_size), f"{opened} connections opened for {MESSAGES} messages"


def _end_the_servers_connections(spare: int) -> int:
    """What a PostgreSQL restart does to the server's pooled connections: the server ends them.
    Run in a thread of its own; `spare` is the test's own connection."""
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid() AND pid <> %s",
                [spare],
            )
            return cursor.fetchone()[0]
    finally:
        connection.close()


def test_a_writer_keeps_talking_when_postgresql_ends_the_pooled_connections(postgres, room):
    """The pool's check (coproduce/postgresql/base.py) sees a connection the server ended before
    a message uses it: the writer's connection stays open and every message is stored."""
    cookie = session_cookie(room.member)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        ours = cursor.fetchone()[0]
    ended = []
    with real_servers(1, extra_env={"DATABASE_POOL_MAX_SIZE": "4"}) as urls:
        acknowledged = _talk(
            urls[0],
            room.session.pk,
            cookie,
            halfway=lambda: ended.append(_end_the_servers_connections(ours)),
        )

    assert ended[0] >= 1, "the server's pooled connections were ended"
    assert len(acknowledged) == MESSAGES
    assert acknowledged == sorted(acknowledged)
