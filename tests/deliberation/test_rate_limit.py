"""The per-person message limit: 10 in any 10 seconds, counted in the shared cache."""

from deliberation.services import room_message_allowed


def test_the_eleventh_message_within_ten_seconds_is_refused():
    results = [room_message_allowed(user_id=1, now=100.0 + n * 0.1) for n in range(11)]
    assert results == [True] * 10 + [False]


def test_the_window_slides_rather_than_resetting():
    for n in range(10):
        assert room_message_allowed(user_id=2, now=105.0 + n * 0.4)
    # Just into the next window most of the last window's ten still count.
    assert not room_message_allowed(user_id=2, now=110.5)
    # Well into it, enough of them have slid out.
    assert room_message_allowed(user_id=2, now=118.0)


def test_people_are_counted_separately():
    for n in range(10):
        assert room_message_allowed(user_id=3, now=200.0 + n * 0.01)
    assert room_message_allowed(user_id=4, now=200.2)
    assert not room_message_allowed(user_id=3, now=200.2)
