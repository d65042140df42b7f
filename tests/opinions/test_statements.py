"""Statements and votes in a session: one vote per person per statement, moderation,
cleaning, errors that lose nothing, the order people see statements in, and what the results
show at each size (nothing under 7 voters, tables under 20, no group under 3)."""

import pytest
from django.db import IntegrityError, transaction

from deliberation.models import RoomEvent, Session, SessionParticipant
from deliberation.opinions import selectors, services
from deliberation.opinions.analysis import VoteMatrix, analyse
from deliberation.opinions.models import Statement, StatementActivity, StatementVote
from deliberation.services import RoomActionError
from tests.opinions.conftest import add_statements, vote_in_camps
from tests.opinions.test_analysis import two_camps

pytestmark = pytest.mark.django_db


def test_changing_a_vote_replaces_it(room, activity):
    (statement,) = add_statements(
        room.session, room.member, ["Wheelchair budgets should be faster"]
    )
    for vote in (1, -1):
        services.statement_vote(
            session=room.session,
            voter=room.other_member,
            statement_id=statement,
            vote=vote,
            client_id=None,
        )
    votes = StatementVote.objects.filter(statement_id=statement)
    assert [v.vote for v in votes] == [-1]
    # The database holds the rule too: a second row for the same person is refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        StatementVote.objects.create(
            statement_id=statement, voter=votes[0].voter, vote=1, voted_at=votes[0].voted_at
        )


def test_a_statement_is_stored_tidied_and_shown_to_the_room(room, activity):
    recorded = services.statement_create(
        session=room.session,
        author=room.member,
        text="  Carers need\n\nbreaks\u202e <b>too</b> ",
        client_id="s-1",
    )
    statement = Statement.objects.get(pk=recorded.event.payload["statement"])
    assert statement.text == "Carers need breaks <b>too</b>"  # escaped on output, as typed
    assert statement.activity == activity
    assert recorded.event.type == "statement.created"
    assert recorded.event.payload["text"] == statement.text


@pytest.mark.parametrize(
    ("text", "code"),
    [("", "bad_request"), ("   \n ", "bad_request"), ("x" * 281, "too_long")],
)
def test_an_empty_or_long_statement_is_refused_and_nothing_is_stored(room, activity, text, code):
    with pytest.raises(RoomActionError) as refused:
        services.statement_create(
            session=room.session, author=room.member, text=text, client_id=None
        )
    assert refused.value.code == code
    assert not Statement.objects.exists()


def test_muted_people_cannot_add_statements_but_can_vote(room, activity):
    (statement,) = add_statements(room.session, room.other_member, ["Short breaks near home"])
    SessionParticipant.objects.create(session=room.session, user=room.member, muted=True)
    with pytest.raises(RoomActionError) as refused:
        add_statements(room.session, room.member, ["Mine"])
    assert refused.value.code == "muted"
    services.statement_vote(
        session=room.session, voter=room.member, statement_id=statement, vote=1, client_id=None
    )


def test_nothing_is_added_or_voted_once_the_session_has_ended(room, activity):
    (statement,) = add_statements(room.session, room.member, ["Evening cover matters most"])
    Session.objects.filter(pk=room.session.pk).update(status="ended")
    with pytest.raises(RoomActionError):
        services.statement_vote(
            session=room.session, voter=room.member, statement_id=statement, vote=1, client_id=None
        )
    assert not StatementVote.objects.exists()


def test_a_statement_of_another_session_cannot_be_voted_on(room, activity, factories_module):
    other = factories_module.SessionFactory()
    item = factories_module.AgendaItemFactory(session=other)
    Session.objects.filter(pk=other.pk).update(current_item=item)
    other.refresh_from_db()
    (elsewhere,) = add_statements(other, room.member, ["Somewhere else"])
    with pytest.raises(RoomActionError) as refused:
        services.statement_vote(
            session=room.session, voter=room.member, statement_id=elsewhere, vote=1, client_id=None
        )
    assert refused.value.code == "bad_request"


def test_statements_waiting_for_approval_are_hidden_until_approved(room, activity):
    StatementActivity.objects.filter(pk=activity.pk).update(requires_approval=True)
    recorded = services.statement_create(
        session=room.session, author=room.member, text="Pay carers properly", client_id=None
    )
    statement = recorded.event.payload["statement"]
    assert recorded.event.payload == {**recorded.event.payload, "status": "pending", "text": ""}
    assert selectors.next_statement(activity=activity, user=room.other_member).statement is None
    with pytest.raises(RoomActionError):
        services.statement_vote(
            session=room.session,
            voter=room.other_member,
            statement_id=statement,
            vote=1,
            client_id=None,
        )
    approved = services.statement_moderate(
        session=room.session, facilitator=room.facilitator, statement_id=statement, approve=True
    )
    assert approved.event.payload["text"] == "Pay carers properly"
    assert (
        selectors.next_statement(activity=activity, user=room.other_member).statement.pk
        == statement
    )


def test_statements_moderated_out_leave_the_analysis(room, activity, add_members):
    people = add_members(8)
    statements = add_statements(
        room.session, room.facilitator, [f"Statement {i}" for i in range(8)]
    )
    vote_in_camps(room.session, people, statements, dividing=statements[:4], shared=statements[4:6])
    services.statement_moderate(
        session=room.session,
        facilitator=room.facilitator,
        statement_id=statements[0],
        approve=False,
    )
    analysis = selectors.activity_analysis(activity=activity)
    assert statements[0] not in analysis.statements
    assert set(analysis.statements) == set(statements[1:])


def test_each_person_sees_unseen_statements_in_their_own_order(room, activity, add_members):
    statements = add_statements(room.session, room.facilitator, [f"Idea {i}" for i in range(12)])
    first = selectors.next_statement(activity=activity, user=room.member)
    assert first.remaining == 12
    again = selectors.next_statement(activity=activity, user=room.member)
    assert again.statement == first.statement  # the same person, the same order

    def order_for(person):
        seen = []
        while (upcoming := selectors.next_statement(activity=activity, user=person)).statement:
            seen.append(upcoming.statement.pk)
            services.statement_vote(
                session=room.session,
                voter=person,
                statement_id=upcoming.statement.pk,
                vote=0,
                client_id=None,
            )
        return seen

    mine, theirs = order_for(room.member), order_for(room.other_member)
    assert sorted(mine) == sorted(theirs) == sorted(statements)  # every one, none twice
    assert mine != theirs


def test_results_stay_hidden_until_seven_people_have_voted(room, activity, add_members):
    people = add_members(6)
    statements = add_statements(room.session, room.facilitator, [f"S{i}" for i in range(8)])
    vote_in_camps(room.session, people, statements, dividing=statements[:4], shared=statements[4:])
    results = selectors.opinion_results(activity=activity)
    assert not results.ready
    assert results.groups == () and results.table == () and not results.map_svg
    assert results.voters == 6

    vote_in_camps(room.session, add_members(1), statements, dividing=(), shared=statements)
    assert selectors.opinion_results(activity=activity).ready


def test_small_rooms_get_tables_not_a_map_and_small_counts_are_hidden(room, activity, add_members):
    people = add_members(12)
    statements = add_statements(room.session, room.facilitator, [f"S{i}" for i in range(10)])
    vote_in_camps(room.session, people, statements, dividing=statements[:5], shared=statements[5:8])
    results = selectors.opinion_results(activity=activity)
    assert results.ready and not results.show_map and not results.map_svg
    assert {g.size for g in results.groups} == {6}
    top = {row.statement for row in results.consensus[:3]}
    assert top == set(statements[5:8])
    # Two people passed: a count of 1 to 4 people is never shown.
    passed = [row.passed for row in results.table if row.statement == statements[9]]
    assert passed == [12]
    assert all(row.agree in ("[c]", 0) or row.agree >= 5 for row in results.table)


def test_a_group_under_three_people_is_never_shown(room, activity, add_members):
    people = add_members(20)
    statements = add_statements(room.session, room.facilitator, [f"S{i}" for i in range(10)])
    vote_in_camps(room.session, people, statements, dividing=statements[:5], shared=statements[5:8])
    loners = add_members(2)
    for person in loners:
        for statement in statements:
            services.statement_vote(
                session=room.session,
                voter=person,
                statement_id=statement,
                vote=-1 if statement in statements[5:8] else 0,
                client_id=None,
            )
    analysis = selectors.activity_analysis(activity=activity)
    assert any(g.size < 3 for g in analysis.groups)
    results = selectors.opinion_results(activity=activity, analysis=analysis)
    assert results.hidden_groups >= 1
    assert all(g.size == "[c]" or g.size >= 3 for g in results.groups)
    assert results.show_map
    # The map draws only groups that are shown; the pair are grey dots like anyone ungrouped.
    assert results.map_svg.count("app-opinion-map__outline") == len(results.groups) >= 2
    summary = selectors.opinions_summary(activity=activity, analysis=analysis)
    assert len(summary["groups"]) == len(results.groups)


def test_a_vote_is_logged_without_saying_how_anyone_voted(room, activity):
    (statement,) = add_statements(room.session, room.member, ["More respite beds"])
    recorded = services.statement_vote(
        session=room.session,
        voter=room.other_member,
        statement_id=statement,
        vote=-1,
        client_id="v-1",
    )
    assert recorded.event.type == "statement.voted"
    assert "vote" not in recorded.event.payload
    retry = services.statement_vote(
        session=room.session,
        voter=room.other_member,
        statement_id=statement,
        vote=-1,
        client_id="v-1",
    )
    assert retry.event.pk == recorded.event.pk and not retry.created
    assert RoomEvent.objects.filter(type="statement.voted").count() == 1


def test_the_rooms_recompute_runs_in_a_worker_process(settings):
    settings.OPINIONS_ANALYSE_IN_PROCESS = True
    votes, _camp = two_camps()
    matrix = VoteMatrix.from_votes(votes)
    there = services.opinions_analyse(matrix=matrix, previous={})
    here = analyse(matrix)
    assert there.assignment == here.assignment and there.consensus == here.consensus
    # A spawned worker: another process, not a copy of this one.
    assert services._analysis_pool()._mp_context.get_start_method() == "spawn"
