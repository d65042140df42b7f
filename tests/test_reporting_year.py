"""The reporting year: calendar years unless an Editor chooses financial years (1 April to 31
March) in the Organisation settings. The involvement ledger and "who took part in a group in a
year" (page, JSON and open data) count by it; a financial year is labelled "2025 to 2026" and
its URL keeps the starting year; boundaries are midnight in Europe/London, so a session at
00:30 BST on 1 April (23:30 UTC on 31 March) is in the new year."""

import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from wagtail.models import Site

from coproduce.accounts import roles
from coproduce.home.models import OrganisationSettings
from coproduce.reporting_year import APRIL, CALENDAR_YEARS, ReportingYears, site_reporting_years
from deliberation.models import SessionParticipant
from engagement.group_representativeness.selectors import group_year_representativeness
from engagement.profiles.selectors import involvement_ledger
from tests import factories

LONDON = ZoneInfo("Europe/London")
FINANCIAL = ReportingYears(APRIL)
# The last minutes of financial year 2024 to 2025, and the first of 2025 to 2026 (BST).
LAST_OF_MARCH = datetime.datetime(2025, 3, 31, 23, 30, tzinfo=LONDON)
FIRST_OF_APRIL = datetime.datetime(2025, 4, 1, 0, 30, tzinfo=LONDON)


def _financial_years_chosen():
    organisation = OrganisationSettings.for_site(Site.objects.get(is_default_site=True))
    organisation.reporting_year_starts = APRIL
    organisation.save()


def test_financial_years_begin_at_midnight_on_1_april_london_time():
    assert FIRST_OF_APRIL.astimezone(datetime.UTC).date() == datetime.date(2025, 3, 31)
    assert FINANCIAL.year_of(LAST_OF_MARCH) == 2024
    assert FINANCIAL.year_of(FIRST_OF_APRIL) == 2025
    assert FINANCIAL.year_of(FIRST_OF_APRIL.astimezone(datetime.UTC)) == 2025
    assert FINANCIAL.year_of(datetime.date(2026, 3, 31)) == 2025
    assert FINANCIAL.label(2025) == "2025 to 2026"
    assert FINANCIAL.first_and_last_day(2025) == (
        datetime.date(2025, 4, 1),
        datetime.date(2026, 3, 31),
    )
    start, end = FINANCIAL.bounds(2025)
    assert start == datetime.datetime(2025, 4, 1, tzinfo=LONDON)
    assert end == datetime.datetime(2026, 4, 1, tzinfo=LONDON)
    assert FINANCIAL.is_over(2024, today=datetime.date(2025, 4, 1))
    assert not FINANCIAL.is_over(2024, today=datetime.date(2025, 3, 31))
    # Calendar years are what they always were.
    assert CALENDAR_YEARS.year_of(FIRST_OF_APRIL) == 2025
    assert CALENDAR_YEARS.year_of(LAST_OF_MARCH) == 2025
    assert CALENDAR_YEARS.label(2025) == "2025"


@pytest.mark.django_db
def test_calendar_years_unless_an_editor_chooses_april():
    assert site_reporting_years() == CALENDAR_YEARS
    _financial_years_chosen()
    assert site_reporting_years() == FINANCIAL


def _ledger_world(user, n: int):
    for _ in range(n):
        factories.SessionFactory(scheduled_at=LAST_OF_MARCH).participants.create(user=user)
        factories.SessionFactory(scheduled_at=FIRST_OF_APRIL).participants.create(user=user)
    opportunity = factories.OpportunityFactory(hourly_rate=Decimal("20.00"))
    for worked_on in (datetime.date(2025, 3, 31), datetime.date(2025, 4, 1)):
        factories.PaymentClaimFactory(
            opportunity=opportunity,
            claimant=user,
            worked_on=worked_on,
            hours=Decimal("2"),
            payment_choice="paid",
            status="approved",
        )


@pytest.mark.django_db
def test_the_ledger_counts_by_financial_year_in_a_fixed_number_of_queries(
    role_user, django_assert_num_queries
):
    user = role_user(roles.EXPERT)
    _ledger_world(user, 1)
    calendar = involvement_ledger(user=user)
    assert [(y.label, y.sessions_attended, y.paid_hours) for y in calendar] == [
        ("2025", 2, Decimal("4"))
    ]

    _financial_years_chosen()
    with django_assert_num_queries(5):  # the setting, then one query per record
        ledger = involvement_ledger(user=user)
    assert [(y.year, y.label, y.sessions_attended, y.paid_hours) for y in ledger] == [
        (2025, "2025 to 2026", 1, Decimal("2")),
        (2024, "2024 to 2025", 1, Decimal("2")),
    ]
    _ledger_world(user, 5)
    with django_assert_num_queries(4):
        ledger = involvement_ledger(user=user, years=FINANCIAL)
    assert [y.sessions_attended for y in ledger] == [6, 6]


@pytest.mark.django_db
def test_the_person_sees_their_record_by_financial_year(client, role_user):
    user = role_user(roles.EXPERT)
    _ledger_world(user, 1)
    _financial_years_chosen()
    client.force_login(user)
    page = client.get("/profiles/me/record/").text
    assert "2025 to 2026" in page and "2024 to 2025" in page
    assert "Each year runs from 1 April to 31 March" in page


@pytest.mark.django_db
def test_a_groups_financial_year_page_and_open_data(client, commissioner):
    group = factories.CoproductionGroupFactory(slug="budgets", name="Budgets group")
    march = factories.SessionFactory(group=group, scheduled_at=LAST_OF_MARCH)
    april = factories.SessionFactory(group=group, scheduled_at=FIRST_OF_APRIL)
    for _ in range(5):
        SessionParticipant.objects.create(session=march, user=factories.UserFactory())
    for _ in range(6):
        SessionParticipant.objects.create(session=april, user=factories.UserFactory())

    # Calendar years: both sessions are in 2025.
    assert group_year_representativeness(group=group, year=2025).people == 11

    _financial_years_chosen()
    figures = group_year_representativeness(group=group, year=2025)
    assert (figures.people, figures.sessions, figures.year_label) == (6, 1, "2025 to 2026")
    assert group_year_representativeness(group=group, year=2024).people == 5

    client.force_login(commissioner)
    page = client.get("/groups/budgets/who-took-part/2025/").text
    assert "Who took part in Budgets group, 2025 to 2026" in page
    assert "from 1 April 2025 to 31 March 2026" in page
    assert "2024 to 2025" in page  # the other year's link
    assert client.get("/groups/budgets/who-took-part/2025.json").json()["year_label"] == (
        "2025 to 2026"
    )
    data = client.get("/api/v1/groups/budgets/representativeness/2024").json()
    assert (data["people"], data["year_label"]) == (5, "2024 to 2025")
    assert (data["year_starts"], data["year_ends"]) == ("2024-04-01", "2025-03-31")


@pytest.mark.django_db
def test_an_editor_switches_to_financial_years_in_the_organisation_settings(client, role_user):
    from wagtail.admin.panels import get_edit_handler

    site = Site.objects.get(is_default_site=True)
    client.force_login(role_user(roles.EDITOR))
    page = client.get(f"/admin/settings/home/organisationsettings/{site.pk}/").text
    assert "Reporting year starts in" in page
    assert "April (financial years, 1 April to 31 March)" in page
    form_class = get_edit_handler(OrganisationSettings).get_form_class()
    form = form_class(instance=OrganisationSettings.for_site(site))
    assert form.initial["reporting_year_starts"] == 1  # January unless chosen
