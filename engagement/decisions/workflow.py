"""The co-produced sign-off as a Wagtail workflow task, and the query of the sign-offs waiting
for a person. A model module: it sits on the decision models and below the selectors and
services. The people waiting to sign are told by `receivers.sign_off_requested` (Wagtail's
`task_submitted` signal), so this module calls no service."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.models import Task, TaskState

from coproduce.accounts import roles
from engagement.decisions.models import DecisionPage, sign_off_task_states


class CoproducedSignOffTask(Task):
    """A Wagtail workflow task: before a decision is published, a member of its linked
    co-production group (or an Editor, where no group is linked) confirms that the "you said"
    items fairly reflect what people said, or sends it back with a comment. The sign-off role
    can only approve or send back: the page is locked to edits while the task is open."""

    admin_form_fields = Task.admin_form_fields

    def _may_sign(self, obj, user) -> bool:
        return user.is_authenticated and user.has_perm("engagement.sign_off_decision", obj)

    def user_can_access_editor(self, obj, user):
        return False

    def locked_for_user(self, obj, user):
        return True

    def user_can_lock(self, obj, user):
        return False

    def user_can_unlock(self, obj, user):
        return False

    def get_actions(self, obj, user):
        if self._may_sign(obj, user):
            return [
                ("reject", _("Send back with a comment"), True),
                ("approve", _("Confirm it fairly reflects what people said"), False),
                ("approve", _("Confirm, with a comment"), True),
            ]
        return []

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name not in {"approve", "reject"}:
            raise PermissionDenied
        if not self._may_sign(task_state.workflow_state.content_object.specific, user):
            raise PermissionDenied
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        return sign_off_task_states_for(user=user, task=self)

    @classmethod
    def get_description(cls):
        return _(
            "A member of the decision's co-production group (or an Editor, where none is "
            "linked) confirms the 'you said' points fairly reflect what people said."
        )

    class Meta:
        verbose_name = _("co-produced sign-off")
        verbose_name_plural = _("co-produced sign-offs")


def sign_off_task_states_for(*, user, task: CoproducedSignOffTask | None = None) -> QuerySet:
    """Sign-offs waiting for this person: decisions whose group they belong to, and, for an
    Editor, decisions with no group."""
    states = sign_off_task_states().filter(status=TaskState.STATUS_IN_PROGRESS)
    if task is not None:
        states = states.filter(task=task)
    if not user.is_authenticated:
        return states.none()
    decision_ids = _decision_ids_user_may_sign_off(user=user)
    return states.filter(
        workflow_state__object_id__in=[str(pk) for pk in decision_ids]
    ).select_related("revision", "workflow_state")


def _decision_ids_user_may_sign_off(*, user) -> QuerySet:
    may = Q(co_production_group__members=user)
    if user.groups.filter(name=roles.EDITOR).exists():
        may |= Q(co_production_group__isnull=True)
    return DecisionPage.objects.filter(may).values_list("pk", flat=True)
