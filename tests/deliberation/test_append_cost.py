"""The append path's round trips (issue 17): a contribution is the session lock (which also
reads whether the sender is muted), the seq, the event; a retried client_id is recognised by the
unique constraint, not by a query on the way in."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from deliberation import services
from deliberation.models import RoomEvent, SessionParticipant

pytestmark = pytest.mark.django_db

# SELECT ... FOR UPDATE (with the mute check), UPDATE last_seq, INSERT the event.
CONTRIBUTION_QUERIES = 3


def _statements(captured) -> list[str]:
    return [
        q["sql"]
        for q in captured.captured_queries
        if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT"))
    ]


def test_a_contribution_costs_three_queries(room):
    services.contribution_create(
        session=room.session, author=room.member, text="First", client_id="c-0"
    )
    with CaptureQueriesContext(connection) as captured:
        recorded = services.contribution_create(
            session=room.session, author=room.member, text="Evening cover matters", client_id="c-1"
        )
    assert recorded.created
    statements = _statements(captured)
    assert len(statements) == CONTRIBUTION_QUERIES, statements
    assert "FOR UPDATE" in statements[0]


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
