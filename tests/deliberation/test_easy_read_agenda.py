"""Live agenda updates carry the Easy Read title beside the standard one, through the real ASGI
application, so each page can show the version its reader chose (docs/protocol.md)."""

import pytest
from channels.db import database_sync_to_async

from deliberation.models import AgendaItem, RoomEvent

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

EASY = {
    "Welcome": "Hello and welcome",
    "What matters to you": "What is important to you?",
}


@pytest.fixture
def easy_room(room):
    for title, easy in EASY.items():
        AgendaItem.objects.filter(session=room.session, title=title).update(easy_read_title=easy)
    return room


async def test_the_welcome_and_every_move_carry_both_titles(easy_room, connect):
    facilitator = await connect(easy_room.facilitator, easy_room.session)
    member = await connect(easy_room.member, easy_room.session)
    assert [
        (item["title"], item["easy_read_title"]) for item in member.welcome["state"]["agenda"]
    ] == [
        ("Welcome", "Hello and welcome"),
        ("What matters to you", "What is important to you?"),
        ("Next steps", ""),
    ]
    assert member.welcome["protocol"] == 3  # an added field: no new version

    moved = []
    for _ in range(3):
        await facilitator.send(type="agenda.next")
        moved.append((await member.receive_type("agenda.moved"))["item"])
    assert [(item["title"], item["easy_read_title"]) for item in moved] == [
        ("Welcome", "Hello and welcome"),
        ("What matters to you", "What is important to you?"),
        ("Next steps", ""),
    ]
    assert set(moved[0]) == {"id", "title", "easy_read_title", "time_box_minutes"}


async def test_a_replay_after_reconnecting_carries_them_too(easy_room, connect):
    facilitator = await connect(easy_room.facilitator, easy_room.session)
    await facilitator.send(type="agenda.next", client_id="n-1")
    await facilitator.receive_type("ack")
    member = await connect(easy_room.member, easy_room.session, since=0)
    replayed = await member.receive_type("agenda.moved")
    assert replayed["item"]["easy_read_title"] == "Hello and welcome"


async def test_an_event_logged_before_easy_read_titles_replays_unchanged(easy_room, connect):
    # Logs written before this change have no easy_read_title: clients fall back to `title`.
    facilitator = await connect(easy_room.facilitator, easy_room.session)
    await facilitator.send(type="agenda.next", client_id="n-1")
    await facilitator.receive_type("ack")

    def strip_easy_read():
        event = RoomEvent.objects.get(session=easy_room.session, type="agenda.moved")
        event.payload["item"].pop("easy_read_title")
        event.save(update_fields=["payload"])

    await database_sync_to_async(strip_easy_read)()
    member = await connect(easy_room.member, easy_room.session, since=0)
    replayed = await member.receive_type("agenda.moved")
    assert replayed["item"]["title"] == "Welcome"
    assert "easy_read_title" not in replayed["item"]
