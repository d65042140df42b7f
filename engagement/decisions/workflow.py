"""The co-produced sign-off as a Wagtail workflow task, and the query of the sign-offs waiting
for a person. A model module: it sits on the decision models and the evidence below the
selectors and services. The people waiting to sign are told by `receivers.sign_off_requested`
(Wagtail's `task_submitted` signal), so this module calls no service.

Who signs: the members with lived experience (experts by experience, not staff) of the
co-production group the submitted draft links. The task is approved, and the decision
published, when the group's quorum of them have confirmed the same draft and the record
supports the declared level. Any one of them may ask for changes instead, with a comment the
commissioner must answer before submitting again. There is no Editor fallback: a draft with no
group can only be confirmed, as a check of its record, by an Editor when it declares a level
below co-produced; it can never be published as co-produced or co-decided."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.models import Task, TaskState

from coproduce.accounts import roles
from engagement.decisions.evidence import (
    decision_evidence,
    is_lived_experience_member,
    lived_experience_group_ids,
    lived_experience_members,
)
from engagement.decisions.models import (
    InvolvementLevel,
    SignOffResponse,
    SignOffVerdict,
    sign_off_task_states,
)

LEVELS_NEEDING_A_GROUP = {InvolvementLevel.CO_PRODUCED, InvolvementLevel.CO_DECIDED}


class SignOffRefused(ValidationError):
    """The sign-off task refuses an action and nothing of it is kept: the person already
    answered, or the confirmation that completes the quorum cannot publish because the record
    does not support the declared level. The site's sign-off page shows it as a form error;
    the Wagtail admin's action screens show it as a message (`wagtail_hooks`)."""


def draft_of(task_state) -> object:
    """The decision as submitted for this sign-off (the revision, not the live page)."""
    return task_state.revision.as_object()


def may_confirm_record(*, user, draft) -> bool:
    """A draft with no group, declaring a level below co-produced: an Editor checks its record
    (this is not a co-production sign-off, and the page never says it is)."""
    return (
        user.is_authenticated
        and draft.co_production_group_id is None
        and draft.involvement_level not in LEVELS_NEEDING_A_GROUP
        and user.groups.filter(name=roles.EDITOR).exists()
    )


class CoproducedSignOffTask(Task):
    """A Wagtail workflow task: before a decision is published, the members with lived
    experience of its linked co-production group confirm that the "you said" items fairly
    reflect what people said (the group's quorum of them), or one asks for changes with a
    comment. The page is locked to edits while the task is open."""

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
        task_state = getattr(obj, "current_workflow_task_state", None)
        draft = draft_of(task_state) if task_state is not None else obj
        if self._may_sign(draft, user):
            return [
                ("reject", _("Ask for changes, with a comment"), True),
                ("approve", _("Confirm it fairly reflects what people said"), False),
                ("approve", _("Confirm, with a comment"), True),
            ]
        return []

    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name not in {"approve", "reject"}:
            raise PermissionDenied
        draft = draft_of(task_state)
        if not self._may_sign(draft, user):
            raise PermissionDenied
        comment = (kwargs.get("comment") or "").strip()
        named = bool(kwargs.pop("named", False))
        verdict = (
            SignOffVerdict.APPROVE if action_name == "approve" else SignOffVerdict.REQUEST_CHANGES
        )
        try:
            with transaction.atomic():
                SignOffResponse.objects.create(
                    task_state=task_state,
                    decision_id=draft.pk,
                    user=user,
                    verdict=verdict,
                    comment=comment,
                    named=named,
                )
        except IntegrityError:
            raise SignOffRefused(_("You have already answered this sign-off.")) from None
        if action_name == "reject":
            return super().on_action(task_state, user, "reject", comment=comment)

        if draft.co_production_group_id is not None:
            quorum = draft.co_production_group.sign_off_quorum
            confirmed = SignOffResponse.objects.filter(
                task_state=task_state,
                verdict=SignOffVerdict.APPROVE,
                user__in=lived_experience_members(group_id=draft.co_production_group_id),
            ).count()
            if confirmed < quorum:
                return None  # recorded; the task waits for the rest of the quorum
        evidence = decision_evidence(decision=draft, revision_id=task_state.revision_id)
        if not evidence.supports_declared:
            raise SignOffRefused(
                _("The record does not support “%(level)s”: %(missing)s")
                % {
                    "level": InvolvementLevel(draft.involvement_level).label,
                    "missing": " ".join(evidence.missing),
                }
            )
        return super().on_action(task_state, user, "approve", comment=comment)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        return sign_off_task_states_for(user=user, task=self)

    @classmethod
    def get_description(cls):
        return _(
            "The members with lived experience of the decision's co-production group (the "
            "group's quorum of them) confirm the 'you said' points fairly reflect what people "
            "said, or ask for changes."
        )

    class Meta:
        verbose_name = _("co-produced sign-off")
        verbose_name_plural = _("co-produced sign-offs")


def sign_off_task_states_for(*, user, task: CoproducedSignOffTask | None = None) -> QuerySet:
    """Sign-offs waiting for this person to act on: drafts whose group they belong to as a
    member with lived experience, and, for an Editor, drafts with no group declaring a level
    below co-produced."""
    states = sign_off_task_states().filter(status=TaskState.STATUS_IN_PROGRESS)
    if task is not None:
        states = states.filter(task=task)
    if not user.is_authenticated:
        return states.none()
    decision_ids = _decision_ids_user_may_sign_off(user=user)
    return states.filter(workflow_state__object_id__in=[str(pk) for pk in decision_ids])


def _decision_ids_user_may_sign_off(*, user) -> list[int]:
    """Decisions waiting for sign-off this person may act on, judged by the submitted draft
    (its group and level live in the revision, not yet in the page's row). No Editor fallback
    where a group is linked, nor for co-produced or co-decided."""
    states = sign_off_task_states().filter(status=TaskState.STATUS_IN_PROGRESS)
    ids: set[int] = set()
    group_ids = lived_experience_group_ids(user=user)
    if group_ids:
        mine = states.filter(revision__content__co_production_group__in=group_ids)
        ids |= {int(pk) for pk in mine.values_list("workflow_state__object_id", flat=True)}
    if user.groups.filter(name=roles.EDITOR).exists():
        no_group = states.filter(revision__content__co_production_group=None).exclude(
            revision__content__involvement_level__in=list(LEVELS_NEEDING_A_GROUP)
        )
        ids |= {int(pk) for pk in no_group.values_list("workflow_state__object_id", flat=True)}
    return sorted(ids)


def group_member_task_states(*, user) -> QuerySet:
    """Sign-offs of drafts linked to any group this person belongs to (every member sees the
    draft and where its sign-off stands, and may record a dissent)."""
    if not user.is_authenticated:
        return sign_off_task_states().none()
    group_ids = list(user.coproduction_groups.values_list("pk", flat=True))
    return sign_off_task_states().filter(
        status=TaskState.STATUS_IN_PROGRESS,
        revision__content__co_production_group__in=group_ids,
    )


def may_sign(*, user, draft) -> bool:
    """The rule behind `engagement.sign_off_decision`, on a draft."""
    return is_lived_experience_member(
        user=user, group_id=draft.co_production_group_id
    ) or may_confirm_record(user=user, draft=draft)
