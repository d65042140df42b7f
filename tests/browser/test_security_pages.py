"""The pages people meet when something is refused: the sign-in lockout and a search that
cannot be run. axe-core clean, on the site's layout, reached through the real forms."""

import os

import pytest
from django.conf import settings
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_lockout_page_after_wrong_passwords(
    live_server, page, assert_accessible, log_in, participant
):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(page, participant, password="not my password")
    expect(page.locator("h1")).to_have_text("Too many attempts to sign in")
    expect(page.get_by_role("link", name="Reset your password")).to_be_visible()
    assert_accessible(page)
    artifacts = os.environ.get("TEST_ARTIFACTS_DIR")
    if artifacts:
        page.screenshot(path=os.path.join(artifacts, "lockout.png"), full_page=True)
    # The right password from this browser is refused as well.
    log_in(page, participant)
    expect(page.locator("h1")).to_have_text("Too many attempts to sign in")


def test_a_search_with_a_nul_shows_the_error_state(live_server, page, assert_accessible, home_page):
    page.goto(f"{live_server.url}/search/?q=short%00breaks")
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert page.get_by_label("Search for").input_value() == "shortbreaks"
    assert_accessible(page)
