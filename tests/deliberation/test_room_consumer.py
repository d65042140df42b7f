"""The room over WebSockets, through the real ASGI application (origin check, session cookie):
who gets in, what each person may do, the event log's order and replay, and every error."""

import json

import pytest
from channels.db import database_sync_to_async

from deliberation.models import RoomEvent, Session
from deliberation.protocol import MAX_FRAME_BYTES

pytestmark = [pytest.mark.asyncio, pytest.mark.django_db(transaction=True)]


async def _contribute(client, text, client_id):
    await client.send(type="contribution.create", client_id=client_id, text=text)
    return await client.receive_type("ack", "error")


# --- Who gets in -------------------------------------------------------------------------------


async def test_anonymous_visitor_is_refused_and_receives_nothing(room, connect):
    communicator, code = await connect(None, room.session, expect_refusal=True)
    assert code == 4403
    assert await communicator.receive_nothing(timeout=0.3)


async def test_signed_in_non_member_is_refused_when_observers_are_not_allowed(room, connect):
    communicator, _code = await connect(room.outsider, room.session, expect_refusal=True)
    assert await communicator.receive_nothing(timeout=0.3)


async def test_a_foreign_origin_is_refused(room, connect):
    await connect(
        room.member, room.session, expect_refusal=True, origin=b"https://evil.example.com"
    )


async def test_a_scheduled_session_has_no_room_yet(room, connect):
    await database_sync_to_async(Session.objects.filter(pk=room.session.pk).update)(
        status="scheduled"
    )
    await connect(room.member, room.session, expect_refusal=True)


async def test_member_is_welcomed_with_state_and_others_see_them_join(room, connect):
    facilitator = await connect(room.facilitator, room.session)
    assert facilitator.welcome["you"]["role"] == "facilitator"
    assert [item["title"] for item in facilitator.welcome["state"]["agenda"]] == [
        "Welcome",
        "What matters to you",
        "Next steps",
    ]
    assert facilitator.welcome["protocol"] == 3
    member = await connect(room.member, room.session)
    assert member.welcome["you"] == {
        "id": room.member.pk,
        "name": "Sam",
        "role": "member",
        "muted": False,
    }
    assert "Rina" in [p["name"] for p in member.welcome["state"]["present"]]
    joined = await facilitator.receive_type("presence.joined")
    while room.member.pk not in [u["id"] for u in joined["users"]]:
        joined = await facilitator.receive_type("presence.joined")
    assert "seq" not in joined  # presence is not in the log
    await member.close()
    left = await facilitator.receive_type("presence.left")
    assert left["users"] == [{"id": room.member.pk, "name": "Sam"}]


async def test_observer_reads_but_cannot_take_part(room, connect):
    await database_sync_to_async(Session.objects.filter(pk=room.session.pk).update)(
        allow_observers=True
    )
    member = await connect(room.member, room.session)
    observer = await connect(room.outsider, room.session)
    assert observer.welcome["you"]["role"] == "observer"
    ack = await _contribute(member, "Our wheelchairs take months to arrive.", "m-1")
    created = await observer.receive_type("contribution.created")
    assert created["seq"] == ack["seq"]
    for message in (
        {"type": "contribution.create", "client_id": "o-1", "text": "hello"},
        {"type": "hand.raise"},
        {"type": "poll.vote", "client_id": "o-2", "poll": 1, "choice": 0},
    ):
        await observer.send(**message)
        error = await observer.receive_type("error")
        assert error["code"] == "forbidden"
    count = await database_sync_to_async(
        RoomEvent.objects.filter(session=room.session, actor=room.outsider)
        .exclude(type__startswith="presence")
        .count
    )()
    assert count == 0


# --- Contributions, acks, idempotency, replay --------------------------------------------------


async def test_contribution_reaches_everyone_escaped_with_links(room, connect):
    sender = await connect(room.member, room.session)
    reader = await connect(room.other_member, room.session)
    ack = await _contribute(
        sender, "See https://example.org/budgets <script>alert(1)</script>", "c-1"
    )
    assert ack["type"] == "ack" and ack["client_id"] == "c-1"
    created = await reader.receive_type("contribution.created")
    assert created["seq"] == ack["seq"]
    assert created["actor"]["name"] == "Sam"
    assert "<script>" not in created["html"]
    assert "&lt;script&gt;" in created["html"]
    assert 'rel="nofollow noopener"' in created["html"]
    assert created["text"].startswith("See https://")


async def test_the_same_client_id_twice_makes_one_event_and_the_same_ack(room, connect):
    sender = await connect(room.member, room.session)
    first = await _contribute(sender, "Can budgets cover repairs?", "retry-1")
    second = await _contribute(sender, "Can budgets cover repairs?", "retry-1")
    assert first["seq"] == second["seq"]
    count = await database_sync_to_async(
        RoomEvent.objects.filter(session=room.session, type="contribution.created").count
    )()
    assert count == 1


async def test_reconnecting_with_since_replays_what_was_missed_in_order(room, connect):
    sender = await connect(room.member, room.session)
    first = await _contribute(sender, "one", "r-1")
    reader = await connect(room.other_member, room.session)
    seen = reader.welcome["last_seq"]
    await reader.close()
    acks = [await _contribute(sender, text, f"r-{text}") for text in ("two", "three", "four")]
    again = await connect(room.other_member, room.session, since=seen)
    replayed = []
    while len([m for m in replayed if m["type"] == "contribution.created"]) < 3:
        replayed.append(await again.receive())
    seqs = [m["seq"] for m in replayed]
    assert seqs == list(range(seen + 1, seen + 1 + len(seqs)))
    texts = [m["text"] for m in replayed if m["type"] == "contribution.created"]
    assert texts == ["two", "three", "four"]
    assert [a["seq"] for a in acks] == [m["seq"] for m in replayed if m.get("client_id")]
    # since=0 from scratch gives the whole log, starting with the first contribution's seq.
    fresh = await connect(room.facilitator, room.session, since=0)
    whole = [await fresh.receive() for _ in range(fresh.welcome["last_seq"])]
    assert [m["seq"] for m in whole] == list(range(1, fresh.welcome["last_seq"] + 1))
    assert first["seq"] in [m["seq"] for m in whole if m["type"] == "contribution.created"]


async def test_events_missing_from_the_broadcast_are_filled_from_the_log(room, connect):
    """Broadcasts from two server processes can overtake each other: a client must still get
    every event once, in seq order."""
    reader = await connect(room.member, room.session)
    last = reader.welcome["last_seq"]

    def append_two_quietly():
        from deliberation.serializers import event_message

        session = Session.objects.get(pk=room.session.pk)
        events = []
        for offset, text in ((1, "first"), (2, "second")):
            events.append(
                RoomEvent.objects.create(
                    session=session,
                    seq=last + offset,
                    type="contribution.created",
                    actor=room.other_member,
                    payload={"text": text, "item": None},
                )
            )
        Session.objects.filter(pk=session.pk).update(last_seq=last + 2)
        return event_message(RoomEvent.objects.select_related("actor").get(pk=events[1].pk))

    second = await database_sync_to_async(append_two_quietly)()
    from channels.layers import get_channel_layer

    await get_channel_layer().group_send(
        f"session.{room.session.pk}", {"type": "room.event", "event": second}
    )
    got = [await reader.receive(), await reader.receive()]
    assert [m["text"] for m in got] == ["first", "second"]
    assert [m["seq"] for m in got] == [last + 1, last + 2]
    # The late broadcast of the first is a duplicate and is dropped.
    await get_channel_layer().group_send(
        f"session.{room.session.pk}", {"type": "room.event", "event": {**second, "seq": last + 1}}
    )
    assert await reader.nothing()


# --- Errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("this is not json", "bad_request"),
        ("[1, 2, 3]", "bad_request"),
        (json.dumps({"type": "shout", "client_id": "x"}), "bad_request"),
        (
            json.dumps({"type": "contribution.create", "client_id": "x", "text": "   "}),
            "bad_request",
        ),
        (json.dumps({"type": "contribution.create", "text": "no id"}), "bad_request"),
        (json.dumps({"type": "contribution.create", "client_id": "x", "text": 5}), "bad_request"),
        (
            json.dumps({"type": "contribution.create", "client_id": "x", "text": "a" * 2001}),
            "too_long",
        ),
    ],
)
async def test_bad_messages_get_an_error_code_and_the_connection_stays_open(
    room, connect, frame, code
):
    client = await connect(room.member, room.session)
    await client.send_text(frame)
    error = await client.receive_type("error")
    assert error["code"] == code
    assert error["message"]
    ack = await _contribute(client, "still here", "after-error")
    assert ack["type"] == "ack"


async def test_exactly_2000_characters_is_accepted(room, connect):
    client = await connect(room.member, room.session)
    assert (await _contribute(client, "a" * 2000, "long"))["type"] == "ack"


async def test_more_than_ten_messages_in_ten_seconds_is_rate_limited(room, connect):
    client = await connect(room.member, room.session)
    replies = [await _contribute(client, f"message {n}", f"rl-{n}") for n in range(11)]
    assert [r["type"] for r in replies[:10]] == ["ack"] * 10
    assert replies[10]["type"] == "error"
    assert replies[10]["code"] == "rate_limited"
    assert replies[10]["client_id"] == "rl-10"
    # Still connected: someone else's messages keep arriving.
    other = await connect(room.other_member, room.session)
    await _contribute(other, "hello", "o-1")
    created = await client.receive_type("contribution.created")
    while created["text"] != "hello":
        created = await client.receive_type("contribution.created")
    assert created["actor"]["name"] == "Priya"


async def test_a_frame_over_64_kib_is_refused_and_the_connection_stays_open(room, connect):
    # daphne will not send close code 1009 from an application (it closed with 1011 instead):
    # the frame is answered with `too_long`, as docs/protocol.md says.
    client = await connect(room.member, room.session)
    await client.send_text(
        json.dumps(
            {"type": "contribution.create", "client_id": "big", "text": "x" * MAX_FRAME_BYTES}
        )
    )
    error = await client.receive_type("error")
    assert error["code"] == "too_long"
    assert error["message"] == "The message is larger than 64 KiB."
    assert (await _contribute(client, "still here", "after-big"))["type"] == "ack"


async def test_a_frame_of_exactly_64_kib_is_answered_not_closed(room, connect):
    client = await connect(room.member, room.session)
    frame = json.dumps({"type": "contribution.create", "client_id": "big", "text": "x"})
    frame = frame.replace('"x"', '"' + "x" * (MAX_FRAME_BYTES - len(frame) + 1) + '"')
    assert len(frame.encode()) == MAX_FRAME_BYTES
    await client.send_text(frame)
    assert (await client.receive_type("error"))["code"] == "too_long"


# --- Facilitator actions and their forbidden case ----------------------------------------------

FACILITATOR_MESSAGES = [
    {"type": "agenda.next"},
    {
        "type": "poll.open",
        "client_id": "p",
        "question": "Which matters most?",
        "choices": ["A", "B"],
    },
    {"type": "poll.close", "poll": 1},
    {"type": "contribution.remove", "seq": 1, "reason": "Off topic"},
    {"type": "participant.mute", "user": 1},
    {"type": "participant.unmute", "user": 1},
    {"type": "hand.call", "user": 1},
    {"type": "session.end"},
]


@pytest.mark.parametrize("message", FACILITATOR_MESSAGES, ids=lambda m: m["type"])
async def test_members_get_forbidden_for_facilitator_actions(room, connect, message):
    member = await connect(room.member, room.session)
    await member.send(**message)
    error = await member.receive_type("error")
    assert error["code"] == "forbidden"
    count = await database_sync_to_async(
        RoomEvent.objects.filter(session=room.session).exclude(type="presence.joined").count
    )()
    assert count == 0


async def test_facilitator_moves_the_agenda_on_and_everyone_sees_it(room, connect):
    facilitator = await connect(room.facilitator, room.session)
    member = await connect(room.member, room.session)
    await facilitator.send(type="agenda.next", client_id="a-1")
    ack = await facilitator.receive_type("ack")
    moved = await member.receive_type("agenda.moved")
    assert moved["item"]["title"] == "Welcome"
    assert moved["seq"] == ack["seq"]
    await facilitator.send(type="agenda.next")
    assert (await member.receive_type("agenda.moved"))["item"]["title"] == "What matters to you"
    await facilitator.send(type="agenda.next")
    assert (await member.receive_type("agenda.moved"))["item"]["title"] == "Next steps"
    await facilitator.send(type="agenda.next", client_id="a-4")
    assert (await facilitator.receive_type("error"))["code"] == "bad_request"


async def _vote(voter, poll, choice, client_id, *, watcher):
    """Vote, and return the tally event the watcher receives for that vote."""
    await voter.send(type="poll.vote", client_id=client_id, poll=poll, choice=choice)
    ack = await voter.receive_type("ack")
    tally = await watcher.receive_type("poll.tally")
    while tally["seq"] != ack["seq"]:
        tally = await watcher.receive_type("poll.tally")
    return tally


async def test_poll_open_vote_tally_close(room, connect):
    facilitator = await connect(room.facilitator, room.session)
    member = await connect(room.member, room.session)
    other = await connect(room.other_member, room.session)
    await facilitator.send(
        type="poll.open",
        client_id="poll-1",
        question="What should budgets cover first?",
        choices=["Repairs", "Cushions", "Training"],
        show_results="live",
    )
    opened = await member.receive_type("poll.opened")
    poll = opened["poll"]
    assert opened["choices"] == ["Repairs", "Cushions", "Training"]
    assert opened["show_results"] == "live"
    assert (await _vote(member, poll, 0, "v-1", watcher=other))["counts"] == [1, 0, 0]
    assert (await _vote(other, poll, 2, "v-2", watcher=member))["counts"] == [1, 0, 1]
    # Changing a vote moves it, never counts twice.
    assert (await _vote(member, poll, 2, "v-3", watcher=other))["counts"] == [0, 0, 2]
    await member.send(type="poll.vote", client_id="v-4", poll=poll, choice=7)
    assert (await member.receive_type("error"))["code"] == "bad_request"
    await facilitator.send(type="poll.close", poll=poll)
    closed = await other.receive_type("poll.closed")
    assert closed["counts"] == [0, 0, 2] and closed["total"] == 2
    await member.send(type="poll.vote", client_id="v-5", poll=poll, choice=1)
    assert (await member.receive_type("error"))["code"] == "bad_request"


async def test_a_polls_counts_stay_hidden_until_it_closes_unless_shown_live(room, connect):
    facilitator = await connect(room.facilitator, room.session)
    member = await connect(room.member, room.session)
    await facilitator.send(
        type="poll.open", client_id="poll-h", question="First?", choices=["Repairs", "Cushions"]
    )
    opened = await member.receive_type("poll.opened")
    assert opened["show_results"] == "after_closing"
    tally = await _vote(member, opened["poll"], 0, "v-h", watcher=facilitator)
    # Nobody is told how others voted, only how many have: not live, not in the log.
    assert "counts" not in tally and tally["total"] == 1
    late = await connect(room.other_member, room.session, since=0)
    (poll_state,) = late.welcome["state"]["polls"]
    assert poll_state["counts"] is None and poll_state["rows"] == []
    replayed = await late.receive_type("poll.tally")
    assert "counts" not in replayed
    await facilitator.send(type="poll.close", poll=opened["poll"])
    closed = await member.receive_type("poll.closed")
    assert closed["counts"] == [1, 0]


async def test_poll_open_refuses_an_unknown_show_results(room, connect):
    facilitator = await connect(room.facilitator, room.session)
    await facilitator.send(
        type="poll.open", client_id="p-x", question="Q?", choices=["A", "B"], show_results="soon"
    )
    error = await facilitator.receive_type("error")
    assert error["code"] == "bad_request" and error["client_id"] == "p-x"


async def test_event_times_are_valid_html_datetimes_without_microseconds(room, connect):
    member = await connect(room.member, room.session)
    ack = await _contribute(member, "Hello", "t-1")
    event = await member.receive_type("contribution.created")
    assert ack["seq"] == event["seq"]
    # HTML's <time datetime> allows at most three digits of a fraction of a second.
    assert "." not in event["at"], event["at"]


async def test_facilitator_removes_a_contribution_with_a_reason(room, connect):
    facilitator = await connect(room.facilitator, room.session)
    member = await connect(room.member, room.session)
    ack = await _contribute(member, "Something that names a private person", "bad-1")
    await facilitator.send(type="contribution.remove", seq=ack["seq"], reason="Names someone")
    removed = await member.receive_type("contribution.removed")
    assert removed["target"] == ack["seq"]
    assert removed["reason"] == "Names someone"
    # Replay never sends the removed words again.
    late = await connect(room.other_member, room.session, since=0)
    replayed = await late.receive_type("contribution.created")
    assert replayed["removed"] is True
    assert replayed["text"] == "" and replayed["html"] == ""
    await facilitator.send(type="contribution.remove", seq=ack["seq"], reason="again")
    assert (await facilitator.receive_type("error"))["code"] == "bad_request"


async def test_muted_participant_cannot_speak_until_unmuted(room, connect):
    facilitator = await connect(room.facilitator, room.session)
    member = await connect(room.member, room.session)
    await facilitator.send(type="participant.mute", user=room.member.pk)
    muted = await member.receive_type("participant.muted")
    assert muted["user"]["id"] == room.member.pk
    error = await _contribute(member, "Can I say something?", "m-1")
    assert error["code"] == "muted"
    await member.send(type="hand.raise")
    assert (await member.receive_type("error"))["code"] == "muted"
    await facilitator.send(type="participant.unmute", user=room.member.pk)
    await member.receive_type("participant.unmuted")
    assert (await _contribute(member, "Thank you", "m-2"))["type"] == "ack"


async def test_hands_queue_in_order_and_the_facilitator_calls_the_next(room, connect):
    facilitator = await connect(room.facilitator, room.session)
    member = await connect(room.member, room.session)
    other = await connect(room.other_member, room.session)
    await member.send(type="hand.raise")
    await facilitator.receive_type("hand.raised")
    await other.send(type="hand.raise")
    await facilitator.receive_type("hand.raised")
    late = await connect(room.facilitator, room.session)
    assert [h["name"] for h in late.welcome["state"]["hands"]] == ["Sam", "Priya"]
    await facilitator.send(type="hand.call", user=room.member.pk)
    called = await other.receive_type("hand.called")
    assert called["user"]["name"] == "Sam"
    await other.send(type="hand.lower")
    assert (await member.receive_type("hand.lowered"))["user"]["name"] == "Priya"
    await other.send(type="hand.lower")
    assert (await other.receive_type("error"))["code"] == "bad_request"


async def test_facilitator_ends_the_session_and_the_room_goes_quiet(room, connect):
    facilitator = await connect(room.facilitator, room.session)
    member = await connect(room.member, room.session)
    await facilitator.send(type="session.end", client_id="end")
    await member.receive_type("session.ended")
    error = await _contribute(member, "one more thing", "late")
    assert error["code"] == "forbidden"
    status = await database_sync_to_async(lambda: Session.objects.get(pk=room.session.pk).status)()
    assert status == "ended"


async def test_a_member_removed_from_the_group_is_refused_from_their_next_message(room, connect):
    """Who someone is to the group is asked again at every message, not remembered from the
    connection: removed mid-session, their next contribution is refused."""
    member = await connect(room.member, room.session)
    assert (await _contribute(member, "Before", "before"))["type"] == "ack"

    await database_sync_to_async(room.session.group.members.remove)(room.member)

    refused = await _contribute(member, "After", "after")
    assert refused["type"] == "error" and refused["code"] == "forbidden"
    assert not await database_sync_to_async(
        RoomEvent.objects.filter(session=room.session, payload__text="After").exists
    )()
