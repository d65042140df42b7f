"""Two real server processes sharing Redis and one database: people connected to different
processes see each other's contributions, every one exactly once, in the same seq order."""

import asyncio
import json
import os

import pytest
import websockets
from django.conf import settings

from tests.deliberation.conftest import session_cookie
from tests.deliberation.servers import real_servers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.redis, pytest.mark.postgres]


async def _client(base_url: str, session_id: int, cookie: str):
    ws_url = base_url.replace("http://", "ws://") + f"/ws/rooms/{session_id}/"
    socket = await websockets.connect(
        ws_url,
        origin=base_url,
        additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
        open_timeout=10,
    )
    welcome = json.loads(await socket.recv())
    assert welcome["type"] == "welcome"
    return socket, welcome


async def _collect(socket, count: int, timeout: float = 15) -> list[dict]:
    contributions = []
    async with asyncio.timeout(timeout):
        while len(contributions) < count:
            message = json.loads(await socket.recv())
            if message["type"] == "contribution.created":
                contributions.append(message)
    return contributions


# The same application under each server the benchmark compares (docs/benchmarks.md).
@pytest.mark.parametrize("server", ["daphne", "uvicorn", "uvicorn-sansio", "granian"])
def test_clients_on_two_processes_see_the_same_events_in_the_same_order(
    postgres, redis_url, room, server
):
    cookies = {user.pk: session_cookie(user) for user in (room.member, room.other_member)}
    prefix = f"two-servers-{os.getpid()}"

    async def scenario(urls):
        first, _ = await _client(urls[0], room.session.pk, cookies[room.member.pk])
        second, _ = await _client(urls[1], room.session.pk, cookies[room.other_member.pk])
        try:
            # Both talk at once, each on their own process.
            async def talk(socket, who):
                for n in range(10):
                    await socket.send(
                        json.dumps(
                            {
                                "type": "contribution.create",
                                "client_id": f"{who}-{n}",
                                "text": f"{who} point {n}",
                            }
                        )
                    )
                    await asyncio.sleep(0.02)

            seen = asyncio.gather(_collect(first, 20), _collect(second, 20))
            await asyncio.gather(talk(first, "sam"), talk(second, "priya"))
            return await seen
        finally:
            await first.close()
            await second.close()

    with real_servers(2, redis_url=redis_url, prefix=prefix, server=server) as urls:
        on_first, on_second = asyncio.run(scenario(urls))

    assert [m["seq"] for m in on_first] == [m["seq"] for m in on_second]
    assert [m["text"] for m in on_first] == [m["text"] for m in on_second]
    assert [m["seq"] for m in on_first] == sorted(m["seq"] for m in on_first)
    texts = {m["text"] for m in on_first}
    assert {f"sam point {n}" for n in range(10)} <= texts
    assert {f"priya point {n}" for n in range(10)} <= texts
