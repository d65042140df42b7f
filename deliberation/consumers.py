"""The live room's WebSocket consumer (protocol: docs/protocol.md). Thin on purpose: it
authenticates, validates each frame with `protocol.py`, checks the rule, calls a service through
`database_sync_to_async`, and forwards logged events to the client in `seq` order."""

import json
from urllib.parse import parse_qs

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from . import selectors, services
from .opinions import services as opinion_services
from .protocol import (
    BAD_REQUEST,
    FORBIDDEN,
    MAX_FRAME_BYTES,
    RATE_LIMITED,
    ProtocolError,
    parse_message,
    parse_since,
)

# Close codes used before the handshake completes (the client sees a refused connection).
CLOSE_NOT_ALLOWED = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_MESSAGE_TOO_BIG = 1009


def _service_call(message, session, user):
    fields = message.fields
    client_id = message.client_id
    match message.type:
        case "contribution.create":
            return services.contribution_create(
                session=session, author=user, text=fields["text"], client_id=client_id
            )
        case "contribution.remove":
            return services.contribution_remove(
                session=session,
                facilitator=user,
                seq=fields["seq"],
                reason=fields["reason"],
                client_id=client_id,
            )
        case "hand.raise":
            return services.hand_raise(session=session, user=user, client_id=client_id)
        case "hand.lower":
            return services.hand_lower(session=session, user=user, client_id=client_id)
        case "hand.call":
            return services.hand_call(
                session=session, facilitator=user, user_id=fields["user"], client_id=client_id
            )
        case "agenda.next":
            return services.agenda_next(session=session, facilitator=user, client_id=client_id)
        case "poll.open":
            return services.poll_open(
                session=session,
                facilitator=user,
                question=fields["question"],
                choices=fields["choices"],
                client_id=client_id,
            )
        case "poll.vote":
            return services.poll_vote(
                session=session,
                voter=user,
                poll_id=fields["poll"],
                choice=fields["choice"],
                client_id=client_id,
            )
        case "poll.close":
            return services.poll_close(
                session=session, facilitator=user, poll_id=fields["poll"], client_id=client_id
            )
        case "participant.mute" | "participant.unmute":
            return services.participant_set_muted(
                session=session,
                facilitator=user,
                user_id=fields["user"],
                muted=message.type == "participant.mute",
                client_id=client_id,
            )
        case "session.end":
            return services.session_end(session=session, facilitator=user, client_id=client_id)
        case "statement.create":
            return opinion_services.statement_create(
                session=session, author=user, text=fields["text"], client_id=client_id
            )
        case "statement.vote":
            return opinion_services.statement_vote(
                session=session,
                voter=user,
                statement_id=fields["statement"],
                vote=fields["vote"],
                client_id=client_id,
            )
    raise AssertionError(f"protocol.py accepted {message.type} but no service handles it")


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
        try:
            since = parse_since(self._query("since"))
        except ProtocolError:
            await self.close(code=CLOSE_NOT_FOUND)
            return
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
        await self.accept()
        await self.send_json(welcome)
        self.last_seq = welcome["last_seq"]
        if since is not None and since > self.last_seq:
            await self.send_json(
                ProtocolError(BAD_REQUEST, "since is beyond the end of the log.").as_message()
            )
        for event in backlog:
            await self.send_json(event)
        self.joined = True

    async def disconnect(self, code):
        if self.session is None or not getattr(self, "group_name", None):
            return
        await self.channel_layer.group_discard(self.group_name, self.channel_name)
        if self.joined:
            self.joined = False
            await database_sync_to_async(services.presence_leave)(
                session=self.session, user=self.user
            )

    async def receive(self, text_data=None, bytes_data=None):
        size = len(text_data.encode("utf-8")) if text_data is not None else len(bytes_data or b"")
        if size > MAX_FRAME_BYTES:
            await self.close(code=CLOSE_MESSAGE_TOO_BIG)
            return
        reply = await self._handle(text_data)
        if reply is not None:
            await self.send_json(reply)

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
        """Authorise, read the welcome and the backlog after `since`, and count the person as
        present (which announces them to the room after commit)."""
        session = selectors.session_get(pk=pk)
        if session is None or session.status == session.Status.SCHEDULED:
            return None
        if not self.user.has_perm("deliberation.enter_room", session):
            return None
        services.presence_join(session=session, user=self.user)
        welcome = selectors.room_state(session=session, user=self.user)
        backlog = []
        if since is not None and since < welcome["last_seq"]:
            backlog = selectors.room_events_since(
                session_id=session.pk, since=since, until=welcome["last_seq"]
            )
        return session, welcome, backlog

    @database_sync_to_async
    def _handle(self, text: str | None) -> dict | None:
        allowed = services.room_message_allowed(user_id=self.user.pk)
        try:
            message = parse_message(text)
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
        permission = (
            "deliberation.facilitate" if message.needs_facilitator else "deliberation.take_part"
        )
        if not self.user.has_perm(permission, self.session):
            what = (
                "Only the facilitator can do that."
                if message.needs_facilitator
                else ("Observers can read but not take part.")
            )
            return ProtocolError(FORBIDDEN, what, message.client_id).as_message()
        try:
            recorded = _service_call(message, self.session, self.user)
        except services.RoomActionError as error:
            return ProtocolError(error.code, error.message, message.client_id).as_message()
        if message.client_id is None or recorded is None:
            return None
        return {"type": "ack", "client_id": message.client_id, "seq": recorded.event.seq}
