"""axe-core (WCAG 2.2 A and AA) on every expertise profile page in headless Chromium, in the
states people meet: empty and filled, and with errors. Plus the keyboard journey through the
profile form."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from coproduce.accounts import roles
from engagement.models import ExperienceArea, Locality, Skill
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(role_user):
    area = ExperienceArea.objects.get(slug="personal-health-budgets")
    expert = role_user(roles.EXPERT, display_name="Sam")
    commissioner = role_user(roles.COMMISSIONER)
    profile = factories.ExpertProfileFactory(
        user=expert,
        display_name="Sam Whitfield",
        bio="<p>I hold a <strong>personal health budget</strong>. See www.example.org.</p>",
        visibility="staff",
        show_involvement_record=True,
        experience_areas=[area],
        skills=[Skill.objects.get(slug="chairing-meetings")],
        localities=[Locality.objects.get(slug="northshire-county-council")],
        available_weekday_evenings=True,
    )
    for number in range(3):
        factories.ExpertProfileFactory(display_name=f"Expert {number}", experience_areas=[area])
    opportunity = factories.OpportunityFactory(
        title="Join the personal health budgets co-production group",
        posted_by=commissioner,
        experience_areas=[area],
    )
    invitation = factories.InvitationFactory(
        opportunity=opportunity, profile=profile, status="accepted"
    )
    pending = factories.InvitationFactory(
        opportunity=factories.OpportunityFactory(title="Recruitment panel", posted_by=commissioner),
        profile=profile,
        message="We would value your experience.",
    )
    claim = factories.PaymentClaimFactory(
        opportunity=opportunity,
        claimant=expert,
        expenses_amount=Decimal("6.40"),
        expenses_description="Bus fares",
    )
    return {
        "expert": expert,
        "commissioner": commissioner,
        "profile": profile,
        "opportunity": opportunity,
        "invitation": invitation,
        "pending": pending,
        "claim": claim,
    }


EXPERT_PAGES = [
    "/profiles/me/",
    "/profiles/me/edit/",
    "/profiles/me/consent/",
    "/profiles/me/record/",
    "/opportunities/",
    "/opportunities/{opportunity}/",
    "/opportunities/invitations/",
    "/opportunities/invitations/{pending}/",
    "/claims/",
    "/claims/new/{opportunity}/",
    "/claims/{claim}/",
    "/my-data/",
    "/my-data/delete/",
]
COMMISSIONER_PAGES = [
    "/profiles/{profile}/",
    "/directory/",
    "/directory/?q=budget&experience_areas={area}",
    "/opportunities/new/",
    "/opportunities/{opportunity}/",
    "/opportunities/{opportunity}/matches/",
    "/opportunities/{opportunity}/invite/{profile}/",
    "/claims/",
    "/claims/{claim}/",
]


def _path(template, world):
    return template.format(
        opportunity=world["opportunity"].pk,
        pending=world["pending"].pk,
        claim=world["claim"].pk,
        profile=world["profile"].pk,
        area=world["profile"].experience_areas.first().pk,
    )


@pytest.mark.parametrize("path", EXPERT_PAGES)
def test_expert_pages(live_server, page, log_in, assert_accessible, world, path):
    log_in(page, world["expert"])
    response = page.goto(f"{live_server.url}{_path(path, world)}")
    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("path", COMMISSIONER_PAGES)
def test_commissioner_pages(live_server, page, log_in, assert_accessible, world, path):
    log_in(page, world["commissioner"])
    response = page.goto(f"{live_server.url}{_path(path, world)}")
    assert response.status == 200
    assert page.locator("h1").count() == 1
    assert_accessible(page)


def test_public_opportunity_pages(live_server, page, assert_accessible, world):
    for path in ("/opportunities/", f"/opportunities/{world['opportunity'].pk}/"):
        page.goto(f"{live_server.url}{path}")
        assert_accessible(page)


def test_profile_form_error_state(live_server, page, log_in, assert_accessible, role_user):
    log_in(page, role_user(roles.EXPERT))
    page.goto(f"{live_server.url}/profiles/me/edit/")
    page.get_by_label("Display name").fill("")
    page.get_by_role("button", name="Save your profile").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("Enter a display name")
    expect(summary).to_contain_text("Tick the box to agree")
    # The summary's links take focus to the field with the problem.
    summary.get_by_role("link", name="Enter a display name").click()
    assert page.evaluate("document.activeElement.id") == "id_display_name"
    assert_accessible(page)


def test_claim_form_error_state(live_server, page, log_in, assert_accessible, world):
    log_in(page, world["expert"])
    page.goto(f"{live_server.url}/claims/new/{world['opportunity'].pk}/")
    page.get_by_label("Hours").fill("30")
    page.get_by_role("button", name="Send for approval").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_create_a_profile_by_keyboard(live_server, page, log_in, role_user):
    user = role_user(roles.EXPERT)
    log_in(page, user)
    page.goto(f"{live_server.url}/profiles/me/edit/")
    page.get_by_label("Display name").fill("Jo")
    page.get_by_label("Mental health").check()
    page.get_by_label("Only me").check()
    page.get_by_label("I agree that my profile is kept").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Save your profile").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/profiles/me/")
    expect(page.locator("h1")).to_have_text("Jo")


@pytest.mark.parametrize("who", ["expert", "commissioner"])
def test_claims_fit_a_phone_screen(live_server, page, log_in, assert_accessible, world, who):
    # The second walk found the claims table running off a 390 px screen (the status column
    # cut off): each claim now stacks as label and value.
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, world[who])
    page.goto(f"{live_server.url}/claims/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    status = page.locator("td", has_text="Waiting for approval").first
    expect(status).to_be_visible()
    box = status.bounding_box()
    assert box["x"] + box["width"] <= 390
    assert_accessible(page)
