"""Finding your way, in headless Chromium: the header's sections and "Log in" at phone width,
each role's home, and the refused, too-many and bad-request pages, all axe-clean."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.accounts import roles
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def sections(home_page):
    factories.consultation_index(home_page)
    factories.decision_index(home_page)


def test_log_in_is_visible_on_a_phone_not_only_under_more(live_server, page, sections):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    account = page.get_by_role("navigation", name="Account")
    expect(account.get_by_role("link", name="Log in")).to_be_visible()
    expect(account.get_by_role("link", name="Create an account")).to_be_visible()


def test_the_header_reaches_consultations_decisions_and_groups(live_server, page, sections):
    page.goto(f"{live_server.url}/")
    menu = page.get_by_role("navigation", name="Menu")
    for name in ["Consultations", "Decisions", "Groups and live sessions"]:
        expect(menu.get_by_role("link", name=name)).to_be_visible()
    menu.get_by_role("link", name="Groups and live sessions").click()
    expect(page.locator("h1")).to_have_text("Co-production groups")


@pytest.mark.parametrize(
    ("role", "viewport"),
    [
        (roles.PARTICIPANT, None),
        (roles.EXPERT, None),
        (roles.EXPERT, PHONE),
        (roles.FACILITATOR, None),
        (roles.COMMISSIONER, None),
        (roles.EDITOR, PHONE),
    ],
)
def test_each_roles_home_is_reached_from_the_header_and_is_axe_clean(
    live_server, page, assert_accessible, sections, role_user, log_in, role, viewport
):
    user = role_user(role)
    group = factories.CoproductionGroupFactory(members=[user])
    factories.SessionFactory(
        group=group,
        title="Wheelchair budgets: what should they cover?",
        status="scheduled",
        scheduled_at=timezone.now() + dt.timedelta(days=3),
    )
    if viewport:
        page.set_viewport_size(viewport)
    log_in(page, user)
    page.get_by_role("navigation", name="Account").get_by_role("link", name="Your home").click()
    expect(page.locator("h1")).to_have_text(re.compile(r"^Your home"))
    expect(
        page.get_by_role("link", name="Wheelchair budgets: what should they cover?", exact=True)
    ).to_be_visible()
    assert_accessible(page)


def test_refused_and_bad_request_pages_are_on_the_layout_and_axe_clean(
    live_server, page, assert_accessible, home_page, role_user, log_in
):
    log_in(page, role_user(roles.PARTICIPANT))
    reply = page.goto(f"{live_server.url}/opportunities/new/")
    assert reply.status == 403
    expect(page.locator("h1")).to_have_text("You cannot use this page")
    expect(page.get_by_role("link", name="Go to your home")).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size(PHONE)
    expect(page.get_by_role("link", name="Go to your home")).to_be_visible()
    assert_accessible(page)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/my/",
        "/consultations/",
        "/opportunities/",
        "/groups/",
        "/accounts/login/",
        "/search/?q=care",
    ],
)
def test_every_page_type_has_a_meta_description(
    live_server, page, sections, role_user, log_in, path
):
    log_in(page, role_user(roles.EXPERT))
    page.goto(f"{live_server.url}{path}")
    description = page.locator('meta[name="description"]').get_attribute("content")
    assert description and description.strip(), path
