"""Download my data (JSON) and delete my account (erasure)."""

import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models

from coproduce.accounts import roles
from coproduce.passport.models import Passport
from deliberation.models import CONTACT_IN_FORMAT
from engagement.models import ExpertProfile, PaymentClaim
from tests import factories

pytestmark = pytest.mark.django_db

NAME_PARTS = ["Ifeoma", "Quartey"]
EMAIL = "ifeoma.quartey@example.org"


@pytest.fixture
def person(role_user, term):
    user = role_user(
        roles.EXPERT,
        email=EMAIL,
        display_name="Ifeoma",
        first_name="Ifeoma",
        last_name="Quartey",
    )
    profile = factories.ExpertProfileFactory(
        user=user,
        display_name="Ifeoma Quartey",
        bio="<p>Ifeoma Quartey: I care for my brother.</p>",
        experience_areas=[term("carer")],
    )
    factories.PassportFactory(
        user=user,
        hearing_loop=True,
        interpreter=True,
        interpreter_language="Twi, as Ifeoma Quartey speaks it",
        dietary="Ifeoma eats no pork",
        other_needs="A hearing loop, please. Ask for Ifeoma.",
        payment_preference="voucher",
    )
    commissioner = role_user(roles.COMMISSIONER)
    opportunity = factories.OpportunityFactory(title="Short breaks panel", posted_by=commissioner)
    factories.InvitationFactory(
        opportunity=opportunity,
        profile=profile,
        status="accepted",
        message="Dear Ifeoma, we would love you on the panel.",
    )
    factories.PaymentClaimFactory(
        opportunity=opportunity,
        claimant=user,
        status="approved",
        hours=Decimal("4"),
        description="Panel day with Ifeoma Quartey's notes",
        query_note="Thanks ifeoma, approved",
        reviewed_by=commissioner,
    )
    return user


def test_download_my_data_has_everything_held(client, person):
    client.force_login(person)
    response = client.get("/my-data/download/")
    assert response["Content-Type"] == "application/json"
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["account"]["email"] == EMAIL
    assert data["account"]["roles"] == [roles.EXPERT]
    profile = data["expertise_profile"]
    assert profile["display_name"] == "Ifeoma Quartey"
    assert "access_needs" not in profile
    assert profile["experience_areas"] == ["Carer"]
    assert [c["purpose"] for c in data["consents"]] == ["profile"]
    passport = data["involvement_passport"]
    assert passport["needs"] == ["Another interpreter", "A hearing loop"]
    assert passport["interpreter_language"] == "Twi, as Ifeoma Quartey speaks it"
    assert passport["dietary"] == "Ifeoma eats no pork"
    assert passport["other_needs"] == "A hearing loop, please. Ask for Ifeoma."
    assert passport["payment_preference"] == "Give me a voucher instead"
    assert passport["contact_method"] == "Email"
    assert passport["privacy_notice_version"] == "2026-11"
    assert data["invitations"][0]["status"] == "accepted"
    assert data["payment_claims"][0]["hours"] == "4.00"
    assert data["payment_claims"][0]["status"] == "approved"


def test_download_holds_only_the_persons_own_data(client, person, role_user):
    other = factories.ExpertProfileFactory(display_name="Someone Else")
    factories.PassportFactory(user=other.user, other_needs="Someone Else's quiet room")
    client.force_login(person)
    text = client.get("/my-data/download/").content.decode()
    assert "Someone Else" not in text
    assert other.user.email not in text
    assert "quiet room" not in text


def test_download_needs_sign_in(client):
    assert client.get("/my-data/download/").status_code == 302


def _text_columns():
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                yield model, field.name


def _rows_mentioning(needle: str) -> list[str]:
    found = []
    for model, field_name in _text_columns():
        if model._default_manager.filter(**{f"{field_name}__icontains": needle}).exists():
            found.append(f"{model._meta.label}.{field_name}")
    return found


def test_delete_my_account_erases_name_and_email_everywhere(client, person):
    client.force_login(person)
    # The search finds the person before erasure: the test can fail.
    assert _rows_mentioning(EMAIL)
    assert _rows_mentioning("Quartey")
    assert client.get("/my-data/delete/").status_code == 200
    response = client.post("/my-data/delete/", {"confirm": "on"})
    assert response.status_code == 302

    for needle in [EMAIL, *NAME_PARTS]:
        assert _rows_mentioning(needle) == [], (needle, _rows_mentioning(needle))
    assert not ExpertProfile.objects.exists()
    # The passport is special-category data: gone, every field of it.
    assert not Passport.objects.exists()
    for needle in ["Twi", "no pork", "hearing loop"]:
        assert _rows_mentioning(needle) == [], needle
    # The contribution stays, attributed to a former member.
    claim = PaymentClaim.objects.get()
    assert claim.hours == Decimal("4")
    assert claim.claimant.public_name == "Former member"
    assert not claim.claimant.is_active
    # Signed out, and the old password no longer works.
    assert client.get("/my-data/").status_code == 302
    client.post("/accounts/login/", {"login": EMAIL, "password": factories.DEFAULT_PASSWORD})
    assert "_auth_user_id" not in client.session


def test_contributions_show_former_member_to_others(client, person, role_user):
    client.force_login(person)
    client.post("/my-data/delete/", {"confirm": "on"})
    claim = PaymentClaim.objects.get()
    client.force_login(claim.reviewed_by)
    page = client.get(f"/claims/{claim.pk}/").content.decode()
    assert "Former member" in page
    assert "Ifeoma" not in page


def test_delete_needs_the_box_ticked(client, person):
    client.force_login(person)
    response = client.post("/my-data/delete/", {})
    assert response.status_code == 200
    assert "Tick the box to confirm" in response.content.decode()
    assert get_user_model().objects.get(pk=person.pk).email == EMAIL


def test_erasing_a_name_leaves_other_words_alone(role_user):
    from engagement.my_data.services import person_erase

    user = role_user(roles.EXPERT, display_name="Sam", first_name="Sam", last_name="Oduya")
    claim = factories.PaymentClaimFactory(
        claimant=user, description="Sam brought samples; SAM's notes", status="approved"
    )
    person_erase(user=user)
    claim.refresh_from_db()
    assert claim.description == "Former member brought samples; Former member's notes"


def test_a_participant_without_a_profile_can_delete_their_account(client, role_user):
    user = role_user(roles.PARTICIPANT, email="pat.quill@example.org", display_name="Pat")
    client.force_login(user)
    assert client.post("/my-data/delete/", {"confirm": "on"}).status_code == 302
    assert _rows_mentioning("pat.quill@example.org") == []


@pytest.fixture
def contributions(person):
    """What the person left in the other features: an answer, a room contribution, the support
    needs they shared for a session, a rating of a decision."""
    consultation = factories.make_consultation()
    factories.make_response(
        consultation,
        respondent=person,
        email=EMAIL,
        wants_updates=True,
        text="Ifeoma Quartey here: evening breaks would help.",
    )
    session = factories.SessionFactory(group=factories.CoproductionGroupFactory(members=[person]))
    session.events.create(
        seq=1,
        type="contribution.created",
        actor=person,
        payload={"text": "As Ifeoma said before, transport matters."},
    )
    session.attendances.create(
        user=person, shared_needs=["interpreter", "other_needs", CONTACT_IN_FORMAT]
    )
    decision = factories.make_decision()
    decision.ratings.create(user=person, score=4, comment="Signed, Ifeoma Quartey")
    return consultation, session, decision


def test_download_includes_answers_contributions_needs_and_ratings(client, person, contributions):
    client.force_login(person)
    data = json.loads(client.get("/my-data/download/").content)
    assert data["consultation_responses"][0]["email_for_updates"] == EMAIL
    assert "evening breaks" in data["consultation_responses"][0]["answers"][0]["text"]
    assert data["room_contributions"][0]["text"].endswith("transport matters.")
    assert data["session_attendance"][0]["shared_with_facilitators"] == [
        "Another interpreter",
        "Anything else, in my own words",
    ]
    assert data["session_attendance"][0]["contact_before_in_my_format"] is True
    assert data["decision_ratings"][0]["score"] == 4


def test_erasure_reaches_answers_contributions_needs_and_ratings(client, person, contributions):
    client.force_login(person)
    client.post("/my-data/delete/", {"confirm": "on"})

    for needle in [EMAIL, *NAME_PARTS]:
        assert _rows_mentioning(needle) == [], (needle, _rows_mentioning(needle))
    # The contributions themselves stay: they shaped decisions.
    consultation, session, decision = contributions
    assert "evening breaks would help" in consultation.responses.get().answers.get().text
    assert session.events.get().payload["text"].endswith("transport matters.")
    assert decision.ratings.get().score == 4
    assert session.attendances.get().shared_needs == []
    assert not Passport.objects.exists()


@pytest.fixture
def decision_voice(person, role_user):
    """What the person left on a decision's road to publication (issue 14): a request for
    changes in their words, a dissent recorded by name and published as a minority view, a
    contest of the level; and others' words about them (the commissioner's answers, a theme
    note). Names are in the sign-off's Wagtail records and the page's revisions too."""
    from wagtail.models import TaskState

    from deliberation.models import Session
    from engagement.decisions.services import (
        contest_answer,
        decision_contest,
        decision_dissent_record,
        decision_sign_off_act,
        decision_submit_for_sign_off,
        theme_create,
    )

    others = [role_user(roles.EXPERT, email=f"expert{n}@example.org") for n in range(2)]
    commissioner = role_user(roles.COMMISSIONER)
    group = factories.CoproductionGroupFactory(members=[person, *others])
    session = factories.SessionFactory(group=group, title="Respite options")
    session.events.create(seq=1, type="contribution.created", actor=person, payload={"text": "Hi"})
    Session.objects.filter(pk=session.pk).update(status=Session.Status.ENDED)
    draft = factories.make_decision(
        title="Respite in the evenings",
        publish=False,
        owner=commissioner,
        involvement_level="co_produced",
        co_production_group=group,
        sessions=[session],
    )

    def submit():
        draft.refresh_from_db()
        decision_submit_for_sign_off(decision=draft, user=commissioner)
        draft.refresh_from_db()
        return TaskState.objects.get(pk=draft.current_workflow_task_state.pk).specific

    first = submit()
    decision_sign_off_act(
        task_state=first,
        user=person,
        action="reject",
        comment="Ifeoma Quartey here: point 2 leaves out sitting services.",
    )
    revision = draft.get_latest_revision_as_object()
    revision.changes_answer = "Thanks Ifeoma, point 2 now covers sitting services."
    revision.save_revision(user=commissioner)
    second = submit()
    decision_dissent_record(
        task_state=second,
        user=person,
        view="Evening respite should start at 5, as I, Ifeoma, said.",
        named=True,
    )
    for other in others:
        decision_sign_off_act(task_state=second, user=other, action="approve")
    draft.refresh_from_db()
    assert draft.live
    contest = decision_contest(
        decision=draft, user=person, reason="Ifeoma Quartey: we did more than co-produce."
    )
    contest_answer(
        contest_id=contest.pk, user=commissioner, answer="Ifeoma, we agree it was co-decided."
    )
    theme_create(
        decision=draft,
        user=commissioner,
        name="Sitting services",
        description="First raised by Ifeoma Quartey",
    )
    return draft


def test_erasure_reaches_dissent_contests_sign_off_comments_and_revisions(
    client, person, decision_voice
):
    from engagement.models import Contest, MinorityView, SignOffResponse

    dissent = MinorityView.objects.get(decision=decision_voice)
    assert "Ifeoma Quartey" in dissent.held_by  # named, before erasure: the test can fail
    assert _rows_mentioning("Quartey")
    client.force_login(person)
    client.post("/my-data/delete/", {"confirm": "on"})

    for needle in [EMAIL, *NAME_PARTS]:
        assert _rows_mentioning(needle) == [], (needle, _rows_mentioning(needle))
    # The evidence stays, anonymised like other content.
    dissent.refresh_from_db()
    assert dissent.held_by == "Former member, a member of the co-production group"
    assert dissent.view == "Evening respite should start at 5, as I, Former member, said."
    assert Contest.objects.get().reason == "Former member: we did more than co-produce."
    assert (
        SignOffResponse.objects.filter(verdict="request_changes")
        .get()
        .answer.startswith("Thanks Former member")
    )
    page = client.get(decision_voice.url).content.decode()
    assert "Ifeoma" not in page
    assert "Former member, a member of the co-production group" in page
