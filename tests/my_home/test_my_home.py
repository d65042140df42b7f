"""Your home: a signed-in person sees what is open to them, what needs them (sessions they are
invited to, sign-offs waiting, claims), and what they did; the header leads to every section."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coproduce.accounts import roles
from engagement.decisions.services import decision_submit_for_sign_off
from engagement.models import ResponseStatus
from tests import factories

pytestmark = pytest.mark.django_db

HOME = "/my/"


def test_your_home_asks_people_to_log_in_first(client):
    reply = client.get(HOME)
    assert reply.status_code == 302
    assert reply.url.startswith(reverse("account_login"))


def test_an_expert_sees_sessions_invitations_claims_and_unfinished_answers(client, expert):
    group = factories.CoproductionGroupFactory(name="Wheelchair budgets group", members=[expert])
    coming = factories.SessionFactory(
        group=group,
        title="What should budgets cover?",
        status="scheduled",
        scheduled_at=timezone.now() + dt.timedelta(days=7),
    )
    factories.SessionFactory(group=group, title="An ended session", status="ended")
    profile = factories.ExpertProfileFactory(user=expert)
    invitation = factories.InvitationFactory(
        profile=profile, opportunity__title="Sit on a recruitment panel"
    )
    claim = factories.PaymentClaimFactory(
        claimant=expert, status="queried", opportunity__title="Join the PHB group"
    )
    started = factories.make_consultation(title="Short breaks for carers")
    factories.make_response(started, answers={}, submitted=False, respondent=expert)
    sent = factories.make_consultation(title="Crisis support", slug="crisis")
    response = factories.make_response(sent, answers={}, respondent=expert)
    open_one = factories.make_consultation(title="Day opportunities", slug="day")
    client.force_login(expert)

    page = client.get(HOME).content.decode()

    needs_you = page.split('id="needs-you"')[1].split('id="open-to-you"')[0]
    assert "What should budgets cover?" in needs_you
    assert reverse("deliberation:session_attendance", args=[coming.pk]) in needs_you
    assert "An ended session" not in page
    assert "You are invited to “Sit on a recruitment panel”." in needs_you
    assert reverse("engagement:invitation_respond", args=[invitation.pk]) in needs_you
    assert "Your claim for “Join the PHB group” was queried." in needs_you
    assert reverse("engagement:claim_detail", args=[claim.pk]) in needs_you
    assert "You started answering “Short breaks for carers”." in needs_you
    open_to_you = page.split('id="open-to-you"')[1]
    assert open_one.title in open_to_you.split("What you did")[0]
    assert response.reference in page.split("What you did")[1]
    assert response.status == ResponseStatus.SUBMITTED
    assert "Wheelchair budgets group" in page.split("What you did")[1]


def test_a_group_member_sees_the_sign_off_waiting_for_them(client, commissioner, expert):
    group = factories.CoproductionGroupFactory(members=[expert])
    decision = factories.make_decision(publish=False, owner=commissioner)
    decision.co_production_group = group
    # "Informed" is the level the record always supports, so the draft may go for sign-off.
    decision.involvement_level = "informed"
    decision.save()
    decision.save_revision()
    decision_submit_for_sign_off(decision=decision, user=commissioner)
    client.force_login(expert)

    page = client.get(HOME).content.decode()

    assert f"“{decision.title}” is waiting for your sign-off." in page


def test_a_commissioner_sees_how_many_claims_wait_for_a_decision(client, commissioner):
    factories.PaymentClaimFactory.create_batch(2)
    client.force_login(commissioner)
    page = client.get(HOME).content.decode()
    assert "2 claims are waiting for your decision." in page
    assert reverse("engagement:claim_list") in page


def test_a_new_participant_is_told_nothing_needs_them(client, participant):
    client.force_login(participant)
    page = client.get(HOME).content.decode()
    assert "Nothing needs you at the moment." in page
    assert "Nothing yet." in page


def test_your_home_queries_do_not_grow_with_what_a_person_did(
    client, expert, django_assert_max_num_queries
):
    group = factories.CoproductionGroupFactory(members=[expert])
    profile = factories.ExpertProfileFactory(user=expert)
    client.force_login(expert)

    def one_more_of_everything(n):
        factories.SessionFactory(group=group, status="scheduled")
        factories.InvitationFactory(profile=profile)
        factories.PaymentClaimFactory(claimant=expert, status="queried")
        factories.make_response(
            factories.make_consultation(title=f"Consultation {n}", slug=f"c{n}"),
            answers={},
            respondent=expert,
        )

    one_more_of_everything(1)
    client.get(HOME)
    with django_assert_max_num_queries(40) as first:
        client.get(HOME)
    budget = len(first.captured_queries)  # before the next request empties the log
    for n in range(2, 6):
        one_more_of_everything(n)
    client.get(HOME)  # pages changed: the header's links are read again, once
    with django_assert_max_num_queries(budget):
        client.get(HOME)


@pytest.mark.parametrize("signed_in", [False, True])
def test_the_header_leads_to_every_section(client, home_page, role_user, signed_in):
    factories.consultation_index(home_page)
    factories.decision_index(home_page)
    if signed_in:
        client.force_login(role_user(roles.EXPERT))
    page = client.get("/groups/").content.decode()
    header = page.split("</header>")[0]
    assert ">Consultations</a>" in header
    assert ">Decisions</a>" in header
    assert 'href="/groups/" aria-current="page">Groups and live sessions</a>' in header
    account = header.split('class="nhsuk-header__account"')[1].split("</nav>")[0]
    if signed_in:
        assert ">Your home</a>" in account and ">Log out</a>" in account
    else:
        assert ">Log in</a>" in account and ">Create an account</a>" in account
