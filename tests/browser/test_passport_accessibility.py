"""The involvement passport and the 'are you coming?' form that shares from it, and the
facilitator's preparation list: axe-core finds nothing, on a desktop and at 390 px, and the
passport can be filled in with the keyboard alone."""

import pytest
from playwright.sync_api import expect

from coproduce.accounts import roles
from coproduce.passport.models import Passport
from tests import factories

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_passport_by_keyboard_at_390px(live_server, page, log_in, assert_accessible, role_user):
    person = role_user(roles.EXPERT, display_name="Sam")
    log_in(page, person)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/my/passport/")
    assert_accessible(page)
    assert _fits(page)
    # Submitting without consent: the error summary is accessible too.
    page.get_by_role("button", name="Save my passport").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    # Keyboard only: tab to a checkbox and tick it with the space bar, then consent, then save.
    page.get_by_label("A hearing loop").focus()
    page.keyboard.press("Space")
    page.get_by_label("I agree that my passport is kept", exact=False).focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save my passport").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Your involvement passport is saved.")).to_be_visible()
    assert Passport.objects.get(user=person).hearing_loop
    assert_accessible(page)


def test_sharing_and_the_preparation_list(live_server, page, log_in, assert_accessible, role_user):
    member = role_user(roles.EXPERT, display_name="Sam")
    facilitator = role_user(roles.FACILITATOR, display_name="Rina")
    group = factories.CoproductionGroupFactory(members=[member], facilitators=[facilitator])
    session = factories.SessionFactory(group=group, status="scheduled")
    factories.PassportFactory(
        user=member, bsl_interpreter=True, hearing_loop=True, other_needs="A chair with arms"
    )
    log_in(page, member)
    for size in (None, PHONE):
        if size:
            page.set_viewport_size(size)
        page.goto(f"{live_server.url}/sessions/{session.pk}/attendance/")
        assert_accessible(page)
        assert _fits(page)
    page.get_by_label("Yes, I am coming").check()
    page.get_by_label("A hearing loop").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Save my answer").click()
    page.context.clear_cookies()
    log_in(page, facilitator)
    page.goto(f"{live_server.url}/sessions/{session.pk}/preparation/")
    expect(page.get_by_text("1 hearing loop")).to_be_visible()
    assert not page.get_by_text("BSL interpreter").count()
    assert_accessible(page)
    assert _fits(page)
