"""Fixtures for rooms: a live session of a group with a facilitator and two members, and
WebSocket clients that connect through the real ASGI application with a session cookie."""

import asyncio
from dataclasses import dataclass

import pytest
import pytest_asyncio
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from coproduce.accounts import roles
from tests import factories


def session_cookie(user) -> str:
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


@dataclass
class Room:
    session: object
    facilitator: object
    member: object
    other_member: object
    outsider: object


@pytest.fixture
def room(role_user):
    facilitator = role_user(roles.FACILITATOR, display_name="Rina")
    member = role_user(roles.EXPERT, display_name="Sam")
    other_member = role_user(roles.EXPERT, display_name="Priya")
    outsider = role_user(roles.PARTICIPANT, display_name="Pat")
    group = factories.CoproductionGroupFactory(
        members=[member, other_member], facilitators=[facilitator]
    )
    session = factories.SessionFactory(group=group)
    for position, title in enumerate(["Welcome", "What matters to you", "Next steps"]):
        factories.AgendaItemFactory(session=session, title=title, sort_order=position)
    return Room(session, facilitator, member, other_member, outsider)


class RoomClient:
    """A WebSocket client in a room, with helpers that wait for a given message type."""

    def __init__(self, communicator: WebsocketCommunicator):
        self.communicator = communicator
        self.welcome = None

    async def send(self, **message):
        await self.communicator.send_json_to(message)

    async def send_text(self, text: str):
        await self.communicator.send_to(text_data=text)

    async def receive(self, timeout: float = 3) -> dict:
        return await self.communicator.receive_json_from(timeout=timeout)

    async def receive_type(self, *types: str, timeout: float = 3) -> dict:
        """The next message of one of these types, skipping others (presence and the like)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"no {types} message within {timeout}s")
            message = await self.receive(timeout=remaining)
            if message["type"] in types:
                return message

    async def nothing(self, timeout: float = 0.3) -> bool:
        return await self.communicator.receive_nothing(timeout=timeout)

    async def close(self):
        await self.communicator.disconnect()


def _headers(cookie: str | None, origin: bytes = b"http://localhost"):
    headers = [(b"origin", origin), (b"host", b"localhost")]
    if cookie:
        headers.append((b"cookie", f"{settings.SESSION_COOKIE_NAME}={cookie}".encode()))
    return headers


@pytest_asyncio.fixture
async def connect():
    """`await connect(user_or_cookie, session, since=None)` -> a RoomClient after its welcome,
    or (False, code) when the server refuses. Every client is disconnected at the end."""
    from coproduce.asgi import application

    opened: list[RoomClient] = []
    cookies: dict[int, str] = {}

    async def do(user, session, since=None, *, expect_refusal=False, origin=b"http://localhost"):
        from channels.db import database_sync_to_async

        cookie = None
        if user is not None:
            if user.pk not in cookies:
                cookies[user.pk] = await database_sync_to_async(session_cookie)(user)
            cookie = cookies[user.pk]
        path = f"/ws/rooms/{session.pk}/"
        if since is not None:
            path += f"?since={since}"
        communicator = WebsocketCommunicator(application, path, headers=_headers(cookie, origin))
        connected, code = await communicator.connect(timeout=5)
        if expect_refusal:
            assert not connected, "the server accepted a connection it should refuse"
            return communicator, code
        assert connected, f"refused with {code}"
        client = RoomClient(communicator)
        opened.append(client)
        client.welcome = await client.receive()
        assert client.welcome["type"] == "welcome"
        return client

    yield do
    for client in opened:
        await client.close()
