"""A decision cites a survey series: its page shows how the share who agree changed between the
last wave before the decision and the latest wave, worked out from the answers (checked here by
hand), with small counts hidden."""

import datetime as dt

import pytest

from engagement.consultations.services import consultation_next_wave, questionnaire_apply_template
from engagement.decisions.selectors import series_change_since
from engagement.models import ConsultationPage, Question
from tests import factories

pytestmark = pytest.mark.django_db

PLAN_SAY = "plan-say"
UTC = dt.UTC


def _closed(page, closes):
    ConsultationPage.objects.filter(pk=page.pk).update(
        opens_at=closes - dt.timedelta(days=30), closes_at=closes
    )


def _answer(page, values, key=PLAN_SAY):
    question = Question.objects.get(section__page=page, key=key)
    for value in values:
        factories.make_response(page, answers={question: value})


@pytest.fixture
def series(commissioner):
    wave_one = factories.make_consultation(
        title="Personal budgets 2025",
        slug="personal-budgets-2025",
        sections=[("Placeholder", [("free_text", "Anything?", [])])],
    )
    questionnaire_apply_template(
        target=wave_one, template="personal-budget-outcomes", version="person", user=commissioner
    )
    wave_one = ConsultationPage.objects.get(pk=wave_one.pk)
    wave_two = consultation_next_wave(source=wave_one, user=commissioner)
    wave_two.get_latest_revision().publish(user=commissioner)
    wave_two = ConsultationPage.objects.get(pk=wave_two.pk)
    _closed(wave_one, dt.datetime(2026, 1, 31, tzinfo=UTC))
    _closed(wave_two, dt.datetime(2026, 6, 30, tzinfo=UTC))
    # Agree (4) or strongly agree (5): 5 of 12 before, 9 of 12 after.
    _answer(wave_one, [1, 2, 2, 3, 3, 3, 4, 4, 4, 4, 5, 2])
    _answer(wave_two, [3, 4, 4, 4, 5, 5, 5, 5, 2, 4, 3, 5])
    return wave_one, wave_two


def test_the_change_since_the_decision_matches_a_hand_calculation(client, series):
    wave_one, wave_two = series
    decision = factories.make_decision(
        cited_series=wave_one.series_key, decided_on=dt.date(2026, 3, 2)
    )
    change = series_change_since(decision=decision)
    assert change["before"].pk == wave_one.pk and change["after"].pk == wave_two.pk
    question = Question.objects.get(section__page=wave_one, key=PLAN_SAY)
    line = next(line for line in change["lines"] if line["text"] == question.text)
    assert (line["before"], line["after"]) == (round(100 * 5 / 12), round(100 * 9 / 12))
    assert (line["before"], line["after"], line["direction"]) == (42, 75, "rose")
    # Questions nobody answered in a wave are left out.
    assert len(change["lines"]) == 1
    page = client.get(decision.url).content.decode()
    assert "What people said since" in page
    assert "rose from 42% to 75%" in page


def test_no_wave_after_the_decision_yet(series):
    wave_one, _wave_two = series
    decision = factories.make_decision(
        cited_series=wave_one.series_key, decided_on=dt.date(2026, 7, 1)
    )
    change = series_change_since(decision=decision)
    assert change["lines"] == [] and change["after"] is None


def test_small_counts_are_not_turned_into_a_share(series):
    wave_one, wave_two = series
    decision = factories.make_decision(
        cited_series=wave_one.series_key, decided_on=dt.date(2026, 3, 2)
    )
    # Three more wave-two people answer a second agreement question: 3 is hidden.
    second = (
        Question.objects.filter(section__page=wave_two, kind="agreement_scale")
        .exclude(key=PLAN_SAY)
        .first()
    )
    _answer(wave_one, [4, 4, 4, 4, 4, 4], key=second.key)
    _answer(wave_two, [5, 5, 5], key=second.key)
    line = next(
        line
        for line in series_change_since(decision=decision)["lines"]
        if line["text"] == second.text
    )
    assert line["before"] is None and line["after"] is None


def test_a_decision_citing_no_series_shows_nothing(client):
    decision = factories.make_decision()
    assert series_change_since(decision=decision) is None
    assert "What people said since" not in client.get(decision.url).content.decode()


def test_the_change_is_in_the_evidence_pack_the_report_and_the_open_data(
    client, series, commissioner
):
    wave_one, wave_two = series
    decision = factories.make_decision(
        cited_series=wave_one.series_key, decided_on=dt.date(2026, 3, 2)
    )
    question = Question.objects.get(section__page=wave_one, key=PLAN_SAY)
    expected = {
        "question": question.text,
        "before_percent": round(100 * 5 / 12),
        "after_percent": round(100 * 9 / 12),
        "direction": "rose",
    }
    public = client.get(f"/api/v1/decisions/{decision.pk}").json()["series_change"]
    assert public["series"] == wave_one.series_key
    assert public["before"] == {"wave": 1, "consultation": wave_one.title}
    assert public["after"] == {"wave": 2, "consultation": wave_two.title}
    assert public["questions"] == [expected]
    client.force_login(commissioner)
    pack = client.get(f"/decisions/{decision.pk}/involvement-report.json").json()
    assert pack["series_change"]["questions"] == [expected]
    report = client.get(f"/decisions/{decision.pk}/involvement-report/").content.decode()
    assert "What people said since" in report and "rose from 42% to 75%" in report


def test_a_decision_citing_no_series_has_none_in_the_open_data(client, db):
    decision = factories.make_decision()
    assert client.get(f"/api/v1/decisions/{decision.pk}").json()["series_change"] is None
