"""axe-core (WCAG 2.2 A and AA) on the series comparison with an equality field chosen, in
headless Chromium at 1280 and 390 px: chosen with the keyboard, with a tested group, a group
hidden to protect people and a group nobody was in."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from coproduce.accounts import roles
from engagement.consultations.services import consultation_next_wave, questionnaire_apply_template
from engagement.models import ConsultationPage, Question
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def series(role_user):
    commissioner = role_user(roles.COMMISSIONER)
    wave_one = factories.make_consultation(
        title="Personal budgets 2026",
        slug="personal-budgets-2026",
        sections=[("Placeholder", [("free_text", "Anything?", [])])],
    )
    questionnaire_apply_template(
        target=wave_one, template="personal-budget-outcomes", version="person"
    )
    wave_one = ConsultationPage.objects.get(pk=wave_one.pk)
    wave_two = consultation_next_wave(source=wave_one)
    wave_two.get_latest_revision().publish()
    answers = {
        wave_one: {"yes": [2] * 5 + [3] * 5 + [4] * 5, "no": [2] * 5 + [3] * 6 + [4] * 7},
        wave_two: {"yes": [3] * 5 + [4] * 5 + [5] * 5, "no": [3] * 5 + [4] * 6 + [5] * 5},
    }
    for page, groups in answers.items():
        question = Question.objects.get(section__page=page, key="plan-say")
        for group, values in {**groups, "prefer_not": [4, 4, 4]}.items():
            for value in values:
                factories.make_response(
                    page, answers={question: value}, equality={"disability": group}
                )
    return commissioner, wave_one.series_key


@pytest.mark.parametrize("width", [1280, 390])
def test_the_comparison_by_field_is_accessible(
    live_server, page, log_in, assert_accessible, series, width
):
    commissioner, key = series
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, commissioner)
    page.goto(f"{live_server.url}/consultations/series/{key}/")
    field = page.get_by_label("Compare within the groups of an equality question")
    field.focus()
    field.select_option("disability")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Show the comparison"
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "by=disability" in page.url
    expect(page.get_by_role("heading", name="Wave by wave, by disability")).to_be_visible()
    expect(page.get_by_text("Hidden to protect people").first).to_be_visible()
    assert page.locator("h1").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)


@pytest.mark.parametrize("width", [1280, 390])
def test_a_decision_showing_its_series_is_accessible(
    live_server, page, log_in, assert_accessible, series, width
):
    commissioner, key = series
    closes = [dt.datetime(2026, 1, 31, tzinfo=dt.UTC), dt.datetime(2026, 6, 30, tzinfo=dt.UTC)]
    for wave, closed in zip((1, 2), closes, strict=True):
        ConsultationPage.objects.filter(series_key=key, wave=wave).update(
            opens_at=closed - dt.timedelta(days=30), closes_at=closed
        )
    decision = factories.make_decision(cited_series=key, decided_on=dt.date(2026, 3, 2))
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}{decision.url}")
    expect(page.get_by_role("heading", name="What people said since")).to_be_visible()
    expect(page.get_by_text("rose from").first).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert_accessible(page)
    log_in(page, commissioner)
    page.goto(f"{live_server.url}/decisions/{decision.pk}/involvement-report/")
    expect(page.get_by_role("heading", name="What people said since")).to_be_visible()
    assert_accessible(page)
