"""/claims/ offers "Make a claim" for the opportunities a person took up, and commissioners keep
a history of every claim (approved ones too) with filters."""

from decimal import Decimal

import pytest
from django.urls import reverse

from coproduce.accounts import roles
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def opportunity(role_user):
    return factories.OpportunityFactory(
        title="Personal health budgets group",
        hourly_rate=Decimal("25.00"),
        posted_by=role_user(roles.COMMISSIONER),
    )


def test_an_expert_makes_a_claim_from_the_claims_page(client, role_user, opportunity):
    expert = role_user(roles.EXPERT)
    profile = factories.ExpertProfileFactory(user=expert)
    factories.InvitationFactory(opportunity=opportunity, profile=profile, status="accepted")
    factories.OpportunityFactory(title="Not taken up")
    client.force_login(expert)
    page = client.get("/claims/").content.decode()
    assert "Make a claim" in page
    link = reverse("engagement:claim_create", args=[opportunity.pk])
    assert f'<a href="{link}">Claim for “Personal health budgets group”</a>' in page
    assert "Not taken up" not in page
    assert client.get(link).status_code == 200


def test_an_expert_with_nothing_taken_up_is_told_how_to_claim(client, role_user):
    client.force_login(role_user(roles.EXPERT))
    page = client.get("/claims/").content.decode()
    assert "You can claim for an opportunity once you have taken it up." in page


def test_approved_claims_stay_in_the_commissioners_history_with_filters(
    client, role_user, opportunity
):
    priya = role_user(roles.EXPERT, display_name="Priya Menon", email="priya@example.org")
    sam = role_user(roles.EXPERT, display_name="Sam Whitfield", email="sam@example.org")
    factories.PaymentClaimFactory(opportunity=opportunity, claimant=priya, status="approved")
    factories.PaymentClaimFactory(opportunity=opportunity, claimant=sam, status="queried")
    factories.PaymentClaimFactory(opportunity=opportunity, claimant=sam, status="submitted")
    client.force_login(role_user(roles.COMMISSIONER))

    history = client.get("/claims/").content.decode().split('id="claims-history"')[1]
    assert history.count('<tr class="nhsuk-table__row">') == 3 + 1  # and the header row
    assert "Approved" in history and "Queried" in history

    approved = client.get("/claims/", {"status": "approved"}).content.decode()
    approved = approved.split('id="claims-history"')[1]
    assert "Priya Menon" in approved and "Sam Whitfield" not in approved

    sams = client.get("/claims/", {"person": "sam@"}).content.decode()
    sams = sams.split('id="claims-history"')[1]
    assert sams.count("Sam Whitfield") == 2 and "Priya Menon" not in sams

    nothing = client.get("/claims/", {"status": "approved", "person": "sam"}).content.decode()
    assert "No claims match." in nothing


def test_a_bad_filter_is_ignored_not_a_500(client, role_user, opportunity):
    factories.PaymentClaimFactory(opportunity=opportunity)
    client.force_login(role_user(roles.COMMISSIONER))
    reply = client.get("/claims/", {"status": "paid-twice", "page": "x"})
    assert reply.status_code == 200
    assert "Select a valid choice" in reply.content.decode()


def test_experts_do_not_see_other_peoples_claims(client, role_user, opportunity):
    factories.PaymentClaimFactory(opportunity=opportunity)
    client.force_login(role_user(roles.EXPERT))
    assert 'id="claims-history"' not in client.get("/claims/").content.decode()
