"""The live room page's statements panel in headless Chromium against a real server process:
two people in the room, one votes from the panel by keyboard, and both see the compact
consensus summary update from the room's `opinions.updated` event; axe-core finds no
violations on the room with the panel."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from coproduce.accounts import roles
from deliberation.opinions.models import StatementVote
from tests.browser.test_opinions import statements_room  # noqa: F401 - fixture
from tests.deliberation.conftest import session_cookie
from tests.deliberation.servers import real_servers
from tests.opinions.conftest import vote_in_camps

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def server(statements_room):  # noqa: F811
    with real_servers(1) as urls:
        yield urls[0]


def _page(browser, base_url, user):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": session_cookie(user), "url": base_url}]
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def test_two_people_in_the_room_see_the_summary_update_when_one_votes_in_the_panel(
    browser,
    server,
    statements_room,  # noqa: F811
    role_user,
    assert_accessible,
):
    session, facilitator, member, activity, statements = statements_room
    people = [role_user(roles.EXPERT) for _ in range(8)]
    session.group.members.add(*people)
    vote_in_camps(session, people, statements, dividing=statements[:4], shared=statements[4:6])

    rina = _page(browser, server, facilitator)
    sam = _page(browser, server, member)
    try:
        for page in (rina, sam):
            page.goto(f"{server}/sessions/{session.pk}/")
            expect(page.locator("#room-opinions-summary-text")).to_contain_text(
                "8 people have voted."
            )
        expect(sam.locator("#room-statement-progress")).to_have_text(
            "8 statements left to vote on."
        )
        assert sam.locator("#room-opinions-status").get_attribute("role") == "status"
        assert_accessible(sam)

        first = sam.locator("#room-statement-text").inner_text()
        agree = sam.locator("#room-opinions-vote").get_by_role("button", name="Agree", exact=True)
        agree.focus()
        sam.keyboard.press("Enter")
        expect(sam.locator("#room-statement-progress")).to_have_text(
            "7 statements left to vote on."
        )
        assert StatementVote.objects.get(voter__user=member).statement.text == first

        # Rina did nothing: her summary changed because the room told her page.
        expect(rina.locator("#room-opinions-summary-text")).to_contain_text(
            "9 people have voted.", timeout=20_000
        )
        expect(rina.locator("#room-opinions-status")).to_have_text("Statements summary updated.")
        expect(sam.locator("#room-opinions-summary-text")).to_contain_text("9 people have voted.")
        expect(sam.locator("#room-opinions-status")).not_to_be_empty()
        assert_accessible(rina)
        assert_accessible(sam)
    finally:
        rina.context.close()
        sam.context.close()
