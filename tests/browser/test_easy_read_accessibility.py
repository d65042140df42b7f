"""The Easy Read switch in a real browser: reachable and usable with the keyboard alone, no
axe-core violations in either version, and it fits a 390 px screen."""

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

EASY = "We will pay for more nights away. This helps carers rest."


def test_switching_to_easy_read_by_keyboard(live_server, page, assert_accessible):
    decision = factories.make_decision(easy_read_summary=EASY)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}{decision.url}")
    assert_accessible(page)
    button = page.get_by_role("button", name="Show the Easy Read version")
    button.focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text(EASY)).to_be_visible()
    expect(page.get_by_role("button", name="Show the standard version")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page)
    # Remembered on the next visit.
    page.goto(f"{live_server.url}{decision.url}")
    expect(page.get_by_text(EASY)).to_be_visible()
