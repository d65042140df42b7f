"""Tampered input is refused with a clear message, never a 500, and loses nothing saved."""

import pytest
from django.urls import reverse

from engagement.models import Answer, Response
from tests.consultations.test_answering_journey import _choice, _questions, section_one, section_two
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db


@pytest.fixture
def consultation():
    return make_consultation()


@pytest.fixture
def saved(client, consultation):
    """A response with both sections saved, as a person would have it before tampering."""
    for number, data in [(1, section_one(consultation)), (2, section_two(consultation))]:
        reply = client.post(
            reverse("engagement:answer_section", args=[consultation.pk, number]),
            {**data, "action": "save"},
        )
        assert reply.status_code == 302
    return Response.objects.get()


def _snapshot(response):
    return sorted(
        Answer.objects.filter(response=response).values_list(
            "question_id", "choice_id", "number", "text"
        ),
        key=str,
    )


def _post(client, consultation, number, data):
    return client.post(
        reverse("engagement:answer_section", args=[consultation.pk, number]),
        {**data, "action": "continue"},
    )


def _other_question_choice(consultation, text):
    question = _questions(consultation)[text]
    return question.choices.all()[0].pk


@pytest.mark.parametrize(
    ("section", "tamper", "message"),
    [
        (
            1,
            lambda c, d, q: d.update(
                {
                    f"q{q['How often do you get a short break?'].pk}": str(
                        _other_question_choice(c, "Which kinds of break would help?")
                    )
                }
            ),
            "Choose from the options given for “How often do you get a short break?”<",
        ),
        (
            1,
            lambda c, d, q: d.update({f"q{q['Which kinds of break would help?'].pk}": ["999999"]}),
            "Choose from the options given for “Which kinds of break would help?”<",
        ),
        (
            1,
            lambda c, d, q: d.update({f"q{q['Short breaks help me keep caring.'].pk}": "9"}),
            "Choose from the options given for “Short breaks help me keep caring.”<",
        ),
        (
            1,
            lambda c, d, q: d.update({f"q{q['Short breaks help me keep caring.'].pk}": "abc"}),
            "Choose from the options given for “Short breaks help me keep caring.”<",
        ),
        (
            2,
            lambda c, d, q: d.update(
                {
                    f"q{q['Put these in order of importance.'].pk}_1": d[
                        f"q{q['Put these in order of importance.'].pk}_0"
                    ]
                }
            ),
            "Choose each item only once in “Put these in order of importance.”<",
        ),
        (
            2,
            lambda c, d, q: d.update(
                {
                    f"q{q['Put these in order of importance.'].pk}_0": str(
                        _other_question_choice(c, "Share 100 points between these.")
                    )
                }
            ),
            "Choose from the items given.",
        ),
        (
            2,
            lambda c, d, q: d.update({f"q{q['Share 100 points between these.'].pk}_0": "70"}),
            "must add up to 100. They add up to 120.",
        ),
        (
            2,
            lambda c, d, q: d.update({f"q{q['Share 100 points between these.'].pk}_0": "-50"}),
            "Points cannot be less than 0.",
        ),
        (
            2,
            lambda c, d, q: d.update(
                {f"q{q['Share 100 points between these.'].pk}_0": "99999999999999999999"}
            ),
            "No priority can have more than 100 points.",
        ),
        (
            2,
            lambda c, d, q: d.update({f"q{q['Share 100 points between these.'].pk}_0": "1e3"}),
            "Enter points as a whole number",
        ),
        (
            2,
            lambda c, d, q: d.update({f"q{q['What else should we know?'].pk}": "x" * 2001}),
            "must be 2000 characters or fewer. It has 2001.",
        ),
    ],
)
def test_tampered_answer_is_refused_clearly_and_saved_answers_survive(
    client, consultation, saved, section, tamper, message
):
    before = _snapshot(saved)
    data = section_one(consultation) if section == 1 else section_two(consultation, "Changed")
    tamper(consultation, data, _questions(consultation))
    reply = _post(client, consultation, section, data)
    body = reply.content.decode()
    assert reply.status_code == 200
    assert "There is a problem" in body
    assert message in body
    assert _snapshot(saved) == before


def test_unknown_fields_and_other_consultations_questions_are_ignored(client, consultation, saved):
    other = make_consultation(title="Another consultation", slug="another")
    other_question = other.ordered_questions[0]
    data = section_one(consultation)
    data[f"q{other_question.pk}"] = str(other_question.choices.all()[0].pk)
    data["q999999"] = "1"
    reply = _post(client, consultation, 1, data)
    assert reply.status_code == 302
    assert not Answer.objects.filter(question__section__page=other).exists()


def test_a_section_number_that_does_not_exist_is_not_found(client, consultation):
    reply = client.get(reverse("engagement:answer_section", args=[consultation.pk, 9]))
    assert reply.status_code == 404


def test_a_forged_browser_cookie_is_treated_as_a_new_browser(client, consultation, saved):
    client.cookies[f"consultation-{consultation.pk}"] = "forged-value"
    reply = _post(client, consultation, 1, section_one(consultation))
    assert reply.status_code == 302
    assert Response.objects.count() == 2
    assert _snapshot(saved)


def test_points_answer_shows_the_choices_again_after_an_error(client, consultation):
    data = section_two(consultation)
    points = _questions(consultation)["Share 100 points between these."]
    data[f"q{points.pk}_0"] = "10"
    body = _post(client, consultation, 2, data).content.decode()
    assert f'name="q{points.pk}_0" value="10"' in body
    ranking = _questions(consultation)["Put these in order of importance."]
    staff = _choice(ranking, "Staff")
    assert f'<option value="{staff}" selected>Staff</option>' in body
