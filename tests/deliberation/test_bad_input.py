"""Input that used to break a room: NUL characters and lone surrogates in a message, frames over
64 KiB, and a `since` no log reaches. Each is answered with the documented `error`, the
connection stays open, and nothing is logged."""

import pytest
from channels.db import database_sync_to_async

from deliberation.models import RoomEvent

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]

NOT_ALLOWED = (
    "The message contains a character that cannot be used "
    "(a NUL character or half of a surrogate pair)."
)


async def _contributions() -> int:
    return await database_sync_to_async(
        RoomEvent.objects.filter(type="contribution.created").count
    )()


@pytest.mark.parametrize(
    "frame",
    [
        # JSON escapes, as a client sends them (a raw NUL in a JSON string is not JSON: below).
        '{"type": "contribution.create", "client_id": "n1", "text": "before\\u0000after"}',
        '{"type": "contribution.create", "client_id": "n1", "text": "half \\ud83d a face"}',
        '{"type": "contribution.create", "client_id": "n1", "text": "low \\udc00 half"}',
        '{"type": "contribution.create", "client_id": "n1", "text": "raw \ud800 half"}',
        '{"type": "poll.vote", "client_id": "n1\\u0000", "poll": 1, "choice": 0}',
        '{"type": "contribution.create", "client_id": "n1", "text": "ok", "x\\u0000": 1}',
    ],
    ids=[
        "nul-escaped",
        "high-surrogate",
        "low-surrogate",
        "raw-surrogate",
        "nul-in-client-id",
        "nul-in-a-key",
    ],
)
async def test_unstorable_characters_get_bad_request_and_the_room_carries_on(room, connect, frame):
    client = await connect(room.member, room.session)
    before = await _contributions()
    await client.send_text(frame)
    error = await client.receive_type("error")
    assert error["code"] == "bad_request"
    assert error["message"] == NOT_ALLOWED
    assert await _contributions() == before
    # The connection is still open and usable.
    await client.send(type="contribution.create", client_id="after", text="still here")
    assert (await client.receive_type("ack"))["client_id"] == "after"


async def test_a_raw_nul_in_a_string_is_not_json_and_is_answered(room, connect):
    client = await connect(room.member, room.session)
    await client.send_text('{"type": "contribution.create", "client_id": "n", "text": "a\x00b"}')
    error = await client.receive_type("error")
    assert (error["code"], error["message"]) == ("bad_request", "The message is not valid JSON.")
    await client.send(type="contribution.create", client_id="after", text="still here")
    assert (await client.receive_type("ack"))["client_id"] == "after"


async def test_the_error_quotes_a_readable_client_id(room, connect):
    client = await connect(room.member, room.session)
    await client.send_text(
        '{"type": "contribution.create", "client_id": "c-7", "text": "a\\u0000b"}'
    )
    assert (await client.receive_type("error"))["client_id"] == "c-7"


async def test_a_real_surrogate_pair_is_an_emoji_and_is_accepted(room, connect):
    client = await connect(room.member, room.session)
    await client.send_text(
        '{"type": "contribution.create", "client_id": "e1", "text": "thanks \\ud83d\\ude00"}'
    )
    assert (await client.receive_type("ack"))["client_id"] == "e1"
    created = await client.receive_type("contribution.created")
    assert created["text"] == "thanks \U0001f600"


@pytest.mark.parametrize(
    ("since", "message"),
    [
        ("99999999999999999999", "since is beyond the end of the log."),
        ("1000", "since is beyond the end of the log."),
        ("-1", "since must be a whole number."),
        ("abc", "since must be a whole number."),
        ("%C2%B2", "since must be a whole number."),
    ],
)
async def test_a_since_no_log_reaches_is_accepted_then_answered_bad_request(
    room, connect, since, message
):
    client = await connect(room.member, room.session, since=since)
    error = await client.receive()
    assert error == {"type": "error", "code": "bad_request", "message": message, "client_id": None}
    # Live from the end of the log: the next event is the next seq.
    await client.send(type="contribution.create", client_id="s1", text="hello")
    created = await client.receive_type("contribution.created")
    assert created["seq"] > client.welcome["last_seq"]
