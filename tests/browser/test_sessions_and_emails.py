"""axe-core (WCAG 2.2 A and AA) at 390 px on the pages of sessions people can get to and of
messages people control, and registration for a session by keyboard alone."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.accounts import roles
from coproduce.notifications.kinds import Kind
from coproduce.notifications.services import unsubscribe_url
from deliberation.models import SessionAttendance
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LINK = "https://meet.example.org/phb-secret-room"


@pytest.fixture
def world(role_user):
    asha = role_user(roles.EXPERT, display_name="Asha", email="asha@example.org")
    ben = role_user(roles.EXPERT, display_name="Ben", email="ben@example.org")
    group = factories.CoproductionGroupFactory(members=[asha, ben])
    session = factories.SessionFactory(
        group=group,
        title="Wheelchair budgets",
        status="scheduled",
        scheduled_at=timezone.now() + timedelta(days=2),
        venue_name="Town Hall",
        venue_address="1 High Street\nNorthshire NS1 1AA",
        access_information="Step-free entrance on Mill Lane; hearing loop in room 2.",
        online_link=LINK,
        capacity=1,
    )
    return {"asha": asha, "ben": ben, "session": session}


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways ({width}px)"


def _tab_to(page, matches, limit=60):
    """Press Tab until the focused element matches; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        described = page.evaluate(
            "() => { const e = document.activeElement;"
            " const label = e.labels && e.labels[0] ? e.labels[0].innerText : '';"
            " return (e.innerText || '') + '|' + label + '|' + (e.value || ''); }"
        )
        if matches(described):
            return
    raise AssertionError("never reached by Tab")


def test_register_for_a_session_by_keyboard(live_server, page, log_in, world):
    page.set_viewport_size(PHONE)
    log_in(page, world["asha"])
    page.goto(f"{live_server.url}/sessions/{world['session'].pk}/")
    _tab_to(page, lambda d: "Tell us if you are coming" in d)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/attendance/$"))
    _tab_to(page, lambda d: "Yes, I am coming" in d)
    page.keyboard.press("Space")
    _tab_to(page, lambda d: d.startswith("Save my answer"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/sessions/{world['session'].pk}/")
    expect(page.get_by_text("You have a place")).to_be_visible()
    assert page.get_by_role("link", name="Join the session online").get_attribute("href") == LINK
    assert SessionAttendance.objects.get(user=world["asha"]).place == "confirmed"


def test_session_pages_at_390px(live_server, page, log_in, assert_accessible, world):
    SessionAttendance.objects.create(
        session=world["session"], user=world["asha"], attending=True, place="confirmed"
    )
    page.set_viewport_size(PHONE)
    log_in(page, world["ben"])
    page.goto(f"{live_server.url}/sessions/{world['session'].pk}/")
    expect(page.get_by_text("This session is full")).to_be_visible()
    assert LINK not in page.content()
    assert_accessible(page)
    _fits(page)
    page.goto(f"{live_server.url}/sessions/{world['session'].pk}/attendance/")
    page.get_by_label("Yes, I am coming").check()
    page.get_by_role("button", name="Save my answer").click()
    expect(page.get_by_text("You are on the waiting list").first).to_be_visible()
    assert_accessible(page)
    _fits(page)


def test_email_choices_and_unsubscribe_pages_at_390px(
    live_server, page, log_in, assert_accessible, world
):
    page.set_viewport_size(PHONE)
    link = re.sub(
        r"^https?://[^/]+",
        live_server.url,
        unsubscribe_url(email="asha@example.org", kind=Kind.REMINDERS),
    )
    page.goto(link)
    expect(page.locator("h1")).to_have_text("Stop these emails?")
    assert_accessible(page)
    _fits(page)
    page.get_by_role("button", name="Stop these emails").click()
    expect(page.get_by_text("Emails stopped").first).to_be_visible()
    assert_accessible(page)
    _fits(page)
    page.goto(link.replace("/unsubscribe/", "/unsubscribe/x"))
    assert_accessible(page)

    log_in(page, world["asha"])
    page.goto(f"{live_server.url}/notifications/")
    reminders = page.get_by_label("Remind me a day and an hour before a session I am coming to")
    assert not reminders.is_checked()  # the one-click link turned them off
    assert_accessible(page)
    _fits(page)
