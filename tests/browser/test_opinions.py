"""Statement voting in headless Chromium against a real server process: voting by keyboard
alone, the results page updating live while someone votes, and axe-core finding no violations
on the voting page (with an error showing) and the results page (map, and tables for a small
group)."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from coproduce.accounts import roles
from deliberation.models import Session
from deliberation.opinions import services
from deliberation.opinions.models import StatementActivity, StatementVote
from tests import factories
from tests.deliberation.conftest import session_cookie
from tests.deliberation.servers import real_servers
from tests.opinions.conftest import add_statements, vote_in_camps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def statements_room(role_user):
    facilitator = role_user(roles.FACILITATOR, display_name="Rina")
    member = role_user(roles.EXPERT, display_name="Sam")
    group = factories.CoproductionGroupFactory(
        name="Personal health budgets co-production group",
        members=[member],
        facilitators=[facilitator],
    )
    session = factories.SessionFactory(group=group, title="Wheelchair budgets")
    item = factories.AgendaItemFactory(session=session, title="What matters in repairs")
    Session.objects.filter(pk=session.pk).update(current_item=item)
    session.refresh_from_db()
    activity = services.statement_activity_for_item(item=item)
    statements = add_statements(
        session,
        facilitator,
        [
            "Repairs should be done within a week",
            "I want to choose my own repairer",
            "The budget should cover a spare chair",
            "Assessments take too long",
            "Carers should be at the assessment",
            "Information should come in Easy Read",
            "I would travel for a better chair",
            "The panel should include wheelchair users",
        ],
    )
    return session, facilitator, member, activity, statements


@pytest.fixture
def server(statements_room):
    with real_servers(1) as urls:
        yield urls[0]


def _page(browser, base_url, user):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(user), "url": base_url}]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _tab_to(page, name: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if (
            page.evaluate("document.activeElement && document.activeElement.textContent.trim()")
            == name
        ):
            return
    raise AssertionError(f"Tab never reached {name!r}")


def test_voting_by_keyboard_alone_and_the_results_update_live(
    browser, server, statements_room, role_user, assert_accessible
):
    session, facilitator, member, activity, statements = statements_room
    people = [role_user(roles.EXPERT) for _ in range(22)]
    session.group.members.add(*people)
    vote_in_camps(session, people, statements, dividing=statements[:4], shared=statements[4:6])

    rina = _page(browser, server, facilitator)
    sam = _page(browser, server, member)
    try:
        rina.goto(f"{server}/statements/{activity.pk}/results/")
        expect(rina.locator("#opinion-live-status")).to_have_text(
            "These results update as people vote."
        )
        expect(rina.locator("svg.app-opinion-map")).to_be_visible()
        assert_accessible(rina)

        sam.goto(f"{server}/statements/{activity.pk}/")
        first = sam.locator(".app-statement-vote__text").inner_text()
        _tab_to(sam, "Agree")
        sam.keyboard.press("Enter")
        expect(sam.locator(".nhsuk-hint", has_text="7 statements left")).to_be_visible()
        second = sam.locator(".app-statement-vote__text").inner_text()
        assert second != first
        _tab_to(sam, "Disagree")
        sam.keyboard.press("Space")
        expect(sam.locator(".nhsuk-hint", has_text="6 statements left")).to_be_visible()
        votes = dict(
            StatementVote.objects.filter(voter__user=member).values_list("statement__text", "vote")
        )
        assert votes == {first: 1, second: -1}
        assert_accessible(sam)

        # Rina's page heard the room's opinions.updated event and reloaded the results.
        expect(rina.locator("#opinion-live-status")).to_have_text("Results updated.")
        expect(rina.locator("#opinion-summary")).to_contain_text("23 people have voted.")
        assert_accessible(rina)
    finally:
        rina.context.close()
        sam.context.close()


def test_small_group_tables_and_an_error_are_accessible(
    browser, server, statements_room, role_user, assert_accessible
):
    session, facilitator, member, activity, statements = statements_room
    people = [role_user(roles.EXPERT) for _ in range(10)]
    session.group.members.add(*people)
    vote_in_camps(session, people, statements, dividing=statements[:4], shared=statements[4:6])
    page = _page(browser, server, member)
    try:
        page.goto(f"{server}/statements/{activity.pk}/results/")
        expect(page.get_by_text("a map of opinions would mean little")).to_be_visible()
        assert page.locator("svg.app-opinion-map").count() == 0
        assert_accessible(page)

        page.goto(f"{server}/statements/{activity.pk}/")
        # The box stops typing at 280 characters; sending it empty is the error to show.
        page.get_by_role("button", name="Add statement").click()
        expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter your statement")
        assert_accessible(page)
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_a_facilitator_starts_an_items_statements_by_keyboard(
    browser, server, statements_room, assert_accessible, tmp_path, width
):
    """An item without statements: the facilitator is offered a button (reading the page opens
    nothing), presses it with the keyboard and lands on the new activity's voting page."""
    session, facilitator, _member, _activity, _statements = statements_room
    item = factories.AgendaItemFactory(session=session, title="Getting a chair fixed")
    Session.objects.filter(pk=session.pk).update(current_item=item)
    rina = _page(browser, server, facilitator)
    try:
        rina.set_viewport_size({"width": width, "height": 900})
        rina.goto(f"{server}/sessions/{session.pk}/statements/")
        expect(rina.locator("h1")).to_have_text("Start statements for this item")
        assert not StatementActivity.objects.filter(agenda_item=item).exists()
        assert_accessible(rina)
        assert rina.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        rina.screenshot(path=str(tmp_path / f"start-statements-{width}.png"), full_page=True)
        _tab_to(rina, "Start statements")
        rina.keyboard.press("Enter")
        expect(rina.locator("h1")).to_have_text("Vote on statements")
        expect(rina.locator(".nhsuk-caption-l")).to_have_text("Getting a chair fixed")
        assert_accessible(rina)
    finally:
        rina.context.close()
