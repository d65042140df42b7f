"""axe-core (WCAG 2.2 A and AA) on "who responded, against who lives here", the page where a
commissioner loads their area's figures (and its error state), and the involvement report with
both comparisons (respondents, and the people in its linked sessions), at desktop width and at
390 px."""

import pytest
from playwright.sync_api import expect

from coproduce.accounts import roles
from coproduce.passport.services import equality_answers_save
from deliberation.models import SessionParticipant
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(role_user):
    commissioner = role_user(roles.COMMISSIONER)
    consultation = factories.make_consultation(title="Short breaks for carers")
    for _ in range(12):
        factories.make_response(consultation, equality={"sex": "female", "carer": "yes"})
    for _ in range(3):
        factories.make_response(consultation, equality={"sex": "male", "carer": "no"})
    for _ in range(6):
        factories.make_response(consultation, equality={"sex": "male", "disability": "yes"})
    # People in a linked session, with "about you" answers: the report's second comparison.
    session = factories.SessionFactory(title="Short breaks: options")
    for n in range(9):
        person = factories.UserFactory()
        equality_answers_save(
            user=person, consent=True, sex="female" if n < 6 else "male", carer="yes"
        )
        SessionParticipant.objects.create(session=session, user=person)
    decision = factories.make_decision(consultations=[consultation], sessions=[session])
    return {"commissioner": commissioner, "consultation": consultation, "decision": decision}


@pytest.mark.parametrize("width", [1280, 390])
def test_representativeness_pages_are_accessible(
    live_server, page, log_in, assert_accessible, world, width
):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, world["commissioner"])
    for path in (
        f"/consultations/{world['consultation'].pk}/results/representativeness/",
        "/consultations/reference-populations/",
        f"/decisions/{world['decision'].pk}/involvement-report/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        assert page.locator("h1").count() == 1
        assert_accessible(page)

    # The error state: a file with an unknown category keeps its text and lists the problem.
    page.goto(f"{live_server.url}/consultations/reference-populations/")
    page.get_by_label("Name these figures").fill("Testshire")
    page.get_by_label("Or paste the CSV here").fill(
        "field,census_category,value,unit,area_code,area_name,table_code,source_url,provenance\n"
        "sex,Women,5,count,E1,Testshire,TS008,https://example.org,made up\n"
    )
    page.get_by_role("button", name="Load the figures").click()
    expect(page.locator(".nhsuk-error-summary").first).to_be_visible()
    assert "Women" in page.get_by_label("Or paste the CSV here").input_value()
    assert_accessible(page)


def test_the_lottery_draw_status_page_is_accessible(
    live_server, page, log_in, assert_accessible, role_user
):
    from engagement.models import LotteryRequest

    commissioner = role_user(roles.COMMISSIONER)
    opportunity = factories.OpportunityFactory(
        title="Citizens' panel on short breaks", posted_by=commissioner, selected_by_lottery=True
    )
    common = {"opportunity": opportunity, "panel_size": 4, "quotas": {}, "seed": 12345}
    waiting = LotteryRequest.objects.create(requested_by=commissioner, **common)
    failed = LotteryRequest.objects.create(
        requested_by=commissioner,
        status="failed",
        error="These quotas cannot be met by the people who expressed interest.",
        **common,
    )
    log_in(page, commissioner)
    for asked, says in ((waiting, "Check again"), (failed, "Nothing was drawn")):
        page.set_viewport_size({"width": 390, "height": 800})
        response = page.goto(
            f"{live_server.url}/opportunities/{opportunity.pk}/lottery/requests/{asked.pk}/"
        )
        assert response.status == 200
        expect(page.get_by_text(says).first).to_be_visible()
        assert_accessible(page)
