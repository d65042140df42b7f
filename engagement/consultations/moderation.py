"""Moderation of free-text answers: hide one from public results with a reason, or show it
again. Nothing is ever deleted; every change is logged with who made it and when."""

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from engagement.consultations import results_cache
from engagement.consultations.models import Answer, AnswerModeration, QuestionKind

REASON_MAX_LENGTH = 255


class ModerationError(ValueError):
    """The change cannot be made; the message says why, in words for the moderator."""


def _locked_answer(answer_id: int) -> Answer:
    try:
        return (
            Answer.objects.select_for_update(of=("self",))
            .select_related("question")
            .get(pk=answer_id)
        )
    except Answer.DoesNotExist:
        raise ModerationError(_("That answer no longer exists.")) from None


@transaction.atomic
def answer_hide(*, answer_id: int, moderator: AbstractBaseUser, reason: str) -> Answer:
    """Hide a free-text answer from public results, keeping it stored, with the reason, who
    hid it and when. Hiding an answer already hidden for the same reason changes nothing (a
    resubmitted form); a new reason replaces the old one and is logged."""
    reason = (reason or "").strip()
    if not reason:
        raise ModerationError(_("Say why the answer is hidden."))
    if len(reason) > REASON_MAX_LENGTH:
        raise ModerationError(
            _("The reason must be %(max)d characters or fewer.") % {"max": REASON_MAX_LENGTH}
        )
    answer = _locked_answer(answer_id)
    if answer.question.kind != QuestionKind.FREE_TEXT:
        raise ModerationError(_("Only free-text answers can be hidden."))
    if answer.hidden and answer.hidden_reason == reason:
        return answer
    answer.hidden = True
    answer.hidden_reason = reason
    answer.hidden_by = moderator
    answer.hidden_at = timezone.now()
    answer.save(update_fields=["hidden", "hidden_reason", "hidden_by", "hidden_at"])
    results_cache.bump(answer.response.consultation_id)
    AnswerModeration.objects.create(
        answer=answer, action=AnswerModeration.Action.HIDDEN, reason=reason, moderator=moderator
    )
    return answer


@transaction.atomic
def answer_unhide(*, answer_id: int, moderator: AbstractBaseUser) -> Answer:
    """Show a hidden free-text answer in public results again, logging who and when. Showing
    an answer that is not hidden changes nothing."""
    answer = _locked_answer(answer_id)
    if not answer.hidden:
        return answer
    answer.hidden = False
    answer.hidden_reason = ""
    answer.hidden_by = None
    answer.hidden_at = None
    answer.save(update_fields=["hidden", "hidden_reason", "hidden_by", "hidden_at"])
    results_cache.bump(answer.response.consultation_id)
    AnswerModeration.objects.create(
        answer=answer, action=AnswerModeration.Action.SHOWN, moderator=moderator
    )
    return answer
