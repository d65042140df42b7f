"""The sign-off of a decision that links no co-production group: an Editor checks the record of
a draft declaring a level below co-produced (no Editor fallback for co-produced: see
test_evidence.py); nobody publishes without a sign-off. The drafts here are "informed", which
the record always supports; the group's sign-off is tested in test_sessions.py and
test_evidence.py."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.actions.publish_page_revision import PublishPagePermissionError
from wagtail.models import TaskState

from coproduce.accounts import roles
from engagement.decisions.services import decision_sign_off_act, decision_submit_for_sign_off
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(commissioner):
    decision = factories.make_decision(
        publish=False, owner=commissioner, involvement_level="informed"
    )
    return decision


def _current_task_state(decision) -> TaskState:
    decision.refresh_from_db()
    return decision.current_workflow_task_state.specific


def test_a_commissioner_cannot_publish_a_decision_without_sign_off(draft, commissioner):
    assert not draft.permissions_for_user(commissioner).can_publish()
    with pytest.raises(PublishPagePermissionError):
        draft.get_latest_revision().publish(user=commissioner)
    draft.refresh_from_db()
    assert not draft.live


def test_an_editor_or_superuser_cannot_skip_the_sign_off_either(draft, editor, role_user):
    admin = role_user(is_superuser=True)
    assert not draft.permissions_for_user(editor).can_publish()
    assert not draft.permissions_for_user(admin).can_publish()
    parent = draft.get_parent().specific
    assert not parent.permissions_for_user(admin).can_publish_subpage()


def test_the_admin_editor_offers_a_commissioner_sign_off_not_publish(client, draft, commissioner):
    client.force_login(commissioner)
    page = client.get(f"/admin/pages/{draft.pk}/edit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="action-publish"' not in html
    assert 'name="action-submit"' in html
    assert "Co-produced sign-off" in html


def test_an_editor_signs_off_where_no_group_is_linked_and_it_goes_live(
    draft, commissioner, editor, django_capture_on_commit_callbacks
):
    decision_submit_for_sign_off(decision=draft, user=commissioner)
    state = _current_task_state(draft)
    assert state.status == TaskState.STATUS_IN_PROGRESS

    with django_capture_on_commit_callbacks(execute=True):
        decision_sign_off_act(task_state=state, user=editor, action="approve", comment="Fair.")

    draft.refresh_from_db()
    assert draft.live
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_APPROVED
    assert state.finished_by == editor
    # Signed off, the commissioner may now republish this same revision.
    assert draft.permissions_for_user(commissioner).can_publish()


def test_sending_back_needs_a_comment_and_leaves_it_unpublished(draft, commissioner, editor):
    decision_submit_for_sign_off(decision=draft, user=commissioner)
    state = _current_task_state(draft)

    with pytest.raises(ValidationError):
        decision_sign_off_act(task_state=state, user=editor, action="reject", comment="  ")
    decision_sign_off_act(
        task_state=state, user=editor, action="reject", comment="Point 2 leaves out carers."
    )

    state.refresh_from_db()
    draft.refresh_from_db()
    assert state.status == TaskState.STATUS_REJECTED
    assert state.comment == "Point 2 leaves out carers."
    assert not draft.live


@pytest.mark.parametrize(
    "role", [roles.PARTICIPANT, roles.EXPERT, roles.FACILITATOR, roles.COMMISSIONER]
)
def test_only_the_sign_off_role_may_act(draft, commissioner, role_user, role):
    decision_submit_for_sign_off(decision=draft, user=commissioner)
    state = _current_task_state(draft)
    someone = role_user(role)

    assert state.task.specific.get_actions(draft, someone) == []
    with pytest.raises(PermissionDenied):
        decision_sign_off_act(task_state=state, user=someone, action="approve")
    draft.refresh_from_db()
    assert not draft.live


def test_the_sign_off_role_can_only_approve_or_reject(draft, commissioner, editor):
    decision_submit_for_sign_off(decision=draft, user=commissioner)
    state = _current_task_state(draft)
    task = state.task.specific

    assert {name for name, _label, _modal in task.get_actions(draft, editor)} == {
        "approve",
        "reject",
    }
    # ...and cannot edit the decision while it waits: it is locked to everyone.
    assert task.locked_for_user(draft, editor)
    assert task.locked_for_user(draft, commissioner)
    assert not task.user_can_access_editor(draft, editor)
    with pytest.raises(PermissionDenied):
        decision_sign_off_act(task_state=state, user=editor, action="cancel")


def test_a_commissioner_cannot_submit_twice_or_submit_as_a_participant(
    draft, commissioner, participant
):
    with pytest.raises(PermissionDenied):
        decision_submit_for_sign_off(decision=draft, user=participant)
    decision_submit_for_sign_off(decision=draft, user=commissioner)
    with pytest.raises(ValidationError):
        decision_submit_for_sign_off(decision=draft, user=commissioner)


def test_a_later_edit_needs_a_new_sign_off(
    draft, commissioner, editor, django_capture_on_commit_callbacks
):
    decision_submit_for_sign_off(decision=draft, user=commissioner)
    with django_capture_on_commit_callbacks(execute=True):
        decision_sign_off_act(task_state=_current_task_state(draft), user=editor, action="approve")
    draft.refresh_from_db()
    draft.why = "A changed reason nobody has checked."
    draft.save_revision(user=commissioner)

    assert not draft.permissions_for_user(commissioner).can_publish()


def test_signing_off_on_the_public_site(client, draft, commissioner, editor):
    decision_submit_for_sign_off(decision=draft, user=commissioner)
    state = _current_task_state(draft)
    client.force_login(editor)

    listing = client.get("/decisions/sign-off/")
    assert draft.title in listing.content.decode()
    page = client.get(f"/decisions/sign-off/{state.pk}/")
    assert page.status_code == 200
    assert draft.why in page.content.decode()

    refused = client.post(f"/decisions/sign-off/{state.pk}/", {"action": "reject"})
    assert refused.status_code == 400
    assert "Say what needs to change" in refused.content.decode()

    sent = client.post(
        f"/decisions/sign-off/{state.pk}/",
        {"action": "reject", "comment": "Point 1 overstates what carers said."},
    )
    assert sent.status_code == 302
    state.refresh_from_db()
    assert state.status == TaskState.STATUS_REJECTED


def test_the_public_sign_off_page_is_hidden_from_people_who_cannot_sign(
    client, draft, commissioner, participant
):
    decision_submit_for_sign_off(decision=draft, user=commissioner)
    state = _current_task_state(draft)
    client.force_login(participant)
    assert client.get(f"/decisions/sign-off/{state.pk}/").status_code == 404
    assert client.post(f"/decisions/sign-off/{state.pk}/", {"action": "approve"}).status_code == 404
    client.logout()
    assert client.get(f"/decisions/sign-off/{state.pk}/").status_code == 302


def test_submitting_tells_the_editors_where_no_group_is_linked(draft, commissioner, editor):
    from engagement.models import Notification

    decision_submit_for_sign_off(decision=draft, user=commissioner)
    state = _current_task_state(draft)
    notice = Notification.objects.get(kind=Notification.Kind.SIGN_OFF_REQUESTED)
    assert notice.user == editor
    assert notice.url == f"/decisions/sign-off/{state.pk}/"
