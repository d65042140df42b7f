"""The event log: seq is gapless and unique per session, even under many parallel appends on
PostgreSQL; a refused action uses no seq; a retried client_id never makes a second event; the
broadcast happens only after commit."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, transaction

from deliberation import services
from deliberation.models import RoomEvent
from tests import factories


def _seqs(session):
    return list(RoomEvent.objects.filter(session=session).values_list("seq", flat=True))


@pytest.mark.django_db
def test_a_refused_action_uses_no_seq(room):
    services.contribution_create(session=room.session, author=room.member, text="a", client_id="1")
    services.participant_set_muted(
        session=room.session, facilitator=room.facilitator, user_id=room.member.pk, muted=True
    )
    with pytest.raises(services.RoomActionError) as refused:
        services.contribution_create(
            session=room.session, author=room.member, text="b", client_id="2"
        )
    assert refused.value.code == "muted"
    services.contribution_create(
        session=room.session, author=room.other_member, text="c", client_id="3"
    )
    assert _seqs(room.session) == [1, 2, 3]
    room.session.refresh_from_db()
    assert room.session.last_seq == 3


@pytest.mark.django_db
def test_sessions_have_their_own_sequences(room):
    other = factories.SessionFactory(group=room.session.group)
    for n in range(3):
        services.contribution_create(
            session=room.session, author=room.member, text="x", client_id=f"a{n}"
        )
        services.contribution_create(session=other, author=room.member, text="y", client_id=f"b{n}")
    assert _seqs(room.session) == [1, 2, 3]
    assert _seqs(other) == [1, 2, 3]


@pytest.mark.django_db
def test_broadcast_waits_for_commit(room, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        services.contribution_create(
            session=room.session, author=room.member, text="hello", client_id="c"
        )
    assert len(callbacks) == 1


@pytest.mark.django_db
def test_an_action_rolled_back_with_its_caller_is_never_broadcast(room, monkeypatch):
    sent = []
    monkeypatch.setattr(services, "_broadcast", lambda session_id, message: sent.append(message))
    with pytest.raises(RuntimeError), transaction.atomic():
        services.contribution_create(
            session=room.session, author=room.member, text="hello", client_id="c"
        )
        raise RuntimeError("the caller failed")
    assert sent == []
    assert _seqs(room.session) == []


def _in_thread(function):
    def run(*args):
        try:
            return function(*args)
        finally:
            connection.close()

    return run


@pytest.mark.django_db(transaction=True)
def test_parallel_appends_on_postgresql_get_gapless_unique_seq(postgres, role_user):
    members = [role_user() for _ in range(8)]
    facilitator = role_user()
    group = factories.CoproductionGroupFactory(members=members, facilitators=[facilitator])
    session = factories.SessionFactory(group=group)

    @_in_thread
    def post(index):
        person = members[index % len(members)]
        return services.contribution_create(
            session=session, author=person, text=f"point {index}", client_id=f"c-{index}"
        ).event.seq

    with ThreadPoolExecutor(max_workers=16) as pool:
        seqs = list(pool.map(post, range(200)))
    assert sorted(seqs) == list(range(1, 201))
    assert _seqs(session) == list(range(1, 201))


@pytest.mark.django_db(transaction=True)
def test_parallel_retries_of_one_client_id_make_one_event(postgres, room):
    @_in_thread
    def retry(_):
        return services.contribution_create(
            session=room.session, author=room.member, text="once", client_id="same"
        ).event.seq

    with ThreadPoolExecutor(max_workers=12) as pool:
        seqs = set(pool.map(retry, range(24)))
    assert seqs == {1}
    assert _seqs(room.session) == [1]


@pytest.mark.django_db(transaction=True)
def test_contributions_and_other_messages_in_parallel_share_one_gapless_sequence(
    postgres, role_user
):
    """Contributions (one statement) and hands raised and lowered (the general path, the lock
    then the append) at once, on one session: every seq once, none missing, and the session's
    last_seq is the log's last."""
    members = [role_user() for _ in range(8)]
    group = factories.CoproductionGroupFactory(members=members, facilitators=[role_user()])
    session = factories.SessionFactory(group=group)

    @_in_thread
    def act(index):
        person = members[index % len(members)]
        if index % 3 == 0:
            return services.contribution_create(
                session=session, author=person, text=f"point {index}", client_id=f"c-{index}"
            ).event.seq
        change = services.hand_raise if index % 3 == 1 else services.hand_lower
        recorded = change(session=session, user=person, client_id=f"h-{index}")
        return recorded.event.seq if recorded is not None else None

    def safely(index):
        try:
            return act(index)
        except services.RoomActionError:
            return None  # a hand already up, or not up: refused, no seq used

    with ThreadPoolExecutor(max_workers=16) as pool:
        seqs = [seq for seq in pool.map(safely, range(240)) if seq is not None]
    assert sorted(seqs) == list(range(1, len(seqs) + 1))
    assert _seqs(session) == sorted(seqs)
    session.refresh_from_db()
    assert session.last_seq == len(seqs)
    assert RoomEvent.objects.filter(session=session, type="contribution.created").count() == 80


@pytest.mark.django_db(transaction=True)
def test_an_event_recorded_by_sync_code_in_a_thread_running_an_event_loop_reaches_the_room(
    room, monkeypatch
):
    """Synchronous code in a thread whose event loop is running (a script, or a test driving a
    browser with Playwright's sync API) records an event: the room still gets it live, and the
    process does not think the channel layer is away."""
    from channels.layers import get_channel_layer

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # as such a script must
    layer = get_channel_layer()
    group = f"session.{room.session.pk}"

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add(group, channel)
        try:
            recorded = services.contribution_create(
                session=room.session, author=room.member, text="Said from a loop", client_id="x"
            )
            received = await asyncio.wait_for(layer.receive(channel), timeout=5)
        finally:
            await layer.group_discard(group, channel)
            connection.close()  # the one this loop's context opened
        return recorded, received

    recorded, received = asyncio.run(scenario())
    assert received["event"]["seq"] == recorded.event.seq
    assert received["event"]["text"] == "Said from a loop"
    assert services.live_updates_paused() is False
    assert services.has_unsent() is False
