"""A "statements" question in a consultation: respondents add statements and vote one at a
time while answering (signed in or not), moderators moderate, and the results page and the
open data show the same analysis and thresholds as a live room."""

import pytest
from django.urls import reverse

from coproduce.accounts import roles
from deliberation.opinions import services as opinions
from deliberation.opinions.models import Statement, StatementVote, StatementVoter
from engagement.consultation_statements import services
from engagement.models import Answer

from .conftest import STATEMENTS_QUESTION, question_of

pytestmark = pytest.mark.django_db


def _vote_url(consultation, question, section=None):
    url = reverse("engagement:consultation_statements", args=[consultation.pk, question.pk])
    return url + (f"?section={section}" if section else "")


def test_the_section_links_to_the_statements_and_saves_without_them(client, open_with_statements):
    consultation = open_with_statements
    question = question_of(consultation)
    section_url = reverse("engagement:answer_section", args=[consultation.pk, 1])
    page = client.get(section_url).content.decode()
    assert STATEMENTS_QUESTION in page
    assert _vote_url(consultation, question, 1) in page
    assert f'name="q{question.pk}' not in page  # no form field for it
    choice = consultation.sections.get().questions.get(kind="single_choice").choices.first()
    single = consultation.sections.get().questions.get(kind="single_choice")
    saved = client.post(section_url, {f"q{single.pk}": choice.pk, "action": "continue"})
    assert saved.status_code == 302
    assert not Answer.objects.filter(question=question).exists()
    check = client.get(reverse("engagement:answer_check", args=[consultation.pk]))
    assert check.status_code == 200


def test_someone_without_an_account_adds_and_votes_and_a_second_vote_replaces_the_first(
    client, open_with_statements, role_user
):
    consultation = open_with_statements
    question = question_of(consultation)
    url = _vote_url(consultation, question, 1)
    empty = client.get(url)
    assert "There are no statements to vote on yet" in empty.content.decode()

    added = client.post(url, {"action": "add", "text": "  Breaks  near   home\x07 "})
    assert added.status_code == 302 and added.url == url
    statement = Statement.objects.get()
    assert statement.text == "Breaks near home"
    assert statement.author is None and statement.status == "approved"

    page = client.get(url).content.decode()
    assert "Breaks near home" in page
    assert client.post(url, {"action": "vote", "statement": statement.pk, "vote": "1"}).url == url
    assert client.post(url, {"action": "vote", "statement": statement.pk, "vote": "-1"}).url == url
    vote = StatementVote.objects.get()
    assert vote.vote == -1
    voter = vote.voter
    assert voter.user is None and voter.respondent_key.startswith("browser:")
    # Voted on everything: the page says so rather than asking again.
    assert "You have voted on every statement so far" in client.get(url).content.decode()

    # Another browser is another voter, and still sees the statement.
    other = client.__class__()
    assert "Breaks near home" in other.get(url).content.decode()
    other.post(url, {"action": "vote", "statement": statement.pk, "vote": "1"})
    assert StatementVoter.objects.count() == 2


def test_a_signed_in_respondent_votes_as_their_account(client, open_with_statements, role_user):
    consultation = open_with_statements
    question = question_of(consultation)
    activity = services.question_activity_get_or_create(question=question)
    first = opinions.activity_statement_add(activity=activity, author=None, text="One")
    person = role_user(roles.PARTICIPANT)
    client.force_login(person)
    client.post(
        _vote_url(consultation, question), {"action": "vote", "statement": first.pk, "vote": "0"}
    )
    assert StatementVote.objects.get().voter.user == person


def test_bad_votes_and_statements_are_clear_errors_that_keep_what_was_typed(
    client, open_with_statements
):
    consultation = open_with_statements
    question = question_of(consultation)
    url = _vote_url(consultation, question)
    long_text = "x" * 281
    too_long = client.post(url, {"action": "add", "text": long_text})
    assert too_long.status_code == 400
    body = too_long.content.decode()
    assert "280 characters or fewer" in body and long_text in body
    unknown = client.post(url, {"action": "vote", "statement": 999999, "vote": "1"})
    assert unknown.status_code == 400
    assert "There is no such statement here" in unknown.content.decode()
    no_vote = client.post(url, {"action": "vote", "statement": 1})
    assert no_vote.status_code == 400
    assert not StatementVote.objects.exists()


def test_a_statement_of_another_activity_cannot_be_voted_on_here(client, open_with_statements):
    consultation = open_with_statements
    question = question_of(consultation)
    elsewhere = opinions.activity_statement_add(
        activity=Statement.activity.field.related_model.objects.create(title="Other"),
        author=None,
        text="Elsewhere",
    )
    answer = client.post(
        _vote_url(consultation, question),
        {"action": "vote", "statement": elsewhere.pk, "vote": "1"},
    )
    assert answer.status_code == 400
    assert not StatementVote.objects.exists()


def test_a_closed_consultation_takes_no_votes(client, closed_with_statements):
    consultation = closed_with_statements
    question = question_of(consultation)
    url = _vote_url(consultation, question)
    assert client.post(url, {"action": "add", "text": "Too late"}).status_code == 403
    assert not Statement.objects.exists()


def test_only_statements_questions_have_a_statements_page(client, open_with_statements):
    consultation = open_with_statements
    single = consultation.sections.get().questions.get(kind="single_choice")
    assert client.get(_vote_url(consultation, single)).status_code == 404


def test_consultation_moderators_approve_and_moderate_out(client, open_with_statements, role_user):
    consultation = open_with_statements
    question = question_of(consultation)
    activity = services.question_activity_get_or_create(question=question)
    opinions.statement_activity_set_approval(activity=activity, required=True)
    url = _vote_url(consultation, question)
    client.post(url, {"action": "add", "text": "Needs a look"})
    statement = Statement.objects.get()
    assert statement.status == "pending"
    # Waiting statements are not offered for votes, and cannot be voted on.
    assert "Needs a look" not in client.get(url).content.decode()
    client.post(url, {"action": "vote", "statement": statement.pk, "vote": "1"})
    assert not StatementVote.objects.exists()

    moderate = reverse(
        "engagement:consultation_statements_moderate",
        args=[consultation.pk, question.pk, statement.pk],
    )
    assert client.post(moderate, {"decision": "approve"}).status_code == 302  # to sign in
    client.force_login(role_user(roles.PARTICIPANT))
    assert client.post(moderate, {"decision": "approve"}).status_code == 403
    statement.refresh_from_db()
    assert statement.status == "pending"

    client.force_login(role_user(roles.COMMISSIONER))
    results_url = reverse("engagement:consultation_results", args=[consultation.pk])
    page = client.get(results_url).content.decode()
    assert "Moderate the statements of" in page and "Needs a look" in page
    client.post(moderate, {"decision": "approve"})
    statement.refresh_from_db()
    assert statement.status == "approved"
    client.post(moderate, {"decision": "reject"})
    statement.refresh_from_db()
    assert statement.status == "rejected"


def _camps(activity, people=8):
    """`people` respondents in two camps over six statements; two they all agree with."""
    statements = [
        opinions.activity_statement_add(activity=activity, author=None, text=f"Statement {n}")
        for n in range(6)
    ]
    for person in range(people):
        voter = opinions.activity_voter(activity=activity, respondent_key=f"test:{person}")
        camp = 1 if person % 2 else -1
        for index, statement in enumerate(statements):
            vote = 1 if index < 2 else camp if index < 5 else 0
            opinions.activity_vote(
                activity=activity, voter=voter, statement_id=statement.pk, vote=vote
            )
    return statements


def test_results_wait_for_seven_voters_and_hide_small_counts(client, closed_with_statements):
    consultation = closed_with_statements
    question = question_of(consultation)
    activity = services.question_activity_get_or_create(question=question)
    _camps(activity, people=3)
    page = client.get(reverse("engagement:consultation_results", args=[consultation.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert STATEMENTS_QUESTION in body
    assert "Results appear once at least 7 people have voted" in body
    assert "People who have voted so far: [c]." in body
    assert "Statement 0" not in body


def test_results_show_consensus_groups_and_tables_without_a_map_under_twenty(
    client, closed_with_statements
):
    consultation = closed_with_statements
    activity = services.question_activity_get_or_create(question=question_of(consultation))
    _camps(activity, people=10)
    body = client.get(
        reverse("engagement:consultation_results", args=[consultation.pk])
    ).content.decode()
    assert "What people agree on across groups" in body
    assert "Group A (5 people)" in body and "Group B (5 people)" in body
    assert "Where groups differ" in body
    assert "a map of opinions would mean little" in body
    assert "opinion-map-" not in body


def test_open_data_carries_the_analysis_with_disclosed_counts(client, closed_with_statements):
    consultation = closed_with_statements
    question = question_of(consultation)
    activity = services.question_activity_get_or_create(question=question)
    statements = _camps(activity, people=10)
    url = reverse("api_v1:consultation_statements", kwargs={"consultation_id": consultation.pk})
    data = client.get(url).json()
    (item,) = data["questions"]
    assert item["id"] == question.pk and item["text"] == STATEMENTS_QUESTION
    assert item["ready"] is True and item["voters"] == 10
    assert sorted(g["size"] for g in item["groups"]) == [5, 5]
    assert set(item["consensus"][:2]) == {statements[0].pk, statements[1].pk}
    assert {statements[2].pk, statements[3].pk, statements[4].pk} <= set(item["divisive"])
    first = next(s for s in item["statements"] if s["id"] == statements[0].pk)
    assert (first["agree"], first["disagree"], first["passed"]) == (10, 0, 0)
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/consultations/{consultation_id}/statements" in schema["paths"]


def test_open_data_refuses_results_that_are_not_public(client, open_with_statements):
    url = reverse(
        "api_v1:consultation_statements", kwargs={"consultation_id": open_with_statements.pk}
    )
    answer = client.get(url)
    assert answer.status_code == 403
    assert answer.json()["type"].endswith("results-not-public")
