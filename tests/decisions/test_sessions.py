"""The session side of decisions: a linked co-production group's members with lived experience
sign off (the group's quorum of them); people who took part in linked sessions are told, and
hear what happened to a point of theirs that is cited; the page shows the sessions'
participation figures, with counts of 1 to 4 people hidden."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from wagtail.models import TaskState

from coproduce.accounts import roles
from deliberation import services as room_services
from deliberation.models import RoomEvent, Session
from engagement.decisions.services import (
    decision_sign_off_act,
    decision_submit_for_sign_off,
    notification_preference_set,
)
from engagement.models import Notification
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def group(role_user, facilitator):
    members = [
        role_user(roles.EXPERT, email=f"member{n}@example.org", display_name=f"Member {n}")
        for n in range(4)
    ]
    return factories.CoproductionGroupFactory(members=members, facilitators=[facilitator])


@pytest.fixture
def sessions(group, facilitator):
    """Two sessions: members 0 and 1 contribute in the first, member 2 only joins the second;
    member 3 never takes part."""
    members = list(group.members.order_by("email"))
    first = factories.SessionFactory(group=group, title="Wheelchair budgets: options")
    second = factories.SessionFactory(group=group, title="Wheelchair budgets: repairs")
    room_services.contribution_create(
        session=first, author=facilitator, text="Welcome, everyone.", client_id="f1"
    )
    room_services.contribution_create(
        session=first,
        author=members[0],
        text="Repairs take months and I am stuck at home meanwhile.",
        client_id="m0",
    )
    room_services.contribution_create(
        session=first, author=members[1], text="I agree.", client_id="m1"
    )
    room_services.participation_record(session=second, user=members[2])
    room_services.participation_record(session=second, user=facilitator)
    # The group met about it: the first session has ended.
    Session.objects.filter(pk=first.pk).update(status=Session.Status.ENDED)
    first.refresh_from_db()
    return [first, second]


def _contribution(session, author):
    return RoomEvent.objects.get(session=session, actor=author, type="contribution.created")


def _decision(group, sessions, **fields):
    member0 = group.members.order_by("email").first()
    return factories.make_decision(
        title="Faster wheelchair repairs",
        co_production_group=group,
        sessions=sessions,
        involvement_level="co_produced",
        items=[
            {
                "you_said": "Repairs take far too long.",
                "cited_contribution": _contribution(sessions[0], member0),
                "outcome": "partly",
                "we_did": "Repairs within 10 working days; a loan chair meanwhile next year.",
            }
        ],
        **fields,
    )


def test_the_group_s_quorum_of_members_signs_off_and_an_editor_cannot(
    group, sessions, commissioner, editor, expert, django_capture_on_commit_callbacks
):
    decision = _decision(group, sessions, publish=False)
    decision_submit_for_sign_off(decision=decision, user=commissioner)
    decision.refresh_from_db()
    state = decision.current_workflow_task_state.specific
    first, last = group.members.order_by("email")[:2]

    for outsider in (editor, expert, commissioner):
        with pytest.raises(PermissionDenied):
            decision_sign_off_act(task_state=state, user=outsider, action="approve")
    with django_capture_on_commit_callbacks(execute=True):
        decision_sign_off_act(task_state=state, user=first, action="approve")
    # One of the quorum of 2: the sign-off waits.
    decision.refresh_from_db()
    state.refresh_from_db()
    assert not decision.live
    assert state.status == TaskState.STATUS_IN_PROGRESS

    with django_capture_on_commit_callbacks(execute=True):
        decision_sign_off_act(task_state=state, user=last, action="approve")

    decision.refresh_from_db()
    state.refresh_from_db()
    assert decision.live
    assert state.status == TaskState.STATUS_APPROVED
    assert state.finished_by == last


def test_people_who_took_part_in_linked_sessions_are_told_once(
    group, sessions, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _decision(group, sessions)

    told = set(Notification.objects.values_list("user__email", flat=True))
    assert told == {"member0@example.org", "member1@example.org", "member2@example.org"}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(told)


def test_the_person_whose_contribution_is_cited_hears_what_happened(
    group, sessions, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _decision(group, sessions)

    notice = Notification.objects.get(user__email="member0@example.org")
    assert notice.kind == Notification.Kind.YOUR_POINT
    assert "Your point about “Repairs take far too long.” changed the decision in part" in (
        notice.body
    )
    assert Notification.objects.get(user__email="member1@example.org").kind == (
        Notification.Kind.DECISION_PUBLISHED
    )


def test_someone_who_turned_emails_off_gets_the_notice_but_no_email(
    group, sessions, django_capture_on_commit_callbacks
):
    member1 = group.members.get(email="member1@example.org")
    notification_preference_set(user=member1, decision_emails=False)
    with django_capture_on_commit_callbacks(execute=True):
        _decision(group, sessions)

    assert Notification.objects.filter(user=member1).count() == 1
    assert "member1@example.org" not in [m.to[0] for m in mail.outbox]


def test_the_page_shows_session_figures_and_a_nameless_citation(client, group, sessions):
    decision = _decision(group, sessions)
    html = client.get(decision.url).content.decode()

    assert "2 co-production sessions" in html
    # 3 people took part: fewer than 5, so the count is hidden ("[c]").
    assert "[c] members took part" in html
    assert "3 members took part" not in html
    assert "Said in the co-production session “Wheelchair budgets: options”" in html
    for member in group.members.all():
        assert member.display_name not in html
        assert member.email not in html
    assert "Repairs take months and I am stuck at home" not in html


def test_submitting_tells_the_group_members_not_the_editors(group, sessions, commissioner, editor):
    decision = _decision(group, sessions, publish=False)
    decision_submit_for_sign_off(decision=decision, user=commissioner)
    told = set(
        Notification.objects.filter(kind=Notification.Kind.SIGN_OFF_REQUESTED).values_list(
            "user__email", flat=True
        )
    )
    assert told == set(group.members.values_list("email", flat=True))
