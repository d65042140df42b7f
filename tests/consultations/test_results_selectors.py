"""Results computed by the selectors on a data set whose totals are worked out by hand."""

import pytest

from engagement.consultations.moderation import answer_hide
from engagement.consultations.results import consultation_results, free_text_answers
from tests import factories

from .conftest import MULTIPLE, POINTS, RANKING, SCALE, SINGLE, TEXT

pytestmark = pytest.mark.django_db


def _by_text(results):
    return {r.question.text: r for r in results.questions}


def _choices(result):
    return {c.label: c for c in result.choices}


def test_only_submitted_responses_count(answered):
    results = consultation_results(consultation=answered)
    assert results.respondents == 4
    by_text = _by_text(results)
    assert by_text[SINGLE].answered == 4
    assert _choices(by_text[MULTIPLE])["Sitting service"].count == 0


def test_single_choice_counts_and_percentages(answered):
    single = _by_text(consultation_results(consultation=answered))[SINGLE]
    assert [(c.label, c.count, c.percent) for c in single.choices] == [
        ("Weekly", 2, 50.0),
        ("Monthly", 1, 25.0),
        ("Rarely", 1, 25.0),
    ]


def test_multiple_choice_percentages_are_of_people_who_answered_the_question(answered):
    multiple = _by_text(consultation_results(consultation=answered))[MULTIPLE]
    assert multiple.answered == 3
    assert [(c.label, c.count, c.percent) for c in multiple.choices] == [
        ("Day care", 2, 66.7),
        ("Overnight", 1, 33.3),
        ("Sitting service", 0, 0.0),
        ("Holiday", 1, 33.3),
    ]


def test_agreement_scale_mean_and_distribution(answered):
    scale = _by_text(consultation_results(consultation=answered))[SCALE]
    assert scale.answered == 3
    assert scale.mean == pytest.approx(3.67)
    assert [(p.value, p.count) for p in scale.scale] == [(1, 0), (2, 1), (3, 0), (4, 1), (5, 1)]
    assert scale.scale[4].label == "Strongly agree"
    assert scale.scale[4].percent == 33.3


def test_ranking_borda_scores_and_mean_positions(answered):
    ranking = _by_text(consultation_results(consultation=answered))[RANKING]
    # Three choices: first place 2 points, second 1, third 0.
    # Cost 1st, 2nd, 1st = 5; Distance 2nd, 1st, 3rd = 3; Staff 3rd, 3rd, 2nd = 1.
    assert [(c.label, c.borda, c.mean_rank, c.count) for c in ranking.choices] == [
        ("Cost", 5, 1.33, 3),
        ("Distance", 3, 2.0, 3),
        ("Staff", 1, 2.67, 3),
    ]


def test_points_totals_means_and_shares(answered):
    points = _choices(_by_text(consultation_results(consultation=answered))[POINTS])
    assert (points["Evenings"].points, points["Evenings"].mean_points) == (90, 30.0)
    assert (points["Weekends"].points, points["Weekends"].mean_points) == (170, 56.7)
    assert (points["Emergencies"].points, points["Emergencies"].mean_points) == (40, 13.3)
    assert points["Weekends"].points_percent == 56.7
    # "People who gave it points": a zero is not a choice.
    assert (points["Evenings"].count, points["Weekends"].count) == (2, 3)


def test_free_text_shows_count_and_latest_answers_without_hidden_ones(answered):
    first, second = answered.known_responses[:2]
    hidden = second.answers.get(question__kind="free_text")
    answer_hide(answer_id=hidden.pk, moderator=factories.UserFactory(), reason="Names a place")

    text = _by_text(consultation_results(consultation=answered))[TEXT]
    assert text.answered == 2  # it still counts as answered: hiding is not deleting
    assert text.text_count == 1
    assert [t.text for t in text.texts] == ["More evening sitters, please."]

    with_hidden = _by_text(consultation_results(consultation=answered, include_hidden=True))
    assert with_hidden[TEXT].text_count == 2


def test_free_text_search_and_pagination(closed_consultation):
    question = next(q for q in closed_consultation.ordered_questions if q.kind == "free_text")
    for n in range(25):
        topic = "transport" if n % 5 == 0 else "staffing"
        factories.make_response(closed_consultation, answers={TEXT: f"Answer {n} about {topic}"})

    first_page = free_text_answers(question=question)
    assert first_page.paginator.count == 25
    assert len(first_page.object_list) == 20
    assert first_page.object_list[0].text == "Answer 24 about staffing"  # newest first
    assert len(free_text_answers(question=question, page_number=2).object_list) == 5
    # A page number out of range gives the last page, never an error.
    assert free_text_answers(question=question, page_number="99").number == 2

    found = free_text_answers(question=question, search="TRANSPORT")
    assert found.paginator.count == 5
    assert all("transport" in a.text for a in found.object_list)


def test_a_consultation_without_responses_has_zero_results(closed_consultation):
    results = consultation_results(consultation=closed_consultation)
    assert results.respondents == 0
    for result in results.questions:
        assert result.answered == 0
        assert all(c.percent == 0 for c in result.choices)
    assert _by_text(results)[SCALE].mean is None


def test_results_of_one_consultation_ignore_another(answered, open_consultation):
    factories.make_response(open_consultation, answers={SINGLE: "Weekly"})
    assert consultation_results(consultation=answered).respondents == 4
    assert consultation_results(consultation=open_consultation).respondents == 1
