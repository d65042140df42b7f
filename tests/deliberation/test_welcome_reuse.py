"""A crowd joining a room at once (a reconnect storm) reads the room's shared state (agenda,
hand queue, who is muted, polls) once per event and server process, not once per person; any
logged event, or an edit saved in this process, gives the next joiner the state as it is now."""

import pytest

from deliberation import selectors, services
from deliberation.models import AgendaItem, Session

pytestmark = pytest.mark.django_db


def _welcome(room, user):
    session = selectors.session_get(pk=room.session.pk)
    return selectors.room_state(session=session, user=user, just_read=True)


def test_the_second_joiner_at_the_same_seq_reuses_the_shared_state(
    room, django_assert_max_num_queries
):
    first = _welcome(room, room.facilitator)
    session = Session.objects.select_related("group").get(pk=room.session.pk)
    # Only who the person is to the group (one query) is read for them; the rest is kept.
    with django_assert_max_num_queries(1):
        second = selectors.room_state(session=session, user=room.member, just_read=True)
    assert second["state"]["agenda"] == first["state"]["agenda"]
    assert second["you"]["role"] == "member" and first["you"]["role"] == "facilitator"


def test_a_logged_event_gives_the_next_joiner_the_room_as_it_is_now(room):
    before = _welcome(room, room.facilitator)
    assert before["state"]["hands"] == []

    services.hand_raise(session=room.session, user=room.member)
    after = _welcome(room, room.other_member)

    assert after["last_seq"] == before["last_seq"] + 1
    assert [hand["id"] for hand in after["state"]["hands"]] == [room.member.pk]


def test_muting_shows_in_the_muted_persons_own_welcome(room):
    _welcome(room, room.member)
    services.participant_set_muted(
        session=room.session, facilitator=room.facilitator, user_id=room.member.pk, muted=True
    )
    assert _welcome(room, room.member)["you"]["muted"] is True
    assert _welcome(room, room.other_member)["you"]["muted"] is False


def test_an_agenda_item_edited_in_this_process_reaches_the_next_joiner(room):
    _welcome(room, room.member)
    item = AgendaItem.objects.filter(session=room.session).order_by("sort_order").first()
    item.title = "Hello, everyone"
    item.save()
    assert _welcome(room, room.other_member)["state"]["agenda"][0]["title"] == "Hello, everyone"
