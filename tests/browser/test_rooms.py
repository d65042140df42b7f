"""The live room in headless Chromium against a real server process (HTTP and WebSockets) on the
test database: two people see each other's contributions and poll results live, the hand queue
updates, everything is reachable by keyboard, axe-core finds no violations on the room (with
contributions, a poll and a hand queue showing) or on the transcript, and the page still works
at 400% zoom and with reduced motion."""

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from coproduce.accounts import roles
from deliberation import services
from tests import factories
from tests.deliberation.conftest import session_cookie
from tests.deliberation.servers import real_servers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


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
    for position, title in enumerate(["Welcome", "Repairs", "Next steps"]):
        factories.AgendaItemFactory(session=session, title=title, sort_order=position)
    return session, facilitator, member


@pytest.fixture
def server(people):
    with real_servers(1) as urls:
        yield urls[0]


def _signed_in_page(browser, base_url, user):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session_cookie(user),
                "url": base_url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    return page


def _open_room(page, base_url, session):
    page.goto(base_url + session.get_absolute_url())
    page.wait_for_selector("#room-connection:has-text('Connected')")


def test_two_people_see_each_others_contributions_and_polls_live(
    browser, server, people, assert_accessible
):
    session, facilitator, member = people
    rina = _signed_in_page(browser, server, facilitator)
    sam = _signed_in_page(browser, server, member)
    try:
        _open_room(rina, server, session)
        _open_room(sam, server, session)

        # Sam writes by keyboard only and sends with Ctrl+Enter.
        sam.get_by_label("Your contribution").focus()
        sam.keyboard.type("Repairs take months: see https://example.org/repairs")
        sam.keyboard.press("Control+Enter")
        stream = rina.locator("#room-stream")
        stream.get_by_text("Repairs take months").wait_for()
        assert (
            stream.get_by_role("link", name="https://example.org/repairs").get_attribute("rel")
            == "nofollow noopener"
        )
        # The sender's box empties once the server has acknowledged it.
        expect(sam.locator("#compose-text")).to_have_value("")

        rina.get_by_label("Your contribution").fill("Thank you Sam. Who else has waited?")
        rina.get_by_role("button", name="Send").click()
        sam.locator("#room-stream").get_by_text("Who else has waited?").wait_for()

        # Rina opens a poll showing its tally live; Sam sees it, votes, and both see the tally.
        rina.get_by_text("Open a poll").click()
        rina.get_by_label("Question").fill("What should budgets cover first?")
        rina.get_by_label("Choices").fill("Repairs\nCushions\nTraining")
        rina.get_by_label("Live, as people vote").check()
        rina.get_by_role("button", name="Open the poll").click()
        sam.get_by_role("group", name="What should budgets cover first?").wait_for()
        sam.get_by_label("Repairs").check()
        sam.get_by_role("button", name="Vote").click()
        expect(rina.locator("#room-polls tbody tr").first.locator("td").last).to_have_text("1")

        # Sam raises a hand by keyboard; Rina's queue shows it with a Call button.
        sam.get_by_role("button", name="Raise your hand").focus()
        sam.keyboard.press("Enter")
        rina.locator("#room-hands").get_by_text("Sam").wait_for()
        sam.get_by_role("button", name="Lower your hand").wait_for()

        # The stream is a polite live region and focus stayed where people put it.
        assert rina.locator("#room-stream-log").get_attribute("aria-live") == "polite"
        assert sam.evaluate("document.activeElement.id") == "hand-toggle"

        assert_accessible(rina)
        assert_accessible(sam)

        # The facilitator calls Sam; Sam's hand comes down on both pages.
        rina.locator("#room-hands").get_by_role("button", name="Call Sam").click()
        sam.get_by_role("button", name="Raise your hand").wait_for()
        expect(rina.locator("#hands-empty")).to_be_visible()
    finally:
        rina.context.close()
        sam.context.close()


def test_room_reflows_at_400_percent_zoom_with_reduced_motion(browser, server, people):
    session, _facilitator, member = people
    services.contribution_create(
        session=session,
        author=member,
        text="A long link https://example.org/" + "a" * 120,
        client_id="x",
    )
    context = browser.new_context(
        locale="en-GB",
        viewport={"width": 320, "height": 256},  # 1280 × 1024 at 400%
        reduced_motion="reduce",
    )
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(member), "url": server}]
    )
    page = context.new_page()
    try:
        _open_room(page, server, session)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0
        page.get_by_label("Your contribution").fill("Still works small")
        page.get_by_role("button", name="Send").click()
        page.locator("#room-stream").get_by_text("Still works small").wait_for()
    finally:
        context.close()


def test_without_javascript_the_room_shows_the_agenda_and_the_transcript(browser, server, people):
    session, _facilitator, member = people
    services.contribution_create(session=session, author=member, text="Said earlier", client_id="x")
    context = browser.new_context(java_script_enabled=False)
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(member), "url": server}]
    )
    page = context.new_page()
    try:
        page.goto(server + session.get_absolute_url())
        expect(page.locator("#room-agenda").get_by_text("Repairs")).to_be_visible()
        expect(page.locator("#room-stream").get_by_text("Said earlier")).to_be_visible()
        expect(page.get_by_text("Live updates need JavaScript")).to_be_visible()
    finally:
        context.close()


def test_transcript_page_has_no_axe_violations(browser, server, people, assert_accessible):
    session, facilitator, member = people
    services.contribution_create(
        session=session, author=member, text="We need repairs", client_id="a"
    )
    poll = services.poll_open(
        session=session,
        facilitator=facilitator,
        question="First?",
        choices=["A", "B"],
        client_id="p",
    )
    services.poll_close(
        session=session, facilitator=facilitator, poll_id=poll.event.payload["poll"]
    )
    services.session_end(session=session, facilitator=facilitator)
    services.session_summary_save(
        session=session, summary="We chose A.", agreed_actions="Rina: write up"
    )
    page = _signed_in_page(browser, server, member)
    try:
        page.goto(server + reverse("deliberation:session_transcript", args=[session.pk]))
        assert page.locator("h1").count() == 1
        assert_accessible(page)
        page.goto(server + session.get_absolute_url())
        assert_accessible(page)
    finally:
        page.context.close()


def test_poll_results_stay_hidden_until_the_poll_closes_by_default(
    browser, server, people, assert_accessible
):
    session, facilitator, member = people
    rina = _signed_in_page(browser, server, facilitator)
    sam = _signed_in_page(browser, server, member)
    try:
        _open_room(rina, server, session)
        _open_room(sam, server, session)
        rina.get_by_text("Open a poll").click()
        assert rina.get_by_label("After the poll closes").is_checked()
        rina.get_by_label("Question").fill("What should budgets cover first?")
        rina.get_by_label("Choices").fill("Repairs\nCushions")
        rina.get_by_role("button", name="Open the poll").click()

        sam.get_by_role("group", name="What should budgets cover first?").wait_for()
        polls = sam.locator("#room-polls")
        expect(polls).to_contain_text("The results are shown when the poll closes.")
        assert polls.locator("table").count() == 0
        sam.get_by_label("Repairs").check()
        sam.get_by_role("button", name="Vote").click()
        expect(rina.locator("#room-polls")).to_contain_text("Votes so far: 1")
        assert rina.locator("#room-polls table").count() == 0
        # Coming back to the page does not show them either.
        sam.reload()
        sam.wait_for_selector("#room-connection:has-text('Connected')")
        assert sam.locator("#room-polls table").count() == 0
        assert_accessible(sam)

        rina.get_by_role("button", name="Close this poll").click()
        expect(sam.locator("#room-polls tbody tr").first.locator("td").last).to_have_text("1")
    finally:
        rina.context.close()
        sam.context.close()


def test_called_and_muted_are_shown_and_the_mute_list_offers_only_people_present(
    browser, server, people, role_user, assert_accessible
):
    session, facilitator, member = people
    absent = role_user(roles.EXPERT, display_name="Priya")
    session.group.members.add(absent)
    rina = _signed_in_page(browser, server, facilitator)
    sam = _signed_in_page(browser, server, member)
    try:
        _open_room(rina, server, session)
        _open_room(sam, server, session)

        sam.get_by_role("button", name="Raise your hand").click()
        rina.locator("#room-hands").get_by_role("button", name="Call Sam").click()
        expect(
            sam.get_by_text("Your turn: the facilitator has called you to speak.")
        ).to_be_visible()

        rina.get_by_text("Mute or unmute someone").click()
        mute_list = rina.locator("#mute-controls")
        expect(mute_list.get_by_role("button", name="Mute Sam")).to_be_visible()
        expect(mute_list.get_by_role("button", name="Mute Priya")).to_be_hidden()
        mute_list.get_by_role("button", name="Mute Sam").click()

        # On screen, not only in the (visually hidden) announcer.
        expect(sam.locator("#room-you-muted")).to_be_visible()
        expect(sam.locator("#room-you-muted")).to_contain_text("The facilitator has muted you.")
        expect(
            sam.get_by_text("Your turn: the facilitator has called you to speak.")
        ).to_be_hidden()
        expect(sam.get_by_label("Your contribution")).to_be_disabled()
        expect(sam.get_by_role("button", name="Send")).to_be_disabled()
        expect(sam.get_by_text("You are muted, so you cannot send anything")).to_be_visible()
        assert_accessible(sam)

        # Still muted after a reload, before any JavaScript runs.
        sam.reload()
        expect(sam.get_by_label("Your contribution")).to_be_disabled()

        mute_list.get_by_role("button", name="Unmute Sam").click()
        expect(sam.get_by_label("Your contribution")).to_be_enabled()
        expect(sam.locator("#room-you-muted")).to_be_hidden()
    finally:
        rina.context.close()
        sam.context.close()


def test_ending_the_session_changes_the_badge_and_never_asks_are_you_coming(
    browser, server, people
):
    session, facilitator, member = people
    rina = _signed_in_page(browser, server, facilitator)
    sam = _signed_in_page(browser, server, member)
    try:
        _open_room(sam, server, session)
        assert sam.get_by_text("Are you coming?").count() == 0
        rina.set_viewport_size({"width": 390, "height": 844})
        _open_room(rina, server, session)
        # At phone width the facilitator's controls come before the stream.
        controls = rina.get_by_role("region", name="Facilitator controls")
        stream = rina.get_by_role("heading", name="What people have said")
        assert controls.bounding_box()["y"] < stream.bounding_box()["y"]
        rina.get_by_text("End the session").first.click()
        rina.get_by_role("button", name="End the session").click()
        rina.get_by_role("button", name="Yes, end it for everyone").click()

        expect(sam.locator("#session-status")).to_have_text("Ended")
        expect(sam.get_by_text("Live now")).to_have_count(0)
        sam.reload()
        expect(sam.locator("#session-status")).to_have_text("Ended")
        assert sam.get_by_text("Are you coming?").count() == 0
    finally:
        rina.context.close()
        sam.context.close()
