"""Browser fixtures: Debian's Chromium driven by Playwright (sync API), axe-core for WCAG checks.

Playwright never downloads a browser here; it drives /usr/bin/chromium (or CHROMIUM_PATH)."""

import contextlib
import os
import shutil

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.conftest import require

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM_PATH") or "/usr/bin/chromium"
    return path if os.path.exists(path) else shutil.which("chromium")


@pytest.fixture(scope="module")
def browser():
    # Module scope: Playwright's sync API keeps an event loop running while it is open, which
    # would stop pytest-asyncio tests in other modules from starting their own.
    path = chromium_path()
    require(path is not None, "needs Chromium (/usr/bin/chromium or CHROMIUM_PATH)")
    from playwright.sync_api import sync_playwright

    # While Playwright's loop is set on this thread, Django takes the tests' own ORM calls
    # (and the database teardown) for calls from async code. They are not: allow them while
    # the browser is open, and only then.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


@pytest.fixture
def assert_accessible(axe):
    """Scan the page with axe-core (WCAG 2.2 A and AA tags); fail listing every violation."""

    def check(page, context=None):
        results = axe.run(
            page,
            context=context,
            options={
                "runOnly": {"type": "tag", "values": WCAG_TAGS},
                "resultTypes": ["violations"],
            },
        )
        violations = results.response["violations"]
        report = "\n".join(
            f"- {v['id']} ({v['impact']}): {v['help']} at "
            + ", ".join(str(node["target"]) for node in v["nodes"][:5])
            for v in violations
        )
        assert not violations, f"axe-core found violations on {page.url}:\n{report}"

    return check


@pytest.fixture
def log_in(live_server):
    """Log a page in through the real log-in form."""

    def do(page, user, password="correct horse battery staple"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(user.email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign In").click()
        page.wait_for_load_state()

    return do


def assert_fits_width(page, width: int) -> None:
    """Nothing scrolls sideways at `width` px. After a resize the header's script moves links
    under "More" a moment later, so the width may settle first; an overflow that stays fails,
    naming what sticks out."""
    page.set_viewport_size({"width": width, "height": 844})
    with contextlib.suppress(PlaywrightTimeoutError):  # the assertion below says what is wrong
        page.wait_for_function(f"document.documentElement.scrollWidth <= {width}", timeout=5_000)
    wide = page.evaluate(
        """(width) => [...document.querySelectorAll('body *')]
            .filter((e) => e.getBoundingClientRect().right > width + 1)
            .slice(0, 5)
            .map((e) => `${e.tagName.toLowerCase()}.${e.className} ends at `
                + `${Math.round(e.getBoundingClientRect().right)}px`)""",
        width,
    )
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width}px wide at {width}px: {wide}"
