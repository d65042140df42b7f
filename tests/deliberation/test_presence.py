"""Who is in the room: ephemeral state that expires, not the event log (deliberation/presence.py,
docs/protocol.md "Presence").

- Joining and leaving add no rows to the log; the record of who took part is one
  SessionParticipant row per person per session, whatever the number of connections.
- After `kill -9` of a server process, everyone else sees `presence.left` for the people who
  were only on it, within the documented bound (two real server processes sharing Redis).
"""

import asyncio
import json
import os
import time

import pytest
import websockets
from channels.db import database_sync_to_async
from django.conf import settings

from deliberation import presence
from deliberation.models import RoomEvent, SessionParticipant
from tests.deliberation.conftest import session_cookie
from tests.deliberation.servers import real_servers

pytestmark = [pytest.mark.django_db(transaction=True)]

# The bound docs/protocol.md promises for a dead process's connections to disappear.
PRESENCE_BOUND_SECONDS = 30


async def _log_rows(session) -> int:
    return await database_sync_to_async(RoomEvent.objects.filter(session=session).count)()


async def _presence_until(client, predicate, timeout: float = 5) -> dict:
    while True:
        message = await client.receive_type("presence.joined", "presence.left", timeout=timeout)
        if predicate(message):
            return message


@pytest.mark.asyncio
async def test_joins_and_leaves_add_nothing_to_the_log(room, connect):
    before = await _log_rows(room.session)
    facilitator = await connect(room.facilitator, room.session)
    # Everyone joins, some on two devices, then the members leave.
    clients = [await connect(user, room.session) for user in (room.member, room.other_member)]
    clients.append(await connect(room.member, room.session))
    joined = set()
    while joined != {room.member.pk, room.other_member.pk}:
        message = await _presence_until(facilitator, lambda m: m["type"] == "presence.joined")
        assert "seq" not in message
        joined |= {user["id"] for user in message["users"]} - {room.facilitator.pk}
    late = await connect(room.other_member, room.session)
    present = {person["id"] for person in late.welcome["state"]["present"]}
    assert present == {room.facilitator.pk, room.member.pk, room.other_member.pk}
    for client in [*clients, late]:
        await client.close()
    left = set()
    while left != {room.member.pk, room.other_member.pk}:
        message = await _presence_until(facilitator, lambda m: m["type"] == "presence.left")
        left |= {user["id"] for user in message["users"]}

    assert await _log_rows(room.session) == before
    # The record of who took part: one row each, however many connections.
    people = await database_sync_to_async(
        lambda: sorted(
            SessionParticipant.objects.filter(session=room.session).values_list(
                "user_id", flat=True
            )
        )
    )()
    assert people == sorted([room.facilitator.pk, room.member.pk, room.other_member.pk])


@pytest.mark.asyncio
async def test_a_second_device_leaving_does_not_say_the_person_left(room, connect):
    facilitator = await connect(room.facilitator, room.session)
    phone = await connect(room.member, room.session)
    await connect(room.member, room.session)  # and a laptop, still open
    await _presence_until(facilitator, lambda m: room.member.pk in {u["id"] for u in m["users"]})
    await phone.close()
    assert await facilitator.nothing(timeout=2.5)
    still = await connect(room.other_member, room.session)
    assert room.member.pk in {p["id"] for p in still.welcome["state"]["present"]}


def test_a_connection_that_is_not_renewed_expires(settings):
    """The rule, on the store without Redis (`make run`): an entry lasts the TTL unless renewed;
    the sweep that finds it gone reports the person as left, once."""
    settings.ROOM_PRESENCE_TTL_SECONDS = 1.5
    store = presence.MemoryPresence()
    store.touch(1, {"5:a": (5, "Sam"), "6:b": (6, "Priya")})
    assert store.sweep(1).joined == [{"id": 5, "name": "Sam"}, {"id": 6, "name": "Priya"}]
    time.sleep(0.8)
    store.touch(1, {"6:b": (6, "Priya")})  # Priya's process renews; Sam's died
    time.sleep(1.0)  # past Sam's expiry (1.5 s) and the throttle, before Priya's (2.3 s)
    change = store.sweep(1)
    assert change.left == [{"id": 5, "name": "Sam"}] and change.joined == []
    assert store.present(1) == [{"id": 6, "name": "Priya"}]
    assert store.sweep(1) is None  # nothing new to say


# --- Two server processes, one killed ----------------------------------------------------------


async def _open(base_url: str, session_id: int, cookie: str):
    socket = await websockets.connect(
        base_url.replace("http://", "ws://") + f"/ws/rooms/{session_id}/",
        origin=base_url,
        additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
        open_timeout=10,
    )
    welcome = json.loads(await socket.recv())
    assert welcome["type"] == "welcome"
    return socket, welcome


async def _wait_presence(socket, kind: str, user_id: int, timeout: float) -> list[dict]:
    """Read until a `kind` presence message names `user_id`; return every such message seen."""
    seen = []
    async with asyncio.timeout(timeout):
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == kind:
                seen.append(message)
                if user_id in {user["id"] for user in message["users"]}:
                    return seen


@pytest.mark.postgres
@pytest.mark.redis
def test_a_killed_process_connections_leave_within_the_bound(postgres, redis_url, room):
    cookies = {
        user.pk: session_cookie(user) for user in (room.facilitator, room.member, room.other_member)
    }
    prefix = f"presence-kill-{os.getpid()}"
    session_id = room.session.pk

    async def scenario(servers):
        doomed, survivor = servers
        # Sam only on the doomed process; Rina on both; Priya on the survivor.
        sam, _ = await _open(doomed, session_id, cookies[room.member.pk])
        rina_doomed, _ = await _open(doomed, session_id, cookies[room.facilitator.pk])
        rina, _ = await _open(survivor, session_id, cookies[room.facilitator.pk])
        priya, welcome = await _open(survivor, session_id, cookies[room.other_member.pk])
        if room.member.pk not in {p["id"] for p in welcome["state"]["present"]}:
            await _wait_presence(priya, "presence.joined", room.member.pk, timeout=10)

        servers.kill(0)
        killed_at = time.monotonic()
        heard = await asyncio.gather(
            _wait_presence(priya, "presence.left", room.member.pk, PRESENCE_BOUND_SECONDS),
            _wait_presence(rina, "presence.left", room.member.pk, PRESENCE_BOUND_SECONDS),
        )
        waited = time.monotonic() - killed_at
        # Someone joining now is told who is really here.
        late, late_welcome = await _open(survivor, session_id, cookies[room.member.pk])
        await late.close()
        for socket in (rina, priya):
            await socket.close()
        return heard, waited, late_welcome

    with real_servers(2, redis_url=redis_url, prefix=prefix) as servers:
        heard, waited, late_welcome = asyncio.run(scenario(servers))

    assert waited < PRESENCE_BOUND_SECONDS
    for messages in heard:
        left = {user["id"] for message in messages for user in message["users"]}
        # Rina is still connected to the survivor: she has not left.
        assert left == {room.member.pk}
    present = {p["id"] for p in late_welcome["state"]["present"]}
    assert room.facilitator.pk in present and room.other_member.pk in present
