"""Reporting a "did they listen?" comment, in Chromium: a signed-in person opens "Report this
comment", sends it without a reason (an error), then with one, by keyboard; a commissioner sees
the report and hides the comment with a reason. axe-core finds no violation at each step, at
1280 and 390 px wide."""

import os

import pytest
from playwright.sync_api import expect

from engagement.decisions.services import decision_rate
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("H14_SCREENSHOTS", "")


def _shot(page, name):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.mark.parametrize("width", [1280, 390])
def test_reporting_a_comment_by_keyboard_then_moderating_it(
    live_server, page, assert_accessible, log_in, role_user, commissioner, width
):
    page.set_viewport_size({"width": width, "height": 900})
    decision = factories.make_decision(title="Overnight short breaks")
    decision_rate(
        decision=decision, user=role_user(), score=1, comment="Whoever wrote this is useless."
    )
    reader = role_user(email="reader@example.org")
    log_in(page, reader, password=factories.DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}{decision.url}#rating")
    summary = page.locator("summary", has_text="Report this comment")
    expect(summary).to_be_visible()
    assert_accessible(page)

    summary.focus()
    page.keyboard.press("Enter")  # opens the details
    send = page.get_by_role("button", name="Send the report")
    expect(send).to_be_visible()
    assert_accessible(page)
    _shot(page, f"report-open-{width}")

    page.get_by_label("It is abusive or hateful").focus()
    page.keyboard.press("Space")
    send.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{decision.url}#rating-comment-*")
    expect(page.get_by_text("The comment is reported")).to_be_visible()
    expect(page.get_by_text("You reported this comment.")).to_be_visible()
    assert_accessible(page)
    _shot(page, f"report-sent-{width}")

    page.goto(f"{live_server.url}/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()
    log_in(page, commissioner, password=factories.DEFAULT_PASSWORD)
    page.goto(f"{live_server.url}{decision.url}#rating")
    expect(page.get_by_text("Reported by 1 person:")).to_be_visible()
    assert_accessible(page)
    _shot(page, f"report-moderator-{width}")
    page.get_by_label("Why hide this comment?").fill("A personal attack")
    page.get_by_role("button", name="Hide comment").click()
    page.wait_for_load_state()
    expect(page.get_by_text("The comment is hidden.")).to_be_visible()
    expect(page.get_by_text("Whoever wrote this is useless.")).not_to_be_visible()
    assert_accessible(page)
