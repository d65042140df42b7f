"""Write paths for co-production sessions: the room's event log and what changes with it.

Every change to a room goes through `_record`: inside one transaction it takes the session row's
lock, recognises a retried `client_id`, checks and applies the change, appends the event with the
next gapless `seq`, and only after commit broadcasts it to the group `session.<id>`. The
broadcast is an optimisation; the log is the record (clients catch up with `since`).

The one exception is the room's most frequent message, a contribution, on PostgreSQL: the same
steps as one statement (a conditional `UPDATE … RETURNING` on the session row feeding the
INSERT; `contribution_create`), which falls back to `_record` whenever it records nothing.
"""

import asyncio
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import timedelta

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Exists, F, OuterRef
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from coproduce.notifications.mail import Attachment, Kind, send_email
from coproduce.passport import selectors as passport_selectors
from coproduce.passport.models import NEEDS

from .calendar import LONDON, calendar_filename, session_calendar
from .calendar import MIMETYPE as CALENDAR_MIMETYPE
from .models import (
    CONTACT_IN_FORMAT,
    AgendaItem,
    Poll,
    PollVote,
    RoomEvent,
    Session,
    SessionAttendance,
    SessionParticipant,
    contact_in_format,
)
from .predicates import takes_part_sql
from .protocol import BAD_REQUEST, FORBIDDEN, MUTED, RATE_LIMIT_MESSAGES, RATE_LIMIT_WINDOW_SECONDS
from .serializers import event_message

logger = logging.getLogger(__name__)


class RoomActionError(Exception):
    """A room action that cannot happen now (session ended, poll closed, muted...). The client
    gets `error` with this code; nothing is stored."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Recorded:
    """The event a call appended, or found (`created` False) when the client_id was a retry."""

    event: RoomEvent
    created: bool


@dataclass(frozen=True)
class Change:
    """What an action decided to record."""

    type: str
    payload: dict


def _lock_session(session_id: int, actor=None) -> Session:
    """Take the session row's write lock and return its current state, with `actor_muted`
    (whether the actor is muted in this session) read in the same query. PostgreSQL locks the
    row with SELECT ... FOR UPDATE; SQLite has no row locks, so a no-op UPDATE takes its
    database write lock instead. Either way appends to one session are serialised until commit."""
    sessions = Session.objects.annotate(
        actor_muted=Exists(
            SessionParticipant.objects.filter(
                session=OuterRef("pk"), user_id=getattr(actor, "pk", None), muted=True
            )
        )
    )
    if connection.features.has_select_for_update:
        return sessions.select_for_update(of=("self",)).get(pk=session_id)
    Session.objects.filter(pk=session_id).update(last_seq=F("last_seq"))
    return sessions.get(pk=session_id)


# Whether this process's last broadcast failed (the channel layer, Redis, is away). The writer's
# ack says so, so the room can tell people live updates are paused; the log is the record.
_broadcast_failed = threading.Event()
# Sessions whose latest event this process stored but could not broadcast: session id ->
# [the last such seq, broadcasts still to make]. `rebroadcast_unsent` sends them when the layer
# is back; a connection that receives it fills any earlier gap from the log.
_unsent: dict[int, list[int]] = {}
_unsent_lock = threading.Lock()
# Subscribers reconnect to a restarted Redis on their own schedule (with back-off; seconds on a
# loaded machine), so a recovered event is sent this many times, a second apart; connections
# drop the repeats (by seq). One small publish a second per session, for ten seconds.
REBROADCASTS = 10


def live_updates_paused() -> bool:
    """True while this process cannot reach the channel layer (its last broadcast failed)."""
    return _broadcast_failed.is_set()


def has_unsent() -> bool:
    return bool(_unsent)


def _send(session_id: int, message: dict) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    send = async_to_sync(layer.group_send)
    arguments = (f"session.{session_id}", {"type": "room.event", "event": message})
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        send(*arguments)
        return
    # Called from synchronous code in a thread that runs an event loop (a script or a test
    # driving a browser with Playwright's sync API): async_to_sync refuses to run there, so the
    # send runs on a thread of its own and is waited for, failing as it would have.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(send, *arguments).result()


# Events committed while a room connection handles a message (`broadcasts_deferred`), kept for
# the connection to send from its event loop instead of each taking a trip through
# async_to_sync from the database thread (a quarter of a message's server time,
# bench/append_path.py).
_deferred = threading.local()


@contextmanager
def broadcasts_deferred():
    """Within the block, in this thread, each event that commits is added to the list yielded
    instead of being broadcast; the caller sends them with `broadcast` once the block is done."""
    _deferred.messages = []
    try:
        yield _deferred.messages
    finally:
        _deferred.messages = None


async def broadcast(session_id: int, message: dict) -> None:
    """Send a committed event to its room from an event loop (after `broadcasts_deferred`), with
    what a failed broadcast sets in motion, as `_broadcast` does."""
    layer = get_channel_layer()
    try:
        if layer is not None:
            await layer.group_send(
                f"session.{session_id}", {"type": "room.event", "event": message}
            )
    except Exception:
        _broadcast_went_wrong(session_id, message)
    else:
        _broadcast_went_out(session_id, message)


def _broadcast(session_id: int, message: dict) -> None:
    pending = getattr(_deferred, "messages", None)
    if pending is not None:
        pending.append((session_id, message))
        return
    try:
        _send(session_id, message)
    except Exception:
        _broadcast_went_wrong(session_id, message)
    else:
        _broadcast_went_out(session_id, message)


def _broadcast_went_wrong(session_id: int, message: dict) -> None:
    # The event is committed; it is sent again when the layer is back (`rebroadcast_unsent`),
    # and anyone reconnecting catches up with `since`.
    _broadcast_failed.set()
    with _unsent_lock:
        known = _unsent.get(session_id)
        if known is None or known[0] < message["seq"]:
            _unsent[session_id] = [message["seq"], REBROADCASTS]
    logger.exception("Broadcast of session %s event %s failed", session_id, message["seq"])


def _broadcast_went_out(session_id: int, message: dict) -> None:
    _broadcast_failed.clear()
    with _unsent_lock:
        known = _unsent.get(session_id)
        if known is not None and known[0] < message["seq"]:
            # A later event went out: connections fill the gap from the log.
            del _unsent[session_id]


def rebroadcast_unsent() -> bool:
    """Send each session's latest unsent event again (called once a second by the process's
    consumers while there are any). True when nothing is left to send."""
    with _unsent_lock:
        pending = {session_id: seq for session_id, (seq, _left) in _unsent.items()}
    for session_id, seq in pending.items():
        event = (
            RoomEvent.objects.select_related("actor").filter(session_id=session_id, seq=seq).first()
        )
        if event is not None:
            try:
                _send(session_id, event_message(event))
            except Exception as error:  # noqa: BLE001 - still away: try again next time
                logger.warning("Redis is still away (%s); session %s waits", error, session_id)
                return False
        _broadcast_failed.clear()
        with _unsent_lock:
            known = _unsent.get(session_id)
            if known is not None and known[0] == seq:
                known[1] -= 1
                if known[1] <= 0 or event is None:
                    del _unsent[session_id]
    return not _unsent


def _record(
    *,
    session_id: int,
    actor,
    client_id: str | None,
    action: Callable[[Session], Change | None],
) -> Recorded | None:
    """Append what `action` decides, under the session lock. `action` raises RoomActionError to
    refuse, or returns None when there is nothing to record."""
    client_id = client_id or ""
    try:
        with transaction.atomic():
            session = _lock_session(session_id, actor)
            try:
                change = action(session)
            except RoomActionError:
                # A retry of a message that was already recorded (its hand is now raised, its
                # poll closed...) is answered with the first one's event, not an error.
                first = _first_answer(session_id, actor, client_id)
                if first is None:
                    raise
                return first
            if change is None:
                return None
            seq = session.last_seq + 1
            Session.objects.filter(pk=session_id).update(last_seq=seq)
            event = RoomEvent.objects.create(
                session_id=session_id,
                seq=seq,
                type=change.type,
                actor=actor,
                payload=change.payload,
                client_id=client_id,
            )
            event.actor = actor
            return _appended(event)
    except IntegrityError:
        # A retried client_id: the unique constraint (session, actor, client_id) refused the
        # copy, and the rollback undid whatever its action changed. No pre-check is needed on
        # the way in (one query less per message); the first one's event is the answer.
        first = _first_answer(session_id, actor, client_id)
        if first is None:
            raise
        return first


def _appended(event: RoomEvent) -> Recorded:
    """An event just stored: broadcast once its transaction commits."""
    session_id, message = event.session_id, event_message(event)
    transaction.on_commit(lambda: _broadcast(session_id, message))
    return Recorded(event, created=True)


def _first_answer(session_id: int, actor, client_id: str) -> Recorded | None:
    """The event a retried client_id already made, if that is why a change was refused."""
    existing = _existing(session_id, actor, client_id)
    return Recorded(existing, created=False) if existing is not None else None


def _existing(session_id: int, actor, client_id: str) -> RoomEvent | None:
    if not client_id:
        return None
    return RoomEvent.objects.filter(session_id=session_id, actor=actor, client_id=client_id).first()


def _require_live(session: Session) -> None:
    if session.status == Session.Status.ENDED:
        raise RoomActionError(FORBIDDEN, _("This session has ended."))
    if session.status != Session.Status.LIVE:
        raise RoomActionError(FORBIDDEN, _("This session has not started yet."))


def _participant(session: Session, user) -> SessionParticipant:
    participant, _created = SessionParticipant.objects.get_or_create(session=session, user=user)
    return participant


def _person(user) -> dict:
    return {"id": user.pk, "name": user.public_name}


def _member_of(session: Session, user_id: int):
    user = (
        get_user_model()
        .objects.filter(pk=user_id)
        .filter(coproduction_groups=session.group_id)
        .first()
    )
    if user is None:
        user = (
            get_user_model().objects.filter(pk=user_id, facilitated_groups=session.group_id).first()
        )
    if user is None:
        raise RoomActionError(BAD_REQUEST, _("That person is not in this group."))
    return user


# --- Session lifecycle -------------------------------------------------------------------------


def session_start(*, session: Session, facilitator) -> Recorded | None:
    """Open a scheduled session's room: status becomes live and the first agenda item current."""

    def action(locked: Session):
        if locked.status != Session.Status.SCHEDULED:
            return None
        first = AgendaItem.objects.filter(session=locked).order_by("sort_order", "pk").first()
        Session.objects.filter(pk=locked.pk).update(status=Session.Status.LIVE, current_item=first)
        return Change("session.started", {"item": _item(first) if first else None})

    return _record(session_id=session.pk, actor=facilitator, client_id=None, action=action)


def session_end(*, session: Session, facilitator, client_id: str | None = None) -> Recorded:
    """End a live session: nothing more can be said or done in the room."""

    def action(locked: Session):
        _require_live(locked)
        now = timezone.now()
        Session.objects.filter(pk=locked.pk).update(status=Session.Status.ENDED, ended_at=now)
        Poll.objects.filter(session=locked, is_open=True).update(
            is_open=False, closed_seq=locked.last_seq + 1
        )
        SessionParticipant.objects.filter(session=locked).update(hand_raised_at=None)
        return Change("session.ended", {"ended_at": now.isoformat()})

    return _record(session_id=session.pk, actor=facilitator, client_id=client_id, action=action)


# --- Contributions -----------------------------------------------------------------------------


# The room's refusal when someone who may only watch tries to speak (room_messages.REFUSALS).
NOT_TAKING_PART = "Observers can read but not take part."


def contribution_create(*, session: Session, author, text: str, client_id: str) -> Recorded:
    """Add what someone said to the room, as typed (made safe on output).

    The room's most frequent message, so on PostgreSQL it is one statement
    (`_contribution_in_one_statement`) that also holds the room's rule (`deliberation.take_part`:
    a facilitator or a member of the group); whenever that records nothing (not someone who
    takes part, the session not live, the person muted) the general path below gives the
    reason."""
    if connection.vendor == "postgresql":
        recorded = _contribution_in_one_statement(
            session_id=session.pk, author=author, text=text, client_id=client_id or ""
        )
        if recorded is not None:
            return recorded
    # Asked of the person now, whatever the caller asked before (a superuser passes here
    # and not in the statement, which knows only the group's roles).
    if not author.has_perm("deliberation.take_part", session):
        raise RoomActionError(FORBIDDEN, NOT_TAKING_PART)

    def action(locked: Session):
        _require_live(locked)
        if locked.actor_muted:  # read with the lock (_lock_session)
            raise RoomActionError(MUTED, _("The facilitator has muted you for now."))
        return Change(
            "contribution.created",
            {"text": text, "item": locked.current_item_id},
        )

    return _record(session_id=session.pk, actor=author, client_id=client_id, action=action)


# What the rule check and `_record` do for a contribution, as one statement: the UPDATE takes
# the session row's lock and the next seq only if the person takes part in the group (the room's
# `deliberation.take_part`, predicates.takes_part_sql), the session is live and the person not
# muted (the same rules and the same moment as the general path's), and the INSERT appends the
# event with that seq; in autocommit it is its own transaction. One round trip to PostgreSQL
# instead of six (the roles, BEGIN, SELECT ... FOR UPDATE, UPDATE, INSERT, COMMIT):
# docs/benchmarks.md, "One room message".
_CONTRIBUTION_TEMPLATE = """
WITH locked AS (
    UPDATE {session} AS s SET last_seq = s.last_seq + 1
    WHERE s.id = %(session)s AND s.status = %(live)s AND {takes_part} AND NOT EXISTS (
        SELECT 1 FROM {participant} AS p
        WHERE p.session_id = s.id AND p.user_id = %(actor)s AND p.muted
    )
    RETURNING s.id, s.last_seq, s.current_item_id
)
INSERT INTO {event} (session_id, seq, type, actor_id, payload, client_id, created_at)
SELECT locked.id, locked.last_seq, 'contribution.created', %(actor)s,
       jsonb_build_object('text', %(text)s::text, 'item', locked.current_item_id),
       %(client_id)s, %(now)s
FROM locked
RETURNING id, seq, payload
"""
# Tables and the rule filled in once, when the module loads; the values are parameters.
_CONTRIBUTION_SQL = _CONTRIBUTION_TEMPLATE.format(
    session=Session._meta.db_table,
    participant=SessionParticipant._meta.db_table,
    event=RoomEvent._meta.db_table,
    takes_part=takes_part_sql("s.group_id", "%(actor)s"),
)


def _contribution_in_one_statement(
    *, session_id: int, author, text: str, client_id: str
) -> Recorded | None:
    """The contribution's event, or None when nothing was recorded (not someone who takes part,
    not live, muted)."""
    now = timezone.now()
    params = {
        "session": session_id,
        "live": Session.Status.LIVE,
        "actor": author.pk,
        "text": text,
        "client_id": client_id,
        "now": now,
    }
    try:
        # Inside a caller's transaction: a savepoint, so a retried client_id leaves it usable.
        # Otherwise (the room's consumer) the statement is its own transaction.
        with transaction.atomic() if connection.in_atomic_block else nullcontext():
            with connection.cursor() as cursor:
                cursor.execute(_CONTRIBUTION_SQL, params)
                row = cursor.fetchone()
            if row is None:
                return None
            event_id, seq, payload = row
            event = RoomEvent(
                id=event_id,
                session_id=session_id,
                seq=seq,
                type="contribution.created",
                actor=author,
                payload=payload if isinstance(payload, dict) else json.loads(payload),
                client_id=client_id,
                created_at=now,
            )
            event._state.adding = False
            return _appended(event)
    except IntegrityError:
        # A retried client_id (the unique constraint): the first one's event is the answer.
        first = _first_answer(session_id, author, client_id)
        if first is None:
            raise
        return first


def contribution_remove(
    *, session: Session, facilitator, seq: int, reason: str, client_id: str | None = None
) -> Recorded:
    """Remove a contribution from view, with a reason. The log keeps what was said; everyone
    sees "removed by facilitator"."""

    def action(locked: Session):
        if locked.status == Session.Status.SCHEDULED:
            raise RoomActionError(FORBIDDEN, _("This session has not started yet."))
        target = RoomEvent.objects.filter(
            session=locked, seq=seq, type="contribution.created"
        ).exists()
        if not target:
            raise RoomActionError(BAD_REQUEST, _("There is no contribution with that number."))
        if RoomEvent.objects.filter(
            session=locked, type="contribution.removed", payload__target=seq
        ).exists():
            raise RoomActionError(BAD_REQUEST, _("That contribution is already removed."))
        return Change("contribution.removed", {"target": seq, "reason": reason})

    return _record(session_id=session.pk, actor=facilitator, client_id=client_id, action=action)


# --- Hands -------------------------------------------------------------------------------------


def hand_raise(*, session: Session, user, client_id: str | None = None) -> Recorded:
    """Join the queue to speak."""

    def action(locked: Session):
        _require_live(locked)
        participant = _participant(locked, user)
        if participant.muted:
            raise RoomActionError(MUTED, _("The facilitator has muted you for now."))
        if participant.hand_raised_at is not None:
            raise RoomActionError(BAD_REQUEST, _("Your hand is already raised."))
        participant.hand_raised_at = timezone.now()
        participant.save(update_fields=["hand_raised_at"])
        return Change(
            "hand.raised", {"user": _person(user), "at": participant.hand_raised_at.isoformat()}
        )

    return _record(session_id=session.pk, actor=user, client_id=client_id, action=action)


def hand_lower(*, session: Session, user, client_id: str | None = None) -> Recorded:
    """Leave the queue to speak."""

    def action(locked: Session):
        _require_live(locked)
        lowered = SessionParticipant.objects.filter(
            session=locked, user=user, hand_raised_at__isnull=False
        ).update(hand_raised_at=None)
        if not lowered:
            raise RoomActionError(BAD_REQUEST, _("Your hand is not raised."))
        return Change("hand.lowered", {"user": _person(user)})

    return _record(session_id=session.pk, actor=user, client_id=client_id, action=action)


def hand_call(
    *, session: Session, facilitator, user_id: int, client_id: str | None = None
) -> Recorded:
    """Invite someone in the queue to speak; their hand comes down."""

    def action(locked: Session):
        _require_live(locked)
        participant = (
            SessionParticipant.objects.select_related("user")
            .filter(session=locked, user_id=user_id, hand_raised_at__isnull=False)
            .first()
        )
        if participant is None:
            raise RoomActionError(BAD_REQUEST, _("That person's hand is not raised."))
        participant.hand_raised_at = None
        participant.save(update_fields=["hand_raised_at"])
        return Change("hand.called", {"user": _person(participant.user)})

    return _record(session_id=session.pk, actor=facilitator, client_id=client_id, action=action)


# --- Agenda ------------------------------------------------------------------------------------


def _item(item: AgendaItem) -> dict:
    """An agenda item in an event. Both titles travel ("" when there is no Easy Read one):
    each page shows the one its reader chose (docs/protocol.md, docs/easy-read.md)."""
    return {
        "id": item.pk,
        "title": item.title,
        "easy_read_title": item.easy_read_title,
        "time_box_minutes": item.time_box_minutes,
    }


def agenda_next(*, session: Session, facilitator, client_id: str | None = None) -> Recorded:
    """Move the room on to the next agenda item."""

    def action(locked: Session):
        _require_live(locked)
        items = list(AgendaItem.objects.filter(session=locked).order_by("sort_order", "pk"))
        ids = [item.pk for item in items]
        position = ids.index(locked.current_item_id) + 1 if locked.current_item_id in ids else 0
        if position >= len(items):
            raise RoomActionError(BAD_REQUEST, _("This is the last agenda item."))
        following = items[position]
        Session.objects.filter(pk=locked.pk).update(current_item=following)
        return Change("agenda.moved", {"item": _item(following), "position": position})

    return _record(session_id=session.pk, actor=facilitator, client_id=client_id, action=action)


# --- Polls -------------------------------------------------------------------------------------


def _tally(poll: Poll) -> list[int]:
    counts = dict(
        PollVote.objects.filter(poll=poll)
        .values_list("choice")
        .annotate(n=Count("pk"))
        .values_list("choice", "n")
    )
    return [counts.get(index, 0) for index in range(len(poll.choices))]


def poll_open(
    *,
    session: Session,
    facilitator,
    question: str,
    choices: list[str],
    client_id: str,
    show_results: str = Poll.ShowResults.AFTER_CLOSING,
) -> Recorded:
    """Ask the room a quick question with fixed choices. The room sees the counts only once
    the poll closes, unless the facilitator chooses to show them live (`show_results`)."""

    def action(locked: Session):
        _require_live(locked)
        if show_results not in Poll.ShowResults.values:
            raise RoomActionError(BAD_REQUEST, _("Choose when people see the results."))
        poll = Poll.objects.create(
            session=locked,
            question=question,
            choices=choices,
            show_results=show_results,
            opened_seq=locked.last_seq + 1,
        )
        return Change(
            "poll.opened",
            {
                "poll": poll.pk,
                "question": question,
                "choices": choices,
                "show_results": show_results,
            },
        )

    return _record(session_id=session.pk, actor=facilitator, client_id=client_id, action=action)


def poll_vote(*, session: Session, voter, poll_id: int, choice: int, client_id: str) -> Recorded:
    """Record or change someone's choice in an open poll. Everyone sees how many have voted,
    and the counts too when the poll shows its results live (never who voted for what)."""

    def action(locked: Session):
        _require_live(locked)
        poll = Poll.objects.filter(session=locked, pk=poll_id).first()
        if poll is None:
            raise RoomActionError(BAD_REQUEST, _("There is no such poll in this session."))
        if not poll.is_open:
            raise RoomActionError(BAD_REQUEST, _("This poll has closed."))
        if not 0 <= choice < len(poll.choices):
            raise RoomActionError(BAD_REQUEST, _("That is not one of the choices."))
        PollVote.objects.update_or_create(poll=poll, user=voter, defaults={"choice": choice})
        counts = _tally(poll)
        if not poll.results_visible:
            # The log is replayed to everyone: counts hidden now must not be in it.
            return Change("poll.tally", {"poll": poll.pk, "total": sum(counts)})
        return Change("poll.tally", {"poll": poll.pk, "counts": counts, "total": sum(counts)})

    return _record(session_id=session.pk, actor=voter, client_id=client_id, action=action)


def poll_close(
    *, session: Session, facilitator, poll_id: int, client_id: str | None = None
) -> Recorded:
    """Close a poll; its final tally is recorded."""

    def action(locked: Session):
        _require_live(locked)
        poll = Poll.objects.filter(session=locked, pk=poll_id).first()
        if poll is None:
            raise RoomActionError(BAD_REQUEST, _("There is no such poll in this session."))
        if not poll.is_open:
            raise RoomActionError(BAD_REQUEST, _("This poll has already closed."))
        poll.is_open = False
        poll.closed_seq = locked.last_seq + 1
        poll.save(update_fields=["is_open", "closed_seq"])
        counts = _tally(poll)
        return Change(
            "poll.closed",
            {
                "poll": poll.pk,
                "question": poll.question,
                "choices": poll.choices,
                "counts": counts,
                "total": sum(counts),
            },
        )

    return _record(session_id=session.pk, actor=facilitator, client_id=client_id, action=action)


# --- Muting ------------------------------------------------------------------------------------


def participant_set_muted(
    *, session: Session, facilitator, user_id: int, muted: bool, client_id: str | None = None
) -> Recorded:
    """Mute or unmute someone: while muted they cannot contribute or raise a hand (they can still
    read and vote)."""

    def action(locked: Session):
        _require_live(locked)
        user = _member_of(locked, user_id)
        participant = _participant(locked, user)
        if participant.muted == muted:
            already = _("already muted") if muted else _("not muted")
            raise RoomActionError(BAD_REQUEST, _("That person is %s.") % already)
        participant.muted = muted
        fields = ["muted"]
        if muted:
            participant.hand_raised_at = None
            fields.append("hand_raised_at")
        participant.save(update_fields=fields)
        return Change(
            "participant.muted" if muted else "participant.unmuted", {"user": _person(user)}
        )

    return _record(session_id=session.pk, actor=facilitator, client_id=client_id, action=action)


# --- Taking part ------------------------------------------------------------------------------


def participation_record(*, session: Session, user) -> None:
    """Record that this person came into the room (one row per person per session, made on
    their first connection; later ones find it). Who is present *now* is not recorded here
    nor in the log: it is ephemeral state that expires (`presence.py`).

    One statement in autocommit (every join makes it, on the process's one database thread):
    `bulk_create` would wrap the same INSERT in BEGIN and COMMIT, two round trips more."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {SessionParticipant._meta.db_table} "  # noqa: S608 - the model's table
            "(session_id, user_id, muted, hand_raised_at) VALUES (%s, %s, %s, NULL) "
            "ON CONFLICT (session_id, user_id) DO NOTHING",
            [session.pk, user.pk, False],
        )


# --- Rate limit --------------------------------------------------------------------------------


def room_message_allowed(*, user_id: int, now: float | None = None) -> bool:
    """Count one message from this person and say whether it is within the limit
    (RATE_LIMIT_MESSAGES per RATE_LIMIT_WINDOW_SECONDS, across every connection and server
    process: the counters live in the shared cache). A sliding window, estimated from this
    window's count and the previous one's weighted by how much of it still overlaps."""
    now = time.time() if now is None else now
    window = int(now // RATE_LIMIT_WINDOW_SECONDS)
    elapsed = (now % RATE_LIMIT_WINDOW_SECONDS) / RATE_LIMIT_WINDOW_SECONDS
    key, previous_key = f"room-rate:{user_id}:{window}", f"room-rate:{user_id}:{window - 1}"
    lasts = RATE_LIMIT_WINDOW_SECONDS * 2 + 1
    counting = getattr(cache, "incr_counting_previous", None)
    if counting is not None:
        # Redis (coproduce/cache.py): one round trip.
        current, previous = counting(key, previous_key, lasts)
    else:
        try:
            current = cache.incr(key)
        except ValueError:
            # The window's first message (or a race with another connection's first).
            current = 1 if cache.add(key, 1, timeout=lasts) else cache.incr(key)
        previous = cache.get(previous_key, 0)
    return previous * (1 - elapsed) + current <= RATE_LIMIT_MESSAGES


# --- Before and after a session ----------------------------------------------------------------


def session_attendance_save(
    *,
    session: Session,
    user,
    attending: bool,
    shared_needs: Iterable[str] = (),
) -> SessionAttendance:
    """Record whether someone is coming and which needs from their involvement passport they
    share with this session's facilitators. Only needs their passport records can be shared;
    with no passport, nothing is."""
    passport = passport_selectors.passport_for(user=user)
    recorded = {need.key for need in passport.needs} if passport is not None else set()
    wanted = set(shared_needs)
    shared = [need.key for need in NEEDS if need.key in wanted and need.key in recorded]
    # "Contact me before the session in my format", for audio and BSL video only.
    if CONTACT_IN_FORMAT in wanted and contact_in_format(passport):
        shared.append(CONTACT_IN_FORMAT)
    attendance, _created = SessionAttendance.objects.update_or_create(
        session=session,
        user=user,
        defaults={"attending": attending, "shared_needs": shared},
    )
    return attendance


def session_summary_save(*, session: Session, summary: str, agreed_actions: str) -> Session:
    """Store the facilitator's summary and the agreed actions shown on the transcript."""
    Session.objects.filter(pk=session.pk).update(
        summary=summary.strip(), agreed_actions=agreed_actions.strip()
    )
    session.refresh_from_db(fields=["summary", "agreed_actions"])
    return session


# --- Places, the waiting list, calendar files and reminders --------------------------------------


def _session_url(session: Session) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + session.get_absolute_url()


def _calendar_attachment(session: Session, *, method: str = "REQUEST") -> Attachment:
    return Attachment(
        filename=calendar_filename(session),
        content=session_calendar(
            session, with_link=True, method=method, page_url=_session_url(session)
        ).decode(),
        mimetype=CALENDAR_MIMETYPE,
    )


def _email_place(
    *,
    session: Session,
    attendance: SessionAttendance,
    template: str,
    subject: str,
    dedupe_key: str | None = None,
    method: str = "REQUEST",
) -> None:
    with_file = attendance.place == SessionAttendance.Place.CONFIRMED or method == "CANCEL"
    send_email(
        kind=Kind.SESSIONS,
        to=attendance.user.email,
        user=attendance.user,
        subject=subject,
        body=render_to_string(
            template,
            {
                "session": session,
                "attendance": attendance,
                "show_link": with_file and method != "CANCEL",
                "url": _session_url(session),
                "london_time": timezone.localtime(session.scheduled_at, LONDON),
            },
        ),
        attachments=[_calendar_attachment(session, method=method)] if with_file else [],
        dedupe_key=dedupe_key,
    )


def _has_room(session: Session) -> bool:
    if session.capacity is None:
        return True
    taken = SessionAttendance.objects.filter(
        session=session, place=SessionAttendance.Place.CONFIRMED
    ).count()
    return taken < session.capacity


def _fill_places(session: Session) -> list[SessionAttendance]:
    """Give freed places to the waiting list, first come first served, and tell each person.
    The caller holds the lock on the session row."""
    promoted = []
    while _has_room(session):
        first = (
            SessionAttendance.objects.select_related("user")
            .filter(session=session, place=SessionAttendance.Place.WAITING)
            .order_by("waiting_since", "pk")
            .first()
        )
        if first is None:
            break
        first.place = SessionAttendance.Place.CONFIRMED
        first.waiting_since = None
        first.save(update_fields=["place", "waiting_since", "updated_at"])
        _email_place(
            session=session,
            attendance=first,
            template="deliberation/email/place_freed.txt",
            subject=_("A place has come up for you: %(title)s") % {"title": session.title},
        )
        promoted.append(first)
    return promoted


@transaction.atomic
def session_registration_sync(*, session: Session, user) -> SessionAttendance | None:
    """Turn a person's "are you coming?" answer into a place: with no capacity, everyone
    coming has one; with a capacity, a place while there is one and the waiting list after.
    Someone who stops coming frees their place for the first person waiting, who is told.

    Concurrency: the session row is locked (select_for_update) for the whole change, so two
    people taking the last place at once get one place and one waiting-list spot."""
    locked = Session.objects.select_for_update().select_related("group").get(pk=session.pk)
    attendance = (
        SessionAttendance.objects.select_related("user").filter(session=locked, user=user).first()
    )
    if attendance is None:
        return None
    before = attendance.place
    Place = SessionAttendance.Place
    if attendance.attending and not locked.cancelled and not locked.has_ended:
        if before in (Place.CONFIRMED, Place.WAITING):
            place = before
        else:
            place = Place.CONFIRMED if _has_room(locked) else Place.WAITING
    else:
        place = Place.NONE
    if place != before:
        attendance.place = place
        attendance.waiting_since = timezone.now() if place == Place.WAITING else None
        attendance.save(update_fields=["place", "waiting_since", "updated_at"])
        if place == Place.CONFIRMED:
            _email_place(
                session=locked,
                attendance=attendance,
                template="deliberation/email/registered.txt",
                subject=_("Your place at %(title)s") % {"title": locked.title},
            )
        elif place == Place.WAITING:
            _email_place(
                session=locked,
                attendance=attendance,
                template="deliberation/email/waiting.txt",
                subject=_("You are on the waiting list for %(title)s") % {"title": locked.title},
            )
    if before == Place.CONFIRMED and place != Place.CONFIRMED:
        _fill_places(locked)
    return attendance


@transaction.atomic
def session_details_changed(*, session_id: int, changed: set[str]) -> int:
    """The session's time, place, link or status changed (saved in the admin): raise the
    calendar SEQUENCE and send everyone with a place the updated entry (or the cancellation),
    with the same UID. A raised capacity gives places to the waiting list. Returns how many
    people were told."""
    locked = Session.objects.select_for_update().select_related("group").get(pk=session_id)
    _fill_places(locked)
    if not changed & set(Session.CALENDAR_FIELDS):
        return 0
    Session.objects.filter(pk=locked.pk).update(calendar_sequence=F("calendar_sequence") + 1)
    locked.refresh_from_db(fields=["calendar_sequence"])
    cancelling = locked.cancelled
    told = 0
    people = SessionAttendance.objects.select_related("user").filter(
        session=locked, place=SessionAttendance.Place.CONFIRMED
    )
    for attendance in people:
        _email_place(
            session=locked,
            attendance=attendance,
            template="deliberation/email/cancelled.txt"
            if cancelling
            else "deliberation/email/changed.txt",
            subject=(_("Cancelled: %(title)s") if cancelling else _("Changed: %(title)s"))
            % {"title": locked.title},
            method="CANCEL" if cancelling else "REQUEST",
            dedupe_key=f"session-change:{locked.pk}:{locked.calendar_sequence}:{attendance.user_id}",
        )
        told += 1
    return told


REMINDER_WINDOWS = (("hour", timedelta(hours=1)), ("day", timedelta(hours=24)))


def session_reminders_queue(*, now=None) -> int:
    """Queue the reminders now due: a day before and an hour before each session, to each
    person with a place. Each reminder is one OutgoingEmail row with a unique key (kind,
    session, its start time, person), so however often this runs, or the worker retries, it is
    sent once. A session moved to a new time gets new reminders. People whose passport asks for
    Easy Read get the Easy Read wording; people who asked for audio or BSL video are told who
    will contact them in it. Returns how many were queued."""
    now = now or timezone.now()
    queued = 0
    sessions = Session.objects.select_related("group").filter(
        status=Session.Status.SCHEDULED,
        cancelled=False,
        scheduled_at__gt=now,
        scheduled_at__lte=now + timedelta(hours=24),
    )
    for session in sessions:
        which = "hour" if session.scheduled_at - now <= timedelta(hours=1) else "day"
        people = list(
            SessionAttendance.objects.select_related("user").filter(
                session=session, place=SessionAttendance.Place.CONFIRMED
            )
        )
        passports = passport_selectors.passports_by_user(user_ids=[a.user_id for a in people])
        for attendance in people:
            # In the format the person chose in their passport: Easy Read has its own words
            # (short sentences, one idea a line); large print is added to every email when
            # it is sent (coproduce.notifications.services.email_message); audio and BSL video
            # are not made here, so the email says who will contact them in their format.
            passport = passports.get(attendance.user_id)
            easy_read = passport is not None and passport.contact_format == "easy_read"
            person_makes = contact_in_format(passport)
            with transaction.atomic():
                email = send_email(
                    kind=Kind.REMINDERS,
                    to=attendance.user.email,
                    user=attendance.user,
                    subject=(
                        _("In an hour: %(title)s") if which == "hour" else _("Tomorrow: %(title)s")
                    )
                    % {"title": session.title},
                    body=render_to_string(
                        "deliberation/email/reminder_easy_read.txt"
                        if easy_read
                        else "deliberation/email/reminder.txt",
                        {
                            "session": session,
                            "which": which,
                            "show_link": True,
                            "url": _session_url(session),
                            "london_time": timezone.localtime(session.scheduled_at, LONDON),
                            "person_makes": person_makes,
                            "contact_format": passport.contact_format if person_makes else "",
                            "contact_method": passport.contact_method if person_makes else "",
                            "contact_shared": person_makes
                            and CONTACT_IN_FORMAT in attendance.shared_needs,
                        },
                    ),
                    dedupe_key=(
                        f"reminder:{which}:{session.pk}:"
                        f"{int(session.scheduled_at.timestamp())}:{attendance.user_id}"
                    ),
                )
            queued += email is not None
    return queued
