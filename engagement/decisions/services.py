"""Write paths for decisions: submit for and act on the co-produced sign-off, record a
publication (and whether it tells people), fan the notices out, and rate a decision."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import get_connection
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import TaskState, WorkflowState

from coproduce.accounts import roles
from coproduce.notifications.kinds import Kind
from coproduce.notifications.models import NotificationPreference
from coproduce.notifications.services import email_message, email_store, preference_set
from deliberation.models import RoomEvent
from engagement.consultations.models import Answer, QuestionKind
from engagement.decisions.evidence import (
    decision_evidence,
    last_changes_answer,
    open_change_requests,
)
from engagement.decisions.models import (
    Contest,
    DecisionEmail,
    DecisionNotification,
    DecisionPage,
    DecisionRating,
    Notification,
    RatingCommentReport,
    SignOffResponse,
    SignOffVerdict,
    Theme,
    ThemeCode,
    YouSaidItem,
)
from engagement.decisions.selectors import decision_recipients
from engagement.decisions.workflow import draft_of

logger = logging.getLogger(__name__)
User = get_user_model()

SIGN_OFF_ACTIONS = {"approve", "reject"}
EMAIL_BATCH_SIZE = 200


# --- Sign-off -------------------------------------------------------------------------------


def decision_submit_for_sign_off(*, decision: DecisionPage, user) -> None:
    """Send the decision's latest revision to its co-produced sign-off (what "Submit to
    Co-produced sign-off" does in the Wagtail editor). Refused while the record does not
    support the declared level (apart from the sign-off itself), or while changes the group
    asked for are unanswered (`changes_answer` on the draft, new since the last submission)."""
    if not user.has_perm("engagement.draft_decision"):
        raise PermissionDenied
    workflow = decision.get_workflow()
    if workflow is None:
        raise ValidationError(_("The co-produced sign-off workflow is missing."))
    if decision.workflow_in_progress:
        raise ValidationError(_("This decision is already waiting for its sign-off."))
    draft = decision.get_latest_revision_as_object()
    missing = decision_evidence(decision=draft, revision_id=None).missing_before_sign_off
    if missing:
        raise ValidationError(missing)
    if open_change_requests(decision_id=decision.pk).exists():
        answer = draft.changes_answer.strip()
        if not answer or answer == last_changes_answer(decision_id=decision.pk).strip():
            raise ValidationError(
                _("The group asked for changes. Answer them before you submit again.")
            )
    with transaction.atomic():
        state = decision.current_workflow_state
        if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
            # Sent back with changes asked: resume the same workflow, as the editor does.
            state.resume(user)
        else:
            workflow.start(decision, user)


def decision_changes_answered(*, task_state: TaskState, user) -> int:
    """On each submission: the changes the group asked for that were still open are answered
    with the draft's `changes_answer`. Returns how many."""
    draft = draft_of(task_state)
    answer = (draft.changes_answer or "").strip()
    if not answer:
        return 0
    return open_change_requests(decision_id=draft.pk).update(
        answer=answer,
        answered_at=timezone.now(),
        answered_by=user if user is not None and user.is_authenticated else None,
    )


def decision_sign_off_requested(*, task_state: TaskState, user=None) -> int:
    """Tell the linked group's members that a decision is waiting for its sign-off (every
    member sees the draft and where it stands; those with lived experience sign), or the
    Editors where a draft with no group declares a level below co-produced. In-site only;
    returns how many were told."""
    draft = draft_of(task_state)
    decision_changes_answered(task_state=task_state, user=user)
    if draft.co_production_group_id:
        people = User.objects.filter(
            coproduction_groups=draft.co_production_group_id, is_active=True
        )
    elif draft.involvement_level in {"co_produced", "co_decided"}:
        people = User.objects.none()
    else:
        people = User.objects.filter(groups__name=roles.EDITOR, is_active=True)
    people = list(people.distinct())
    revision_title = task_state.revision.object_str if task_state.revision_id else draft.title
    Notification.objects.bulk_create(
        [
            Notification(
                user=person,
                kind=Notification.Kind.SIGN_OFF_REQUESTED,
                title=_("Waiting for sign-off: %(title)s") % {"title": revision_title},
                body=_(
                    "Please check that the “you said” points fairly reflect what people said, "
                    "then confirm, ask for changes, or record where you disagree."
                ),
                url=reverse("engagement:decision_sign_off", args=[task_state.pk]),
            )
            for person in people
        ]
    )
    return len(people)


def decision_sign_off_act(
    *, task_state: TaskState, user, action: str, comment: str = "", named: bool = False
) -> None:
    """Confirm ("approve") or ask for changes ("reject") on a decision waiting for sign-off.
    Asking for changes needs a comment, which the commissioner must answer before submitting
    again. Each member answers once; the task approves, and the decision is published, when
    the group's quorum of members with lived experience have confirmed."""
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
        task.on_action(locked.specific, user, action, comment=comment, named=named)


def decision_dissent_record(
    *, task_state: TaskState, user, view: str, named: bool = False
) -> SignOffResponse:
    """A member of the linked group records where they disagree. It is added to the draft
    being signed off as a minority view, so it is published with the decision (the
    commissioner may add how it was considered); it does not block the sign-off."""
    view = view.strip()
    if not view:
        raise ValidationError({"view": _("Say what you disagree with.")})
    with transaction.atomic():
        locked = (
            TaskState.objects.select_for_update().select_related("revision").get(pk=task_state.pk)
        )
        if locked.status != TaskState.STATUS_IN_PROGRESS:
            raise ValidationError(_("This sign-off has already been dealt with."))
        draft = draft_of(locked)
        if not user.has_perm("engagement.record_dissent", draft):
            raise PermissionDenied
        try:
            with transaction.atomic():
                response = SignOffResponse.objects.create(
                    task_state=locked,
                    decision_id=draft.pk,
                    user=user,
                    verdict=SignOffVerdict.DISSENT,
                    comment=view,
                    named=named,
                )
        except IntegrityError:
            raise ValidationError(_("You have already answered this sign-off.")) from None
        held_by = (
            _("%(name)s, a member of the co-production group")
            % {"name": user.get_full_name() or user.display_name}
            if named
            else _("A member of the co-production group")
        )
        revision = locked.revision
        views = revision.content.setdefault("minority_views", [])
        views.append(
            {
                "pk": None,
                "decision": draft.pk,
                "sort_order": len(views),
                "view": view,
                "held_by": str(held_by),
                "response": "",
                "from_sign_off": True,
            }
        )
        revision.save(update_fields=["content"])
    return response


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
        batch = list(
            DecisionEmail.objects.filter(claim=claim).select_related("user").order_by("pk")
        )
        digest_users = set(
            NotificationPreference.objects.filter(
                user_id__in=[e.user_id for e in batch if e.user_id], weekly_digest=True
            ).values_list("user_id", flat=True)
        )
        with get_connection() as connection:
            for email in batch:
                body = render_to_string(
                    "engagement/decisions/email.txt",
                    {
                        "decision": decision,
                        "round": round_,
                        "url": url,
                        "personal_lines": email.personal_lines,
                    },
                )
                if email.user_id in digest_users:
                    # Held for the person's weekly digest instead (sent by its own task).
                    email_store(
                        kind=Kind.DECISIONS,
                        to=email.email,
                        subject=title,
                        body=body,
                        user=email.user,
                    )
                    sent += 1
                    continue
                # With the one-click unsubscribe link and headers (RFC 8058).
                message = email_message(
                    kind=Kind.DECISIONS,
                    to=email.email,
                    subject=title,
                    body=body,
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


def rating_comment_hide(*, rating_id: int, moderator, reason: str) -> DecisionRating:
    """Hide a rating's comment from the decision page, keeping it, with why, who and when
    (the same moderation as free-text answers)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the comment is hidden.")})
    rating = DecisionRating.objects.select_related("decision").get(pk=rating_id)
    if not moderator.has_perm("engagement.moderate_rating", rating.decision):
        raise PermissionDenied
    rating.comment_hidden = True
    rating.comment_hidden_reason = reason[:255]
    rating.comment_hidden_by = moderator
    rating.comment_hidden_at = timezone.now()
    rating.save(
        update_fields=[
            "comment_hidden",
            "comment_hidden_reason",
            "comment_hidden_by",
            "comment_hidden_at",
        ]
    )
    return rating


# Reports of rating comments one person may send in an hour (counted from the reports
# stored, so the limit holds across server processes and needs no cache).
REPORTS_PER_HOUR = 10


class ReportLimited(ValidationError):
    """Too many reports from one person in the last hour."""


def _report_allowed(*, user_id: int) -> bool:
    since = timezone.now() - dt.timedelta(hours=1)
    recent = RatingCommentReport.objects.filter(reporter_id=user_id, created_at__gte=since)
    return recent.count() < REPORTS_PER_HOUR


def rating_comment_report(*, rating_id: int, user, reason: str) -> RatingCommentReport:
    """A signed-in person reports a rating comment shown on a decision. Once per person per
    comment, not their own, at most `REPORTS_PER_HOUR` an hour. Moderators see the reports
    beside the comment and may hide it with a reason (`rating_comment_hide`)."""
    rating = DecisionRating.objects.select_related("decision").filter(pk=rating_id).first()
    if rating is None or not rating.comment or rating.comment_hidden:
        raise ValidationError(_("That comment is no longer shown."))
    if not user.has_perm("engagement.report_rating_comment", rating.decision):
        raise PermissionDenied
    if rating.user_id == user.pk:
        raise ValidationError(_("This is your own comment: change or clear it in your rating."))
    if reason not in RatingCommentReport.Reason.values:
        raise ValidationError({"reason": _("Choose what is wrong with the comment.")})
    if RatingCommentReport.objects.filter(rating=rating, reporter=user).exists():
        raise ValidationError(_("You have already reported this comment. Thank you."))
    if not _report_allowed(user_id=user.pk):
        raise ReportLimited(
            _("You have sent a lot of reports in the last hour. Please try again later.")
        )
    try:
        with transaction.atomic():
            return RatingCommentReport.objects.create(rating=rating, reporter=user, reason=reason)
    except IntegrityError:
        raise ValidationError(_("You have already reported this comment. Thank you.")) from None


# --- Contests -------------------------------------------------------------------------------


def decision_contest(
    *, decision: DecisionPage, user, reason: str, item_id: int | None = None
) -> Contest:
    """Someone who took part (sent a response to a linked consultation, or took part in a
    linked session) contests the stated level, or one "you said" point, with a reason. Once
    per person per decision."""
    if not user.has_perm("engagement.contest_decision", decision):
        raise PermissionDenied
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you contest it.")})
    item = None
    if item_id is not None:
        item = YouSaidItem.objects.filter(decision=decision, pk=item_id).first()
        if item is None:
            raise ValidationError({"about": _("Choose the level or one of the points.")})
    try:
        with transaction.atomic():
            return Contest.objects.create(
                decision=decision,
                user=user,
                about=Contest.About.POINT if item else Contest.About.LEVEL,
                item=item,
                item_text=item.you_said if item else "",
                reason=reason,
            )
    except IntegrityError:
        raise ValidationError(_("You have already contested this decision.")) from None


def contest_answer(*, contest_id: int, user, answer: str) -> Contest:
    """The commissioner answers a contest publicly (an answer can be corrected later)."""
    contest = Contest.objects.select_related("decision").get(pk=contest_id)
    if not user.has_perm("engagement.answer_contest", contest.decision):
        raise PermissionDenied
    answer = answer.strip()
    if not answer:
        raise ValidationError({"answer": _("Write the answer people will read.")})
    contest.answer = answer
    contest.answered_at = timezone.now()
    contest.answered_by = user
    contest.save(update_fields=["answer", "answered_at", "answered_by"])
    return contest


# --- Themes ---------------------------------------------------------------------------------


def theme_create(*, decision: DecisionPage, user, name: str, description: str = "") -> Theme:
    """Add a theme to code a decision's answers and contributions into."""
    if not user.has_perm("engagement.code_themes", decision):
        raise PermissionDenied
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the theme.")})
    try:
        with transaction.atomic():
            return Theme.objects.create(
                decision=decision, name=name, description=description.strip(), created_by=user
            )
    except IntegrityError:
        raise ValidationError({"name": _("There is already a theme with that name.")}) from None


def themes_apply(
    *,
    decision: DecisionPage,
    user,
    theme_ids: list[int],
    answer_ids: list[int] = (),
    contribution_ids: list[int] = (),
) -> int:
    """Code answers (free text to a linked consultation) and contributions (in a linked
    session) into one or more of the decision's themes. Coding something twice changes
    nothing. Returns how many new codes were made."""
    if not user.has_perm("engagement.code_themes", decision):
        raise PermissionDenied
    themes = list(Theme.objects.filter(decision=decision, pk__in=theme_ids))
    if not themes:
        raise ValidationError({"themes": _("Choose at least one theme.")})
    answers = list(
        Answer.objects.filter(
            pk__in=answer_ids,
            question__kind=QuestionKind.FREE_TEXT,
            response__consultation__decisions=decision,
        ).values_list("pk", flat=True)
    )
    contributions = list(
        RoomEvent.objects.filter(
            pk__in=contribution_ids, type="contribution.created", session__decisions=decision
        ).values_list("pk", flat=True)
    )
    if not answers and not contributions:
        raise ValidationError({"selected": _("Choose at least one answer or contribution.")})
    codes = [
        ThemeCode(theme=theme, answer_id=answer_id, coded_by=user)
        for theme in themes
        for answer_id in answers
    ] + [
        ThemeCode(theme=theme, contribution_id=event_id, coded_by=user)
        for theme in themes
        for event_id in contributions
    ]
    before = ThemeCode.objects.filter(theme__in=themes).count()
    ThemeCode.objects.bulk_create(codes, ignore_conflicts=True)
    return ThemeCode.objects.filter(theme__in=themes).count() - before


def theme_code_remove(*, decision: DecisionPage, user, code_id: int) -> None:
    """Take one answer or contribution out of a theme."""
    if not user.has_perm("engagement.code_themes", decision):
        raise PermissionDenied
    ThemeCode.objects.filter(pk=code_id, theme__decision=decision).delete()


# --- In-site notifications ------------------------------------------------------------------


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of a person's notices read, or all of them. Returns how many changed."""
    notices = Notification.objects.filter(user=user, read_at__isnull=True)
    if notification_id is not None:
        notices = notices.filter(pk=notification_id)
    return notices.update(read_at=timezone.now())


def notification_preference_set(*, user, **choices: bool) -> NotificationPreference:
    """Turn kinds of email on or off (in-site notices stay), or choose the weekly digest."""
    return preference_set(user=user, **choices)
