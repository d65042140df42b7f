"""Every message a client may send to a room, in one table: how it is checked (`protocol.py`),
which rule allows it, and the service that acts on it. Adding a message type is one entry here,
its fields check in `protocol.py` if it carries fields, and its service; docs/protocol.md
describes each one."""

from collections.abc import Callable
from dataclasses import dataclass

from . import services
from .opinions import services as opinion_services
from .protocol import (
    ClientMessage,
    MessageSchema,
    contribution_create_fields,
    contribution_remove_fields,
    poll_close_fields,
    poll_open_fields,
    poll_vote_fields,
    statement_create_fields,
    statement_vote_fields,
    user_fields,
)

TAKE_PART = "deliberation.take_part"
FACILITATE = "deliberation.facilitate"
REFUSALS = {
    TAKE_PART: services.NOT_TAKING_PART,
    FACILITATE: "Only the facilitator can do that.",
}


@dataclass(frozen=True)
class RoomMessage:
    schema: MessageSchema
    # The django-rules permission, asked of the sender with the session.
    rule: str
    # Acts on a checked message: (message, session, sender) -> the recorded event, or None.
    act: Callable
    # The service asks the rule itself, in the statement that records (so the room does not
    # ask it first): refused with RoomActionError(FORBIDDEN) as the room would refuse.
    rule_asked_by_act: bool = False


ROOM_MESSAGES: dict[str, RoomMessage] = {
    "contribution.create": RoomMessage(
        MessageSchema(contribution_create_fields, needs_client_id=True),
        TAKE_PART,
        lambda m, session, user: services.contribution_create(
            session=session, author=user, text=m.fields["text"], client_id=m.client_id
        ),
        rule_asked_by_act=True,
    ),
    "contribution.remove": RoomMessage(
        MessageSchema(contribution_remove_fields),
        FACILITATE,
        lambda m, session, user: services.contribution_remove(
            session=session,
            facilitator=user,
            seq=m.fields["seq"],
            reason=m.fields["reason"],
            client_id=m.client_id,
        ),
    ),
    "hand.raise": RoomMessage(
        MessageSchema(),
        TAKE_PART,
        lambda m, session, user: services.hand_raise(
            session=session, user=user, client_id=m.client_id
        ),
    ),
    "hand.lower": RoomMessage(
        MessageSchema(),
        TAKE_PART,
        lambda m, session, user: services.hand_lower(
            session=session, user=user, client_id=m.client_id
        ),
    ),
    "hand.call": RoomMessage(
        MessageSchema(user_fields),
        FACILITATE,
        lambda m, session, user: services.hand_call(
            session=session, facilitator=user, user_id=m.fields["user"], client_id=m.client_id
        ),
    ),
    "agenda.next": RoomMessage(
        MessageSchema(),
        FACILITATE,
        lambda m, session, user: services.agenda_next(
            session=session, facilitator=user, client_id=m.client_id
        ),
    ),
    "poll.open": RoomMessage(
        MessageSchema(poll_open_fields, needs_client_id=True),
        FACILITATE,
        lambda m, session, user: services.poll_open(
            session=session,
            facilitator=user,
            question=m.fields["question"],
            choices=m.fields["choices"],
            show_results=m.fields["show_results"],
            client_id=m.client_id,
        ),
    ),
    "poll.vote": RoomMessage(
        MessageSchema(poll_vote_fields, needs_client_id=True),
        TAKE_PART,
        lambda m, session, user: services.poll_vote(
            session=session,
            voter=user,
            poll_id=m.fields["poll"],
            choice=m.fields["choice"],
            client_id=m.client_id,
        ),
    ),
    "poll.close": RoomMessage(
        MessageSchema(poll_close_fields),
        FACILITATE,
        lambda m, session, user: services.poll_close(
            session=session, facilitator=user, poll_id=m.fields["poll"], client_id=m.client_id
        ),
    ),
    "participant.mute": RoomMessage(
        MessageSchema(user_fields),
        FACILITATE,
        lambda m, session, user: services.participant_set_muted(
            session=session,
            facilitator=user,
            user_id=m.fields["user"],
            muted=True,
            client_id=m.client_id,
        ),
    ),
    "participant.unmute": RoomMessage(
        MessageSchema(user_fields),
        FACILITATE,
        lambda m, session, user: services.participant_set_muted(
            session=session,
            facilitator=user,
            user_id=m.fields["user"],
            muted=False,
            client_id=m.client_id,
        ),
    ),
    "session.end": RoomMessage(
        MessageSchema(),
        FACILITATE,
        lambda m, session, user: services.session_end(
            session=session, facilitator=user, client_id=m.client_id
        ),
    ),
    "statement.create": RoomMessage(
        MessageSchema(statement_create_fields, needs_client_id=True),
        TAKE_PART,
        lambda m, session, user: opinion_services.statement_create(
            session=session, author=user, text=m.fields["text"], client_id=m.client_id
        ),
    ),
    "statement.vote": RoomMessage(
        MessageSchema(statement_vote_fields, needs_client_id=True),
        TAKE_PART,
        lambda m, session, user: opinion_services.statement_vote(
            session=session,
            voter=user,
            statement_id=m.fields["statement"],
            vote=m.fields["vote"],
            client_id=m.client_id,
        ),
    ),
}

SCHEMAS = {name: message.schema for name, message in ROOM_MESSAGES.items()}


def room_message(message: ClientMessage) -> RoomMessage:
    return ROOM_MESSAGES[message.type]
