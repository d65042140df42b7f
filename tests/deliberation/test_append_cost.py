"""The append path's round trips (issue 17): on PostgreSQL a contribution is one statement (the
session lock with the mute and live checks, the seq and the event together); elsewhere the lock
(which also reads whether the sender is muted), the seq, the event. A retried client_id is
recognised by the unique constraint, not by a query on the way in."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from deliberation import services
from deliberation.models import RoomEvent, Session, SessionParticipant
from deliberation.serializers import event_message
from tests import factories

pytestmark = pytest.mark.django_db

# SELECT ... FOR UPDATE (with the mute check), UPDATE last_seq, INSERT the event; on PostgreSQL
# the three are one statement. SQLite has no row locks: a no-op UPDATE takes the database's
# write lock first, and a plain SELECT reads the session.
CONTRIBUTION_QUERIES = {"postgresql": 1, "sqlite": 4}


def _statements(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
    ]


def test_a_contribution_costs_one_statement_on_postgresql_three_elsewhere(room):
    services.contribution_create(
        session=room.session, author=room.member, text="First", client_id="c-0"
    )
    with CaptureQueriesContext(connection) as captured:
        recorded = services.contribution_create(
            session=room.session, author=room.member, text="Evening cover matters", client_id="c-1"
        )
    assert recorded.created
    statements = _statements(captured)
    assert len(statements) == CONTRIBUTION_QUERIES[connection.vendor], statements
    if connection.vendor == "postgresql":
        assert statements[0].lstrip().startswith("WITH locked AS (")
    # What the room is sent is what the log holds, read back as a transcript would read it.
    stored = RoomEvent.objects.select_related("actor").get(pk=recorded.event.pk)
    assert event_message(recorded.event) == event_message(stored)
    assert stored.payload == {"text": "Evening cover matters", "item": room.session.current_item_id}
    assert stored.seq == 2 and stored.client_id == "c-1" and stored.actor == room.member


def test_a_muted_person_is_refused_by_the_lock_query(room):
    SessionParticipant.objects.create(session=room.session, user=room.member, muted=True)
    with pytest.raises(services.RoomActionError) as refused:
        services.contribution_create(
            session=room.session, author=room.member, text="Hello", client_id="m-1"
        )
    assert refused.value.code == "muted"
    assert not RoomEvent.objects.filter(session=room.session).exists()


def test_a_retry_is_answered_with_the_first_event_and_stores_nothing_new(room):
    first = services.contribution_create(
        session=room.session, author=room.member, text="Once", client_id="r-1"
    )
    again = services.contribution_create(
        session=room.session, author=room.member, text="Once", client_id="r-1"
    )
    assert not again.created and again.event.seq == first.event.seq
    # A retry whose action no longer applies (the hand is already up) is acked the same way.
    raised = services.hand_raise(session=room.session, user=room.member, client_id="h-1")
    retried = services.hand_raise(session=room.session, user=room.member, client_id="h-1")
    assert retried.event.seq == raised.event.seq and not retried.created
    with pytest.raises(services.RoomActionError):
        services.hand_raise(session=room.session, user=room.member, client_id="h-2")
    assert RoomEvent.objects.filter(session=room.session).count() == 2
    room.session.refresh_from_db()
    assert room.session.last_seq == 2  # the refused copy used no seq


@pytest.mark.parametrize("status", [Session.Status.SCHEDULED, Session.Status.ENDED])
def test_a_session_not_live_refuses_a_contribution_and_says_why(room, status):
    Session.objects.filter(pk=room.session.pk).update(status=status)
    with pytest.raises(services.RoomActionError) as refused:
        services.contribution_create(
            session=room.session, author=room.member, text="Hello", client_id="n-1"
        )
    assert refused.value.code == "forbidden"
    assert ("ended" in refused.value.message) == (status == Session.Status.ENDED)
    assert not RoomEvent.objects.filter(session=room.session).exists()
    room.session.refresh_from_db()
    assert room.session.last_seq == 0


def test_a_retry_inside_a_callers_transaction_leaves_it_usable(room):
    first = services.contribution_create(
        session=room.session, author=room.member, text="Once", client_id="t-1"
    )
    with transaction.atomic():
        again = services.contribution_create(
            session=room.session, author=room.member, text="Once", client_id="t-1"
        )
        # The caller's transaction goes on: the next message is stored with the next seq.
        then = services.contribution_create(
            session=room.session, author=room.member, text="Then", client_id="t-2"
        )
    assert not again.created and again.event.seq == first.event.seq
    assert then.created and then.event.seq == first.event.seq + 1


def _joining(user, session):
    """A room connection as the server makes one, before its join (no network)."""
    from deliberation.consumers import RoomConsumer

    consumer = RoomConsumer()
    consumer.user, consumer.channel_name = user, f"test.{user.pk}"
    consumer.scope = {
        "type": "websocket",
        "user": user,
        "url_route": {"kwargs": {"pk": session.pk}},
    }
    return consumer, RoomConsumer.__dict__["_join"].func


def test_a_join_costs_two_queries_once_the_rooms_state_is_kept(room):
    """Joins queue on the process's one database thread, so their cost is the room's join rate:
    the session with the person's roles in the group (one query), the record that they took
    part (one statement). The room's state is read once a seq and shared by the joiners
    after."""
    first, join = _joining(room.member, room.session)
    join(first, room.session.pk, None)
    second, _ = _joining(room.other_member, room.session)
    with CaptureQueriesContext(connection) as captured:
        _session, welcome, backlog = join(second, room.session.pk, None)
    statements = _statements(captured)
    assert len(statements) == 2, statements
    assert welcome["you"]["id"] == room.other_member.pk and backlog == []
    # A second connection of the same person finds their record: still one row.
    again, _ = _joining(room.other_member, room.session)
    join(again, room.session.pk, None)
    assert SessionParticipant.objects.filter(session=room.session).count() == 2


def _answering(user, session):
    """The room's handling of one message in the database thread (the consumer's `_answer`:
    rate limit, parse, rule, act), without the network."""
    from deliberation.consumers import RoomConsumer

    consumer = RoomConsumer()
    consumer.user, consumer.session, consumer.joined = user, session, True
    consumer.channel_name = f"test.{user.pk}"
    consumer.scope = {"type": "websocket", "user": user}
    return lambda text: consumer._answer(text)


def _contribution(text: str, client_id: str) -> str:
    import json

    return json.dumps({"type": "contribution.create", "client_id": client_id, "text": text})


@pytest.mark.usefixtures("postgres")
def test_a_room_message_asks_the_rule_in_the_statement_that_records_it(room):
    """On PostgreSQL a contribution's whole database work, the room's rule included, is one
    statement: the rule is not asked first in a query of its own (issue 17)."""
    answer = _answering(room.member, room.session)
    answer(_contribution("First", "q-0"))
    with CaptureQueriesContext(connection) as captured:
        reply = answer(_contribution("Evening cover matters", "q-1"))
    assert reply["type"] == "ack" and reply["seq"] == 2, reply
    assert len(_statements(captured)) == 1, _statements(captured)


def _observers_allowed(room):
    Session.objects.filter(pk=room.session.pk).update(allow_observers=True)
    room.session.refresh_from_db()
    return room.outsider


# Each kind of person, made so in the room fixture's group: (room) -> the person.
PEOPLE = {
    "facilitator": lambda room: room.facilitator,
    "member": lambda room: room.member,
    "facilitator and member": lambda room: (
        room.session.group.members.add(room.facilitator) or room.facilitator
    ),
    "observer": _observers_allowed,
    "outsider": lambda room: room.outsider,
    "removed member": lambda room: (
        room.session.group.members.remove(room.other_member) or room.other_member
    ),
    "superuser": lambda room: factories.UserFactory(
        email="admin@example.org", is_superuser=True, is_staff=True
    ),
}


@pytest.mark.parametrize("kind", list(PEOPLE))
def test_the_statement_s_rule_is_the_room_s_rule_for_every_kind_of_person(room, kind):
    """Whoever sends it, a contribution is recorded exactly when the room's rule
    (`deliberation.take_part`, django-rules) allows the person, and refused as the room refuses
    otherwise, with nothing stored: the statement's SQL and the Python rule agree."""
    person = PEOPLE[kind](room)
    allowed = person.has_perm("deliberation.take_part", room.session)
    assert allowed == (kind in {"facilitator", "member", "facilitator and member", "superuser"})
    reply = _answering(person, room.session)(_contribution("Hello", f"k-{kind}"))
    stored = RoomEvent.objects.filter(session=room.session, actor=person).count()
    if allowed:
        assert reply["type"] == "ack" and stored == 1, reply
    else:
        assert reply == {
            "type": "error",
            "code": "forbidden",
            "message": "Observers can read but not take part.",
            "client_id": f"k-{kind}",
        }
        assert stored == 0
        room.session.refresh_from_db()
        assert room.session.last_seq == 0
