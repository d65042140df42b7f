"""The voting and results pages: what each person can do and see, errors that lose nothing."""

import pytest
from django.urls import reverse

from deliberation.opinions.models import Statement, StatementActivity, StatementVote
from tests.opinions.conftest import add_statements, vote_in_camps

pytestmark = pytest.mark.django_db


def _vote_url(activity):
    return reverse("deliberation:statements_vote", kwargs={"pk": activity.pk})


def _results_url(activity):
    return reverse("deliberation:statements_results", kwargs={"pk": activity.pk})


def test_a_member_votes_one_statement_at_a_time(client, room, activity):
    statements = add_statements(
        room.session, room.facilitator, ["<script>alert(1)</script>", "Two"]
    )
    client.force_login(room.member)
    page = client.get(_vote_url(activity))
    assert page.status_code == 200
    html = page.content.decode()
    assert "&lt;script&gt;" in html or "Two" in html
    assert "<script>alert(1)" not in html
    assert "2 statements left to vote on." in html
    shown = page.context["next"].statement.pk
    response = client.post(
        _vote_url(activity), {"action": "vote", "statement": shown, "vote": "-1"}
    )
    assert response.status_code == 302
    assert StatementVote.objects.get().vote == -1
    page = client.get(_vote_url(activity))
    assert page.context["next"].statement.pk == (set(statements) - {shown}).pop()
    assert "1 statement left to vote on." in page.content.decode()


def test_a_bad_vote_gets_an_error_and_nothing_is_stored(client, room, activity):
    (statement,) = add_statements(room.session, room.facilitator, ["One"])
    client.force_login(room.member)
    for data in (
        {"action": "vote", "statement": statement, "vote": "7"},
        {"action": "vote", "statement": statement},
        {"action": "vote", "statement": 999999, "vote": "1"},
    ):
        response = client.post(_vote_url(activity), data)
        assert response.status_code == 400
        assert "There is a problem" in response.content.decode()
    assert not StatementVote.objects.exists()


def test_adding_a_statement_from_the_page(client, room, activity):
    client.force_login(room.member)
    response = client.post(_vote_url(activity), {"action": "add", "text": "x" * 281})
    assert response.status_code == 400
    assert "280 characters or fewer" in response.content.decode()
    assert not Statement.objects.exists()
    response = client.post(
        _vote_url(activity), {"action": "add", "text": "Pay carers for their time"}
    )
    assert response.status_code == 302
    assert Statement.objects.get().text == "Pay carers for their time"


def test_people_outside_the_group_cannot_vote_or_see_results(client, room, activity):
    client.force_login(room.outsider)
    assert client.get(_vote_url(activity)).status_code == 403
    assert client.get(_results_url(activity)).status_code == 403
    client.logout()
    assert client.get(_results_url(activity)).status_code == 302  # to sign in


def test_results_page_at_each_size(client, room, activity, add_members):
    client.force_login(room.member)
    statements = add_statements(room.session, room.facilitator, [f"Idea {i}" for i in range(8)])
    people = add_members(6)
    vote_in_camps(room.session, people, statements, dividing=statements[:4], shared=statements[4:6])
    html = client.get(_results_url(activity)).content.decode()
    assert "Results appear once at least 7 people have voted" in html
    assert "app-opinion-map" not in html and "Idea 0" not in html

    vote_in_camps(
        room.session, add_members(6), statements, dividing=statements[:4], shared=statements[4:6]
    )
    html = client.get(_results_url(activity)).content.decode()
    assert "a map of opinions would mean little" in html
    assert 'app-opinion-map"' not in html
    assert "What people agree on across groups" in html and "Group A" in html

    vote_in_camps(
        room.session, add_members(10), statements, dividing=statements[:4], shared=statements[4:6]
    )
    html = client.get(_results_url(activity)).content.decode()
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in html
    assert "22 people have voted. There are 2 opinion groups" in html
    fragment = client.get(_results_url(activity) + "?fragment=1").content.decode()
    assert fragment.lstrip().startswith("<h2>") and "<html" not in fragment


def test_facilitators_moderate_and_members_cannot(client, room, activity):
    approval = reverse("deliberation:statements_approval", kwargs={"pk": activity.pk})
    client.force_login(room.member)
    assert client.post(approval, {"required": "yes"}).status_code == 403
    client.force_login(room.facilitator)
    client.post(approval, {"required": "yes"})
    assert StatementActivity.objects.get(pk=activity.pk).requires_approval
    (statement,) = add_statements(room.session, room.member, ["Needs a check"])
    url = reverse(
        "deliberation:statements_moderate", kwargs={"pk": activity.pk, "statement_pk": statement}
    )
    client.force_login(room.member)
    assert client.post(url, {"decision": "approve"}).status_code == 403
    client.force_login(room.facilitator)
    assert "Needs a check" in client.get(_results_url(activity)).content.decode()
    client.post(url, {"decision": "nonsense"})
    assert Statement.objects.get().status == "pending"
    client.post(url, {"decision": "reject"})
    assert Statement.objects.get().status == "rejected"


def test_facilitators_download_pol_is_csv(client, room, activity):
    add_statements(room.session, room.member, ["=HYPERLINK(1)", "Fine"])
    url = reverse("deliberation:statements_export_comments", kwargs={"pk": activity.pk})
    client.force_login(room.member)
    assert client.get(url).status_code == 403
    client.force_login(room.facilitator)
    body = client.get(url).content.decode()
    assert body.startswith("timestamp,datetime,comment-id")
    assert "'=HYPERLINK(1)" in body


def test_the_room_links_to_the_current_items_statements(client, room, live_item):
    client.force_login(room.member)
    url = reverse("deliberation:session_statements", kwargs={"pk": room.session.pk})
    assert client.get(url).status_code == 302
    assert not StatementActivity.objects.exists()  # members do not open one
    client.force_login(room.facilitator)
    # Reading the page changes nothing: a facilitator is offered a button to start them.
    response = client.get(url)
    assert response.status_code == 200
    assert "Start statements" in response.content.decode()
    assert not StatementActivity.objects.exists()
    response = client.post(url)
    activity = StatementActivity.objects.get(agenda_item=live_item)
    assert response.url == _vote_url(activity) or response.url == _results_url(activity)
    # Once started, the same address goes straight to them, for the facilitator and members.
    assert client.get(url).url == response.url
    client.force_login(room.member)
    assert client.get(url).url in {_vote_url(activity), _results_url(activity)}


def test_members_cannot_start_statements(client, room, live_item):
    client.force_login(room.member)
    url = reverse("deliberation:session_statements", kwargs={"pk": room.session.pk})
    response = client.post(url)
    assert response.status_code == 302
    assert not StatementActivity.objects.exists()
