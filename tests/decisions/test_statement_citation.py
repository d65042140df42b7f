"""A "you said" point cites a statement people voted on; its figure (how many agreed, and
whether the opinion groups did) comes from the analysis of the votes, never typed, with
counts of people through disclosure control."""

import pytest

from deliberation.opinions import services as opinions
from deliberation.opinions.models import StatementActivity
from tests import factories
from tests.consultation_statements.test_statements_question import _camps

pytestmark = pytest.mark.django_db


def _decision_citing(*statements, slug="statements"):
    decision = factories.make_decision(
        items=[
            {"you_said": f"Point {n}", "outcome": "done", "we_did": "We did it."}
            for n in range(len(statements))
        ],
        slug=slug,
    )
    for item, statement in zip(
        decision.you_said_items.order_by("sort_order"), statements, strict=True
    ):
        item.cited_statement = statement
        item.save()
    return decision


def test_a_point_cites_an_agreed_statement_with_its_figure_from_the_votes(client):
    activity = StatementActivity.objects.create(title="Short breaks")
    agreed, _also, divisive, *_rest = _camps(activity, people=10)
    decision = _decision_citing(agreed, divisive)
    html = client.get(decision.url).content.decode()
    assert "From the votes on statements:" in html
    assert (
        "10 of the 10 people who voted on “Statement 0” agreed (100%). "
        "Most of every opinion group agreed." in html
    )
    assert (
        "5 of the 10 people who voted on “Statement 2” agreed (50%). "
        "The opinion groups differed on it." in html
    )
    # A figure typed nowhere: one more vote changes it.
    voter = opinions.activity_voter(activity=activity, respondent_key="test:late")
    opinions.activity_vote(activity=activity, voter=voter, statement_id=divisive.pk, vote=1)
    assert "6 of the 11 people who voted on “Statement 2” agreed (55%)." in (
        client.get(decision.url).content.decode()
    )


def test_no_figure_before_seven_voters_and_small_counts_hidden(client):
    few = StatementActivity.objects.create(title="Few")
    (statement, *_rest) = _camps(few, people=3)
    decision = _decision_citing(statement)
    html = client.get(decision.url).content.decode()
    assert "Fewer than 7 people have voted on the statements" in html
    assert "3 of the 3" not in html

    some = StatementActivity.objects.create(title="Some")
    statements = _camps(some, people=8)
    # Statement 5 everyone passed on: 0 agreed of 8; statement 2: 4 of 8 agreed, hidden.
    decision = _decision_citing(statements[2], slug="statements-2")
    html = client.get(decision.url).content.decode()
    assert "[c] of the 8 people who voted on “Statement 2” agreed." in html
    assert "(50%)" not in html


def test_a_statement_moderated_out_after_it_was_cited_shows_no_figure(client):
    activity = StatementActivity.objects.create(title="Short breaks")
    statement, *_rest = _camps(activity, people=10)
    decision = _decision_citing(statement)
    opinions.activity_statement_moderate(
        activity=activity, statement_id=statement.pk, approve=False
    )
    html = client.get(decision.url).content.decode()
    assert "“Statement 0” is no longer open for votes, so no figure is shown." in html
