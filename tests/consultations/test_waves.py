"""What matters to people, year on year: a consultation records the template it came from,
"Run the next wave" links waves by stable question keys (through rewording, reordering and
template revisions), and the comparison's figures and tests match a hand calculation."""

import dataclasses
import datetime as dt
import math

import pytest
from django.urls import reverse
from scipy.stats import chi2, chi2_contingency, mannwhitneyu, norm

from coproduce.accounts import roles
from engagement.consultations import questionnaire_templates
from engagement.consultations.questionnaire_templates import QUESTIONNAIRE_TEMPLATES
from engagement.consultations.results import consultation_breakdown
from engagement.consultations.services import (
    consultation_next_wave,
    questionnaire_apply_template,
)
from engagement.consultations.waves import series_comparison, series_comparison_by
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


# --- By equality field -------------------------------------------------------------------------

# Every non-zero count is 5 or more and shared by both groups, so nothing is hidden and each
# group's test can be checked by hand.
BY_FIELD = {
    1: {"yes": [2] * 5 + [3] * 5 + [4] * 5, "no": [2] * 5 + [3] * 6 + [4] * 7},
    2: {"yes": [3] * 5 + [4] * 5 + [5] * 5, "no": [3] * 5 + [4] * 6 + [5] * 5},
}


def _answer_as(page, key, values, equality):
    question = _question(page, key)
    for value in values:
        factories.make_response(page, answers={question: value}, equality=equality)


@pytest.fixture
def by_disability(wave_one, commissioner):
    wave_two = _publish(consultation_next_wave(source=wave_one, user=commissioner), commissioner)
    for wave, page in ((1, wave_one), (2, wave_two)):
        for group, values in BY_FIELD[wave].items():
            _answer_as(page, PLAN_SAY, values, {"disability": group})
    return wave_one, wave_two


def test_by_field_each_group_matches_scipy_on_the_raw_answers(by_disability):
    wave_one, _wave_two = by_disability
    by = series_comparison_by(series_key=wave_one.series_key, field_name="disability")
    plan = next(q for q in by.questions if q.key == PLAN_SAY)
    assert "Mann–Whitney U" in plan.test_name
    groups = {g.value: g for g in plan.groups}
    for value in ("yes", "no"):
        before, after = BY_FIELD[1][value], BY_FIELD[2][value]
        expected = mannwhitneyu(
            after, before, alternative="two-sided", use_continuity=True, method="asymptotic"
        )
        group = groups[value]
        assert not group.hidden
        assert group.answered == [len(before), len(after)]
        assert group.statistic == pytest.approx(expected.statistic)
        assert group.p_value == pytest.approx(expected.pvalue)
        assert (group.statistic, group.p_value) == pytest.approx(_hand_mann_whitney(before, after))
        agree = next(row for row in group.rows if row.label == "Agree")
        assert agree.people == [before.count(4), after.count(4)]
        assert agree.change == pytest.approx(
            100 * after.count(4) / len(after) - 100 * before.count(4) / len(before)
        )
    # Nobody preferred not to say, or left it blank: shown as such, not tested.
    assert groups["prefer_not"].nobody and groups["not_given"].nobody
    assert groups["prefer_not"].p_value is None


def test_by_field_single_choice_matches_scipy(wave_one, commissioner):
    wave_two = _publish(consultation_next_wave(source=wave_one, user=commissioner), commissioner)
    raw = {
        (1, "yes"): ["Much better"] * 5 + ["A bit better"] * 10,
        (1, "no"): ["Much better"] * 6 + ["A bit better"] * 5,
        (2, "yes"): ["Much better"] * 12 + ["A bit better"] * 5,
        (2, "no"): ["Much better"] * 5 + ["A bit better"] * 7,
    }
    for (wave, group), values in raw.items():
        _answer_as((wave_one, wave_two)[wave - 1], CHOICE_CONTROL, values, {"disability": group})
    by = series_comparison_by(series_key=wave_one.series_key, field_name="disability")
    choice = next(q for q in by.questions if q.key == CHOICE_CONTROL)
    assert "chi-square" in choice.test_name
    for group in (g for g in choice.groups if g.value in ("yes", "no")):
        labels = ["Much better", "A bit better"]
        table = [[raw[(w, group.value)].count(label) for label in labels] for w in (1, 2)]
        statistic, p_value, _dof, _expected = chi2_contingency(table, correction=False)
        assert group.statistic == pytest.approx(statistic)
        assert group.p_value == pytest.approx(p_value)


def test_by_field_figures_are_the_breakdowns_and_a_small_group_is_hidden_not_tested(
    by_disability,
):
    wave_one, wave_two = by_disability
    # Three people who prefer not to say, in each wave: a hidden group, and complementary
    # suppression hides more (as on each wave's breakdown page).
    for page in (wave_one, wave_two):
        _answer_as(page, PLAN_SAY, [4, 4, 4], {"disability": "prefer_not"})
    by = series_comparison_by(series_key=wave_one.series_key, field_name="disability")
    plan = next(q for q in by.questions if q.key == PLAN_SAY)
    groups = {g.value: g for g in plan.groups}
    small = groups["prefer_not"]
    assert small.hidden and small.p_value is None and small.statistic is None
    assert "Hidden to protect people" in small.not_tested_because
    assert all(n is None for row in small.rows for n in row.people if n != 0)
    # Every figure is the one the wave's breakdown publishes, hidden where it is hidden.
    for index, page in enumerate((wave_one, wave_two)):
        breakdown = consultation_breakdown(consultation=page, field_name="disability")
        table = next(q.table for q in breakdown.questions if q.question.key == PLAN_SAY)
        for g, (value, _label) in enumerate(breakdown.groups):
            for r, label in enumerate(table.row_labels[:-1]):
                row = next(row for row in groups[value].rows if row.label == label)
                assert row.people[index] == table.cells[r][g]
    # No test is published over a hidden figure; a group with none hidden is tested.
    for group in plan.groups:
        last_two = [n for row in group.rows for n in row.people[-2:]]
        if None in last_two:
            assert group.hidden and group.p_value is None
    assert sum(1 for g in plan.groups if g.hidden) >= 2  # the complement too


def test_the_page_compares_by_the_field_chosen(client, by_disability, commissioner):
    wave_one, _wave_two = by_disability
    client.force_login(commissioner)
    url = f"/consultations/series/{wave_one.series_key}/"
    page = client.get(url, {"by": "disability"}).content.decode()
    assert "Wave by wave, by disability" in page
    assert page.count("U = ") >= 3  # everyone, and each of the two groups
    assert "Nobody in this group answered in these waves." in page
    bad = client.get(url, {"by": "shoe_size"})
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()


def test_the_series_by_field_in_the_open_data(client, by_disability):
    wave_one, wave_two = by_disability
    for page in (wave_one, wave_two):
        _answer_as(page, PLAN_SAY, [4, 4, 4], {"disability": "prefer_not"})
    url = f"/api/v1/series/{wave_one.series_key}/by/disability"
    assert client.get(url).status_code == 404  # no wave's results public yet
    _close(wave_one, wave_two)
    data = client.get(url).json()
    assert data["by"] == "disability" and [w["wave"] for w in data["waves"]] == [1, 2]
    plan = next(q for q in data["questions"] if q["key"] == PLAN_SAY)
    groups = {g["value"]: g for g in plan["groups"]}
    small = groups["prefer_not"]
    assert small["hidden"] is True and small["p_value"] is None and small["statistic"] is None
    assert all(n in (None, 0) for a in small["answers"] for n in a["people"])
    for group in plan["groups"]:
        if any(n is None for a in group["answers"] for n in a["people"][-2:]):
            assert group["hidden"] and group["p_value"] is None
    problem = client.get(f"/api/v1/series/{wave_one.series_key}/by/shoe_size")
    assert problem.status_code == 400
    assert "disability" in problem.json()["detail"]
