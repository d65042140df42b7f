"""The room's WebSocket protocol (docs/protocol.md): parse and validate what clients send.

Nothing here touches the database. `parse_message` turns one text frame into a `ClientMessage`
whose fields have been checked, or raises `ProtocolError` with the code the client receives.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from .models import CONTRIBUTION_MAX_LENGTH
from .opinions.models import STATEMENT_MAX_LENGTH

PROTOCOL_VERSION = 1

# A frame larger than this closes the connection (1009, "message too big").
MAX_FRAME_BYTES = 64 * 1024
# More than this many messages from one person within the window gets `rate_limited`.
RATE_LIMIT_MESSAGES = 10
RATE_LIMIT_WINDOW_SECONDS = 10

CLIENT_ID_MAX_LENGTH = 64
REASON_MAX_LENGTH = 500
POLL_QUESTION_MAX_LENGTH = 300
POLL_CHOICE_MAX_LENGTH = 200
POLL_MIN_CHOICES = 2
POLL_MAX_CHOICES = 10

# Error codes a client can receive.
BAD_REQUEST = "bad_request"
TOO_LONG = "too_long"
RATE_LIMITED = "rate_limited"
FORBIDDEN = "forbidden"
MUTED = "muted"
ERROR_CODES = (BAD_REQUEST, TOO_LONG, RATE_LIMITED, FORBIDDEN, MUTED)

# Client message type -> the fields it carries (besides `type` and `client_id`).
CLIENT_TYPES = {
    "contribution.create": ("text",),
    "contribution.remove": ("seq", "reason"),
    "hand.raise": (),
    "hand.lower": (),
    "hand.call": ("user",),
    "agenda.next": (),
    "poll.open": ("question", "choices"),
    "poll.vote": ("poll", "choice"),
    "poll.close": ("poll",),
    "participant.mute": ("user",),
    "participant.unmute": ("user",),
    "session.end": (),
    "statement.create": ("text",),
    "statement.vote": ("statement", "vote"),
}

# Messages that create something must carry a client_id so a retry is recognised.
REQUIRES_CLIENT_ID = frozenset(
    {"contribution.create", "poll.open", "poll.vote", "statement.create", "statement.vote"}
)

# Only the group's facilitators may send these.
FACILITATOR_TYPES = frozenset(
    {
        "contribution.remove",
        "hand.call",
        "agenda.next",
        "poll.open",
        "poll.close",
        "participant.mute",
        "participant.unmute",
        "session.end",
    }
)

# Server -> client event types written to the log.
EVENT_TYPES = (
    "session.started",
    "contribution.created",
    "contribution.removed",
    "presence.joined",
    "presence.left",
    "hand.raised",
    "hand.lowered",
    "hand.called",
    "agenda.moved",
    "poll.opened",
    "poll.tally",
    "poll.closed",
    "participant.muted",
    "participant.unmuted",
    "session.ended",
    "statement.created",
    "statement.voted",
    "statement.moderated",
    "opinions.updated",
)


class ProtocolError(Exception):
    """A client message the server will not act on; the client gets `error` {code, message}."""

    def __init__(self, code: str, message: str, client_id: str | None = None):
        assert code in ERROR_CODES
        super().__init__(message)
        self.code = code
        self.message = message
        self.client_id = client_id

    def as_message(self) -> dict:
        return {
            "type": "error",
            "code": self.code,
            "message": self.message,
            "client_id": self.client_id,
        }


@dataclass(frozen=True)
class ClientMessage:
    type: str
    client_id: str | None
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def needs_facilitator(self) -> bool:
        return self.type in FACILITATOR_TYPES


def parse_message(text: str | None) -> ClientMessage:
    """Validate one client frame against the protocol, or raise `ProtocolError`."""
    if text is None:
        raise ProtocolError(BAD_REQUEST, "Messages must be JSON text frames.")
    try:
        data = json.loads(text)
    except ValueError:
        raise ProtocolError(BAD_REQUEST, "The message is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ProtocolError(BAD_REQUEST, "A message must be a JSON object.")

    client_id = data.get("client_id")
    if client_id is not None and (
        not isinstance(client_id, str) or not 1 <= len(client_id) <= CLIENT_ID_MAX_LENGTH
    ):
        raise ProtocolError(
            BAD_REQUEST, f"client_id must be a string of 1 to {CLIENT_ID_MAX_LENGTH} characters."
        )

    kind = data.get("type")
    if not isinstance(kind, str) or kind not in CLIENT_TYPES:
        raise ProtocolError(BAD_REQUEST, f"Unknown message type {kind!r}.", client_id)
    if kind in REQUIRES_CLIENT_ID and client_id is None:
        raise ProtocolError(BAD_REQUEST, f"{kind} needs a client_id.", client_id)

    validator = _VALIDATORS.get(kind)
    fields = validator(data, client_id) if validator else {}
    return ClientMessage(type=kind, client_id=client_id, fields=fields)


def _positive_int(data: dict, name: str, client_id) -> int:
    value = data.get(name)
    # bool is an int in Python; true is not a valid id.
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ProtocolError(BAD_REQUEST, f"{name} must be a whole number.", client_id)
    return value


def _text(data: dict, name: str, max_length: int, client_id, *, what: str) -> str:
    value = data.get(name)
    if not isinstance(value, str):
        raise ProtocolError(BAD_REQUEST, f"{name} must be text.", client_id)
    value = value.strip()
    if not value:
        raise ProtocolError(BAD_REQUEST, f"{what} is empty.", client_id)
    if len(value) > max_length:
        raise ProtocolError(
            TOO_LONG, f"{what} is longer than {max_length:,} characters.", client_id
        )
    return value


def _contribution_create(data, client_id):
    return {
        "text": _text(data, "text", CONTRIBUTION_MAX_LENGTH, client_id, what="The contribution")
    }


def _contribution_remove(data, client_id):
    return {
        "seq": _positive_int(data, "seq", client_id),
        "reason": _text(data, "reason", REASON_MAX_LENGTH, client_id, what="The reason"),
    }


def _user(data, client_id):
    return {"user": _positive_int(data, "user", client_id)}


def _poll_open(data, client_id):
    question = _text(data, "question", POLL_QUESTION_MAX_LENGTH, client_id, what="The question")
    choices = data.get("choices")
    if not isinstance(choices, list) or not (POLL_MIN_CHOICES <= len(choices) <= POLL_MAX_CHOICES):
        raise ProtocolError(
            BAD_REQUEST,
            f"A poll needs {POLL_MIN_CHOICES} to {POLL_MAX_CHOICES} choices.",
            client_id,
        )
    cleaned = [
        _text({"c": c}, "c", POLL_CHOICE_MAX_LENGTH, client_id, what="A choice") for c in choices
    ]
    if len(set(cleaned)) != len(cleaned):
        raise ProtocolError(BAD_REQUEST, "Each choice must be different.", client_id)
    return {"question": question, "choices": cleaned}


def _poll_vote(data, client_id):
    return {
        "poll": _positive_int(data, "poll", client_id),
        "choice": _positive_int(data, "choice", client_id),
    }


def _poll_close(data, client_id):
    return {"poll": _positive_int(data, "poll", client_id)}


def _statement_create(data, client_id):
    return {"text": _text(data, "text", STATEMENT_MAX_LENGTH, client_id, what="The statement")}


def _statement_vote(data, client_id):
    vote = data.get("vote")
    if vote not in (1, -1, 0) or isinstance(vote, bool):
        raise ProtocolError(
            BAD_REQUEST, "vote must be 1 (agree), -1 (disagree) or 0 (pass).", client_id
        )
    return {"statement": _positive_int(data, "statement", client_id), "vote": vote}


_VALIDATORS = {
    "contribution.create": _contribution_create,
    "contribution.remove": _contribution_remove,
    "hand.call": _user,
    "poll.open": _poll_open,
    "poll.vote": _poll_vote,
    "poll.close": _poll_close,
    "participant.mute": _user,
    "participant.unmute": _user,
    "statement.create": _statement_create,
    "statement.vote": _statement_vote,
}


def parse_since(raw: str | None) -> int | None:
    """The `since` query parameter: a seq the client already has, or None."""
    if raw is None or raw == "":
        return None
    if not raw.isdigit() or len(raw) > 18:
        raise ProtocolError(BAD_REQUEST, "since must be a whole number.")
    return int(raw)
