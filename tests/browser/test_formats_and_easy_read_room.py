"""Issue 15 in a real browser: a reader who chose Easy Read sees the Easy Read agenda title when
the facilitator moves on (live, over the WebSocket from a real server process), and the
'are you coming?' form and the preparation list with the contact-in-format choice and to-do.
axe-core finds nothing at 1280 and 390 px; screenshots go to $FORMATS_SCREENSHOTS when set."""

import os

import pytest
from django.conf import settings
from playwright.sync_api import expect

from coproduce.accounts import roles
from deliberation.models import AgendaItem
from tests import factories
from tests.deliberation.conftest import session_cookie
from tests.deliberation.servers import real_servers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("FORMATS_SCREENSHOTS", "")
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _shot(page, name):
    if SCREENSHOTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def people(role_user):
    facilitator = role_user(roles.FACILITATOR, display_name="Rina")
    member = role_user(roles.EXPERT, display_name="Sam")
    group = factories.CoproductionGroupFactory(
        name="Personal health budgets co-production group",
        members=[member],
        facilitators=[facilitator],
    )
    session = factories.SessionFactory(group=group, title="Wheelchair budgets")
    for position, (title, easy) in enumerate(
        [("Welcome", "Hello and welcome"), ("Repairs", "Fixing things"), ("Next steps", "")]
    ):
        factories.AgendaItemFactory(
            session=session, title=title, easy_read_title=easy, sort_order=position
        )
    return session, facilitator, member


def _room_page(browser, base_url, user, *, easy_read: bool):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    cookies = [
        {"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(user), "url": base_url}
    ]
    if easy_read:
        # The reader's remembered choice (coproduce/easy_read.py).
        cookies.append({"name": "easy_read", "value": "1", "url": base_url})
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def test_a_reader_in_easy_read_sees_the_easy_read_title_when_the_facilitator_moves_on(
    browser, people, assert_accessible
):
    session, facilitator, member = people
    with real_servers(1) as urls:
        base = urls[0]
        rina = _room_page(browser, base, facilitator, easy_read=False)
        sam = _room_page(browser, base, member, easy_read=True)
        try:
            for page in (rina, sam):
                page.goto(base + session.get_absolute_url())
                page.wait_for_selector("#room-connection:has-text('Connected')")
            # While the room is live, an editor rewrites the Easy Read title: only the live
            # event can bring the new words to a page already open.
            AgendaItem.objects.filter(session=session, title="Repairs").update(
                easy_read_title="Fixing wheelchairs"
            )
            next_item = rina.get_by_role("button", name="Move to the next agenda item")
            next_item.click()
            expect(sam.locator("#room-agenda li[aria-current='step']")).to_contain_text(
                "Hello and welcome"
            )
            next_item.click()

            current = sam.locator("#room-agenda li[aria-current='step']")
            expect(current).to_contain_text("Fixing wheelchairs")
            expect(current).not_to_contain_text("Repairs")
            expect(sam.locator("#room-announcer")).to_have_text(
                "Now discussing: Fixing wheelchairs"
            )
            # The facilitator reads the standard version.
            rina_current = rina.locator("#room-agenda li[aria-current='step']")
            expect(rina_current).to_contain_text("Repairs")
            expect(rina.locator("#room-announcer")).to_have_text("Now discussing: Repairs")

            for size, name in ((DESKTOP, "1280"), (PHONE, "390")):
                sam.set_viewport_size(size)
                assert_accessible(sam)
                assert _fits(sam)
                _shot(sam, f"room-easy-read-{name}")
        finally:
            rina.context.close()
            sam.context.close()


def test_contact_in_format_sharing_and_the_todo(
    live_server, page, log_in, assert_accessible, role_user
):
    member = role_user(roles.EXPERT, display_name="Sam")
    facilitator = role_user(roles.FACILITATOR, display_name="Rina")
    group = factories.CoproductionGroupFactory(members=[member], facilitators=[facilitator])
    session = factories.SessionFactory(group=group, status="scheduled")
    factories.PassportFactory(
        user=member, hearing_loop=True, contact_format="bsl", contact_method="email"
    )
    log_in(page, member)
    page.goto(f"{live_server.url}/sessions/{session.pk}/attendance/")
    for size, name in ((DESKTOP, "1280"), (PHONE, "390")):
        page.set_viewport_size(size)
        assert_accessible(page)
        assert _fits(page)
        _shot(page, f"attendance-contact-in-format-{name}")
    # Keyboard only: choose "coming", tick the contact choice with the space bar, save.
    page.get_by_label("Yes, I am coming").focus()
    page.keyboard.press("Space")
    page.get_by_label("Contact me before the session in British Sign Language video").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save my answer").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")

    page.context.clear_cookies()
    log_in(page, facilitator)
    page.goto(f"{live_server.url}/sessions/{session.pk}/preparation/")
    expect(page.locator(".coproduce-preparation-todo li").first).to_have_text(
        "Ring or contact 1 person before the session in their format: "
        "Sam (British Sign Language video, email)"
    )
    assert not page.get_by_text("1 hearing loop").count()  # not shared for this session
    for size, name in ((DESKTOP, "1280"), (PHONE, "390")):
        page.set_viewport_size(size)
        assert_accessible(page)
        assert _fits(page)
        _shot(page, f"preparation-contact-todo-{name}")
