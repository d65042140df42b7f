"""axe-core (WCAG 2.2 A and AA) on the pages a claim from attendance touches (issue 15), at
1280 and 390 px with nothing running off a phone screen: the claims page listing sessions, the
pre-filled form (and its error state), the refusal, the reviewer's evidence, the opportunity form
naming a group. A claim made by keyboard only. Screenshots for a person to look at when
CLAIMS_SCREENSHOTS names a folder."""

import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.accounts import roles
from deliberation.models import Session, SessionParticipant
from engagement.models import Opportunity, PaymentClaim
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("CLAIMS_SCREENSHOTS", "")
WIDTHS = [1280, 390]


@pytest.fixture
def world(role_user):
    commissioner = role_user(roles.COMMISSIONER, display_name="Cora")
    facilitator = role_user(roles.FACILITATOR, display_name="Femi")
    priya = role_user(roles.EXPERT, display_name="Priya")
    observer = role_user(roles.EXPERT, display_name="Olu")
    group = factories.CoproductionGroupFactory(
        name="Wheelchair budgets group", members=[priya], facilitators=[facilitator]
    )
    opportunity = factories.OpportunityFactory(
        title="Join the wheelchair budgets group", posted_by=commissioner
    )
    Opportunity.objects.filter(pk=opportunity.pk).update(
        coproduction_group=group, created_at=timezone.now() - timedelta(days=60)
    )
    sessions = [
        factories.SessionFactory(
            group=group,
            title=title,
            scheduled_at=timezone.now() - timedelta(days=days),
            status=Session.Status.ENDED,
            duration_minutes=100,
            allow_observers=True,
        )
        for title, days in (
            ("Wheelchair budgets: the offer letter, and what a good one says", 3),
            ("Wheelchair budgets: review", 10),
        )
    ]
    for session in sessions:
        SessionParticipant.objects.create(session=session, user=priya)
        SessionParticipant.objects.create(session=session, user=observer)
    factories.PassportFactory(user=priya, payment_preference="voucher")
    claim = factories.PaymentClaimFactory(
        opportunity=opportunity,
        claimant=priya,
        session=sessions[1],
        prefilled_hours=Decimal("1.75"),
        hours=Decimal("3.00"),
        worked_on=timezone.localdate() - timedelta(days=10),
        description="Wheelchair budgets: review, Wheelchair budgets group",
    )
    return {
        "commissioner": commissioner,
        "facilitator": facilitator,
        "priya": priya,
        "observer": observer,
        "session": sessions[0],
        "claim": claim,
    }


def _shot(page, name, width):
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}-{width}.png"), full_page=True)


def _fits(page, width):
    assert page.evaluate("document.documentElement.scrollWidth") <= width


PAGES = [
    ("priya", "/claims/", "claims-page", 200),
    ("priya", "/claims/session/{session}/", "prefilled-form", 200),
    ("observer", "/claims/session/{session}/", "refused", 403),
    ("commissioner", "/claims/{claim}/", "reviewer-evidence", 200),
    ("facilitator", "/claims/", "facilitator-claims-page", 200),
    ("facilitator", "/claims/session/{session}/?for={priya}", "facilitator-form", 200),
    ("commissioner", "/opportunities/new/", "opportunity-form", 200),
]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("who", "path", "name", "status"), PAGES)
def test_pages_are_accessible_at_both_widths(
    live_server, page, log_in, assert_accessible, world, who, path, name, status, width
):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, world[who])
    url = path.format(session=world["session"].pk, claim=world["claim"].pk, priya=world["priya"].pk)
    response = page.goto(f"{live_server.url}{url}")
    assert response.status == status
    assert page.locator("h1").count() == 1
    _fits(page, width)
    _shot(page, name, width)
    assert_accessible(page)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_prefilled_form_error_state(live_server, page, log_in, assert_accessible, world, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, world["priya"])
    page.goto(f"{live_server.url}/claims/session/{world['session'].pk}/")
    page.get_by_label("Hours").fill("30")
    page.get_by_role("button", name="Send for approval").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    _fits(page, width)
    _shot(page, "prefilled-form-error", width)
    assert_accessible(page)


def test_claim_for_a_session_by_keyboard(live_server, page, log_in, world):
    log_in(page, world["priya"])
    page.goto(f"{live_server.url}/claims/")
    link = page.get_by_role("link", name="Claim for this session “Wheelchair budgets: the offer")
    link.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/claims/session/{world['session'].pk}/")
    hours = page.get_by_label("Hours")
    assert hours.input_value() == "1.75"
    assert page.get_by_label("Give me a voucher instead").is_checked()
    hours.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("2.5")
    page.get_by_role("button", name="Send for approval").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/claims/*/")
    claim = PaymentClaim.objects.get(session=world["session"])
    assert claim.hours == Decimal("2.5")
    assert claim.payment_choice == "voucher"
