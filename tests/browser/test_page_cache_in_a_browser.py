"""A public page kept for people not signed in (coproduce/operations/page_cache.py), as two
browsers see it: the second gets the kept page, and its forms work for it (the Easy Read
switch, with the browser's own CSRF token), by keyboard, with no axe violations."""

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_kept_page_s_easy_read_switch_works_for_the_next_browser(
    browser, live_server, settings, assert_accessible
):
    settings.ANONYMOUS_PAGE_CACHE_SECONDS = 30
    consultation = factories.make_consultation(title="Short breaks for carers", slug="breaks")
    consultation.easy_read = [("paragraph", "<p>Tell us what helps you.</p>")]
    consultation.save_revision().publish()
    address = f"{live_server.url}{consultation.url}"

    first = browser.new_context(locale="en-GB").new_page()
    first.goto(address)  # made, and kept
    second = browser.new_context(locale="en-GB").new_page()
    second.goto(address)  # served from the cache
    expect(second.get_by_role("heading", name="Short breaks for carers")).to_be_visible()
    assert_accessible(second)
    switch = second.get_by_role("button", name="Show the Easy Read version")
    switch.focus()
    with second.expect_navigation():
        second.keyboard.press("Enter")
    expect(second.get_by_text("You are reading the Easy Read version.")).to_be_visible()
    expect(second.get_by_text("Tell us what helps you.")).to_be_visible()
    # The first browser, which chose nothing, still gets the standard page.
    first.reload()
    expect(first.get_by_role("button", name="Show the Easy Read version")).to_be_visible()
    first.context.close()
    second.context.close()
