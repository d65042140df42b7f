"""statement.create and statement.vote over the room's WebSocket, through the real ASGI
application: acks, the same client_id idempotency, every error, the rate limit, and the opinion
groups reaching two connected people as votes arrive."""

import asyncio
import json

import pytest
from channels.db import database_sync_to_async

from deliberation.models import RoomEvent, Session
from deliberation.opinions import services
from deliberation.opinions.models import Statement, StatementVote
from tests.opinions.conftest import add_statements, vote_in_camps

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def _send(client, **message):
    await client.send(**message)
    return await client.receive_type("ack", "error")


async def _set_current_item(room):
    def do():
        item = room.session.agenda_items.order_by("sort_order").first()
        Session.objects.filter(pk=room.session.pk).update(current_item=item)
        room.session.refresh_from_db()
        return item

    return await database_sync_to_async(do)()


async def test_a_statement_reaches_everyone_and_a_retry_makes_one(room, connect):
    await _set_current_item(room)
    sam = await connect(room.member, room.session)
    priya = await connect(room.other_member, room.session)
    ack = await _send(sam, type="statement.create", client_id="st-1", text="Respite near home")
    assert ack["type"] == "ack"
    created = await priya.receive_type("statement.created")
    assert created["text"] == "Respite near home" and created["seq"] == ack["seq"]
    again = await _send(sam, type="statement.create", client_id="st-1", text="Respite near home")
    assert again == ack
    assert await database_sync_to_async(Statement.objects.count)() == 1

    vote = await _send(
        priya, type="statement.vote", client_id="v-1", statement=created["statement"], vote=-1
    )
    assert vote["type"] == "ack"
    voted = await sam.receive_type("statement.voted")
    assert voted["statement"] == created["statement"] and "vote" not in voted
    changed = await _send(
        priya, type="statement.vote", client_id="v-2", statement=created["statement"], vote=1
    )
    assert changed["type"] == "ack"
    votes = await database_sync_to_async(list)(StatementVote.objects.values_list("vote", flat=True))
    assert votes == [1]


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"type": "statement.create", "client_id": "a", "text": ""}, "bad_request"),
        ({"type": "statement.create", "client_id": "a", "text": "x" * 281}, "too_long"),
        ({"type": "statement.create", "text": "no client id"}, "bad_request"),
        ({"type": "statement.vote", "client_id": "a", "statement": 1, "vote": 2}, "bad_request"),
        ({"type": "statement.vote", "client_id": "a", "statement": 1, "vote": True}, "bad_request"),
        ({"type": "statement.vote", "client_id": "a", "statement": "1", "vote": 1}, "bad_request"),
        (
            {"type": "statement.vote", "client_id": "a", "statement": 999999, "vote": 1},
            "bad_request",
        ),
    ],
)
async def test_bad_statement_messages_get_a_clear_error_and_store_nothing(
    room, connect, message, code
):
    await _set_current_item(room)
    client = await connect(room.member, room.session)
    await client.send_text(json.dumps(message))
    error = await client.receive_type("error")
    assert error["code"] == code and error["message"]
    assert await database_sync_to_async(Statement.objects.count)() == 0
    assert await database_sync_to_async(StatementVote.objects.count)() == 0
    ok = await _send(client, type="statement.create", client_id="after", text="still here")
    assert ok["type"] == "ack"


async def test_observers_cannot_add_or_vote(room, connect):
    await _set_current_item(room)
    await database_sync_to_async(Session.objects.filter(pk=room.session.pk).update)(
        allow_observers=True
    )
    observer = await connect(room.outsider, room.session)
    error = await _send(observer, type="statement.create", client_id="o-1", text="Let me in")
    assert error["code"] == "forbidden"


async def test_statement_messages_count_towards_the_rate_limit(room, connect):
    await _set_current_item(room)
    client = await connect(room.member, room.session)
    replies = [
        await _send(client, type="statement.create", client_id=f"r-{n}", text=f"idea {n}")
        for n in range(11)
    ]
    assert [r["type"] for r in replies[:10]] == ["ack"] * 10
    assert replies[10]["code"] == "rate_limited"


async def test_opinion_groups_reach_two_connected_people_as_votes_arrive(
    room, connect, add_members
):
    await _set_current_item(room)

    def prepare():
        people = add_members(10)
        statements = add_statements(room.session, room.facilitator, [f"Idea {i}" for i in range(8)])
        # Five people vote: not yet enough for anything to be shown.
        vote_in_camps(
            room.session, people[:5], statements, dividing=statements[:4], shared=statements[4:6]
        )
        return people, statements

    people, statements = await database_sync_to_async(prepare)()
    updates = await database_sync_to_async(
        lambda: list(
            RoomEvent.objects.filter(type="opinions.updated").values_list("payload", flat=True)
        )
    )()
    assert updates and not updates[-1]["ready"]

    sam = await connect(room.member, room.session)
    rina = await connect(room.facilitator, room.session)
    await database_sync_to_async(vote_in_camps)(
        room.session, people[5:], statements, dividing=statements[:4], shared=statements[4:6]
    )
    last = await database_sync_to_async(
        lambda: RoomEvent.objects.filter(type="opinions.updated").order_by("seq").last().seq
    )()
    for client in (sam, rina):
        # Every vote brought an update; the last one counts every vote.
        while (update := await client.receive_type("opinions.updated", timeout=10))["seq"] < last:
            pass
        assert update["voters"] == 10
        assert update["ready"] and not update["map"]
        assert set(update["consensus"][:2]) == set(statements[4:6])
        assert len(update["groups"]) == 2
        # Camps of 4 and 6 (each batch of five splits 2 to 3): four people is a small count.
        assert {g["size"] for g in update["groups"]} == {"[c]", 6}


@pytest.mark.django_db(transaction=True)
async def test_recomputing_is_throttled_and_runs_off_the_request(room, settings, add_members):
    settings.OPINIONS_REFRESH_SECONDS = 1
    await _set_current_item(room)

    def prepare():
        statements = add_statements(room.session, room.facilitator, ["One", "Two"])
        activity = Statement.objects.get(pk=statements[0]).activity_id
        return activity

    activity = await database_sync_to_async(prepare)()
    started = [
        services.opinions_refresh_soon(session_id=room.session.pk, activity_id=activity)
        for _ in range(5)
    ]
    assert started == [True, False, False, False, False]
    count = database_sync_to_async(RoomEvent.objects.filter(type="opinions.updated").count)
    assert await count() == 0  # nothing ran in the caller
    for _ in range(40):
        await asyncio.sleep(0.1)
        if await count():
            break
    assert await count() == 1
