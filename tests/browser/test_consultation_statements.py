"""A consultation's statements question in headless Chromium: voting by keyboard alone
without an account, the add-a-statement error, and the results page with its map and the
moderators' table; axe-core (WCAG 2.2 A and AA) finds no violations on any of them, also at
390 px wide."""

import re

import pytest
from playwright.sync_api import expect

from deliberation.opinions import services as opinions
from deliberation.opinions.models import StatementVote
from engagement.consultation_statements import services
from tests.browser.conftest import assert_fits_width
from tests.consultation_statements.conftest import (  # noqa: F401 - fixtures
    closed_with_statements,
    open_with_statements,
    question_of,
)
from tests.consultation_statements.test_statements_question import _camps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _tab_to(page, name: str, limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if (
            page.evaluate("document.activeElement && document.activeElement.textContent.trim()")
            == name
        ):
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_voting_by_keyboard_alone_without_an_account(
    live_server,
    page,
    assert_accessible,
    home_page,
    open_with_statements,  # noqa: F811
):
    page.set_default_timeout(30_000)  # a loaded machine
    consultation = open_with_statements
    question = question_of(consultation)
    activity = services.question_activity_get_or_create(question=question)
    for text in ["Breaks near home", "Breaks at weekends", "Someone I know to sit"]:
        opinions.activity_statement_add(activity=activity, author=None, text=text)

    # From the questionnaire's section, by keyboard, to the statements page.
    page.goto(f"{live_server.url}/consultations/{consultation.pk}/answer/section/1/")
    assert_accessible(page)
    _tab_to(page, f"Add and vote on statements: {question.text}")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text(question.text)
    expect(page.locator(".nhsuk-hint", has_text="3 statements left")).to_be_visible()
    assert_accessible(page)

    first = page.locator(".app-statement-vote__text").inner_text()
    _tab_to(page, "Agree")
    page.keyboard.press("Enter")
    expect(page.locator(".nhsuk-hint", has_text="2 statements left")).to_be_visible()
    second = page.locator(".app-statement-vote__text").inner_text()
    assert second != first
    _tab_to(page, "Disagree")
    page.keyboard.press("Space")
    expect(page.locator(".nhsuk-hint", has_text="1 statement left")).to_be_visible()
    votes = dict(StatementVote.objects.values_list("statement__text", "vote"))
    assert votes == {first: 1, second: -1}

    # Sending an empty statement is the error to show; then the page at 390 px.
    page.get_by_role("button", name="Add statement").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter your statement")
    assert_accessible(page)
    assert_fits_width(page, 390)
    assert_accessible(page)
    _tab_to(page, "Back to the questions")
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/consultations/{consultation.pk}/answer/section/1/")


def test_results_with_map_and_moderation_are_accessible(
    live_server,
    page,
    assert_accessible,
    home_page,
    closed_with_statements,  # noqa: F811
    commissioner,
    log_in,
):
    page.set_default_timeout(30_000)
    consultation = closed_with_statements
    activity = services.question_activity_get_or_create(question=question_of(consultation))
    _camps(activity, people=24)
    log_in(page, commissioner)
    page.goto(f"{live_server.url}/consultations/{consultation.pk}/results/")
    expect(page.locator("svg.app-opinion-map")).to_be_visible()
    expect(page.get_by_text("Group A (12 people)")).to_be_visible()
    page.get_by_text("Moderate the statements of").click()
    expect(
        page.get_by_role("button", name=re.compile(r"^Moderate out\s*: Statement 0$"))
    ).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 390, "height": 844})
    assert_accessible(page)
