"""axe-core (WCAG 2.2 A and AA) on the results pages in headless Chromium: the results page with
its charts and tables, the free-text page as a moderator sees it, the breakdown, and the
hide-an-answer form in its error state; and moderation done by keyboard alone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from engagement.models import Answer
from tests import factories
from tests.consultations.conftest import IN_PROGRESS, SUBMITTED, TEXT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def consultation(home_page):
    now = timezone.now()
    consultation = factories.make_consultation(
        title="Short breaks for carers",
        opens_at=now - dt.timedelta(days=30),
        closes_at=now - dt.timedelta(days=1),
    )
    equality = [{"carer": "yes"}] * 7 + [{"carer": "no"}] * 6
    for n, group in enumerate(equality):
        factories.make_response(consultation, answers=SUBMITTED[n % 3], equality=group)
    factories.make_response(consultation, answers=IN_PROGRESS, submitted=False)
    return consultation


def test_results_page_with_charts_and_tables(live_server, page, assert_accessible, consultation):
    page.goto(f"{live_server.url}/consultations/{consultation.pk}/results/")
    assert page.locator("h1").count() == 1
    assert page.locator("svg.coproduce-chart[role=img]").count() == 5
    assert page.locator("table.nhsuk-table").count() == 5
    expect(page.get_by_text("13 people sent a response.")).to_be_visible()
    assert_accessible(page)


def test_free_text_page_as_a_moderator(
    live_server, page, assert_accessible, consultation, editor, log_in
):
    answer = Answer.objects.filter(question__text=TEXT).first()
    Answer.objects.filter(pk=answer.pk).update(
        hidden=True, hidden_reason="Names a member of staff", hidden_by=editor
    )
    log_in(page, editor)
    page.goto(
        f"{live_server.url}/consultations/{consultation.pk}/results/questions/"
        f"{answer.question_id}/?q=evening"
    )
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_breakdown_page(live_server, page, assert_accessible, consultation, commissioner, log_in):
    log_in(page, commissioner)
    page.goto(f"{live_server.url}/consultations/{consultation.pk}/results/breakdown/?by=carer")
    assert page.locator("h1").count() == 1
    expect(page.get_by_text("[c]").first).to_be_visible()
    assert page.locator('link[rel="alternate"][type="application/json"]').count() == 1
    assert_accessible(page)


def test_hide_form_error_state_and_hiding_by_keyboard(
    live_server, page, assert_accessible, consultation, editor, log_in
):
    answer = Answer.objects.filter(question__text=TEXT, text__contains="Ashby").first()
    log_in(page, editor)
    page.goto(
        f"{live_server.url}/consultations/{consultation.pk}/results/questions/"
        f"{answer.question_id}/?q=ashby"
    )
    link = page.get_by_role("link", name="Hide from public results (answer 1)")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/hide/")
    answer = Answer.objects.get(pk=page.url.rstrip("/").split("/")[-2])
    page.get_by_role("button", name="Hide this answer").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Why are you hiding this answer?").focus()
    page.keyboard.type("Names a place someone could be identified by")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/results/questions/{answer.question_id}/")
    expect(page.get_by_text("Hidden from public results").first).to_be_visible()
    answer.refresh_from_db()
    assert answer.hidden


@pytest.mark.parametrize("forced_colors", ["none", "active"])
def test_bars_are_drawn_to_scale_in_normal_and_high_contrast_mode(
    live_server, page, consultation, forced_colors
):
    page.emulate_media(forced_colors=forced_colors)
    page.goto(f"{live_server.url}/consultations/{consultation.pk}/results/")
    measured = page.evaluate(
        """() => [...document.querySelectorAll('svg.coproduce-chart')].flatMap(svg => {
            const track = svg.querySelector('.coproduce-chart__track').getBoundingClientRect();
            return [...svg.querySelectorAll('.coproduce-chart__bar')].map(bar => ({
                share: parseFloat(bar.dataset.share),
                width: bar.getBoundingClientRect().width,
                track: track.width,
            }));
        })"""
    )
    assert len(measured) > 10
    for bar in measured:
        assert abs(bar["width"] - bar["track"] * bar["share"] / 100) <= 1, bar
    if forced_colors == "active":
        # High-contrast mode draws the track's outline, so the whole scale stays visible.
        stroke = page.evaluate(
            "getComputedStyle(document.querySelector('.coproduce-chart__track')).stroke"
        )
        assert stroke not in ("", "none")
