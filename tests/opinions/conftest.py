"""Fixtures for statement voting: a live session whose current agenda item has a statements
activity, and helpers that fill it with members and votes."""

import pytest

from coproduce.accounts import roles
from deliberation.models import Session
from deliberation.opinions import services
from tests import factories
from tests.deliberation.conftest import connect, room  # noqa: F401 - fixtures reused


@pytest.fixture
def live_item(room):  # noqa: F811
    """The room's session, live, with its first agenda item current."""
    item = room.session.agenda_items.order_by("sort_order").first()
    Session.objects.filter(pk=room.session.pk).update(current_item=item)
    room.session.refresh_from_db()
    return item


@pytest.fixture
def activity(live_item):
    return services.statement_activity_for_item(item=live_item)


@pytest.fixture
def add_members(room, role_user):  # noqa: F811
    def add(n):
        people = [role_user(roles.EXPERT) for _ in range(n)]
        room.session.group.members.add(*people)
        return people

    return add


def add_statements(session, author, texts):
    """Statements through the room's service; returns their ids."""
    return [
        services.statement_create(
            session=session, author=author, text=t, client_id=None
        ).event.payload["statement"]
        for t in texts
    ]


def vote_in_camps(session, people, statements, *, dividing, shared):
    """Half the people agree with the dividing statements and half disagree; all agree with
    the shared ones."""
    for index, person in enumerate(people):
        camp = 1 if index < len(people) // 2 else -1
        for statement in statements:
            vote = camp if statement in dividing else 1 if statement in shared else 0
            services.statement_vote(
                session=session, voter=person, statement_id=statement, vote=vote, client_id=None
            )


@pytest.fixture
def factories_module():
    return factories
