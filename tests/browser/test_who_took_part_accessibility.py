"""axe-core (WCAG 2.2 A and AA) at 1280 and 390 px on the passport's "about you" section (empty,
with its error, and kept), the passport page that links to it, the group's page with its link,
and "Who took part in <group>, <year>"; the section answered and saved by keyboard alone.
Screenshots go to WHO_TOOK_PART_SCREENSHOTS when it names a folder."""

import datetime
import os

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.accounts import roles
from coproduce.passport.models import EqualityAnswers
from coproduce.passport.services import equality_answers_save
from deliberation.models import SessionParticipant
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("WHO_TOOK_PART_SCREENSHOTS", "")
LAST_YEAR = timezone.localdate().year - 1


def _shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def _fits(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def group_year(role_user):
    facilitator = role_user(roles.FACILITATOR, display_name="Rina")
    group = factories.CoproductionGroupFactory(
        name="Wheelchair budgets group", slug="wheelchairs", facilitators=[facilitator]
    )
    session = factories.SessionFactory(
        group=group,
        scheduled_at=timezone.make_aware(datetime.datetime(LAST_YEAR, 5, 1, 18, 0)),
        status="ended",
    )
    factories.SessionFactory(
        group=group, scheduled_at=timezone.make_aware(datetime.datetime(LAST_YEAR - 1, 5, 1))
    )
    for n, answers in enumerate(
        [{"sex": "female", "carer": "no"}] * 9
        + [{"sex": "male", "carer": "yes", "disability": "yes"}] * 6
        + [{"sex": "male"}] * 3
        + [{}] * 2
    ):
        person = factories.UserFactory(email=f"member{n}@example.org")
        group.members.add(person)
        if answers:
            equality_answers_save(user=person, consent=True, **answers)
        SessionParticipant.objects.create(session=session, user=person)
    return {"group": group, "facilitator": facilitator}


@pytest.mark.parametrize("width", [1280, 390])
def test_the_about_you_section_by_keyboard(
    live_server, page, log_in, assert_accessible, role_user, width
):
    person = role_user(roles.EXPERT, display_name="Sam")
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, person)
    page.goto(f"{live_server.url}/my/passport/")
    assert_accessible(page)
    assert _fits(page)
    _shot(page, f"passport-{width}")
    page.get_by_role("link", name="Answer the questions about you").click()
    expect(page.locator("h1")).to_have_text("About you: equality monitoring")
    assert_accessible(page)
    assert _fits(page)
    _shot(page, f"about-you-{width}")

    # Without consent: the error summary, and nothing kept.
    page.get_by_role("button", name="Save my answers").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert not EqualityAnswers.objects.exists()
    assert_accessible(page)
    _shot(page, f"about-you-error-{width}")

    # Keyboard only: choose answers with the space bar, consent, save with Enter.
    page.get_by_role("group", name="What is your sex?").get_by_label("Prefer not to say").focus()
    page.keyboard.press("Space")
    page.get_by_label("Mixed or multiple ethnic groups").focus()
    page.keyboard.press("Space")
    page.get_by_label("I agree that my answers are kept", exact=False).focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save my answers").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.get_by_text("Your answers about you are saved.")).to_be_visible()
    kept = EqualityAnswers.objects.get(user=person)
    assert (kept.sex, kept.ethnicity, kept.carer) == ("prefer_not", "mixed", "")
    page.get_by_role("link", name="See or change your answers about you").click()
    assert_accessible(page)
    _shot(page, f"about-you-kept-{width}")
    with page.expect_navigation():
        page.get_by_role("button", name="Delete my answers about me").click()
    assert not EqualityAnswers.objects.exists()


@pytest.mark.parametrize("width", [1280, 390])
def test_who_took_part_is_accessible(
    live_server, page, log_in, assert_accessible, group_year, width
):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, group_year["facilitator"])
    page.goto(f"{live_server.url}/groups/wheelchairs/")
    assert_accessible(page)
    _shot(page, f"group-{width}")
    with page.expect_navigation():
        page.get_by_role("link", name="Who took part in this group", exact=False).click()
    expect(page.locator("h1")).to_have_text(
        f"Who took part in Wheelchair budgets group, {LAST_YEAR}"
    )
    expect(page.get_by_role("table", name="Sex", exact=False)).to_be_visible()
    expect(page.get_by_text("[c]").first).to_be_visible()  # 3 men said nothing more: hidden cells
    assert_accessible(page)
    _shot(page, f"who-took-part-{width}")
    # The other year, by keyboard.
    page.get_by_role("link", name=str(LAST_YEAR - 1), exact=True).focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_contain_text(str(LAST_YEAR - 1))
    assert_accessible(page)
