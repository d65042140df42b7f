"""The room page's statements panel (fetched by room_opinions.js): the room's permission, the
next statement to vote on, the compact summary, and a vote from it returning to the room."""

import pytest
from django.urls import reverse

from deliberation.opinions.models import StatementVote
from tests.opinions.conftest import add_statements, vote_in_camps

pytestmark = pytest.mark.django_db


def _panel(session, part=""):
    url = reverse("deliberation:session_statements_panel", args=[session.pk])
    return url + (f"?part={part}" if part else "")


def test_the_panel_is_for_people_in_the_room(client, room, activity):
    client.force_login(room.outsider)
    assert client.get(_panel(room.session)).status_code == 403
    client.logout()
    assert client.get(_panel(room.session)).status_code == 302


def test_the_panel_offers_the_next_statement_and_a_summary_once_seven_voted(
    client, room, activity, add_members
):
    statements = add_statements(room.session, room.facilitator, [f"Point {n}" for n in range(6)])
    people = add_members(8)
    vote_in_camps(room.session, people, statements, dividing=statements[:3], shared=statements[3:5])
    client.force_login(room.member)
    page = client.get(_panel(room.session)).content.decode()
    assert "6 statements left to vote on." in page
    assert 'name="return" value="room"' in page
    assert "8 people have voted." in page and "Most agreed across groups:" in page

    summary = client.get(_panel(room.session, "summary")).content.decode()
    assert "8 people have voted." in summary and "statements left" not in summary
    vote_part = client.get(_panel(room.session, "vote")).content.decode()
    assert "6 statements left" in vote_part and "people have voted" not in vote_part

    # A vote from the panel goes back to the room.
    upcoming = StatementVote.objects.filter(voter__user=room.member).count()
    assert upcoming == 0
    answer = client.post(
        reverse("deliberation:statements_vote", args=[activity.pk]),
        {"action": "vote", "statement": statements[0], "vote": "1", "return": "room"},
    )
    assert answer.status_code == 302 and answer.url == room.session.get_absolute_url()
    assert "5 statements left" in client.get(_panel(room.session, "vote")).content.decode()


def test_before_seven_voters_the_summary_waits(client, room, activity):
    add_statements(room.session, room.facilitator, ["Only one"])
    client.force_login(room.member)
    page = client.get(_panel(room.session, "summary")).content.decode()
    assert "A summary appears once at least 7 people have voted." in page
