"""The ladder checked against the record (issue 14): each level's evidence rule, refused and
passed; the people's sign-off in the Wagtail workflow (quorum, asking for changes that the
commissioner must answer before resubmitting, dissent published with the decision); no Editor
fallback; the decision page showing the evidence beside the level."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from wagtail.models import TaskState

from coproduce.accounts import roles
from deliberation import services as room_services
from deliberation.models import Poll, PollVote, Session
from engagement.decisions.evidence import decision_evidence, people_count, record_evidence
from engagement.decisions.services import (
    decision_dissent_record,
    decision_sign_off_act,
    decision_submit_for_sign_off,
)
from engagement.models import MinorityView, SignOffResponse
from tests import factories
from tests.decisions.test_admin import _form

pytestmark = pytest.mark.django_db


def _closed_consultation(responses: int = 3, **fields):
    consultation = factories.make_consultation(
        opens_at=timezone.now() - dt.timedelta(days=60),
        closes_at=timezone.now() - dt.timedelta(days=1),
        **fields,
    )
    for _ in range(responses):
        factories.make_response(consultation)
    return consultation


@pytest.fixture
def experts(role_user):
    return [
        role_user(roles.EXPERT, email=f"expert{n}@example.org", display_name=f"Expert {n}")
        for n in range(3)
    ]


@pytest.fixture
def group(experts, facilitator, participant):
    return factories.CoproductionGroupFactory(
        members=[*experts, participant], facilitators=[facilitator]
    )


@pytest.fixture
def ended_session(group, experts, facilitator):
    """A session that took place, with the first expert taking part."""
    session = factories.SessionFactory(group=group, title="Options for wheelchair repairs")
    room_services.contribution_create(
        session=session, author=experts[0], text="Repairs first, please.", client_id="e0"
    )
    Session.objects.filter(pk=session.pk).update(
        status=Session.Status.ENDED, agreed_actions="We agreed the 10-day repair promise."
    )
    session.refresh_from_db()
    return session


def _record(level, **links):
    return record_evidence(
        level=level,
        consultation_ids=links.get("consultations", []),
        session_ids=links.get("sessions", []),
        group_id=links.get("group"),
        poll_id=links.get("poll"),
        agreement_session_id=links.get("agreement_session"),
        revision_id=links.get("revision"),
    )


# --- Each rule: refused, then passed -------------------------------------------------------


def test_informed_needs_only_publication():
    assert _record("informed").supports_declared


def test_consulted_needs_a_closed_consultation_with_responses():
    still_open = factories.make_consultation(title="Still open", slug="open")
    factories.make_response(still_open)
    empty = _closed_consultation(responses=0, title="Nobody answered", slug="empty")
    refused = _record("consulted", consultations=[still_open.pk, empty.pk])
    assert not refused.supports_declared
    assert refused.missing == ["No linked consultation has closed with responses."]

    closed = _closed_consultation(title="Closed", slug="closed")
    assert _record("consulted", consultations=[closed.pk]).supports_declared


def test_involved_needs_consulted_or_a_session_with_experts_by_experience_present(
    group, ended_session, facilitator, participant
):
    # A session that took place with only a participant and a facilitator: no lived experience.
    other = factories.SessionFactory(group=group, title="Without experts")
    room_services.contribution_create(
        session=other, author=participant, text="Hello.", client_id="p"
    )
    room_services.contribution_create(
        session=other, author=facilitator, text="Welcome.", client_id="f"
    )
    Session.objects.filter(pk=other.pk).update(status=Session.Status.ENDED)
    not_yet = factories.SessionFactory(group=group, title="Not yet held")
    refused = _record("involved", sessions=[other.pk, not_yet.pk])
    assert not refused.supports_declared
    assert (
        "no linked session has taken place with experts by experience present"
        in (refused.missing[0])
    )

    assert _record("involved", sessions=[ended_session.pk]).supports_declared
    assert _record("involved", consultations=[_closed_consultation().pk]).supports_declared


def test_co_produced_needs_a_group_that_met_and_its_quorum_of_experts(
    group, ended_session, experts, commissioner
):
    no_group = _record("co_produced", sessions=[ended_session.pk])
    assert "No co-production group is linked." in no_group.missing

    other_group = factories.CoproductionGroupFactory()
    did_not_meet = _record("co_produced", group=other_group.pk, sessions=[ended_session.pk])
    assert any("No ended session of the group" in m for m in did_not_meet.missing)

    met = _record("co_produced", group=group.pk, sessions=[ended_session.pk])
    assert met.missing_before_sign_off == []
    assert met.missing == [
        "Sign-off by the group's members with lived experience: 0 of 2 confirmations."
    ]
    assert not met.supports_declared
    assert met.supported_level == "involved"

    decision = _co_produced_draft(group, ended_session, commissioner)
    state = _submit(decision, commissioner)
    for expert in experts[:2]:
        decision_sign_off_act(task_state=state, user=expert, action="approve")
    decision.refresh_from_db()
    assert decision.live
    evidence = decision_evidence(decision=decision)
    assert evidence.supports_declared
    assert len(evidence.sign_offs) == 2


def test_co_decided_needs_the_decision_agreed_in_a_session(group, ended_session):
    refused = _record("co_decided", group=group.pk, sessions=[ended_session.pk])
    assert "No poll or session agreement is cited for the decision itself." in refused.missing

    poll = Poll.objects.create(
        session=ended_session,
        question="Do we agree the 10-day promise?",
        choices=["Yes", "No"],
        is_open=True,
        opened_seq=10,
    )
    open_poll = _record("co_decided", group=group.pk, sessions=[ended_session.pk], poll=poll.pk)
    assert "The cited poll is open or has no votes." in open_poll.missing

    Poll.objects.filter(pk=poll.pk).update(is_open=False, closed_seq=12)
    PollVote.objects.create(poll=poll, user=group.members.first(), choice=0)
    agreed = _record("co_decided", group=group.pk, sessions=[ended_session.pk], poll=poll.pk)
    assert [m for m in agreed.missing if "poll" in m.lower()] == []
    assert "Agreed in the poll “Do we agree the 10-day promise?”" in agreed.agreement

    by_session = _record(
        "co_decided",
        group=group.pk,
        sessions=[ended_session.pk],
        agreement_session=ended_session.pk,
    )
    assert "We agreed the 10-day repair promise." in by_session.agreement


def test_counts_of_one_to_four_people_are_hidden():
    assert [people_count(n) for n in (0, 1, 4, 5, 40)] == [0, None, None, 5, 40]


# --- The people's sign-off in the workflow ------------------------------------------------


def _co_produced_draft(group, session, commissioner, **fields):
    return factories.make_decision(
        title=fields.pop("title", "Wheelchair repairs in 10 days"),
        publish=False,
        owner=commissioner,
        involvement_level="co_produced",
        co_production_group=group,
        sessions=[session],
        **fields,
    )


def _submit(decision, commissioner):
    decision_submit_for_sign_off(decision=decision, user=commissioner)
    decision.refresh_from_db()
    return decision.current_workflow_task_state.specific


def test_submitting_is_refused_while_the_record_does_not_support_the_level(commissioner):
    draft = factories.make_decision(
        publish=False, owner=commissioner, involvement_level="co_produced"
    )
    with pytest.raises(ValidationError) as refused:
        decision_submit_for_sign_off(decision=draft, user=commissioner)
    assert "No co-production group is linked." in refused.value.messages
    draft.refresh_from_db()
    assert not draft.workflow_in_progress


def test_no_editor_fallback_a_group_decision_is_signed_by_its_experts_only(
    group, ended_session, experts, commissioner, editor, facilitator, participant
):
    draft = _co_produced_draft(group, ended_session, commissioner)
    state = _submit(draft, commissioner)
    # The editor, the group's facilitator and a member without lived experience cannot sign.
    for someone in (editor, facilitator, participant, commissioner):
        with pytest.raises(PermissionDenied):
            decision_sign_off_act(task_state=state, user=someone, action="approve")
    decision_sign_off_act(task_state=state, user=experts[0], action="approve")
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_IN_PROGRESS  # 1 of a quorum of 2
    with pytest.raises(ValidationError):  # once each
        decision_sign_off_act(task_state=state, user=experts[0], action="approve")


def test_asking_for_changes_needs_an_answer_before_resubmitting(
    client, group, ended_session, experts, commissioner
):
    draft = _co_produced_draft(group, ended_session, commissioner)
    state = _submit(draft, commissioner)
    decision_sign_off_act(task_state=state, user=experts[0], action="approve")
    decision_sign_off_act(
        task_state=state,
        user=experts[1],
        action="reject",
        comment="Point 1 leaves out people who use powered chairs.",
    )
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_REJECTED

    # Resubmitting from the admin without answering is refused, saying why.
    client.force_login(commissioner)
    data = _form(draft, involvement_level="co_produced", co_production_group=group.pk)
    data["sessions"] = [ended_session.pk]
    refused = client.post(f"/admin/pages/{draft.pk}/edit/", data)
    assert refused.status_code == 200
    assert "The group asked for changes. Answer them here before you submit again." in (
        refused.content.decode()
    )

    data["changes_answer"] = "Point 1 now names powered chairs; repairs cover both."
    sent = client.post(f"/admin/pages/{draft.pk}/edit/", data)
    assert sent.status_code == 302
    request = SignOffResponse.objects.get(verdict="request_changes")
    assert request.answer == "Point 1 now names powered chairs; repairs cover both."
    assert request.answered_by == commissioner

    # The new round needs the quorum again, on the new revision.
    draft.refresh_from_db()
    new_state = draft.current_workflow_task_state.specific
    assert new_state.pk != state.pk
    for expert in experts[:2]:
        decision_sign_off_act(task_state=new_state, user=expert, action="approve")
    draft.refresh_from_db()
    assert draft.live

    html = client.get(f"/decisions/{draft.pk}/involvement-report/").content.decode()
    assert "Point 1 leaves out people who use powered chairs." in html
    assert "Point 1 now names powered chairs; repairs cover both." in html


def test_a_member_s_dissent_is_published_with_the_decision(
    client, group, ended_session, experts, participant, commissioner
):
    draft = _co_produced_draft(group, ended_session, commissioner)
    state = _submit(draft, commissioner)
    client.force_login(participant)  # a member without lived experience: sees, may dissent
    page = client.get(f"/decisions/sign-off/{state.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "0 of the 2 confirmations needed" in html
    assert "Send my answer" not in html  # cannot sign
    sent = client.post(
        f"/decisions/sign-off/{state.pk}/",
        {"form": "dissent", "view": "Ten days is still too long for people stuck at home."},
    )
    assert sent.status_code == 302

    for expert in experts[:2]:
        decision_sign_off_act(
            task_state=state, user=expert, action="approve", named=expert == experts[1]
        )
    draft.refresh_from_db()
    assert draft.live
    dissent = MinorityView.objects.get(decision=draft)
    assert dissent.from_sign_off
    assert dissent.held_by == "A member of the co-production group"

    public = client.get(draft.url).content.decode()
    assert "Ten days is still too long for people stuck at home." in public
    assert "Recorded at sign-off by a member of the co-production group." in public
    # Who signed off: by role, unless they chose to be named.
    assert f"A member with lived experience of {group.name}" in public
    assert "Expert 1" in public
    assert "Expert 0" not in public


def test_a_non_member_cannot_see_or_dissent(group, ended_session, commissioner, role_user):
    draft = _co_produced_draft(group, ended_session, commissioner)
    state = _submit(draft, commissioner)
    outsider = role_user(roles.EXPERT)
    with pytest.raises(PermissionDenied):
        decision_dissent_record(task_state=state, user=outsider, view="No.")


def test_the_decision_page_shows_the_evidence_and_the_rules(client):
    consultation = _closed_consultation(responses=6)
    decision = factories.make_decision(consultations=[consultation])
    html = client.get(decision.url).content.decode()
    assert "Supported by the record" in html
    assert f"Consultation “{consultation.title}”: 6 responses" in html
    assert "What each level needs the record to show" in html
    assert "At least one linked consultation that has closed, with responses." in html

    unsupported = factories.make_decision(
        title="Claims co-production", slug="claims", involvement_level="co_produced"
    )
    html = client.get(unsupported.url).content.decode()
    assert "Not supported by the record" in html
    assert "No co-production group is linked." in html
