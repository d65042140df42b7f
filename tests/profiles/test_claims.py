"""Involvement payment claims: recorded at the opportunity's rate, approved or queried by a
commissioner, paid / voucher / declined with expenses always paid, exported for finance."""

import csv
import io
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group

from coproduce.accounts import roles
from engagement.models import PaymentClaim
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def commissioner(role_user):
    return role_user(roles.COMMISSIONER)


@pytest.fixture
def opportunity(commissioner):
    return factories.OpportunityFactory(
        title="Personal health budgets group", hourly_rate=Decimal("25.00"), posted_by=commissioner
    )


@pytest.fixture
def expert_profile(role_user, opportunity):
    profile = factories.ExpertProfileFactory(
        user=role_user(roles.EXPERT, first_name="Priya", last_name="Menon"),
        display_name="Priya",
    )
    factories.InvitationFactory(opportunity=opportunity, profile=profile, status="accepted")
    return profile


def claim_data(**overrides):
    data = {
        "worked_on": "17/11/2026",
        "description": "Group meeting and reading",
        "hours": "2.5",
        "payment_choice": "paid",
        "expenses_amount": "12.80",
        "expenses_description": "Taxi",
    }
    data.update(overrides)
    return data


def test_expert_claims_at_the_opportunitys_rate(client, opportunity, expert_profile):
    client.force_login(expert_profile.user)
    response = client.post(f"/claims/new/{opportunity.pk}/", claim_data())
    assert response.status_code == 302
    claim = PaymentClaim.objects.get()
    assert claim.claimant == expert_profile.user
    assert claim.hourly_rate == Decimal("25.00")
    assert claim.fee == Decimal("62.50")
    assert claim.total == Decimal("75.30")
    assert claim.status == PaymentClaim.Status.SUBMITTED
    # A later change of rate does not change a claim already made.
    opportunity.hourly_rate = Decimal("30.00")
    opportunity.save()
    claim.refresh_from_db()
    assert claim.fee == Decimal("62.50")


@pytest.mark.parametrize(
    ("choice", "fee", "total"),
    [("paid", "62.50", "75.30"), ("voucher", "62.50", "75.30"), ("declined", "0.00", "12.80")],
)
def test_expenses_are_paid_whatever_the_choice(
    client, opportunity, expert_profile, choice, fee, total
):
    client.force_login(expert_profile.user)
    client.post(f"/claims/new/{opportunity.pk}/", claim_data(payment_choice=choice))
    claim = PaymentClaim.objects.get()
    assert claim.fee == Decimal(fee)
    assert claim.expenses_amount == Decimal("12.80")
    assert claim.total == Decimal(total)


def test_someone_who_did_not_take_it_up_cannot_claim(client, role_user, opportunity):
    outsider = factories.ExpertProfileFactory(user=role_user(roles.EXPERT))
    client.force_login(outsider.user)
    assert client.post(f"/claims/new/{opportunity.pk}/", claim_data()).status_code == 403
    assert not PaymentClaim.objects.exists()


@pytest.mark.parametrize("role", [roles.PARTICIPANT, roles.COMMISSIONER, roles.EDITOR])
def test_other_roles_cannot_claim(client, role_user, opportunity, expert_profile, role):
    client.force_login(role_user(role))
    assert client.post(f"/claims/new/{opportunity.pk}/", claim_data()).status_code == 403


def test_facilitator_records_a_claim_for_an_expert(client, role_user, opportunity, expert_profile):
    facilitator = role_user(roles.FACILITATOR)
    client.force_login(facilitator)
    response = client.post(
        f"/claims/new/{opportunity.pk}/", claim_data(claimant=expert_profile.user.pk)
    )
    assert response.status_code == 302
    claim = PaymentClaim.objects.get()
    assert claim.claimant == expert_profile.user
    assert claim.recorded_by == facilitator


def test_facilitator_cannot_claim_for_someone_who_did_not_take_it_up(
    client, role_user, opportunity, expert_profile
):
    client.force_login(role_user(roles.FACILITATOR))
    other = role_user(roles.EXPERT)
    response = client.post(f"/claims/new/{opportunity.pk}/", claim_data(claimant=other.pk))
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.content.decode()
    assert not PaymentClaim.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"hours": "0"}, "greater than or equal to 0.25"),
        ({"hours": "30"}, "less than or equal to 24"),
        ({"expenses_description": ""}, "Say what the expenses were for"),
        ({"payment_choice": ""}, "Choose how you would like to receive your involvement payment"),
        ({"worked_on": "17th Nov"}, "Enter a valid date"),
    ],
)
def test_bad_claims_get_a_clear_error_and_keep_the_input(
    client, opportunity, expert_profile, overrides, message
):
    client.force_login(expert_profile.user)
    response = client.post(f"/claims/new/{opportunity.pk}/", claim_data(**overrides))
    page = response.content.decode()
    assert response.status_code == 200
    assert message in page
    assert 'value="Group meeting and reading"' in page
    assert not PaymentClaim.objects.exists()


def test_commissioner_approves(client, commissioner, opportunity, expert_profile):
    claim = factories.PaymentClaimFactory(opportunity=opportunity, claimant=expert_profile.user)
    client.force_login(commissioner)
    assert "Personal health budgets group" in client.get("/claims/").content.decode()
    response = client.post(f"/claims/{claim.pk}/", {"decision": "approve"})
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == PaymentClaim.Status.APPROVED
    assert claim.reviewed_by == commissioner


def test_query_needs_a_note_then_the_expert_corrects_it(
    client, commissioner, opportunity, expert_profile
):
    claim = factories.PaymentClaimFactory(opportunity=opportunity, claimant=expert_profile.user)
    client.force_login(commissioner)
    response = client.post(f"/claims/{claim.pk}/", {"decision": "query"})
    assert "Say what needs to change" in response.content.decode()
    client.post(f"/claims/{claim.pk}/", {"decision": "query", "note": "The meeting was 2 hours"})
    claim.refresh_from_db()
    assert claim.status == PaymentClaim.Status.QUERIED

    client.force_login(expert_profile.user)
    assert "The meeting was 2 hours" in client.get(f"/claims/{claim.pk}/").content.decode()
    response = client.post(
        f"/claims/{claim.pk}/change/", claim_data(hours="2", expenses_amount="0")
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == PaymentClaim.Status.SUBMITTED
    assert claim.hours == Decimal("2")


def test_an_approved_claim_cannot_be_reviewed_again_or_changed(
    client, commissioner, opportunity, expert_profile
):
    claim = factories.PaymentClaimFactory(
        opportunity=opportunity, claimant=expert_profile.user, status="approved"
    )
    client.force_login(commissioner)
    assert (
        client.post(f"/claims/{claim.pk}/", {"decision": "query", "note": "x"}).status_code == 403
    )
    client.force_login(expert_profile.user)
    assert client.post(f"/claims/{claim.pk}/change/", claim_data()).status_code == 403
    claim.refresh_from_db()
    assert claim.status == PaymentClaim.Status.APPROVED


def test_nobody_approves_their_own_claim(client, role_user, opportunity):
    # A commissioner who is also an expert by experience took part and claims.
    person = role_user(roles.COMMISSIONER)
    person.groups.add(Group.objects.get(name=roles.EXPERT))
    profile = factories.ExpertProfileFactory(user=person)
    factories.InvitationFactory(opportunity=opportunity, profile=profile, status="accepted")
    claim = factories.PaymentClaimFactory(opportunity=opportunity, claimant=person)
    client.force_login(person)
    assert client.post(f"/claims/{claim.pk}/", {"decision": "approve"}).status_code == 403
    claim.refresh_from_db()
    assert claim.status == PaymentClaim.Status.SUBMITTED


@pytest.mark.parametrize("role", [roles.PARTICIPANT, roles.EXPERT, roles.FACILITATOR])
def test_others_cannot_see_or_review_a_claim(client, role_user, opportunity, expert_profile, role):
    claim = factories.PaymentClaimFactory(opportunity=opportunity, claimant=expert_profile.user)
    client.force_login(role_user(role))
    assert client.get(f"/claims/{claim.pk}/").status_code == 404
    assert client.post(f"/claims/{claim.pk}/", {"decision": "approve"}).status_code == 404


def test_csv_export_of_approved_claims_for_finance(
    client, commissioner, opportunity, expert_profile
):
    user = expert_profile.user
    factories.PaymentClaimFactory(
        opportunity=opportunity,
        claimant=user,
        status="approved",
        hours=Decimal("3"),
        payment_choice="declined",
        expenses_amount=Decimal("9.60"),
        expenses_description='=HYPERLINK("http://evil.example")',
        reviewed_by=commissioner,
    )
    factories.PaymentClaimFactory(opportunity=opportunity, claimant=user, status="submitted")
    factories.PaymentClaimFactory(opportunity=opportunity, claimant=user, status="queried")
    client.force_login(commissioner)
    response = client.get("/claims/approved.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 1
    row = rows[0]
    assert row["payee"] == "Priya Menon"
    assert row["payee email"] == user.email
    assert row["hours"] == "3.00"
    assert row["involvement payment"] == "0.00"
    assert row["expenses"] == "9.60"
    assert row["total to pay"] == "9.60"
    # A formula typed into a claim is not run by the spreadsheet finance opens it in.
    assert row["expenses for"].startswith("'=")


@pytest.mark.parametrize("role", [roles.PARTICIPANT, roles.EXPERT, roles.FACILITATOR])
def test_only_commissioners_export(client, role_user, role):
    client.force_login(role_user(role))
    assert client.get("/claims/approved.csv").status_code == 403
