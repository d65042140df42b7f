"""How a logged event looks on the wire (docs/protocol.md) and in transcripts.

Contribution text is stored as typed; here it is made safe (escaped, links added) for output.
A removed contribution never leaves the server again: only the fact that it was removed."""

from coproduce.sanitize import linkify_text

from .models import RoomEvent


def _actor(event: RoomEvent) -> dict | None:
    if event.actor_id is None:
        return None
    return {"id": event.actor_id, "name": event.actor.public_name}


def event_message(event: RoomEvent, *, removed: bool = False) -> dict:
    """The server-to-client message for one event. `removed` marks a contribution that a later
    `contribution.removed` event took down (used when replaying the log)."""
    message = {
        "type": event.type,
        "seq": event.seq,
        # Whole seconds: HTML's <time datetime> allows at most three digits of a fraction.
        "at": event.created_at.isoformat(timespec="seconds"),
        "actor": _actor(event),
        **event.payload,
    }
    if event.client_id:
        message["client_id"] = event.client_id
    if event.type == "contribution.created":
        if removed:
            message["text"] = ""
            message["html"] = ""
            message["removed"] = True
        else:
            message["html"] = linkify_text(event.payload.get("text", ""))
            message["removed"] = False
    return message
