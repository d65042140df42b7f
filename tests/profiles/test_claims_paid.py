"""Approved claims are recorded as paid, with the date, by a Commissioner (whoever pays, never
their own claim); the claimant sees it; the history filters by it; the involvement record and
ledger count paid claims as approved, and the finance CSV lists only claims still to pay."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from coproduce.accounts import roles
from engagement.models import PaymentClaim
from engagement.profiles import selectors
from engagement.profiles.services.opportunities import claim_mark_paid
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(role_user):
    return {
        "expert": role_user(roles.EXPERT, display_name="Priya Menon", email="priya@example.org"),
        "commissioner": role_user(roles.COMMISSIONER, display_name="Chris"),
        "facilitator": role_user(roles.FACILITATOR),
    }


@pytest.fixture
def approved(people):
    opportunity = factories.OpportunityFactory(
        title="Personal health budgets group",
        hourly_rate=Decimal("25.00"),
        posted_by=people["commissioner"],
    )
    return factories.PaymentClaimFactory(
        opportunity=opportunity,
        claimant=people["expert"],
        status="approved",
        reviewed_by=people["commissioner"],
        reviewed_at=timezone.now() - dt.timedelta(days=3),
    )


def _detail(claim):
    return reverse("engagement:claim_detail", args=[claim.pk])


def test_a_commissioner_records_an_approved_claim_as_paid_and_the_claimant_sees_it(
    client, people, approved
):
    client.force_login(people["commissioner"])
    page = client.get(_detail(approved)).content.decode()
    assert "Record the payment" in page
    paid_on = timezone.localdate() - dt.timedelta(days=1)
    reply = client.post(
        reverse("engagement:claim_mark_paid", args=[approved.pk]),
        {"paid_on": paid_on.strftime("%d/%m/%Y")},
    )
    assert reply.status_code == 302
    approved.refresh_from_db()
    assert approved.status == "paid"
    assert approved.paid_on == paid_on
    assert approved.paid_recorded_by == people["commissioner"]
    assert "Record the payment" not in client.get(_detail(approved)).content.decode()

    client.force_login(people["expert"])
    mine = client.get("/claims/").content.decode()
    assert f'Paid <span class="nhsuk-u-nowrap">on {paid_on:%-d %b %Y}</span>' in mine
    detail = client.get(_detail(approved)).content.decode()
    assert f'<time datetime="{paid_on:%Y-%m-%d}">{paid_on:%-d %B %Y}</time>' in detail


@pytest.mark.parametrize("who", ["expert", "facilitator"])
def test_only_a_commissioner_may_record_a_payment(client, people, approved, who):
    client.force_login(people[who])
    reply = client.post(
        reverse("engagement:claim_mark_paid", args=[approved.pk]),
        {"paid_on": timezone.localdate().strftime("%d/%m/%Y")},
    )
    assert reply.status_code in (403, 404)
    approved.refresh_from_db()
    assert approved.status == "approved" and approved.paid_on is None


def test_a_bad_date_is_a_clear_error_and_nothing_changes(client, people, approved):
    client.force_login(people["commissioner"])
    url = reverse("engagement:claim_mark_paid", args=[approved.pk])
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for value, message in [
        ("", "Enter the date it was paid"),
        ("31/02/2026", "Enter the date it was paid as a date"),
        (tomorrow.strftime("%d/%m/%Y"), "The date paid must be today or in the past."),
        ("01/01/2020", "The date paid must be on or after the day it was approved."),
    ]:
        reply = client.post(url, {"paid_on": value})
        assert reply.status_code == 400, value
        assert message in reply.content.decode(), value
    approved.refresh_from_db()
    assert approved.status == "approved"


def test_only_approved_claims_are_paid_and_never_twice_nor_ones_own(people, approved):
    submitted = factories.PaymentClaimFactory(
        opportunity=approved.opportunity, claimant=people["expert"]
    )
    with pytest.raises(ValidationError):
        claim_mark_paid(
            claim=submitted, recorded_by=people["commissioner"], paid_on=dt.date.today()
        )
    claim_mark_paid(claim=approved, recorded_by=people["commissioner"], paid_on=dt.date.today())
    with pytest.raises(ValidationError):
        claim_mark_paid(claim=approved, recorded_by=people["commissioner"], paid_on=dt.date.today())
    with pytest.raises(PermissionDenied):
        claim_mark_paid(claim=submitted, recorded_by=people["expert"], paid_on=dt.date.today())


def test_the_history_filters_paid_and_the_ledger_and_csv_agree(client, people, approved):
    still_to_pay = factories.PaymentClaimFactory(
        opportunity=approved.opportunity,
        claimant=people["expert"],
        status="approved",
        hours=Decimal("1.00"),
        reviewed_by=people["commissioner"],
        reviewed_at=timezone.now(),
    )
    claim_mark_paid(claim=approved, recorded_by=people["commissioner"], paid_on=dt.date.today())

    client.force_login(people["commissioner"])
    paid = client.get("/claims/", {"status": "paid"}).content.decode()
    paid = paid.split('id="claims-history"')[1]
    assert paid.count('<tr class="nhsuk-table__row">') == 1 + 1  # and the header row
    assert (
        '<option value="paid" selected>Paid</option>'
        in client.get("/claims/", {"status": "paid"}).content.decode()
    )

    csv = client.get(reverse("engagement:claims_export")).content.decode()
    assert csv.count("Personal health budgets group") == 1  # only the claim still to pay
    assert PaymentClaim.objects.get(pk=still_to_pay.pk).status == "approved"

    # The involvement record counts both: paid claims were approved.
    record = selectors.involvement_record(user=people["expert"])
    assert record.approved_hours == approved.hours + still_to_pay.hours
    ledger = selectors.involvement_ledger(user=people["expert"])
    assert sum(year.payments for year in ledger) == approved.fee + still_to_pay.fee
