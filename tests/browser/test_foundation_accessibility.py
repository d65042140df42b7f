"""axe-core (WCAG 2.2 A and AA) on the foundation's pages in headless Chromium, plus the
keyboard basics: the skip link is the first thing Tab reaches and it moves focus to main."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def content_page(make_content_page):
    return make_content_page(
        title="About co-production",
        slug="about",
        summary="People who use services shape them.",
        body=[
            ("heading", "What it means"),
            ("paragraph", "<p>Nothing about me, without me.</p>"),
            ("inset_text", {"body": "<p>Ask for easy read or large print.</p>"}),
        ],
    )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/about/",
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/login/code/",
        "/accounts/password/reset/",
        "/search/?q=care",
        "/no-such-page/",
    ],
)
def test_page_has_no_axe_violations(live_server, page, assert_accessible, content_page, path):
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_sign_up_error_state_has_no_axe_violations(live_server, page, assert_accessible, home_page):
    page.goto(f"{live_server.url}/accounts/signup/")
    page.get_by_label("Email").fill("someone@example.org")
    page.get_by_role("button", name="Sign Up").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_skip_link_is_first_and_moves_focus_to_main(live_server, page, home_page):
    page.goto(f"{live_server.url}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "maincontent"


def test_log_in_by_keyboard_only(live_server, page, participant):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").focus()
    page.keyboard.type(participant.email)
    page.keyboard.press("Tab")  # the "Forgot your password?" link in the hint
    page.keyboard.press("Tab")
    page.keyboard.type("correct horse battery staple")
    page.keyboard.press("Enter")
    # Each role starts from its home after logging in.
    page.wait_for_url(f"{live_server.url}/my/")
    expect(page.get_by_role("link", name="Log out")).to_be_visible()


@pytest.mark.parametrize("path", ["/accounts/email/", "/accounts/password/change/"])
def test_signed_in_account_pages_have_no_axe_violations(
    live_server, page, assert_accessible, log_in, participant, path
):
    log_in(page, participant)
    page.goto(f"{live_server.url}{path}")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
