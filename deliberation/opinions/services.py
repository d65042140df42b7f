"""Write paths for statements and votes, in a live room and from a Pol.is export.

In a room every change is an event in the session's log, appended by the room's own `_record`
(deliberation/services.py: the session lock, `client_id` idempotency, broadcast after commit),
so statements and votes get the same guarantees as contributions and polls. After a vote the
analysis is recomputed at most once every OPINIONS_REFRESH_SECONDS per activity, on a timer
thread (never on the event loop), and its summary appended as an `opinions.updated` event.
"""

import logging
import math
import multiprocessing
import re
import threading
import unicodedata
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation.models import AgendaItem, Session, SessionParticipant
from deliberation.protocol import BAD_REQUEST, FORBIDDEN, MUTED, TOO_LONG

# The room's write path: one lock, one log. Statement services are the room's own services,
# kept in this package only so the feature lives in one folder.
from deliberation.services import (  # noqa: I001
    Change,
    Recorded,
    RoomActionError,
    _record,
    _require_live,
)

from . import selectors
from .analysis import Analysis, VoteMatrix, analyse
from .models import (
    STATEMENT_MAX_LENGTH,
    Statement,
    StatementActivity,
    StatementVote,
    StatementVoter,
)
from .polis import MODERATED_OUT, PolisExport

logger = logging.getLogger(__name__)

# Control characters (except none: line breaks become spaces) and runs of white space.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_SPACE = re.compile(r"\s+")


def statement_text_clean(text: str) -> str:
    """A statement as typed, tidied: Unicode NFC, control and direction-override characters
    removed, white space collapsed. Raises RoomActionError when it is empty or too long.
    (Escaped on output like every other text.)"""
    if not isinstance(text, str):
        raise RoomActionError(BAD_REQUEST, _("A statement must be text."))
    cleaned = _SPACE.sub(" ", _CONTROL.sub(" ", unicodedata.normalize("NFC", text))).strip()
    if not cleaned:
        raise RoomActionError(BAD_REQUEST, _("The statement is empty."))
    if len(cleaned) > STATEMENT_MAX_LENGTH:
        raise RoomActionError(
            TOO_LONG, _("A statement can be up to %d characters.") % STATEMENT_MAX_LENGTH
        )
    return cleaned


def statement_activity_for_item(*, item: AgendaItem) -> StatementActivity:
    """The statements activity of an agenda item, made on first use."""
    activity, _created = StatementActivity.objects.get_or_create(
        agenda_item=item, defaults={"title": item.title[:200]}
    )
    return activity


def statement_activity_set_approval(*, activity: StatementActivity, required: bool) -> None:
    """Whether new statements wait for a facilitator's approval (those already added stay as
    they are)."""
    StatementActivity.objects.filter(pk=activity.pk).update(requires_approval=required)
    activity.requires_approval = required


def _voter(activity: StatementActivity, user) -> StatementVoter:
    voter, _created = StatementVoter.objects.get_or_create(activity=activity, user=user)
    return voter


def _statement_in(session: Session, statement_id: int) -> Statement:
    statement = (
        Statement.objects.select_related("activity")
        .filter(pk=statement_id, activity__agenda_item__session=session)
        .first()
    )
    if statement is None:
        raise RoomActionError(BAD_REQUEST, _("There is no such statement in this session."))
    return statement


def _statement_payload(statement: Statement) -> dict:
    shown = statement.status == Statement.Status.APPROVED
    return {
        "statement": statement.pk,
        "activity": statement.activity_id,
        "item": statement.activity.agenda_item_id,
        "status": statement.status,
        # A statement waiting for approval (or moderated out) is not shown to the room.
        "text": statement.text if shown else "",
    }


# --- In a live room -------------------------------------------------------------------------


def statement_create(*, session: Session, author, text: str, client_id: str | None) -> Recorded:
    """Add a statement to the current agenda item's activity. If the activity needs approval it
    waits for a facilitator; otherwise everyone can vote on it at once."""
    text = statement_text_clean(text)

    def action(locked: Session):
        _require_live(locked)
        if SessionParticipant.objects.filter(session=locked, user=author, muted=True).exists():
            raise RoomActionError(MUTED, _("The facilitator has muted you for now."))
        if locked.current_item_id is None:
            raise RoomActionError(BAD_REQUEST, _("There is no agenda item to add it to."))
        activity = statement_activity_for_item(item=locked.current_item)
        statement = Statement.objects.create(
            activity=activity,
            text=text,
            author=author,
            status=(
                Statement.Status.PENDING
                if activity.requires_approval
                else Statement.Status.APPROVED
            ),
        )
        return Change("statement.created", _statement_payload(statement))

    return _record(session_id=session.pk, actor=author, client_id=client_id, action=action)


def statement_vote(
    *, session: Session, voter, statement_id: int, vote: int, client_id: str | None
) -> Recorded:
    """Record someone's agree (1), disagree (-1) or pass (0); voting again replaces the vote.
    The room learns that a vote was cast and how many people have voted, never who voted how."""
    if vote not in (1, -1, 0):
        raise RoomActionError(BAD_REQUEST, _("A vote is 1 (agree), -1 (disagree) or 0 (pass)."))

    def action(locked: Session):
        _require_live(locked)
        statement = _statement_in(locked, statement_id)
        if statement.status != Statement.Status.APPROVED:
            raise RoomActionError(BAD_REQUEST, _("That statement is not open for votes."))
        StatementVote.objects.update_or_create(
            statement=statement,
            voter=_voter(statement.activity, voter),
            defaults={"vote": vote, "voted_at": timezone.now()},
        )
        transaction.on_commit(
            lambda: opinions_refresh_soon(session_id=locked.pk, activity_id=statement.activity_id)
        )
        return Change(
            "statement.voted",
            {
                "statement": statement.pk,
                "activity": statement.activity_id,
                "voters": selectors.people_count(
                    StatementVoter.objects.filter(activity=statement.activity_id).count()
                ),
            },
        )

    return _record(session_id=session.pk, actor=voter, client_id=client_id, action=action)


def statement_moderate(
    *, session: Session, facilitator, statement_id: int, approve: bool
) -> Recorded:
    """Approve a statement (everyone may vote on it) or moderate it out (left out of the
    analysis and the voting; its votes are kept)."""

    def action(locked: Session):
        if locked.status == Session.Status.SCHEDULED:
            raise RoomActionError(FORBIDDEN, _("This session has not started yet."))
        statement = _statement_in(locked, statement_id)
        status = Statement.Status.APPROVED if approve else Statement.Status.REJECTED
        if statement.status == status:
            return None
        statement.status = status
        statement.save(update_fields=["status"])
        transaction.on_commit(
            lambda: opinions_refresh_soon(session_id=locked.pk, activity_id=statement.activity_id)
        )
        return Change("statement.moderated", _statement_payload(statement))

    return _record(session_id=session.pk, actor=facilitator, client_id=None, action=action)


def opinions_publish(*, session_id: int, activity_id: int) -> Recorded | None:
    """Run the analysis for one activity and append its summary to the room's log as
    `opinions.updated`. The analysis runs before the session lock is taken, so it never holds
    up other events; the group labels it chose are kept for the next run."""
    activity = StatementActivity.objects.filter(pk=activity_id).first()
    if activity is None:
        return None
    analysis = opinions_analyse(
        matrix=selectors.activity_vote_matrix(activity=activity),
        previous=selectors.previous_groups(activity=activity),
    )
    StatementActivity.objects.filter(pk=activity_id).update(
        last_groups={str(p): label for p, label in analysis.assignment.items()}
    )
    payload = selectors.opinions_summary(activity=activity, analysis=analysis)

    def action(locked: Session):
        if locked.status != Session.Status.LIVE:
            return None
        return Change("opinions.updated", payload)

    return _record(session_id=session_id, actor=None, client_id=None, action=action)


_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()


def _analysis_pool() -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            # "spawn": a fresh interpreter that imports only the pure analysis, never a copy of
            # a server process with its event loop, threads and database connections.
            _pool = ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn")
            )
        return _pool


def opinions_analyse(*, matrix: VoteMatrix, previous: dict) -> Analysis:
    """Run the analysis; with OPINIONS_ANALYSE_IN_PROCESS (the default) in a worker process of
    its own, so a large analysis holds neither the server's event loop nor its interpreter
    lock (measured in docs/benchmarks.md: in a thread, a 1,000 × 300 analysis every second
    raised the room's p95 from 79 ms to 3 s)."""
    if getattr(settings, "OPINIONS_ANALYSE_IN_PROCESS", True):
        return _analysis_pool().submit(analyse, matrix, previous=previous).result(timeout=120)
    return analyse(matrix, previous=previous)


def opinions_refresh_soon(*, session_id: int, activity_id: int) -> bool:
    """Ask for the analysis to be recomputed: the first request in each window of
    OPINIONS_REFRESH_SECONDS (across every server process, through the cache) starts a timer
    thread that runs it at the end of the window, so it includes every vote cast meanwhile.
    Returns whether this call started one. With the setting at 0 (tests) it runs now."""
    delay = getattr(settings, "OPINIONS_REFRESH_SECONDS", 3)
    if delay <= 0:
        opinions_publish(session_id=session_id, activity_id=activity_id)
        return True
    # Whole seconds: Redis keeps a key for at least one second (a fraction would be 0: gone).
    if not cache.add(f"opinions:refresh:{activity_id}", 1, timeout=max(1, math.ceil(delay))):
        return False
    timer = threading.Timer(delay, _publish_in_thread, kwargs={"s": session_id, "a": activity_id})
    timer.daemon = True
    timer.start()
    return True


def _publish_in_thread(*, s: int, a: int) -> None:
    close_old_connections()
    try:
        opinions_publish(session_id=s, activity_id=a)
    except Exception:
        logger.exception("Opinion analysis for activity %s failed", a)
    finally:
        close_old_connections()


# --- Pol.is exports -------------------------------------------------------------------------


# --- Outside a room (a consultation's statements question) -----------------------------------


class StatementError(ValueError):
    """A statement or vote that cannot be taken outside a room; `message` says why."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def activity_voter(*, activity: StatementActivity, user=None, respondent_key: str = ""):
    """The voter for a person outside a room: by account, else by the caller's opaque key."""
    if user is not None:
        return _voter(activity, user)
    if not respondent_key:
        raise ValueError("A voter needs a user or a respondent key.")
    voter, _created = StatementVoter.objects.get_or_create(
        activity=activity, respondent_key=respondent_key[:80]
    )
    return voter


def activity_statement_add(*, activity: StatementActivity, author, text: str) -> Statement:
    """Add a statement to an activity outside a room (`author` a user, or None for someone
    without an account). Waits for a moderator when the activity needs approval. Raises
    StatementError for an empty or too long statement."""
    try:
        cleaned = statement_text_clean(text)
    except RoomActionError as error:
        raise StatementError(error.message) from None
    return Statement.objects.create(
        activity=activity,
        text=cleaned,
        author=author,
        status=(
            Statement.Status.PENDING if activity.requires_approval else Statement.Status.APPROVED
        ),
    )


def activity_vote(
    *, activity: StatementActivity, voter: StatementVoter, statement_id: int, vote: int
) -> StatementVote:
    """Agree (1), disagree (-1) or pass (0) on an approved statement of this activity, outside a
    room; voting again replaces the vote. Raises StatementError otherwise."""
    if vote not in (1, -1, 0):
        raise StatementError(_("A vote is agree, disagree or pass."))
    if voter.activity_id != activity.pk:
        raise ValueError("The voter belongs to another activity.")
    statement = Statement.objects.filter(pk=statement_id, activity=activity).first()
    if statement is None:
        raise StatementError(_("There is no such statement here."))
    if statement.status != Statement.Status.APPROVED:
        raise StatementError(_("That statement is not open for votes."))
    recorded, _created = StatementVote.objects.update_or_create(
        statement=statement, voter=voter, defaults={"vote": vote, "voted_at": timezone.now()}
    )
    return recorded


def activity_statement_moderate(
    *, activity: StatementActivity, statement_id: int, approve: bool
) -> Statement:
    """Approve a statement or moderate it out, outside a room (its votes are kept)."""
    statement = Statement.objects.filter(pk=statement_id, activity=activity).first()
    if statement is None:
        raise StatementError(_("There is no such statement here."))
    statement.status = Statement.Status.APPROVED if approve else Statement.Status.REJECTED
    statement.save(update_fields=["status"])
    return statement


def polis_import(
    *, export: PolisExport, title: str, source: str = "", agenda_item: AgendaItem | None = None
) -> StatementActivity:
    """Store a Pol.is export as a statements activity, keeping Pol.is's comment and participant
    ids. Comments moderated out in Pol.is are stored moderated out; texts longer than a typed
    statement may be are kept whole (they were written in Pol.is, not typed here)."""
    with transaction.atomic():
        activity = StatementActivity.objects.create(
            title=title[:200], source=source[:200], agenda_item=agenda_item
        )
        statements = Statement.objects.bulk_create(
            Statement(
                activity=activity,
                text=_imported_text(comment.text) or f"(Pol.is comment {comment.id})",
                status=(
                    Statement.Status.REJECTED
                    if comment.moderated == MODERATED_OUT
                    else Statement.Status.APPROVED
                ),
                polis_comment_id=comment.id,
                polis_author_id=comment.author,
            )
            for comment in export.comments
        )
        by_comment = {s.polis_comment_id: s.pk for s in statements}
        participants = sorted({v.voter for v in export.votes})
        voters = StatementVoter.objects.bulk_create(
            StatementVoter(activity=activity, polis_participant_id=p) for p in participants
        )
        by_participant = {v.polis_participant_id: v.pk for v in voters}
        StatementVote.objects.bulk_create(
            (
                StatementVote(
                    statement_id=by_comment[v.comment],
                    voter_id=by_participant[v.voter],
                    vote=v.vote,
                    voted_at=datetime.fromtimestamp(v.timestamp / 1000, tz=UTC),
                )
                for v in export.votes
                if v.comment in by_comment
            ),
            batch_size=5000,
        )
    return activity


def _imported_text(text: str) -> str:
    # Kept exactly as Pol.is held it (line breaks too), so an export reads back the same;
    # PostgreSQL cannot store NUL, the one character dropped.
    return text.replace("\x00", "")
