"""The live room's WebSocket consumer (protocol: docs/protocol.md). Thin on purpose: it
authenticates, validates each frame against the message table (`room_messages.py`), checks the
message's rule, calls its service through `database_sync_to_async`, and forwards logged events
to the client in `seq` order."""

import asyncio
import json
import weakref
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.db import InterfaceError, OperationalError, connection

from . import presence, selectors, services
from .predicates import forget_group_roles
from .protocol import (
    BAD_REQUEST,
    FORBIDDEN,
    MAX_FRAME_BYTES,
    RATE_LIMITED,
    TOO_LONG,
    ProtocolError,
    parse_message,
    parse_since,
)
from .room_messages import REFUSALS, SCHEMAS, room_message

# Close codes used before the handshake completes (the client sees a refused connection).
CLOSE_NOT_ALLOWED = 4403


# One task per event loop (server process) while it holds events it could not broadcast.
_rebroadcasters: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Task]" = (
    weakref.WeakKeyDictionary()
)


def _rebroadcast_when_back() -> None:
    """Broadcast events stored during a channel-layer outage as soon as it ends, without waiting
    for the next event (docs/reliability.md)."""
    loop = asyncio.get_running_loop()
    task = _rebroadcasters.get(loop)
    if task is None or task.done():
        _rebroadcasters[loop] = loop.create_task(_rebroadcast_loop())


async def _rebroadcast_loop() -> None:
    while True:
        await asyncio.sleep(1)
        if await database_sync_to_async(services.rebroadcast_unsent)():
            return


class RoomConsumer(AsyncWebsocketConsumer):
    """One person's connection to one session's room."""

    session = None
    joined = False
    # The highest seq this client has been sent; live events at or below it are duplicates.
    last_seq = 0

    async def connect(self):
        self.user = self.scope["user"]
        if not self.user.is_authenticated:
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        since_error = None
        try:
            since = parse_since(self._query("since"))
        except ProtocolError as invalid:
            # Documented: the connection is made, then the error, then live events.
            since, since_error = None, invalid
        # Subscribe before reading the log, so nothing falls between the backlog and live
        # events; live events wait in the channel until this method returns.
        self.group_name = f"session.{int(self.scope['url_route']['kwargs']['pk'])}"
        await self.channel_layer.group_add(self.group_name, self.channel_name)
        # One trip to the database thread for everything a connection needs: that thread is
        # shared by every connection in the process, so a crowd joining at once queues on it.
        joined = await self._join(self.scope["url_route"]["kwargs"]["pk"], since)
        if joined is None:
            await self.channel_layer.group_discard(self.group_name, self.channel_name)
            self.group_name = None
            await self.close(code=CLOSE_NOT_ALLOWED)
            return
        self.session, welcome, backlog = joined
        presence.hub().add(
            self.session.pk, self._presence_key(), self.user.pk, welcome["you"]["name"]
        )
        await self.accept()
        await self.send_json(welcome)
        self.last_seq = welcome["last_seq"]
        if since is not None and since > self.last_seq:
            since_error = ProtocolError(BAD_REQUEST, "since is beyond the end of the log.")
        if since_error is not None:
            await self.send_json(since_error.as_message())
        for event in backlog:
            await self.send_json(event)
        self.joined = True

    async def disconnect(self, code):
        if self.session is None or not getattr(self, "group_name", None):
            return
        await self.channel_layer.group_discard(self.group_name, self.channel_name)
        self.joined = False
        # Presence is not logged: the connection leaves the room's presence set, and the next
        # sweep (within a second) tells the room if that was the person's last connection.
        await presence.hub().remove(self.session.pk, self._presence_key())

    async def receive(self, text_data=None, bytes_data=None):
        # surrogatepass: a frame may hold a lone surrogate; parse_message refuses it politely.
        size = (
            len(text_data.encode("utf-8", "surrogatepass"))
            if text_data is not None
            else len(bytes_data or b"")
        )
        if size > MAX_FRAME_BYTES:
            # Not read further; the connection stays open, as after every error. (daphne will
            # not send close code 1009 from an application: docs/protocol.md.)
            await self.send_json(
                ProtocolError(
                    TOO_LONG, f"The message is larger than {MAX_FRAME_BYTES // 1024} KiB."
                ).as_message()
            )
            return
        reply, committed = await self._handle(text_data)
        # The events this message recorded go out from this event loop, then the answer: as
        # before, the writer's ack follows the broadcast and says if it could not be made.
        for session_id, event in committed:
            await services.broadcast(session_id, event)
        if reply is not None:
            if reply.get("type") == "ack" and services.live_updates_paused():
                reply["live_updates_paused"] = True
            await self.send_json(reply)
        if services.has_unsent():
            _rebroadcast_when_back()

    async def room_event(self, message):
        """A logged event broadcast to the group: forward it in seq order, exactly once."""
        if not self.joined:
            return
        event = message["event"]
        seq = event["seq"]
        if seq <= self.last_seq:
            return
        if seq > self.last_seq + 1:
            # Broadcasts from different server processes can overtake each other; the log
            # already holds the earlier events (seq is assigned under the session lock).
            await self._send_log(self.last_seq, seq - 1)
        await self.send_json(event)
        self.last_seq = seq

    async def room_presence(self, message):
        """Who came and went since the last sweep (not logged, no seq): docs/protocol.md."""
        if not self.joined:
            return
        if message["left"]:
            await self.send_json({"type": "presence.left", "users": message["left"]})
        if message["joined"]:
            await self.send_json({"type": "presence.joined", "users": message["joined"]})

    def _presence_key(self) -> str:
        return presence.member(self.user.pk, self.channel_name)

    async def send_json(self, content):
        await self.send(text_data=json.dumps(content, separators=(",", ":")))

    async def _send_log(self, since: int, until: int):
        events = await database_sync_to_async(selectors.room_events_since)(
            session_id=self.session.pk, since=since, until=until
        )
        for event in events:
            await self.send_json(event)
            self.last_seq = event["seq"]

    def _query(self, name: str) -> str | None:
        values = parse_qs(self.scope.get("query_string", b"").decode("latin-1")).get(name)
        return values[0] if values else None

    @database_sync_to_async
    def _join(self, pk, since: int | None):
        """Authorise, record that the person took part (once per session), count this
        connection as present (the room hears of it with the next presence sweep), and read
        the welcome and the backlog after `since`."""
        forget_group_roles(self.user)
        # Read first, with its last seq: everything read after it is at least as new.
        # Who the person is to the group comes with the session (one query for both).
        session = selectors.session_for_room(pk=pk, user=self.user)
        if session is None or session.status == session.Status.SCHEDULED:
            return None
        if not self.user.has_perm("deliberation.enter_room", session):
            return None
        services.participation_record(session=session, user=self.user)
        presence.touch(session.pk, {self._presence_key(): (self.user.pk, self.user.public_name)})
        welcome = selectors.room_state(session=session, user=self.user, just_read=True)
        backlog = []
        if since is not None and since < welcome["last_seq"]:
            backlog = selectors.room_events_since(
                session_id=session.pk, since=since, until=welcome["last_seq"]
            )
        return session, welcome, backlog

    @database_sync_to_async
    def _handle(self, text: str | None) -> tuple[dict | None, list[tuple[int, dict]]]:
        """The answer to the person (or None), and the events the message recorded, for
        `receive` to broadcast."""
        with services.broadcasts_deferred() as committed:
            try:
                reply = self._answer(text)
            except (InterfaceError, OperationalError):
                if connection.connection is None or connection.is_usable():
                    # No connection could be had (PostgreSQL away: the pool waited already), or
                    # it still works and the error was the statement's own.
                    raise
                # PostgreSQL ended the connection under the message (a restart: it ends every
                # connection, and one can be taken from the pool a moment before it says so).
                # A statement cut off that way did not commit, and a retried client_id is never
                # acted on twice: once more, on a connection the pool has checked.
                connection.close()
                reply = self._answer(text)
        return reply, committed

    def _answer(self, text: str | None) -> dict | None:
        # Who the person is to the group is asked again at every message (removed from the
        # group: refused from the next message on).
        forget_group_roles(self.user)
        allowed = services.room_message_allowed(user_id=self.user.pk)
        try:
            message = parse_message(text, SCHEMAS)
        except ProtocolError as invalid:
            if allowed:
                return invalid.as_message()
            return ProtocolError(
                RATE_LIMITED, "You are sending messages too quickly; wait a few seconds."
            ).as_message()
        if not allowed:
            return ProtocolError(
                RATE_LIMITED,
                "You are sending messages too quickly; wait a few seconds.",
                message.client_id,
            ).as_message()
        handler = room_message(message)
        if not handler.rule_asked_by_act and not self.user.has_perm(handler.rule, self.session):
            return ProtocolError(FORBIDDEN, REFUSALS[handler.rule], message.client_id).as_message()
        try:
            recorded = handler.act(message, self.session, self.user)
        except services.RoomActionError as error:
            return ProtocolError(error.code, error.message, message.client_id).as_message()
        if message.client_id is None or recorded is None:
            return None
        return {"type": "ack", "client_id": message.client_id, "seq": recorded.event.seq}
