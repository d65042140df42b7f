"""axe-core (WCAG 2.2 A and AA) on the decisions pages in headless Chromium: the log, a
decision, the involvement report, the sign-off page and "your notifications"; rating a
decision by keyboard; screenshots for a person to look at."""

import os

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from engagement.decisions.services import decision_submit_for_sign_off
from engagement.models import DecisionPage, Notification
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("DECISIONS_SCREENSHOTS", "")


@pytest.fixture
def demo(db):
    call_command("seed_demo", password="correct horse battery staple")
    return {d.slug: d for d in DecisionPage.objects.live()}


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


@pytest.mark.parametrize(
    "path",
    [
        "/decisions/",
        "/decisions/?topic=carers&status=decided",
        "/decisions/?decided_from=2026-05-01&decided_to=2026-01-01",
        "/decisions/overnight-short-breaks/",
        "/decisions/wheelchair-budget-repairs/",
        "REPORT:overnight-short-breaks",
        "REPORT:wheelchair-budget-repairs",
    ],
)
def test_decision_pages_have_no_axe_violations(live_server, page, assert_accessible, demo, path):
    if path.startswith("REPORT:"):
        path = f"/decisions/{demo[path.split(':')[1]].pk}/involvement-report/"
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    _shot(page, path.strip("/").replace("/", "_").replace("?", "_") or "index")


def test_the_report_prints_without_the_site_chrome(live_server, page, demo):
    decision = demo["overnight-short-breaks"]
    page.goto(f"{live_server.url}/decisions/{decision.pk}/involvement-report/")
    page.emulate_media(media="print")
    expect(page.locator("header.nhsuk-header")).not_to_be_visible()
    expect(page.get_by_role("heading", name="5. Sign-off")).to_be_visible()
    if SCREENSHOTS:
        page.pdf(path=os.path.join(SCREENSHOTS, "report.pdf"))


def test_rating_a_decision_by_keyboard_with_an_error_first(
    live_server, page, assert_accessible, demo, log_in
):
    from django.contrib.auth import get_user_model

    person = get_user_model().objects.get(email="participant@example.org")
    log_in(page, person)
    page.goto(f"{live_server.url}/decisions/overnight-short-breaks/")
    page.get_by_role("button", name="Send my rating").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/rate/")
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    assert_accessible(page)
    _shot(page, "rating-error")

    page.get_by_label("4 – Mostly").check()
    page.get_by_label("Tell us why (optional)").fill("The emergency point was only partly met.")
    page.get_by_role("button", name="Send my rating").press("Enter")
    page.wait_for_url("**/decisions/overnight-short-breaks/#rating")
    # One rating: the number and average are hidden to protect the person who gave it.
    expect(page.get_by_text("Rated by [c] people")).to_be_visible()
    assert_accessible(page)


def test_sign_off_and_notifications_pages_have_no_axe_violations(
    live_server, page, assert_accessible, demo, log_in
):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    commissioner = User.objects.get(email="commissioner@example.org")
    editor = User.objects.get(email="editor@example.org")
    # No group and "informed": an Editor checks the record (issue 14: no Editor fallback for
    # co-produced; a "consulted" draft would need a closed consultation with responses).
    draft = factories.make_decision(
        title="Day opportunities review", slug="day", publish=False, involvement_level="informed"
    )
    decision_submit_for_sign_off(decision=draft, user=commissioner)
    draft.refresh_from_db()
    state = draft.current_workflow_task_state

    log_in(page, editor)
    page.goto(f"{live_server.url}/decisions/sign-off/")
    assert_accessible(page)
    page.goto(f"{live_server.url}/decisions/sign-off/{state.pk}/")
    assert_accessible(page)
    page.get_by_label("No, send it back with a comment").check()
    page.get_by_role("button", name="Send my answer").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)
    _shot(page, "sign-off-error")

    expert = User.objects.get(email="expert@example.org")
    assert Notification.objects.filter(user=expert).exists()
    page.goto(f"{live_server.url}/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()
    log_in(page, expert)
    page.goto(f"{live_server.url}/notifications/")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    _shot(page, "notifications")


@pytest.mark.parametrize("width", [1280, 390])
def test_the_log_s_pages_by_keyboard_fit_the_screen_and_pass_axe(
    live_server, page, assert_accessible, width
):
    from tests.browser.conftest import assert_fits_width

    for n in range(23):
        factories.make_decision(title=f"Decision number {n:02}", slug=f"decision-{n:02}")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/decisions/")
    expect(page.get_by_role("heading", name="23 decisions")).to_be_visible()
    navigation = page.get_by_role("navigation", name="Pages of decisions")
    next_page = navigation.get_by_role("link", name="Next : Page 2")
    for _ in range(200):  # Tab from the top until the link to the next page has focus
        page.keyboard.press("Tab")
        if next_page.evaluate("link => link === document.activeElement"):
            break
    else:
        pytest.fail("the link to the next page cannot be reached with Tab")
    assert_accessible(page)
    assert_fits_width(page, width)
    _shot(page, f"log-page-1-{width}")
    page.keyboard.press("Enter")
    page.wait_for_url("**/decisions/?page=2")
    assert page.locator(".nhsuk-card__link").count() == 3
    expect(navigation.get_by_role("link", name="Previous : Page 1")).to_be_visible()
    assert_accessible(page)
    assert_fits_width(page, width)
    _shot(page, f"log-page-2-{width}")
