"""Input that used to break pages: a NUL character in search, and in any typed text field; a
payment claim dated in the future or long ago. Each gets a clear error, and nothing stored
changes."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduce.accounts import roles
from engagement.models import Answer, PaymentClaim
from tests import factories
from tests.consultations.test_answering_journey import section_two
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db

NUL_SEARCH = "Your search contains a character that cannot be searched for. Remove it."


# --- Search ------------------------------------------------------------------------------------


@pytest.mark.parametrize("query", ["\x00", "short\x00breaks", "\x00" * 300])
def test_a_nul_in_search_is_a_clear_error_not_a_500(client, home_page, query):
    response = client.get(reverse("search"), {"q": query})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert NUL_SEARCH in html
    assert 'aria-describedby="search-query-error"' in html
    # The rest of what was typed is offered back, without the NUL.
    assert f'value="{query.replace(chr(0), "")}"' in html
    assert "\x00" not in html


def test_a_nul_in_the_raw_query_string_is_a_clear_error(client, home_page):
    response = client.get("/search/?q=%00&page=%00")
    assert response.status_code == 200
    assert NUL_SEARCH in response.content.decode()


def test_search_still_finds_pages(client, make_content_page):
    make_content_page(title="Short breaks for carers")
    response = client.get(reverse("search"), {"q": "carers"})
    assert "Short breaks for carers" in response.content.decode()
    assert NUL_SEARCH not in response.content.decode()


# --- NUL in typed text fields (Django's forms refuse it before the database sees it) ---------
# The profile form's case is in tests/profiles/test_nul_in_profile.py (it needs that folder's
# fixtures).


def test_a_nul_in_a_free_text_answer_is_a_form_error(client, participant):
    consultation = make_consultation()
    client.force_login(participant)
    response = client.post(
        reverse("engagement:answer_section", args=[consultation.pk, 2]),
        {**section_two(consultation, text="More evening\x00 cover"), "action": "save"},
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "Null characters are not allowed." in response.content.decode()
    assert not Answer.objects.exists()


# --- Payment claims: the date of the work ------------------------------------------------------


@pytest.fixture
def expert_and_opportunity(role_user):
    commissioner = role_user(roles.COMMISSIONER)
    opportunity = factories.OpportunityFactory(
        title="Personal health budgets group", hourly_rate=Decimal("25.00"), posted_by=commissioner
    )
    profile = factories.ExpertProfileFactory(user=role_user(roles.EXPERT), display_name="Priya")
    factories.InvitationFactory(opportunity=opportunity, profile=profile, status="accepted")
    return profile.user, opportunity


def _claim(client, opportunity, worked_on: str):
    return client.post(
        f"/claims/new/{opportunity.pk}/",
        {
            "worked_on": worked_on,
            "description": "Group meeting and reading",
            "hours": "2.5",
            "payment_choice": "paid",
            "expenses_amount": "0",
        },
    )


@pytest.mark.parametrize(
    ("worked_on", "message"),
    [
        ("01/01/9999", "must be today or in the past"),
        ("tomorrow", "must be today or in the past"),
        ("01/01/1900", "must be in the last 12 months"),
        ("a year and a day ago", "must be in the last 12 months"),
    ],
)
def test_a_claim_for_the_future_or_long_ago_is_refused(
    client, expert_and_opportunity, worked_on, message
):
    expert, opportunity = expert_and_opportunity
    today = timezone.localdate()
    worked_on = {
        "tomorrow": (today + timedelta(days=1)).strftime("%d/%m/%Y"),
        "a year and a day ago": (today - timedelta(days=366)).strftime("%d/%m/%Y"),
    }.get(worked_on, worked_on)
    client.force_login(expert)
    response = _claim(client, opportunity, worked_on)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert message in html
    assert f'value="{worked_on}"' in html
    assert not PaymentClaim.objects.exists()


@pytest.mark.parametrize("days_ago", [0, 365])
def test_a_claim_for_today_or_a_year_ago_is_accepted(client, expert_and_opportunity, days_ago):
    expert, opportunity = expert_and_opportunity
    client.force_login(expert)
    worked_on = timezone.localdate() - timedelta(days=days_ago)
    response = _claim(client, opportunity, worked_on.strftime("%d/%m/%Y"))
    assert response.status_code == 302
    assert PaymentClaim.objects.get().worked_on == worked_on
