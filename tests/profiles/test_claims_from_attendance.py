"""Attendance recorded in the room pre-fills the involvement payment claim for that session
(issue 15): who may claim (members who took part, not observers nor people who never joined),
the pre-filled form, one claim per person per session, the rate, the reviewer's evidence, a
facilitator recording for a member, and download-my-data and erasure."""

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from coproduce.accounts import roles
from deliberation import selectors as room_selectors
from deliberation.models import Session, SessionParticipant
from engagement.models import Opportunity, PaymentClaim
from engagement.profiles import selectors
from engagement.profiles.services.opportunities import claim_submit_for_session
from tests import factories

pytestmark = pytest.mark.django_db

SESSION_TITLE = "Wheelchair budgets: the offer letter"
GROUP_NAME = "Wheelchair budgets group"


def _came_into_the_room(session, user):
    # What the room's consumer records on a person's first connection.
    SessionParticipant.objects.get_or_create(session=session, user=user)


@pytest.fixture
def world(role_user):
    commissioner = role_user(roles.COMMISSIONER, display_name="Cora")
    facilitator = role_user(roles.FACILITATOR, display_name="Femi")
    priya = role_user(roles.EXPERT, display_name="Priya")
    absent = role_user(roles.EXPERT, display_name="Abe")
    observer = role_user(roles.EXPERT, display_name="Olu")
    group = factories.CoproductionGroupFactory(
        name=GROUP_NAME, members=[priya, absent], facilitators=[facilitator]
    )
    opportunity = factories.OpportunityFactory(
        title="Join the wheelchair budgets group",
        hourly_rate=Decimal("25.00"),
        posted_by=commissioner,
    )
    Opportunity.objects.filter(pk=opportunity.pk).update(
        coproduction_group=group, created_at=timezone.now() - timedelta(days=60)
    )
    session = factories.SessionFactory(
        group=group,
        title=SESSION_TITLE,
        scheduled_at=timezone.now() - timedelta(days=3),
        status=Session.Status.ENDED,
        duration_minutes=100,  # 1 hour 40 minutes: 1.75 hours to the quarter hour
        allow_observers=True,
    )
    _came_into_the_room(session, priya)
    _came_into_the_room(session, observer)  # watched, not a member
    factories.PassportFactory(user=priya, payment_preference="voucher")
    return {
        "commissioner": commissioner,
        "facilitator": facilitator,
        "priya": priya,
        "absent": absent,
        "observer": observer,
        "group": group,
        "opportunity": opportunity,
        "session": session,
    }


def _url(session, person=None):
    url = f"/claims/session/{session.pk}/"
    return f"{url}?for={person.pk}" if person else url


def _post_data(session, **overrides):
    data = {
        "worked_on": timezone.localtime(session.scheduled_at).strftime("%d/%m/%Y"),
        "description": f"{SESSION_TITLE}, {GROUP_NAME}",
        "hours": "1.75",
        "payment_choice": "voucher",
        "expenses_amount": "",
        "expenses_description": "",
    }
    data.update(overrides)
    return data


def test_the_claims_page_lists_sessions_the_person_took_part_in(client, world):
    client.force_login(world["priya"])
    page = client.get("/claims/").content.decode()
    assert "Sessions you took part in, not yet claimed" in page
    assert SESSION_TITLE in page
    assert _url(world["session"]) in page


@pytest.mark.parametrize("who", ["observer", "absent"])
def test_observers_and_people_who_never_joined_are_not_offered_a_claim(client, world, who):
    client.force_login(world[who])
    page = client.get("/claims/").content.decode()
    assert SESSION_TITLE not in page
    assert "Sessions you took part in" not in page


def test_a_person_who_took_part_gets_the_form_filled_in(client, world):
    session = world["session"]
    client.force_login(world["priya"])
    response = client.get(_url(session))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.initial["worked_on"] == timezone.localtime(session.scheduled_at).date()
    assert form.initial["description"] == f"{SESSION_TITLE}, {GROUP_NAME}"
    assert form.initial["hours"] == Decimal("1.75")
    assert form.initial["payment_choice"] == "voucher"  # from the passport
    page = response.content.decode()
    assert 'value="1.75"' in page
    assert "planned length, 100 minutes, rounded to the quarter hour" in page
    assert "from the involvement passport" in page
    assert "£25.00 an hour" in page


def test_the_claim_is_made_for_the_session_at_the_groups_rate_and_stays_editable(client, world):
    session = world["session"]
    client.force_login(world["priya"])
    response = client.post(
        _url(session),
        _post_data(
            session,
            hours="2.5",
            payment_choice="paid",
            expenses_amount="6.40",
            expenses_description="Bus fares",
        ),
    )
    assert response.status_code == 302
    claim = PaymentClaim.objects.get()
    assert claim.session == session
    assert claim.opportunity == world["opportunity"]
    assert claim.claimant == claim.recorded_by == world["priya"]
    assert claim.hourly_rate == Decimal("25.00")
    assert claim.prefilled_hours == Decimal("1.75")
    assert claim.hours == Decimal("2.5")
    assert claim.payment_choice == "paid"
    assert claim.total == Decimal("68.90")
    # Claimed: the session leaves the list.
    page = client.get("/claims/").content.decode()
    assert _url(session) not in page
    assert "Sessions you took part in" not in page


def test_the_form_is_validated_as_any_claim(client, world):
    session = world["session"]
    client.force_login(world["priya"])
    future = (timezone.localdate() + timedelta(days=2)).strftime("%d/%m/%Y")
    response = client.post(_url(session), _post_data(session, hours="30", worked_on=future))
    assert response.status_code == 200
    assert "hours" in response.context["form"].errors
    assert "worked_on" in response.context["form"].errors
    assert not PaymentClaim.objects.exists()


@pytest.mark.parametrize("who", ["observer", "absent"])
def test_a_person_who_did_not_take_part_is_refused(client, world, who):
    session = world["session"]
    client.force_login(world[who])
    response = client.get(_url(session))
    assert response.status_code == 403
    assert "You cannot claim for this session" in response.content.decode()
    response = client.post(_url(session), _post_data(session))
    assert response.status_code == 403
    assert not PaymentClaim.objects.exists()


def test_the_service_refuses_someone_the_room_does_not_show(world):
    with pytest.raises(PermissionDenied):
        claim_submit_for_session(
            session=world["session"],
            claimant=world["observer"],
            recorded_by=world["observer"],
            worked_on=timezone.localdate(),
            description="Watching",
            hours=Decimal("1"),
            payment_choice="paid",
        )


def test_a_second_claim_for_the_session_is_refused_with_a_message_and_nothing_lost(client, world):
    session = world["session"]
    client.force_login(world["priya"])
    # Two tabs: both opened the form before either was sent.
    assert client.post(_url(session), _post_data(session)).status_code == 302
    first = PaymentClaim.objects.get()
    response = client.post(
        _url(session), _post_data(session, description="Second go at it", hours="3")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "A claim for this session has already been made for this person" in page
    assert 'value="Second go at it"' in page  # what they typed is still there
    assert PaymentClaim.objects.count() == 1
    first_again = PaymentClaim.objects.get()
    assert (first_again.pk, first_again.hours, first_again.description) == (
        first.pk,
        Decimal("1.75"),
        f"{SESSION_TITLE}, {GROUP_NAME}",
    )


def test_the_database_allows_one_claim_per_person_per_session(world):
    arguments = {
        "session": world["session"],
        "claimant": world["priya"],
        "recorded_by": world["priya"],
        "worked_on": timezone.localdate(),
        "description": "Session",
        "hours": Decimal("1.75"),
        "payment_choice": "paid",
    }
    claim_submit_for_session(**arguments)
    with pytest.raises(ValidationError):
        claim_submit_for_session(**arguments)
    assert PaymentClaim.objects.count() == 1


def test_the_reviewer_sees_the_attendance_evidence(client, world):
    session = world["session"]
    client.force_login(world["priya"])
    client.post(_url(session), _post_data(session))
    claim = PaymentClaim.objects.get()
    client.force_login(world["commissioner"])
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert SESSION_TITLE in page
    assert "Confirmed: the room’s record shows Priya took part as a member of the group." in page
    assert "This claim was filled in from that record." in page
    assert "The session was 1.75 hours" in page
    assert "More than the session’s length" not in page
    # A claim made without a session shows none of this.
    other = factories.PaymentClaimFactory(opportunity=world["opportunity"])
    assert "the room’s record" not in client.get(f"/claims/{other.pk}/").content.decode()


def test_hours_above_the_sessions_length_are_allowed_and_flagged_to_the_reviewer(client, world):
    session = world["session"]
    client.force_login(world["priya"])
    client.post(_url(session), _post_data(session, hours="3"))
    claim = PaymentClaim.objects.get()
    assert claim.hours == Decimal("3")
    client.force_login(world["commissioner"])
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "More than the session’s length:" in page
    assert "the session was 1.75 hours" in page


def test_the_reviewer_is_told_when_the_room_no_longer_confirms_it(client, world):
    session = world["session"]
    client.force_login(world["priya"])
    client.post(_url(session), _post_data(session))
    world["group"].members.remove(world["priya"])
    client.force_login(world["commissioner"])
    page = client.get(f"/claims/{PaymentClaim.objects.get().pk}/").content.decode()
    assert "Not confirmed:" in page


def test_a_facilitator_records_a_claim_for_a_member_who_took_part(client, world):
    session, priya = world["session"], world["priya"]
    client.force_login(world["facilitator"])
    page = client.get("/claims/").content.decode()
    assert "Members who took part in your groups’ sessions, not yet claimed" in page
    assert _url(session, priya) in page
    # Only members who took part are offered: not the observer, not the absent member.
    assert f"for={world['observer'].pk}" not in page
    assert f'for={world["absent"].pk}"' not in page
    response = client.get(_url(session, priya))
    assert response.status_code == 200
    assert response.context["form"].initial["payment_choice"] == "voucher"  # Priya's passport
    assert "You are recording this claim for Priya." in response.content.decode()
    assert client.post(_url(session, priya), _post_data(session)).status_code == 302
    claim = PaymentClaim.objects.get()
    assert (claim.claimant, claim.recorded_by, claim.session) == (
        priya,
        world["facilitator"],
        session,
    )


@pytest.mark.parametrize("person", ["observer", "absent", "nobody", "huge", "words"])
def test_a_facilitator_cannot_record_for_someone_the_room_does_not_show(client, world, person):
    ids = {"nobody": "987654", "huge": "9" * 30, "words": "Priya"}
    person_id = ids.get(person) or world[person].pk
    client.force_login(world["facilitator"])
    url = f"/claims/session/{world['session'].pk}/?for={person_id}"
    response = client.get(url)
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "already been claimed for, or the room does not show them" in follow
    assert client.post(url, _post_data(world["session"])).status_code == 302
    assert not PaymentClaim.objects.exists()


def test_a_facilitator_of_another_group_cannot_record_for_this_one(client, world, role_user):
    other = role_user(roles.FACILITATOR)
    factories.CoproductionGroupFactory(facilitators=[other])
    client.force_login(other)
    assert world["session"].title not in client.get("/claims/").content.decode()
    url = _url(world["session"], world["priya"])
    assert client.get(url).status_code == 403
    assert client.post(url, _post_data(world["session"])).status_code == 403
    assert not PaymentClaim.objects.exists()


def test_a_group_with_no_rate_says_so_and_takes_no_claim(client, world):
    Opportunity.objects.update(coproduction_group=None)
    session = world["session"]
    client.force_login(world["priya"])
    page = client.get("/claims/").content.decode()
    assert "No payment rate is set for this group’s sessions yet" in page
    assert _url(session) not in page
    response = client.get(_url(session))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert "No involvement payment rate is set" in response.content.decode()
    client.post(_url(session), _post_data(session))
    assert not PaymentClaim.objects.exists()


@pytest.mark.parametrize(
    ("status", "cancelled", "listed"),
    [
        ("live", False, True),
        ("ended", False, True),
        ("scheduled", False, False),
        ("ended", True, False),
    ],
)
def test_only_sessions_that_happened_count(client, world, status, cancelled, listed):
    Session.objects.filter(pk=world["session"].pk).update(status=status, cancelled=cancelled)
    client.force_login(world["priya"])
    assert (SESSION_TITLE in client.get("/claims/").content.decode()) is listed
    assert client.get(_url(world["session"])).status_code == (200 if listed else 403)


def test_a_session_over_12_months_ago_is_not_listed(client, world):
    Session.objects.filter(pk=world["session"].pk).update(
        scheduled_at=timezone.now() - timedelta(days=400)
    )
    client.force_login(world["priya"])
    assert SESSION_TITLE not in client.get("/claims/").content.decode()


@pytest.mark.parametrize(
    ("minutes", "hours"),
    [(100, "1.75"), (120, "2.00"), (50, "0.75"), (52, "0.75"), (53, "1.00"), (5, "0.25")],
)
def test_hours_are_the_sessions_length_to_the_nearest_quarter_hour(minutes, hours):
    assert selectors.session_hours(session=Session(duration_minutes=minutes)) == Decimal(hours)


def test_a_session_is_paid_at_the_newest_rate_posted_by_its_day(world):
    group, session = world["group"], world["session"]
    newer = factories.OpportunityFactory(hourly_rate=Decimal("30.00"))
    later = factories.OpportunityFactory(hourly_rate=Decimal("40.00"))
    Opportunity.objects.filter(pk=newer.pk).update(
        coproduction_group=group, created_at=timezone.now() - timedelta(days=10)
    )
    Opportunity.objects.filter(pk=later.pk).update(coproduction_group=group)
    assert selectors.paying_opportunity(session=session) == newer
    # A session before any rate was posted is paid at the first one.
    Session.objects.filter(pk=session.pk).update(scheduled_at=timezone.now() - timedelta(days=90))
    session.refresh_from_db()
    assert selectors.paying_opportunity(session=session) == world["opportunity"]


def test_posting_an_opportunity_can_name_the_group_it_pays(client, world):
    client.force_login(world["commissioner"])
    response = client.post(
        "/opportunities/new/",
        {
            "title": "Wheelchair group, year two",
            "summary": "Another year of the group.",
            "what_it_involves": "Monthly sessions.",
            "time_commitment": "2 hours a month",
            "format": "online",
            "hourly_rate": "27.50",
            "expenses": "Travel paid.",
            "coproduction_group": world["group"].pk,
        },
    )
    assert response.status_code == 302
    assert (
        Opportunity.objects.get(title="Wheelchair group, year two").coproduction_group
        == (world["group"])
    )


def test_room_selectors_count_members_who_came_in_only(world):
    session = world["session"]
    people = {p.user for p in room_selectors.participants_who_took_part(session=session)}
    assert people == {world["priya"]}
    assert room_selectors.took_part(session=session, user=world["priya"])
    assert not room_selectors.took_part(session=session, user=world["observer"])
    assert not room_selectors.took_part(session=session, user=world["absent"])


def test_download_my_data_has_the_session_and_erasure_keeps_the_claim(client, world):
    session = world["session"]
    client.force_login(world["priya"])
    client.post(_url(session), _post_data(session, hours="2"))
    data = json.loads(client.get("/my-data/download/").content)
    exported = data["payment_claims"][0]
    assert exported["session"]["title"] == SESSION_TITLE
    assert exported["session"]["group"] == GROUP_NAME
    assert exported["prefilled_hours"] == "1.75"
    assert exported["hours"] == "2.00"
    response = client.post("/my-data/delete/", {"confirm": "on"})
    assert response.status_code == 302
    claim = PaymentClaim.objects.get()  # a finance record: kept, with its evidence
    assert claim.session == session
    assert claim.prefilled_hours == Decimal("1.75")


def test_deleting_a_claimed_session_keeps_the_claim_and_tells_the_reviewer(client, world):
    session = world["session"]
    client.force_login(world["priya"])
    client.post(_url(session), _post_data(session))
    admin = factories.UserFactory(is_superuser=True, is_staff=True)
    client.force_login(admin)
    url = f"/admin/snippets/deliberation/session/delete/{session.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    assert not Session.objects.filter(pk=session.pk).exists()
    claim = PaymentClaim.objects.get()  # a finance record: kept
    assert claim.session is None
    assert claim.prefilled_hours == Decimal("1.75")
    client.force_login(world["commissioner"])
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "The session has been deleted since" in page
    assert "Cannot be checked now:" in page
