"""axe-core (WCAG 2.2 A and AA) on the fair-invitation, lottery and year-on-year pages in
headless Chromium, with their details opened and in their error states."""

import itertools

import pytest
from playwright.sync_api import expect

from coproduce.accounts import roles
from engagement.consultations.services import consultation_next_wave, questionnaire_apply_template
from engagement.models import ConsultationPage, ExperienceArea, Locality, Question
from engagement.profiles.services.lottery import lottery_answers_give, lottery_run
from engagement.profiles.services.opportunities import interest_express
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(role_user):
    area = ExperienceArea.objects.get(slug="personal-health-budgets")
    north = Locality.objects.get(slug="northshire-county-council")
    east = Locality.objects.get(slug="eastbridge-city-council")
    expert = role_user(roles.EXPERT, display_name="Sam")
    commissioner = role_user(roles.COMMISSIONER)
    profile = factories.ExpertProfileFactory(
        user=expert, display_name="Sam Whitfield", experience_areas=[area], localities=[north]
    )
    opportunity = factories.OpportunityFactory(
        title="Personal health budgets group", posted_by=commissioner, experience_areas=[area]
    )
    factories.InvitationFactory(profile=profile, status="accepted")
    factories.PaymentClaimFactory(claimant=expert, status="approved")
    for n in range(6):
        factories.ExpertProfileFactory(
            display_name=f"Expert {n}", experience_areas=[area], localities=[east]
        )
    factories.InvitationFactory(
        opportunity=opportunity, profile=profile, match_rank=1, match_score=4
    )

    lottery = factories.OpportunityFactory(
        title="Citizens' panel on short breaks", posted_by=commissioner, selected_by_lottery=True
    )
    for age, disabled in itertools.product(["18_24", "65_79"], ["yes", "no"]):
        for _ in range(2):
            interest = interest_express(
                opportunity=lottery, profile=factories.ExpertProfileFactory()
            )
            lottery_answers_give(
                interest=interest, age_band=age, disability=disabled, ethnicity="", area=None
            )
    quotas = {
        "age_band": {"18_24": [2, 2], "65_79": [2, 2]},
        "disability": {"yes": [1, 3], "no": [1, 3]},
        "ethnicity": {"prefer_not": [0, 4]},
        "area": {"prefer_not": [0, 4]},
    }
    draw = lottery_run(
        opportunity=lottery, drawn_by=commissioner, panel_size=4, quotas=quotas, seed=99
    )

    wave_one = factories.make_consultation(
        title="Personal budgets 2026",
        slug="personal-budgets-2026",
        sections=[("Placeholder", [("free_text", "Anything?", [])])],
    )
    questionnaire_apply_template(
        target=wave_one, template="personal-budget-outcomes", version="person"
    )
    wave_one = ConsultationPage.objects.get(pk=wave_one.pk)
    wave_two = consultation_next_wave(source=wave_one)
    wave_two.get_latest_revision().publish()
    for page, values in ((wave_one, [2, 3, 4, 4, 4, 5]), (wave_two, [4, 4, 5, 5, 5, 1])):
        question = Question.objects.get(section__page=page, key="plan-say")
        for value in values:
            factories.make_response(page, answers={question: value})
    return {
        "expert": expert,
        "commissioner": commissioner,
        "opportunity": opportunity,
        "lottery": lottery,
        "draw": draw,
        "series": wave_one.series_key,
    }


def _open_details(page):
    for summary in page.locator("summary").all():
        summary.click()


def test_fairness_pages_are_accessible(live_server, page, log_in, assert_accessible, world):
    log_in(page, world["commissioner"])
    opportunity, lottery = world["opportunity"].pk, world["lottery"].pk
    for path in (
        f"/opportunities/{opportunity}/matches/",
        f"/opportunities/{opportunity}/invitations/",
        f"/opportunities/{lottery}/lottery/",
        f"/opportunities/{lottery}/lottery/{world['draw'].pk}/",
        f"/consultations/series/{world['series']}/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert page.locator("h1").count() == 1
        _open_details(page)
        assert_accessible(page)

    # The lottery form's error state.
    page.goto(f"{live_server.url}/opportunities/{lottery}/lottery/")
    page.get_by_label("How many people on the panel").fill("")
    page.get_by_role("button", name="Draw the panel").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_lottery_questions_are_accessible(live_server, page, log_in, assert_accessible, world):
    log_in(page, world["expert"])
    page.goto(f"{live_server.url}/profiles/me/record/")
    expect(page.get_by_role("heading", name="Year by year")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{live_server.url}/opportunities/{world['lottery'].pk}/")
    expect(page.get_by_text("About you, for the draw (optional)")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your age").select_option("65_79")
    page.get_by_role("button", name="I am interested").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)
