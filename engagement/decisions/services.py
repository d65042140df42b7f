"""Write paths for decisions: submit for and act on the co-produced sign-off, record a
publication (and whether it tells people), fan the notices out, and rate a decision."""

from __future__ import annotations

import logging
import uuid

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage, get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import TaskState

from coproduce.accounts import roles
from engagement.decisions.models import (
    DecisionEmail,
    DecisionNotification,
    DecisionPage,
    DecisionRating,
    Notification,
    NotificationPreference,
)
from engagement.decisions.selectors import decision_recipients

logger = logging.getLogger(__name__)
User = get_user_model()

SIGN_OFF_ACTIONS = {"approve", "reject"}
EMAIL_BATCH_SIZE = 200


# --- Sign-off -------------------------------------------------------------------------------


def decision_submit_for_sign_off(*, decision: DecisionPage, user) -> None:
    """Send the decision's latest revision to its co-produced sign-off (what "Submit to
    Co-produced sign-off" does in the Wagtail editor)."""
    if not user.has_perm("engagement.draft_decision"):
        raise PermissionDenied
    workflow = decision.get_workflow()
    if workflow is None:
        raise ValidationError(_("The co-produced sign-off workflow is missing."))
    if decision.workflow_in_progress:
        raise ValidationError(_("This decision is already waiting for its sign-off."))
    with transaction.atomic():
        workflow.start(decision, user)


def decision_sign_off_requested(*, task_state: TaskState) -> int:
    """Tell the people who may sign a decision off that it is waiting for them: the linked
    group's members, or the Editors where no group is linked. In-site only; returns how many
    were told."""
    decision = DecisionPage.objects.select_related("co_production_group").get(
        pk=task_state.workflow_state.object_id
    )
    if decision.co_production_group_id:
        signers = decision.co_production_group.members.filter(is_active=True)
    else:
        signers = User.objects.filter(groups__name=roles.EDITOR, is_active=True)
    revision_title = task_state.revision.object_str if task_state.revision_id else decision.title
    Notification.objects.bulk_create(
        [
            Notification(
                user=signer,
                kind=Notification.Kind.SIGN_OFF_REQUESTED,
                title=_("Waiting for your sign-off: %(title)s") % {"title": revision_title},
                body=_(
                    "Please check that the “you said” points fairly reflect what people said, "
                    "then confirm or send it back with a comment."
                ),
                url=reverse("engagement:decision_sign_off", args=[task_state.pk]),
            )
            for signer in signers.distinct()
        ]
    )
    return signers.distinct().count()


def decision_sign_off_act(*, task_state: TaskState, user, action: str, comment: str = "") -> None:
    """Confirm ("approve") or send back ("reject") a decision waiting for sign-off. Sending
    back needs a comment, so the commissioner knows what to change. Approving the last task
    publishes the decision."""
    if action not in SIGN_OFF_ACTIONS:
        raise PermissionDenied
    comment = comment.strip()
    if action == "reject" and not comment:
        raise ValidationError({"comment": _("Say what needs to change before you send it back.")})
    with transaction.atomic():
        locked = TaskState.objects.select_for_update().get(pk=task_state.pk)
        if locked.status != TaskState.STATUS_IN_PROGRESS:
            raise ValidationError(_("This sign-off has already been dealt with."))
        task = locked.task.specific
        task.on_action(locked.specific, user, action, comment=comment)


# --- Publication and notices ----------------------------------------------------------------


def decision_publication_record(
    *, decision_id: int, revision_id: int | None
) -> DecisionNotification | None:
    """Called when a decision is published. Its first publication starts a round of notices;
    a later one starts a round only if it carries a new significant-update note. Returns the
    new round, or None; the caller queues its fan-out (`tasks.notify_decision_round`) to run
    after the transaction commits."""
    with transaction.atomic():
        decision = DecisionPage.objects.select_for_update().get(pk=decision_id)
        rounds = DecisionNotification.objects.filter(decision=decision)
        first = not rounds.exists()
        note = decision.update_note.strip()
        if not first and (not note or rounds.filter(update_note=note).exists()):
            return None
        try:
            with transaction.atomic():
                round_ = DecisionNotification.objects.create(
                    decision=decision,
                    update_note=note,
                    revision_id=revision_id,
                    first_publication=first,
                )
        except IntegrityError:
            return None  # the same round was recorded by a concurrent publish
    return round_


def decision_notify_round(*, round_id: int) -> dict:
    """Tell everyone a round is for: one in-site notice per signed-in person and one email
    per address. Safe to run again: notices and emails already made are not made twice, and
    an email is marked sent before it goes, so a retry never sends it again."""
    round_ = DecisionNotification.objects.select_related("decision").get(pk=round_id)
    decision = round_.decision
    recipients = decision_recipients(decision=decision)
    url = decision.full_url or decision.url or ""
    if round_.first_publication:
        kind = Notification.Kind.DECISION_PUBLISHED
        title = _("Decision published: %(title)s") % {"title": decision.title}
    else:
        kind = Notification.Kind.DECISION_UPDATED
        title = _("Decision updated: %(title)s") % {"title": decision.title}

    with transaction.atomic():
        Notification.objects.bulk_create(
            [
                Notification(
                    user_id=r.user_id,
                    round=round_,
                    kind=Notification.Kind.YOUR_POINT if r.personal_lines else kind,
                    title=title,
                    body="\n".join([*r.personal_lines, round_.update_note or decision.summary]),
                    url=url,
                )
                for r in recipients
                if r.user_id
            ],
            ignore_conflicts=True,
        )
        DecisionEmail.objects.bulk_create(
            [
                DecisionEmail(
                    round=round_,
                    email=r.email.lower(),
                    user_id=r.user_id,
                    personal_lines=r.personal_lines,
                )
                for r in recipients
                if r.email
            ],
            ignore_conflicts=True,
        )
        DecisionNotification.objects.filter(pk=round_.pk, fanned_out_at__isnull=True).update(
            fanned_out_at=timezone.now()
        )

    sent = failed = 0
    failed_ids: list[int] = []
    while True:
        # Claim a batch with one conditional UPDATE, then send what this run claimed: if two
        # workers run the same round, each email is claimed, and sent, by one of them only.
        pending = list(
            DecisionEmail.objects.filter(round=round_, sent_at__isnull=True)
            .exclude(pk__in=failed_ids)
            .order_by("pk")
            .values_list("pk", flat=True)[:EMAIL_BATCH_SIZE]
        )
        if not pending:
            break
        claim = uuid.uuid4().hex
        DecisionEmail.objects.filter(pk__in=pending, sent_at__isnull=True).update(
            sent_at=timezone.now(), claim=claim
        )
        batch = list(DecisionEmail.objects.filter(claim=claim).order_by("pk"))
        with get_connection() as connection:
            for email in batch:
                message = EmailMessage(
                    subject=title,
                    body=render_to_string(
                        "engagement/decisions/email.txt",
                        {
                            "decision": decision,
                            "round": round_,
                            "url": url,
                            "personal_lines": email.personal_lines,
                        },
                    ),
                    to=[email.email],
                    connection=connection,
                )
                try:
                    message.send()
                    sent += 1
                except Exception:
                    # Give it back so the next run of the task tries again.
                    DecisionEmail.objects.filter(pk=email.pk).update(sent_at=None, claim="")
                    logger.exception("Could not send decision email %s", email.pk)
                    failed_ids.append(email.pk)
                    failed += 1
    return {"recipients": len(recipients), "emails_sent": sent, "emails_failed": failed}


# --- Ratings --------------------------------------------------------------------------------


def decision_rate(*, decision: DecisionPage, user, score: int, comment: str = "") -> DecisionRating:
    """Record or change a person's answer to "Does this reflect what people said?" (1 to 5,
    with an optional comment). One rating per person per decision."""
    if not user.has_perm("engagement.rate_decision", decision):
        raise PermissionDenied
    if not isinstance(score, int) or not 1 <= score <= 5:
        raise ValidationError({"score": _("Choose a number from 1 to 5.")})
    comment = comment.strip()
    for _attempt in range(2):
        try:
            with transaction.atomic():
                rating, _created = DecisionRating.objects.update_or_create(
                    decision=decision, user=user, defaults={"score": score, "comment": comment}
                )
                return rating
        except IntegrityError:
            continue  # a concurrent first rating by the same person: update it instead
    raise ValidationError(_("Your rating could not be saved. Please try again."))


# --- In-site notifications ------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of a person's notices read, or all of them. Returns how many changed."""
    notices = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        notices = notices.filter(pk=notification_id)
    return notices.update(read_at=timezone.now())


def notification_preference_set(*, user, decision_emails: bool) -> NotificationPreference:
    """Turn emails about decisions a person took part in on or off (in-site notices stay)."""
    preference, _created = NotificationPreference.objects.update_or_create(
        user=user, defaults={"decision_emails": decision_emails}
    )
    return preference
