"""What a real client receives from the real server for oversized frames and bad characters:
the documented `error` and an open connection up to the server's own limit on a frame, and past
that limit what each server does (the in-process communicator cannot show either: it is daphne
that refuses application close codes such as 1009; the room closed with 1011 before).

Run under each server the benchmark compares, whatever ROOM_TEST_SERVER says, so what a client
sees under each stays written down and checked:

- daphne (autobahn, 1 MiB, failByDrop): drops the connection without a close frame; browsers
  report 1006.
- uvicorn (`--ws-max-size 1048576`, bench/rooms.py), production's, with either WebSocket
  protocol (legacy `websockets` and `websockets-sansio`): closes with 1009 (message too big).
- granian (2.8): has no option for a WebSocket size limit; its library's defaults apply (a frame
  up to 16 MiB, a message up to 64 MiB), so a 2 MiB frame reaches the room, which answers
  `too_long` and keeps the connection. Over 16 MiB, granian closes with a close frame that has
  no status code (1005).
"""

import asyncio
import json

import pytest
import websockets
from django.conf import settings

from deliberation.protocol import MAX_FRAME_BYTES
from tests.deliberation.conftest import session_cookie
from tests.deliberation.servers import real_servers

HUGE = 2 * 1024 * 1024
# Over granian's limit on one frame (tungstenite's default, 16 MiB).
OVER_GRANIANS_FRAME_LIMIT = 16 * 1024 * 1024 + 1024

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres]


async def _next_of(socket, kind: str) -> dict:
    async with asyncio.timeout(10):
        while True:
            message = json.loads(await socket.recv())
            if message["type"] == kind:
                return message


def _contribution(client_id: str, text: str) -> str:
    return json.dumps({"type": "contribution.create", "client_id": client_id, "text": text})


async def _closed_by_the_server(socket, frame: str):
    """Send `frame` and read until the server ends the connection; what it sent to close, if
    anything (None: no close frame). The end may come while the frame is still being sent."""
    with pytest.raises(websockets.ConnectionClosed) as closed:
        async with asyncio.timeout(10):
            await socket.send(frame)
            while True:
                await socket.recv()
    return closed.value.rcvd


@pytest.mark.parametrize("server", ["daphne", "uvicorn", "uvicorn-sansio", "granian"])
def test_a_real_client_gets_errors_and_keeps_its_connection_up_to_the_servers_limit(
    postgres, room, server
):
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
        # 70 KB: over the protocol's limit, under every server's.
        await socket.send(_contribution("big", "x" * (MAX_FRAME_BYTES + 4096)))
        seen["big"] = await _next_of(socket, "error")
        await socket.send(_contribution("nul", "a\\u0000b").replace("\\\\u", "\\u"))
        seen["nul"] = await _next_of(socket, "error")
        await socket.send(_contribution("surrogate", "x").replace('"x"', '"\\ud800"'))
        seen["surrogate"] = await _next_of(socket, "error")
        await socket.send(_contribution("fine", "still here"))
        seen["ack"] = await _next_of(socket, "ack")
        if server != "granian":
            seen["close_frame"] = await _closed_by_the_server(
                socket, _contribution("huge", "x" * HUGE)
            )
            return seen
        # granian hands 2 MiB to the room like any other frame; the room refuses it.
        await socket.send(_contribution("huge", "x" * HUGE))
        seen["huge"] = await _next_of(socket, "error")
        await socket.send(_contribution("after huge", "still here"))
        seen["ack after huge"] = await _next_of(socket, "ack")
        seen["close_frame"] = await _closed_by_the_server(
            socket, _contribution("over 16 MiB", "x" * OVER_GRANIANS_FRAME_LIMIT)
        )
        return seen

    with real_servers(1, server=server) as urls:
        seen = asyncio.run(scenario(urls[0]))

    assert seen["welcome"]["type"] == "welcome"
    assert seen["since"]["message"] == "since is beyond the end of the log."
    assert seen["big"]["code"] == "too_long"
    assert seen["nul"]["code"] == "bad_request"
    assert seen["surrogate"]["code"] == "bad_request"
    assert seen["ack"]["client_id"] == "fine"
    if server == "daphne":
        # autobahn's failByDrop: no close frame arrives.
        assert seen["close_frame"] is None
    elif server.startswith("uvicorn"):
        assert seen["close_frame"].code == 1009
    else:
        assert seen["huge"]["code"] == "too_long"
        assert seen["ack after huge"]["client_id"] == "after huge"
        # A close frame without a status code.
        assert seen["close_frame"].code == 1005
