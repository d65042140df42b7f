"""What a real client receives from the real server (daphne) for oversized frames and bad
characters: the documented `error` and an open connection up to daphne's own 1 MiB limit; over
that, daphne drops the connection without a close frame (browsers report 1006). The in-process
communicator cannot show this: it is daphne that refuses application close codes such as 1009
(the room closed with 1011 before)."""

import asyncio
import json

import pytest
import websockets
from django.conf import settings

from deliberation.protocol import MAX_FRAME_BYTES
from tests.deliberation.conftest import session_cookie
from tests.deliberation.servers import daphne_servers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


async def _next_of(socket, kind: str) -> dict:
    async with asyncio.timeout(10):
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == kind:
                return message


def _contribution(client_id: str, text: str) -> str:
    return json.dumps({"type": "contribution.create", "client_id": client_id, "text": text})


def test_a_real_client_gets_errors_and_keeps_its_connection_up_to_daphnes_limit(postgres, room):
    cookie = session_cookie(room.member)

    async def scenario(base_url):
        socket = await websockets.connect(
            base_url.replace("http://", "ws://") + f"/ws/rooms/{room.session.pk}/?since=9",
            origin=base_url,
            additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"},
            open_timeout=10,
        )
        seen = {"welcome": json.loads(await socket.recv())}
        seen["since"] = json.loads(await socket.recv())
        # 70 KB: over the protocol's limit, under daphne's.
        await socket.send(_contribution("big", "x" * (MAX_FRAME_BYTES + 4096)))
        seen["big"] = await _next_of(socket, "error")
        await socket.send(_contribution("nul", "a\\u0000b").replace("\\\\u", "\\u"))
        seen["nul"] = await _next_of(socket, "error")
        await socket.send(_contribution("surrogate", "x").replace('"x"', '"\\ud800"'))
        seen["surrogate"] = await _next_of(socket, "error")
        await socket.send(_contribution("fine", "still here"))
        seen["ack"] = await _next_of(socket, "ack")
        # 2 MiB: daphne (autobahn, failByDrop) drops the connection: no close frame arrives.
        # The drop may come while the frame is still being sent, or after.
        with pytest.raises(websockets.ConnectionClosed) as closed:
            async with asyncio.timeout(10):
                await socket.send(_contribution("huge", "x" * (2 * 1024 * 1024)))
                while True:
                    await socket.recv()
        seen["close_frame"] = closed.value.rcvd
        return seen

    with daphne_servers(1) as urls:
        seen = asyncio.run(scenario(urls[0]))

    assert seen["welcome"]["type"] == "welcome"
    assert seen["since"]["message"] == "since is beyond the end of the log."
    assert seen["big"]["code"] == "too_long"
    assert seen["nul"]["code"] == "bad_request"
    assert seen["surrogate"]["code"] == "bad_request"
    assert seen["ack"]["client_id"] == "fine"
    assert seen["close_frame"] is None
