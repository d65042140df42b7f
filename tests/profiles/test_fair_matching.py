"""Fair invitation: the involvement ledger, matching by fit and fairness with weights a
commissioner sets, a stable random order for ties (never names), and invitations that keep why
each person was put forward."""

import datetime
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.accounts import roles
from engagement.models import ExpertProfile, Invitation, MatchingWeights
from engagement.profiles.selectors import (
    area_representation,
    involvement_ledger,
    opportunity_matches,
)
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def commissioner(role_user):
    return role_user(roles.COMMISSIONER)


@pytest.fixture
def opportunity(term, commissioner):
    return factories.OpportunityFactory(
        title="Personal health budgets for wheelchairs",
        posted_by=commissioner,
        experience_areas=[term("mental-health")],
    )


def _order(opportunity, viewer):
    return [m.profile.pk for m in opportunity_matches(opportunity=opportunity, viewer=viewer)]


# --- The ledger ----------------------------------------------------------------------------------


def test_ledger_counts_each_year_from_the_records(role_user):
    profile = factories.ExpertProfileFactory(user=role_user(roles.EXPERT))
    user = profile.user
    for created, status in [
        (datetime.datetime(2025, 3, 1, 12, tzinfo=datetime.UTC), "accepted"),
        (datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC), "declined"),
        (datetime.datetime(2026, 2, 1, 12, tzinfo=datetime.UTC), "accepted"),
    ]:
        invitation = factories.InvitationFactory(profile=profile, status=status)
        Invitation.objects.filter(pk=invitation.pk).update(created_at=created)
    # A session in 2025 and one in 2026 that the person took part in; one they did not.
    for when in (datetime.datetime(2025, 9, 1, 18, tzinfo=datetime.UTC),) * 1 + (
        datetime.datetime(2026, 1, 5, 18, tzinfo=datetime.UTC),
    ):
        factories.SessionFactory(scheduled_at=when).participants.create(user=user)
    factories.SessionFactory(scheduled_at=datetime.datetime(2026, 1, 6, tzinfo=datetime.UTC))
    factories.make_response(factories.make_consultation(), respondent=user)
    factories.make_response(
        factories.make_consultation(title="Day opportunities"), respondent=user, submitted=False
    )
    opportunity = factories.OpportunityFactory(hourly_rate=Decimal("20.00"))
    claims = [
        # (worked_on, hours, choice, expenses, status)
        (datetime.date(2025, 4, 2), "3.5", "paid", "4.20", "approved"),
        (datetime.date(2025, 5, 2), "2", "declined", "0", "approved"),
        (datetime.date(2026, 1, 9), "1.25", "voucher", "0", "approved"),
        (datetime.date(2026, 1, 10), "8", "paid", "10", "submitted"),  # not approved: left out
    ]
    for worked_on, hours, choice, expenses, status in claims:
        factories.PaymentClaimFactory(
            opportunity=opportunity,
            claimant=user,
            worked_on=worked_on,
            hours=Decimal(hours),
            payment_choice=choice,
            expenses_amount=Decimal(expenses),
            expenses_description="Bus" if expenses != "0" else "",
            status=status,
        )
    this_year = timezone.now().year

    ledger = {entry.year: entry for entry in involvement_ledger(user=user)}

    y2025, y2026 = ledger[2025], ledger[2026]
    assert (y2025.invitations, y2025.invitations_accepted) == (2, 1)
    assert (y2026.invitations, y2026.invitations_accepted) == (1, 1)
    assert (y2025.sessions_attended, y2026.sessions_attended) == (1, 1)
    assert ledger[this_year].consultations_answered == 1
    # 3.5 h paid at £20 = £70; 2 h given free: not paid hours; 1.25 h voucher at £20 = £25.
    assert (y2025.paid_hours, y2025.payments, y2025.expenses) == (
        Decimal("3.5"),
        Decimal("70.00"),
        Decimal("4.20"),
    )
    assert (y2026.paid_hours, y2026.payments, y2026.expenses) == (
        Decimal("1.25"),
        Decimal("25.00"),
        Decimal("0"),
    )
    assert list(ledger) == sorted(ledger, reverse=True)


def test_involvement_record_page_shows_the_ledger(client, role_user):
    profile = factories.ExpertProfileFactory(user=role_user(roles.EXPERT))
    factories.InvitationFactory(profile=profile, status="accepted")
    client.force_login(profile.user)
    page = client.get("/profiles/me/record/").content.decode()
    assert "Year by year" in page
    assert f'<th scope="row" class="nhsuk-table__header">{timezone.now().year}</th>' in page


# --- Matching by fit and fairness ----------------------------------------------------------------


def test_order_changes_as_invitations_accumulate(term, commissioner, opportunity):
    mh = term("mental-health")
    first, second = (factories.ExpertProfileFactory(experience_areas=[mh]) for _ in range(2))
    order = _order(opportunity, commissioner)
    leader, follower = order
    # The one on top is invited to other things, one after another: they sink.
    factories.InvitationFactory(profile=ExpertProfile.objects.get(pk=leader))
    assert _order(opportunity, commissioner) == [follower, leader]
    # The other catches up with two invitations of their own, and passes them again.
    for _ in range(2):
        factories.InvitationFactory(profile=ExpertProfile.objects.get(pk=follower))
    assert _order(opportunity, commissioner) == [leader, follower]
    assert {first.pk, second.pk} == set(order)


def test_invitations_to_this_opportunity_do_not_move_people(term, commissioner, opportunity):
    mh = term("mental-health")
    for _ in range(3):
        factories.ExpertProfileFactory(experience_areas=[mh])
    before = _order(opportunity, commissioner)
    factories.InvitationFactory(
        opportunity=opportunity, profile=ExpertProfile.objects.get(pk=before[0])
    )
    assert _order(opportunity, commissioner) == before


@pytest.mark.parametrize("claim_status", ["approved", "paid"])
def test_recent_paid_hours_count_against_and_old_ones_do_not(
    term, commissioner, opportunity, claim_status
):
    # A claim marked paid after approval is still involvement: it must not make a person look
    # new again, nor drop their hours.
    mh = term("mental-health")
    busy, other = (factories.ExpertProfileFactory(experience_areas=[mh]) for _ in range(2))
    # Both have taken part before (so neither is "new"); only `busy` has recent paid hours.
    old = timezone.localdate() - timedelta(days=400)
    for profile, when, hours in ((busy, timezone.localdate(), "20"), (other, old, "20")):
        taken = factories.InvitationFactory(profile=profile, status="accepted")
        Invitation.objects.filter(pk=taken.pk).update(
            created_at=timezone.now() - timedelta(days=500)
        )
        factories.PaymentClaimFactory(
            opportunity=taken.opportunity,
            claimant=profile.user,
            worked_on=when,
            hours=Decimal(hours),
            status=claim_status,
            **({"paid_on": timezone.localdate()} if claim_status == "paid" else {}),
        )
    matches = opportunity_matches(opportunity=opportunity, viewer=commissioner)
    assert not any(m.new_to_involvement for m in matches)
    assert [m.profile for m in matches] == [other, busy]
    assert matches[1].recent_hours == Decimal("20")
    assert matches[0].score - matches[1].score == 2  # two full 10s of hours, 1 point each
    assert "20 paid hours in the last 12 months (-2)" in matches[1].fairness_reasons


def test_new_to_involvement_counts_in_a_persons_favour(term, commissioner, opportunity):
    mh = term("mental-health")
    veteran = factories.ExpertProfileFactory(experience_areas=[mh])
    newcomer = factories.ExpertProfileFactory(experience_areas=[mh])
    old = factories.InvitationFactory(profile=veteran, status="accepted")
    Invitation.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=800))
    matches = opportunity_matches(opportunity=opportunity, viewer=commissioner)
    assert [m.profile for m in matches] == [newcomer, veteran]
    assert matches[0].new_to_involvement and not matches[1].new_to_involvement
    assert "new to involvement (+2)" in matches[0].fairness_reasons


def test_under_represented_area_counts_in_a_persons_favour(term, commissioner, opportunity):
    mh = term("mental-health")
    north, west = term("northshire-county-council"), term("westmoor-district-council")
    # Everyone involved lately lives in Northshire; half the profiles are in Westmoor.
    for _ in range(2):
        involved = factories.ExpertProfileFactory(localities=[north])
        factories.InvitationFactory(
            profile=involved, status="accepted", responded_at=timezone.now()
        )
    northerner = factories.ExpertProfileFactory(experience_areas=[mh], localities=[north])
    westerner = factories.ExpertProfileFactory(experience_areas=[mh], localities=[west])
    shares = {share.locality.slug: share for share in area_representation()}
    assert shares["westmoor-district-council"].under_represented
    assert not shares["northshire-county-council"].under_represented
    matches = opportunity_matches(opportunity=opportunity, viewer=commissioner)
    assert [m.profile for m in matches] == [westerner, northerner]
    assert any("Westmoor District Council (+2)" in r for r in matches[0].fairness_reasons)


def test_weights_a_commissioner_sets_change_the_order(term, commissioner, opportunity):
    mh, carer = term("mental-health"), term("carer")
    opportunity.experience_areas.add(carer)
    veteran = factories.ExpertProfileFactory(experience_areas=[mh, carer])
    for _ in range(4):
        factories.InvitationFactory(profile=veteran)
    newcomer = factories.ExpertProfileFactory(experience_areas=[mh])
    # Defaults: fit 6 - 4 invitations + 0 against fit 3 + 2 new: the newcomer first.
    assert _order(opportunity, commissioner) == [newcomer.pk, veteran.pk]
    weights = MatchingWeights.load()
    weights.recent_invitation = 0
    weights.new_to_involvement = 0
    weights.save()
    assert _order(opportunity, commissioner) == [veteran.pk, newcomer.pk]


def test_matches_page_shows_the_weights_and_the_ledger(client, term, commissioner, opportunity):
    mh = term("mental-health")
    profile = factories.ExpertProfileFactory(display_name="Bryn", experience_areas=[mh])
    factories.InvitationFactory(profile=profile)
    client.force_login(commissioner)
    page = client.get(f"/opportunities/{opportunity.pk}/matches/").content.decode()
    assert "The weights in force" in page
    assert "Points off for each invitation in the last 12 months" in page
    assert "1 invitation," in page
    assert "1 invitation(s) in the last 12 months (-1)" in page
    assert "Change the weights" in page


def test_commissioners_may_edit_the_weights_in_the_admin(client, commissioner):
    client.force_login(commissioner)
    response = client.get("/admin/settings/engagement/matchingweights/", follow=True)
    assert response.status_code == 200
    assert "Points off for each invitation in the last 12 months" in response.content.decode()


# --- Never names -------------------------------------------------------------------------------

NAMES = st.text(
    alphabet=st.characters(codec="utf-8", categories=("L", "N", "Zs")), min_size=1, max_size=40
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(names=st.lists(NAMES, min_size=6, max_size=6))
def test_order_never_depends_on_names(term, commissioner, opportunity, names):
    mh = term("mental-health")
    profiles = list(ExpertProfile.objects.order_by("pk"))
    if not profiles:
        # Six people who tie on everything: only the tie-break orders them.
        profiles = [factories.ExpertProfileFactory(experience_areas=[mh]) for _ in range(6)]
    baseline = _order(opportunity, commissioner)
    for profile, name in zip(profiles, names, strict=True):
        ExpertProfile.objects.filter(pk=profile.pk).update(display_name=name)
    assert _order(opportunity, commissioner) == baseline


def test_ties_are_broken_differently_for_each_opportunity(term, commissioner, opportunity):
    mh = term("mental-health")
    for _ in range(8):
        factories.ExpertProfileFactory(experience_areas=[mh])
    others = [
        factories.OpportunityFactory(posted_by=commissioner, experience_areas=[mh])
        for _ in range(3)
    ]
    orders = {tuple(_order(o, commissioner)) for o in [opportunity, *others]}
    # Eight people can be put in 40,320 orders; four opportunities sharing one would mean the
    # tie-break is not per opportunity.
    assert len(orders) > 1
    assert _order(opportunity, commissioner) == _order(opportunity, commissioner)


# --- Invitations keep why ------------------------------------------------------------------------


def test_an_invitation_keeps_the_rank_score_reasons_and_weights(
    client, term, commissioner, opportunity
):
    mh = term("mental-health")
    profile = factories.ExpertProfileFactory(display_name="Ceri", experience_areas=[mh])
    client.force_login(commissioner)
    response = client.post(
        f"/opportunities/{opportunity.pk}/invite/{profile.pk}/", {"message": "Join us"}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(opportunity=opportunity, profile=profile)
    assert (invitation.match_rank, invitation.match_score) == (1, 5)  # area 3 + new 2
    assert invitation.match_reasons == ["Mental health", "new to involvement (+2)"]
    assert invitation.match_weights == MatchingWeights.load().as_dict()

    # The weights change afterwards; the record of the round does not.
    MatchingWeights.objects.update(new_to_involvement=9)
    page = client.get(f"/opportunities/{opportunity.pk}/invitations/").content.decode()
    assert "Rank 1, score 5" in page
    assert "new to involvement (+2)" in page
    assert "new_to_involvement 2" in page


def test_the_invitation_round_is_for_finders_only(client, role_user, opportunity):
    client.force_login(role_user(roles.EXPERT))
    assert client.get(f"/opportunities/{opportunity.pk}/invitations/").status_code == 403


def test_fairness_pages_query_counts_stay_flat(
    client, term, commissioner, opportunity, exact_queries
):
    mh = term("mental-health")
    expert = factories.ExpertProfileFactory(experience_areas=[mh])
    client.force_login(commissioner)
    pages = {
        "commissioner: matches": f"/opportunities/{opportunity.pk}/matches/",
        "commissioner: invitation round": f"/opportunities/{opportunity.pk}/invitations/",
    }

    def grow(how_many):
        for _ in range(how_many):
            profile = factories.ExpertProfileFactory(
                experience_areas=[mh], localities=[term("eastbridge-city-council")]
            )
            factories.InvitationFactory(opportunity=opportunity, profile=profile)
            taken = factories.InvitationFactory(profile=profile, status="accepted")
            factories.PaymentClaimFactory(
                opportunity=taken.opportunity, claimant=profile.user, status="approved"
            )
            factories.InvitationFactory(profile=expert)

    for how_many in (1, 6):
        grow(how_many)
        for name, path in pages.items():
            client.get(path)
            with exact_queries(name):
                assert client.get(path).status_code == 200
    client.force_login(expert.user)
    for how_many in (1, 6):
        grow(how_many)
        client.get("/profiles/me/record/")
        with exact_queries("expert: /profiles/me/record/"):
            assert client.get("/profiles/me/record/").status_code == 200
