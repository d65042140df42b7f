"""axe-core (WCAG 2.2 A and AA) on the pages issue 14 adds or changes: the decision page with
its evidence, contest form and split ratings (for someone who took part, and for a
commissioner who answers contests and moderates comments), the group's view of a draft waiting
for sign-off (with the dissent form), the coding screen and its index; contesting by keyboard."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from deliberation.models import CoproductionGroup, Session
from engagement.decisions.services import decision_rate, decision_submit_for_sign_off
from engagement.models import DecisionPage
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(db):
    call_command("seed_demo", password="correct horse battery staple")
    return {d.slug: d for d in DecisionPage.objects.live()}


def _user(email):
    return get_user_model().objects.get(email=email)


def test_contesting_a_decision_by_keyboard_with_an_error_first(
    live_server, page, assert_accessible, demo, log_in
):
    decision = demo["wheelchair-budget-repairs"]
    decision_rate(decision=decision, user=_user("editor@example.org"), score=2, comment="Slow.")
    log_in(page, _user("participant@example.org"))  # Pat spoke in the linked session
    page.goto(f"{live_server.url}{decision.url}")
    expect(page.get_by_text("Supported by the record")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Send my challenge").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/contest/")
    expect(page.locator(".nhsuk-error-summary").first).to_be_visible()
    assert_accessible(page)

    page.get_by_label("The stated level of involvement").check()
    page.get_by_label("Why?").fill("We met once; the options were already chosen.")
    page.get_by_role("button", name="Send my challenge").press("Enter")
    page.wait_for_url("**/#contests")
    expect(page.get_by_text("We met once; the options were already chosen.")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()
    log_in(page, _user("commissioner@example.org"))
    page.goto(f"{live_server.url}{decision.url}")
    expect(page.get_by_role("button", name="Publish the answer")).to_be_visible()
    expect(page.get_by_role("button", name="Hide comment")).to_be_visible()
    assert_accessible(page)


def test_the_group_s_view_of_a_draft_and_the_coding_screen(
    live_server, page, assert_accessible, demo, log_in
):
    commissioner = _user("commissioner@example.org")
    group = CoproductionGroup.objects.get(slug="personal-health-budgets")
    session = Session.objects.filter(group=group, status=Session.Status.ENDED).first()
    draft = factories.make_decision(
        title="Information about budgets",
        slug="information",
        publish=False,
        owner=commissioner,
        involvement_level="co_produced",
        co_production_group=group,
        sessions=[session],
    )
    decision_submit_for_sign_off(decision=draft, user=commissioner)
    draft.refresh_from_db()
    state = draft.current_workflow_task_state

    log_in(page, _user("participant@example.org"))  # a member without lived experience
    page.goto(f"{live_server.url}/decisions/sign-off/")
    expect(page.get_by_role("link", name="Information about budgets")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/decisions/sign-off/{state.pk}/")
    expect(page.get_by_role("button", name="Record my dissent")).to_be_visible()
    page.get_by_role("button", name="Record my dissent").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/accounts/logout/")
    page.get_by_role("button", name="Sign Out").click()
    log_in(page, commissioner)
    page.goto(f"{live_server.url}/decisions/coding/")
    assert page.locator("h1").count() == 1
    assert_accessible(page)
    decision = demo["wheelchair-budget-repairs"]
    page.goto(f"{live_server.url}/decisions/{decision.pk}/coding/")
    page.get_by_label("New theme").fill("Repairs")
    page.get_by_role("button", name="Add theme").click()
    page.get_by_role("checkbox", name="Repairs", exact=True).check()
    page.locator("input[name=contributions]").first.check()
    page.get_by_role("button", name="Apply the themes").click()
    expect(page.get_by_text("1 new codes applied.")).to_be_visible()
    assert_accessible(page)
