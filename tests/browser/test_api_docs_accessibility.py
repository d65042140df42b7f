"""The open-data API's docs page (/api/v1/docs) in headless Chromium: no axe-core violations
(WCAG 2.2 A and AA), and nothing in the console: no script or style blocked by the
Content-Security-Policy, nothing fetched from elsewhere."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_api_docs_page_is_accessible_and_quiet_under_the_csp(
    live_server, page, assert_accessible
):
    messages, failed_requests = [], []
    page.on(
        "console",
        lambda message: (
            messages.append(f"{message.type}: {message.text}")
            if message.type in ("error", "warning")
            else None
        ),
    )
    page.on("pageerror", lambda error: messages.append(f"pageerror: {error}"))
    page.on("requestfailed", lambda request: failed_requests.append(request.url))
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    response = page.goto(f"{live_server.url}/api/v1/docs")
    page.wait_for_load_state("networkidle")

    assert response.status == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert page.locator("h1").count() == 1
    expect(page.get_by_role("heading", name="GET /api/v1/decisions Decisions")).to_be_visible()
    # Not even the NHS font: it is off unless an organisation turns it on (NHS_FONT_HOST).
    assert messages == []
    assert failed_requests == []
    assert [u for u in requests if not u.startswith(live_server.url)] == []
    assert_accessible(page)
