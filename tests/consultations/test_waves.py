"""What matters to people, year on year: a consultation records the template it came from,
"Run the next wave" links waves by stable question keys (through rewording, reordering and
template revisions), and the comparison's figures and tests match a hand calculation."""

import dataclasses
import datetime as dt
import math

import pytest
from django.urls import reverse
from scipy.stats import chi2, norm

from coproduce.accounts import roles
from engagement.consultations import questionnaire_templates
from engagement.consultations.questionnaire_templates import QUESTIONNAIRE_TEMPLATES
from engagement.consultations.services import (
    consultation_next_wave,
    questionnaire_apply_template,
)
from engagement.consultations.waves import series_comparison
from engagement.models import ConsultationPage, Question
from tests import factories
from tests.consultations.test_admin_questionnaire import _edit_data

pytestmark = pytest.mark.django_db

TEMPLATE = "personal-budget-outcomes"
PLAN_SAY = "plan-say"
CHOICE_CONTROL = "outcome-choice-control"


@pytest.fixture
def wave_one(commissioner):
    page = factories.make_consultation(
        title="Personal budgets 2026",
        slug="personal-budgets-2026",
        sections=[("Placeholder", [("free_text", "Anything?", [])])],
    )
    questionnaire_apply_template(
        target=page, template=TEMPLATE, version="person", user=commissioner
    )
    return ConsultationPage.objects.get(pk=page.pk)


def _question(page, key) -> Question:
    return Question.objects.get(section__page=page, key=key)


def _answer(page, key, values):
    question = _question(page, key)
    for value in values:
        factories.make_response(page, answers={question: value})


def _publish(page, user):
    page = ConsultationPage.objects.get(pk=page.pk)
    page.get_latest_revision().publish(user=user)
    return ConsultationPage.objects.get(pk=page.pk)


def test_a_consultation_records_its_template_and_starts_a_series(wave_one):
    template = QUESTIONNAIRE_TEMPLATES[TEMPLATE]
    assert (wave_one.template_key, wave_one.template_audience) == (TEMPLATE, "person")
    assert wave_one.template_revision == template.revision
    assert wave_one.series_key and wave_one.wave == 1
    keys = [q.key for q in wave_one.ordered_questions]
    expected = [q["key"] for s in template.sections_for("person") for q in s["questions"]]
    assert keys == expected
    assert len(set(keys)) == len(keys)


def test_every_template_question_has_a_key_shared_by_the_three_versions():
    template = QUESTIONNAIRE_TEMPLATES[TEMPLATE]
    keys = {
        version: [q["key"] for s in template.sections_for(version) for q in s["questions"]]
        for version in ("person", "family_carer", "staff")
    }
    assert all(keys["person"])
    assert keys["person"] == keys["family_carer"] == keys["staff"]


def test_next_wave_copies_the_questions_with_their_keys(wave_one, commissioner):
    wave_two = consultation_next_wave(source=wave_one, user=commissioner)
    assert (wave_two.series_key, wave_two.wave) == (wave_one.series_key, 2)
    assert not wave_two.live
    assert (wave_two.opens_at - wave_one.opens_at).days == 365
    assert wave_two.template_key == TEMPLATE
    assert [(q.key, q.text) for q in wave_two.ordered_questions] == [
        (q.key, q.text) for q in wave_one.ordered_questions
    ]
    wave_three = consultation_next_wave(source=wave_two, user=commissioner)
    assert wave_three.wave == 3
    assert wave_three.title == "Personal budgets 2026 (wave 3)"


def test_run_the_next_wave_in_the_admin(client, wave_one, commissioner):
    client.force_login(commissioner)
    edit = client.get(reverse("wagtailadmin_pages:edit", args=[wave_one.pk])).content.decode()
    assert reverse("engagement_next_wave", args=[wave_one.pk]) in edit
    reply = client.post(reverse("engagement_next_wave", args=[wave_one.pk]))
    wave_two = ConsultationPage.objects.get(series_key=wave_one.series_key, wave=2)
    assert reply.status_code == 302
    assert reply["Location"] == reverse("wagtailadmin_pages:edit", args=[wave_two.pk])


def test_participants_cannot_run_a_wave(client, role_user, wave_one):
    client.force_login(role_user(roles.PARTICIPANT))
    client.post(reverse("engagement_next_wave", args=[wave_one.pk]))
    assert not ConsultationPage.objects.filter(wave=2).exists()


def test_linking_survives_rewording_reordering_and_a_new_template_revision(
    client, wave_one, commissioner, monkeypatch
):
    wave_two = consultation_next_wave(source=wave_one, user=commissioner)
    # The template is revised: a question reworded, the support questions in a new order.
    original = QUESTIONNAIRE_TEMPLATES[TEMPLATE]
    sections_for = questionnaire_templates.QuestionnaireTemplate.sections_for

    def revised_sections(version):
        sections = sections_for(original, version)
        for section in sections:
            for question in section["questions"]:
                if question["key"] == PLAN_SAY:
                    question["text"] = "I had as much say as I wanted in my support plan."
            if section["title"] == "Planning and support":
                section["questions"].reverse()
        return sections

    revised = dataclasses.replace(original, revision=2)
    monkeypatch.setattr(type(revised), "sections_for", lambda self, v: revised_sections(v))
    monkeypatch.setitem(questionnaire_templates.QUESTIONNAIRE_TEMPLATES, TEMPLATE, revised)
    questionnaire_apply_template(
        target=wave_two, template=TEMPLATE, version="person", user=commissioner
    )
    wave_two = _publish(wave_two, commissioner)
    assert (wave_two.series_key, wave_two.wave, wave_two.template_revision) == (
        wave_one.series_key,
        2,
        2,
    )
    # A commissioner rewords another question in the admin: it keeps its key.
    client.force_login(commissioner)
    data = _edit_data(client, wave_two)
    old_text = _question(wave_two, CHOICE_CONTROL).text
    field = next(k for k, v in data.items() if v == old_text and "__prefix__" not in k)
    data[field] = "Since you had a personal budget, how much choice and control do you have?"
    assert (
        client.post(reverse("wagtailadmin_pages:edit", args=[wave_two.pk]), data).status_code == 302
    )
    assert _question(wave_two, CHOICE_CONTROL).text.startswith(
        "Since you had a personal budget, how much"
    )

    _answer(wave_one, PLAN_SAY, [2, 2, 3, 4, 4])
    _answer(wave_two, PLAN_SAY, [4, 4, 5, 5, 3])
    _answer(wave_one, CHOICE_CONTROL, ["A bit better"] * 5)
    _answer(wave_two, CHOICE_CONTROL, ["Much better"] * 5)
    comparison = {q.key: q for q in series_comparison(series_key=wave_one.series_key).questions}
    plan = comparison[PLAN_SAY]
    assert plan.waves == [1, 2]
    assert plan.totals == [5, 5]
    assert plan.text == "I had as much say as I wanted in my support plan."
    assert comparison[CHOICE_CONTROL].totals == [5, 5]


def _hand_mann_whitney(first, second):
    """U for `second` by counting pairs, and the two-sided p from the normal approximation
    with the tie correction and a continuity correction of 1/2."""
    u = sum(1.0 if y > x else 0.5 if y == x else 0.0 for x in first for y in second)
    n1, n2 = len(first), len(second)
    n = n1 + n2
    values = first + second
    ties = sum(values.count(v) ** 3 - values.count(v) for v in set(values))
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    z = (abs(u - n1 * n2 / 2) - 0.5) / sigma
    return u, 2 * norm.sf(z)


def test_the_comparison_matches_a_hand_calculation(wave_one, commissioner):
    wave_two = _publish(consultation_next_wave(source=wave_one, user=commissioner), commissioner)
    before = [1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 2]
    after = [3, 4, 4, 4, 5, 5, 5, 5, 2, 4, 3, 5]
    _answer(wave_one, PLAN_SAY, before)
    _answer(wave_two, PLAN_SAY, after)
    labels = ["Much better", "A bit better", "No different"]
    _answer(
        wave_one,
        CHOICE_CONTROL,
        ["Much better"] * 5 + ["A bit better"] * 10 + ["No different"] * 15,
    )
    _answer(
        wave_two,
        CHOICE_CONTROL,
        ["Much better"] * 15 + ["A bit better"] * 10 + ["No different"] * 5,
    )

    comparison = {q.key: q for q in series_comparison(series_key=wave_one.series_key).questions}

    plan = comparison[PLAN_SAY]
    u, p = _hand_mann_whitney(before, after)
    assert plan.statistic == pytest.approx(u)
    assert plan.p_value == pytest.approx(p)
    assert "Mann–Whitney U" in plan.test_name
    # Agree or strongly agree: 5 of 12 before (42%), 9 of 12 after (75%).
    assert plan.headline == "42% → 75%"
    strongly = next(row for row in plan.rows if row.label == "Strongly agree")
    assert [cell.count for cell in strongly.cells] == [1, 5]
    assert strongly.change == pytest.approx(100 * 5 / 12 - 100 * 1 / 12)

    choice = comparison[CHOICE_CONTROL]
    table = [[5, 10, 15], [15, 10, 5]]
    rows, columns = [sum(r) for r in table], [sum(c) for c in zip(*table, strict=True)]
    total = sum(rows)
    statistic = sum(
        (table[i][j] - rows[i] * columns[j] / total) ** 2 / (rows[i] * columns[j] / total)
        for i in range(2)
        for j in range(3)
    )
    assert statistic == pytest.approx(10.0)  # 25/10 + 0 + 25/10, twice
    assert choice.statistic == pytest.approx(statistic)
    assert choice.p_value == pytest.approx(chi2.sf(statistic, df=2))
    assert choice.more_than_chance
    assert [row.label for row in choice.rows][:3] == labels
    assert "chi-square" in choice.test_name


def test_the_comparison_page_names_the_test_and_hides_small_counts(client, wave_one, commissioner):
    wave_two = _publish(consultation_next_wave(source=wave_one, user=commissioner), commissioner)
    _answer(wave_one, PLAN_SAY, [4, 4, 4, 4, 4, 2])
    _answer(wave_two, PLAN_SAY, [5, 5, 5, 5, 5, 5, 1])
    client.force_login(commissioner)
    page = client.get(f"/consultations/series/{wave_one.series_key}/").content.decode()
    assert "What matters to people, year on year" in page
    assert "Mann–Whitney U test" in page
    # Five said "Agree" in wave 1 (shown); one said "Disagree" (hidden, with its percentage).
    assert "5 (83%)" in page
    assert "[c] ([c])" in page
    assert "hidden to protect people" in page
    assert 'viewBox="0 0 640' in page and "100%" in page


def test_too_few_answers_are_not_tested(wave_one, commissioner):
    wave_two = _publish(consultation_next_wave(source=wave_one, user=commissioner), commissioner)
    _answer(wave_one, PLAN_SAY, [4, 4])
    _answer(wave_two, PLAN_SAY, [5, 5, 5, 5, 5])
    plan = {q.key: q for q in series_comparison(series_key=wave_one.series_key).questions}[PLAN_SAY]
    assert plan.p_value is None
    assert plan.not_tested_because == "Too few answers in a wave to test."
    assert plan.shown_totals == ["[c]", 5]


@pytest.mark.parametrize("role", [roles.PARTICIPANT, roles.EXPERT, roles.FACILITATOR])
def test_the_comparison_is_for_the_people_commissioning(client, role_user, wave_one, role):
    client.force_login(role_user(role))
    assert client.get(f"/consultations/series/{wave_one.series_key}/").status_code == 403


def test_the_comparison_query_count_stays_flat(client, wave_one, commissioner, exact_queries):
    wave_two = _publish(consultation_next_wave(source=wave_one, user=commissioner), commissioner)
    client.force_login(commissioner)
    url = f"/consultations/series/{wave_one.series_key}/"
    for how_many in (5, 20):
        _answer(wave_one, PLAN_SAY, [3] * how_many)
        _answer(wave_two, CHOICE_CONTROL, ["Much better"] * how_many)
        client.get(url)
        with exact_queries("commissioner: series comparison"):
            assert client.get(url).status_code == 200


def _close(*pages):
    past = dt.datetime(2026, 1, 31, tzinfo=dt.UTC)
    ConsultationPage.objects.filter(pk__in=[p.pk for p in pages]).update(
        opens_at=past - dt.timedelta(days=30), closes_at=past
    )


def test_the_series_in_the_open_data(client, wave_one, commissioner):
    wave_two = _publish(consultation_next_wave(source=wave_one, user=commissioner), commissioner)
    before = ["Much better"] * 5 + ["A bit better"] * 10 + ["No different"] * 15
    after = ["Much better"] * 15 + ["A bit better"] * 10 + ["No different"] * 5
    _answer(wave_one, CHOICE_CONTROL, before)
    _answer(wave_two, CHOICE_CONTROL, after)
    _answer(wave_one, PLAN_SAY, [4, 4, 4, 4, 4, 2])
    _answer(wave_two, PLAN_SAY, [5, 5, 5, 5, 5, 5, 1])
    url = f"/api/v1/series/{wave_one.series_key}"
    # Neither wave's results are public while both are open (results shown when closed).
    assert client.get(url).status_code == 404
    _close(wave_one)
    only_one = client.get(url).json()
    assert [w["wave"] for w in only_one["waves"]] == [1]
    _close(wave_two)
    data = client.get(url).json()
    assert [w["wave"] for w in data["waves"]] == [1, 2]
    questions = {q["key"]: q for q in data["questions"]}
    choice = questions[CHOICE_CONTROL]
    assert choice["statistic"] == pytest.approx(10.0, abs=1e-4)  # the hand calculation above
    assert choice["p_value"] == pytest.approx(chi2.sf(10.0, df=2), abs=1e-6)
    assert choice["more_than_chance"] is True
    much = next(a for a in choice["answers"] if a["label"] == "Much better")
    assert much["people"] == [5, 15] and much["percent"] == [16.7, 50.0]
    assert much["change_points"] == 33.3
    plan = questions[PLAN_SAY]
    disagree = next(a for a in plan["answers"] if a["label"] == "Disagree")
    assert disagree["people"] == [None, 0] and disagree["percent"][0] is None
    # A test over hidden counts is withheld: it could give them away.
    assert plan["statistic"] is None and plan["p_value"] is None
    assert "hidden small count" in plan["not_tested_because"]
    assert client.get("/api/v1/series/no-such-series").status_code == 404
