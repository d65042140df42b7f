"""Read paths for groups, sessions, rooms and transcripts. Each runs a fixed number of queries,
whatever the size of the log."""

import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from coproduce.passport import selectors as passport_selectors
from coproduce.passport.models import NEEDS, ContactFormat, ContactMethod

from . import presence
from .models import (
    CONTACT_IN_FORMAT,
    AgendaItem,
    CoproductionGroup,
    Poll,
    PollVote,
    RoomEvent,
    Session,
    SessionAttendance,
    SessionParticipant,
    contact_in_format,
)
from .predicates import group_roles, remember_group_roles, with_group_roles
from .protocol import PROTOCOL_VERSION
from .serializers import event_message


def session_get(*, pk: int) -> Session | None:
    """A session with its group, or None."""
    return Session.objects.select_related("group").filter(pk=pk).first()


def session_for_room(*, pk: int, user) -> Session | None:
    """A session with its group, or None, and who `user` is to the group, in one query: the
    rules then know the person's roles without asking (a join to a room is two round trips
    to PostgreSQL, not three; `tests/deliberation/test_append_cost.py`)."""
    session = with_group_roles(Session.objects.select_related("group"), user).filter(pk=pk).first()
    if session is not None:
        remember_group_roles(user, session)
    return session


def _removed_targets(session_id: int) -> set[int]:
    return set(
        RoomEvent.objects.filter(session_id=session_id, type="contribution.removed").values_list(
            "payload__target", flat=True
        )
    )


def room_events_since(*, session_id: int, since: int, until: int | None = None) -> list[dict]:
    """The log after `since` (up to and including `until`), as wire messages in seq order."""
    events = RoomEvent.objects.filter(session_id=session_id, seq__gt=since).select_related("actor")
    if until is not None:
        events = events.filter(seq__lte=until)
    events = list(events.order_by("seq"))
    removed = _removed_targets(session_id) if events else set()
    return [event_message(event, removed=event.seq in removed) for event in events]


def _polls(session: Session) -> list[dict]:
    polls = list(Poll.objects.filter(session=session).order_by("opened_seq"))
    counts: dict[tuple[int, int], int] = {
        (row["poll_id"], row["choice"]): row["n"]
        for row in PollVote.objects.filter(poll__session=session)
        .values("poll_id", "choice")
        .annotate(n=Count("pk"))
    }
    result = []
    for poll in polls:
        tally = [counts.get((poll.pk, index), 0) for index in range(len(poll.choices))]
        visible = poll.results_visible
        result.append(
            {
                "id": poll.pk,
                "question": poll.question,
                "choices": poll.choices,
                # Hidden until the poll closes unless the facilitator chose to show them live.
                "counts": tally if visible else None,
                "total": sum(tally),
                "open": poll.is_open,
                "show_results": poll.show_results,
                "rows": list(zip(poll.choices, tally, strict=True)) if visible else [],
            }
        )
    return result


def room_role(*, session: Session, user) -> str:
    """'facilitator', 'member' or 'observer', for showing the right controls (the same answer
    the room's rules had, without asking the database again: `predicates.group_roles`)."""
    facilitator, member = group_roles(user, session.group)
    if facilitator:
        return "facilitator"
    if member:
        return "member"
    return "observer"


# The part of the welcome that is the same for everyone in a room at a given seq (agenda, hand
# queue, who is muted, polls), kept for a moment per server process: a crowd joining at once
# (a reconnect storm) reads it from the database once per event, not once per person. Keyed by
# the seq, so any logged event makes a new one; STATE_REUSE_SECONDS bounds how long an edit made
# outside the room (an agenda item's title in the admin) can take to reach a new joiner.
STATE_REUSE_SECONDS = 2.0
_shared_states: dict[int, tuple[int, float, dict]] = {}
_shared_states_lock = threading.Lock()


def _shared_state(session: Session, last_seq: int) -> dict:
    now = time.monotonic()
    with _shared_states_lock:
        kept = _shared_states.get(session.pk)
    if kept is not None and kept[0] == last_seq and now - kept[1] < STATE_REUSE_SECONDS:
        return kept[2]
    participants = list(
        SessionParticipant.objects.filter(session=session)
        .filter(Q(muted=True) | Q(hand_raised_at__isnull=False))
        .select_related("user")
    )
    agenda = list(AgendaItem.objects.filter(session=session).order_by("sort_order", "pk"))
    state = {
        "agenda": [
            {
                "id": item.pk,
                "title": item.title,
                "easy_read_title": item.easy_read_title,
                "time_box_minutes": item.time_box_minutes,
            }
            for item in agenda
        ],
        "hands": [
            {
                "id": p.user_id,
                "name": p.user.public_name,
                "at": p.hand_raised_at.isoformat(timespec="seconds"),
            }
            for p in sorted(
                (p for p in participants if p.hand_raised_at), key=lambda p: p.hand_raised_at
            )
        ],
        "muted": [p.user_id for p in participants if p.muted],
        "polls": _polls(session),
    }
    with _shared_states_lock:
        if len(_shared_states) > 256:
            _shared_states.clear()
        _shared_states[session.pk] = (last_seq, now, state)
    return state


def forget_shared_state(session_id: int) -> None:
    """Do not use the kept state again (something of the room changed in this process)."""
    with _shared_states_lock:
        _shared_states.pop(session_id, None)


def room_state(*, session: Session, user, just_read: bool = False) -> dict:
    """The `welcome` message: who you are, the last seq, and the room's state now (agenda,
    who is here, the hand queue, polls, who is muted). `just_read`: `session` (with its group)
    was read from the database just now, before anything else of the room, so it is not read
    again."""
    # Read the seq first (with the session's row): state read afterwards is at least as new,
    # and the client applies any event it receives again (by seq) idempotently.
    if not just_read:
        session = Session.objects.select_related("group").get(pk=session.pk)
    last_seq = session.last_seq
    shared = _shared_state(session, last_seq)
    return {
        "type": "welcome",
        "protocol": PROTOCOL_VERSION,
        "session": {
            "id": session.pk,
            "title": session.title,
            "status": session.status,
            "group": session.group.name,
        },
        "you": {
            "id": user.pk,
            "name": user.public_name,
            "role": room_role(session=session, user=user),
            "muted": user.pk in shared["muted"],
        },
        "last_seq": last_seq,
        "state": {
            "agenda": shared["agenda"],
            "current_item": session.current_item_id,
            # Ephemeral, not in the log: connections that have not expired (presence.py).
            "present": presence.present(session.pk),
            "hands": shared["hands"],
            "muted": shared["muted"],
            "polls": shared["polls"],
        },
    }


@dataclass
class RoomPage:
    """What the room page renders on the server (and what works without JavaScript)."""

    session: Session
    agenda: list[AgendaItem]
    contributions: list[dict]
    polls: list[dict]
    hands: list[SessionParticipant]
    present: list[dict]
    last_seq: int
    role: str
    muted: bool = False
    members: list = field(default_factory=list)


def room_page(*, session: Session, user) -> RoomPage:
    """The room as it stands: agenda, transcript so far, polls, hand queue, who is here."""
    last_seq = Session.objects.values_list("last_seq", flat=True).get(pk=session.pk)
    agenda = list(AgendaItem.objects.filter(session=session).order_by("sort_order", "pk"))
    contributions = [
        message
        for message in room_events_since(session_id=session.pk, since=0, until=last_seq)
        if message["type"] == "contribution.created"
    ]
    participants = list(
        SessionParticipant.objects.filter(session=session).select_related("user").order_by("pk")
    )
    role = room_role(session=session, user=user)
    me = next((p for p in participants if p.user_id == user.pk), None)
    members = []
    if role == "facilitator":
        members = list(session.group.members.order_by("display_name", "pk"))
    return RoomPage(
        session=session,
        agenda=agenda,
        contributions=contributions,
        polls=_polls(session),
        hands=sorted((p for p in participants if p.hand_raised_at), key=lambda p: p.hand_raised_at),
        present=presence.present(session.pk),
        last_seq=last_seq,
        role=role,
        muted=bool(me and me.muted),
        members=members,
    )


@dataclass
class TranscriptEntry:
    seq: int
    type: str
    at: str
    actor: str
    text: str = ""
    html: str = ""
    removed: bool = False
    detail: str = ""
    poll: dict | None = None


# Events that belong in a transcript; presence and hand traffic are noise in the record.
TRANSCRIPT_TYPES = (
    "session.started",
    "contribution.created",
    "agenda.moved",
    "poll.opened",
    "poll.closed",
    "session.ended",
)


def transcript_entries(*, session: Session) -> list[TranscriptEntry]:
    """The session's record from its log: what was said (removed contributions shown as
    removed, never their text), agenda moves, poll questions and final results."""
    events = list(
        RoomEvent.objects.filter(session=session, type__in=TRANSCRIPT_TYPES)
        .select_related("actor")
        .order_by("seq")
    )
    removed = {
        event.payload.get("target"): event.payload.get("reason", "")
        for event in RoomEvent.objects.filter(session=session, type="contribution.removed")
    }
    entries = []
    for event in events:
        message = event_message(event, removed=event.seq in removed)
        actor = message["actor"]["name"] if message["actor"] else ""
        entry = TranscriptEntry(seq=event.seq, type=event.type, at=message["at"], actor=actor)
        if event.type == "contribution.created":
            entry.text = message["text"]
            entry.html = message["html"]
            entry.removed = message["removed"]
            entry.detail = removed.get(event.seq, "")
        elif event.type in ("agenda.moved", "session.started"):
            item = message.get("item") or {}
            entry.detail = item.get("title", "")
        elif event.type in ("poll.opened", "poll.closed"):
            entry.poll = {
                "question": message.get("question", ""),
                "rows": list(
                    zip(message.get("choices", []), message.get("counts", []), strict=False)
                ),
                "total": message.get("total", 0),
            }
        entries.append(entry)
    return entries


def groups_for_listing() -> QuerySet[CoproductionGroup]:
    """Every co-production group with how many sessions it has."""
    return CoproductionGroup.objects.annotate(session_count=Count("sessions")).order_by("name")


def group_detail(*, slug: str) -> CoproductionGroup | None:
    """A group with its sessions (newest first) and, for the member list, its people."""
    return (
        CoproductionGroup.objects.filter(slug=slug)
        .prefetch_related(
            Prefetch("sessions", queryset=Session.objects.order_by("-scheduled_at")),
            "members",
            "facilitators",
        )
        .first()
    )


@dataclass(frozen=True)
class Preparation:
    """The facilitators' preparation list: who is coming, what each shared from their passport,
    and what needs arranging as counts and a to-do list."""

    rows: list  # (attendance, [descriptions of the needs they shared])
    todo: list[str]


def describe_contact(passport) -> str:
    """The sharing choice as the facilitators read it: the format and how to reach them."""
    return _("Contact me before the session in %(format)s (%(method)s)") % {
        "format": ContactFormat(passport.contact_format).label,
        "method": ContactMethod(passport.contact_method).label.lower(),
    }


def preparation_list(*, session: Session) -> Preparation:
    """Who said they are coming, with the needs they chose to share for this session read from
    their involvement passport (nothing else of it), and the to-do list those needs make."""
    attendances = list(
        SessionAttendance.objects.filter(session=session, attending=True)
        .select_related("user")
        .order_by("user__display_name", "user__pk")
    )
    passports = passport_selectors.passports_by_user(
        user_ids=[a.user_id for a in attendances if a.shared_needs]
    )
    rows = []
    counts: Counter = Counter()
    languages: Counter = Counter()
    to_contact = []
    for attendance in attendances:
        passport = passports.get(attendance.user_id)
        shared = set(attendance.shared_needs)
        needs = [
            n for n in NEEDS if passport is not None and n.key in shared and passport.has(n.key)
        ]
        described = [passport.describe(n.key) for n in needs]
        # Read through today's passport: a format changed back to standard drops off the list.
        if CONTACT_IN_FORMAT in shared and contact_in_format(passport):
            described.append(describe_contact(passport))
            to_contact.append(
                f"{attendance.user.public_name} "
                f"({ContactFormat(passport.contact_format).label}, "
                f"{ContactMethod(passport.contact_method).label.lower()})"
            )
        rows.append((attendance, described))
        for need in needs:
            if need.key == "interpreter":
                languages[passport.interpreter_language.strip()] += 1
            else:
                counts[need.key] += 1
    todo = []
    if to_contact:
        # Time-bound, so first: the product cannot make audio or BSL video messages.
        todo.append(
            ngettext(
                "Ring or contact %(count)d person before the session in their format: %(names)s",
                "Ring or contact %(count)d people before the session in their format: %(names)s",
                len(to_contact),
            )
            % {"count": len(to_contact), "names": "; ".join(to_contact)}
        )
    for need in NEEDS:
        if need.key == "interpreter":
            for language, count in sorted(languages.items()):
                todo.append(f"{need.todo(count)} ({language or _('language not given')})")
        elif counts[need.key]:
            todo.append(need.todo(counts[need.key]))
    return Preparation(rows=rows, todo=todo)


def session_full(*, session: Session) -> bool:
    """Whether every place is taken (never, with no capacity)."""
    if session.capacity is None:
        return False
    taken = SessionAttendance.objects.filter(session=session, place="confirmed").count()
    return taken >= session.capacity


def attendance_for(*, session: Session, user) -> SessionAttendance | None:
    """This person's answer to "are you coming?", if any."""
    return SessionAttendance.objects.filter(session=session, user=user).first()


def sessions_for(*, user, now=None) -> list[Session]:
    """The live and coming sessions of the groups this person belongs to or facilitates,
    soonest first, each with `attendance` (their answer to "are you coming?", or None) and
    `facilitating` (whether they facilitate its group)."""
    if not user.is_authenticated:
        return []
    sessions = list(
        Session.objects.filter(Q(group__members=user) | Q(group__facilitators=user))
        .exclude(status=Session.Status.ENDED)
        .select_related("group")
        .distinct()
        .order_by("scheduled_at", "pk")
    )
    answers = {
        attendance.session_id: attendance
        for attendance in SessionAttendance.objects.filter(user=user, session__in=sessions)
    }
    facilitated = set(
        CoproductionGroup.objects.filter(facilitators=user).values_list("pk", flat=True)
    )
    for session in sessions:
        session.attendance = answers.get(session.pk)
        session.facilitating = session.group_id in facilitated
    return sessions


def groups_of(*, user) -> QuerySet[CoproductionGroup]:
    """The co-production groups this person belongs to or facilitates, by name."""
    if not user.is_authenticated:
        return CoproductionGroup.objects.none()
    return (
        CoproductionGroup.objects.filter(Q(members=user) | Q(facilitators=user))
        .distinct()
        .order_by("name")
    )


# --- Who took part, for involvement payment claims ----------------------------------------------
# The room records everyone who came in (`SessionParticipant`, made on their first connection).
# Observers come in too, so "took part" here means came in *and* is a member of the session's
# group. People who never joined have no row. A session counts once it has gone live (a
# cancelled one never does).

ATTENDED_STATUSES = (Session.Status.LIVE, Session.Status.ENDED)


def sessions_taken_part_in(*, user) -> QuerySet[Session]:
    """The sessions this person took part in as a member of the group, newest first."""
    if not user.is_authenticated:
        return Session.objects.none()
    return (
        Session.objects.filter(
            status__in=ATTENDED_STATUSES,
            cancelled=False,
            participants__user=user,
            group__members=user,
        )
        .select_related("group")
        .distinct()
        .order_by("-scheduled_at", "-pk")
    )


def took_part(*, session: Session, user) -> bool:
    """Whether the room's record shows this person took part in this session as a member."""
    return sessions_taken_part_in(user=user).filter(pk=session.pk).exists()


def participants_who_took_part(*, session: Session) -> QuerySet[SessionParticipant]:
    """Who took part in this session as members of its group (not observers), by name."""
    if session.status not in ATTENDED_STATUSES or session.cancelled:
        return SessionParticipant.objects.none()
    return (
        SessionParticipant.objects.filter(
            session=session, user__coproduction_groups=session.group_id
        )
        .select_related("user")
        .order_by("user__display_name", "user_id")
    )


def attended_sessions_of_groups_facilitated(*, user) -> QuerySet[Session]:
    """Sessions that have gone live in the groups this person facilitates, newest first."""
    if not user.is_authenticated:
        return Session.objects.none()
    return (
        Session.objects.filter(
            status__in=ATTENDED_STATUSES, cancelled=False, group__facilitators=user
        )
        .select_related("group")
        .order_by("-scheduled_at", "-pk")
    )


def facilitates(*, session: Session, user) -> bool:
    return user.is_authenticated and session.group.facilitators.filter(pk=user.pk).exists()


def session_get_with_group(*, pk: int) -> Session | None:
    return Session.objects.select_related("group").filter(pk=pk).first()
