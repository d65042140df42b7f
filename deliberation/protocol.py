"""The room's WebSocket protocol (docs/protocol.md): parse and validate what clients send.

Nothing here touches the database. `parse_message` turns one text frame into a `ClientMessage`
whose fields have been checked, or raises `ProtocolError` with the code the client receives.
"""

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .models import CONTRIBUTION_MAX_LENGTH
from .opinions.models import STATEMENT_MAX_LENGTH

PROTOCOL_VERSION = 3

# A frame larger than this is answered with `too_long` and not read further; the connection stays
# open. (daphne itself refuses frames over 1 MiB by dropping the connection: docs/protocol.md.)
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
# When the room sees a poll's counts; the first is the default (docs/protocol.md).
POLL_SHOW_RESULTS = ("after_closing", "live")

# Error codes a client can receive.
BAD_REQUEST = "bad_request"
TOO_LONG = "too_long"
RATE_LIMITED = "rate_limited"
FORBIDDEN = "forbidden"
MUTED = "muted"
ERROR_CODES = (BAD_REQUEST, TOO_LONG, RATE_LIMITED, FORBIDDEN, MUTED)

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


# Characters no text field can hold: PostgreSQL refuses NUL in text, and a lone surrogate (JSON
# allows `"\ud800"`) cannot be encoded as UTF-8. A surrogate pair in JSON decodes to one
# character outside this range, so only unpaired halves match.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Longest `since` read as a number; anything longer is beyond any log.
SINCE_MAX_DIGITS = 18


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


# Checks a message's own fields (besides `type` and `client_id`) and returns them cleaned, or
# raises ProtocolError. `None` for a message that carries no fields.
FieldsCheck = Callable[[dict, str | None], dict] | None


@dataclass(frozen=True)
class MessageSchema:
    """What a client message must look like: its fields, and whether it must carry a
    `client_id` (messages that create something do, so a retry is recognised)."""

    fields: FieldsCheck = None
    needs_client_id: bool = False


def parse_message(text: str | None, schemas: Mapping[str, MessageSchema]) -> ClientMessage:
    """Validate one client frame against the protocol (the message types in `schemas`), or
    raise `ProtocolError`."""
    if text is None:
        raise ProtocolError(BAD_REQUEST, "Messages must be JSON text frames.")
    try:
        data = json.loads(text)
    except ValueError:
        raise ProtocolError(BAD_REQUEST, "The message is not valid JSON.") from None
    if not isinstance(data, dict):
        raise ProtocolError(BAD_REQUEST, "A message must be a JSON object.")
    if _holds_unstorable(data):
        client_id = data.get("client_id")
        readable = isinstance(client_id, str) and not _UNSTORABLE.search(client_id)
        raise ProtocolError(
            BAD_REQUEST,
            "The message contains a character that cannot be used "
            "(a NUL character or half of a surrogate pair).",
            client_id if readable and len(client_id) <= CLIENT_ID_MAX_LENGTH else None,
        )

    client_id = data.get("client_id")
    if client_id is not None and (
        not isinstance(client_id, str) or not 1 <= len(client_id) <= CLIENT_ID_MAX_LENGTH
    ):
        raise ProtocolError(
            BAD_REQUEST, f"client_id must be a string of 1 to {CLIENT_ID_MAX_LENGTH} characters."
        )

    kind = data.get("type")
    schema = schemas.get(kind) if isinstance(kind, str) else None
    if schema is None:
        raise ProtocolError(BAD_REQUEST, f"Unknown message type {kind!r}.", client_id)
    if schema.needs_client_id and client_id is None:
        raise ProtocolError(BAD_REQUEST, f"{kind} needs a client_id.", client_id)
    fields = schema.fields(data, client_id) if schema.fields else {}
    return ClientMessage(type=kind, client_id=client_id, fields=fields)


def _holds_unstorable(value) -> bool:
    """Whether any string in a decoded JSON value (keys included) holds a character that no
    text field can store."""
    if isinstance(value, str):
        return bool(_UNSTORABLE.search(value))
    if isinstance(value, dict):
        return any(_holds_unstorable(k) or _holds_unstorable(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_holds_unstorable(item) for item in value)
    return False


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


def contribution_create_fields(data, client_id):
    return {
        "text": _text(data, "text", CONTRIBUTION_MAX_LENGTH, client_id, what="The contribution")
    }


def contribution_remove_fields(data, client_id):
    return {
        "seq": _positive_int(data, "seq", client_id),
        "reason": _text(data, "reason", REASON_MAX_LENGTH, client_id, what="The reason"),
    }


def user_fields(data, client_id):
    return {"user": _positive_int(data, "user", client_id)}


def poll_open_fields(data, client_id):
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
    show_results = data.get("show_results", POLL_SHOW_RESULTS[0])
    if show_results not in POLL_SHOW_RESULTS:
        raise ProtocolError(BAD_REQUEST, "show_results is after_closing or live.", client_id)
    return {"question": question, "choices": cleaned, "show_results": show_results}


def poll_vote_fields(data, client_id):
    return {
        "poll": _positive_int(data, "poll", client_id),
        "choice": _positive_int(data, "choice", client_id),
    }


def poll_close_fields(data, client_id):
    return {"poll": _positive_int(data, "poll", client_id)}


def statement_create_fields(data, client_id):
    return {"text": _text(data, "text", STATEMENT_MAX_LENGTH, client_id, what="The statement")}


def statement_vote_fields(data, client_id):
    vote = data.get("vote")
    if vote not in (1, -1, 0) or isinstance(vote, bool):
        raise ProtocolError(
            BAD_REQUEST, "vote must be 1 (agree), -1 (disagree) or 0 (pass).", client_id
        )
    return {"statement": _positive_int(data, "statement", client_id), "vote": vote}


def parse_since(raw: str | None) -> int | None:
    """The `since` query parameter: a seq the client already has, or None. A malformed or
    impossibly large value raises `ProtocolError`; the consumer still accepts the connection
    and sends that error after `welcome`, as docs/protocol.md says."""
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()):
        raise ProtocolError(BAD_REQUEST, "since must be a whole number.")
    if len(raw.lstrip("0")) > SINCE_MAX_DIGITS:
        raise ProtocolError(BAD_REQUEST, "since is beyond the end of the log.")
    return int(raw)
