"""Moderation: the record of who hid or showed a free-text answer, when, and why.

The answer itself carries its current state (`Answer.hidden`, `hidden_reason`, `hidden_by`,
`hidden_at`); this log keeps every change, including showing an answer again, which the answer's
own fields cannot remember."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .consultations import Answer


class AnswerModeration(models.Model):
    class Action(models.TextChoices):
        HIDDEN = "hidden", _("Hidden from public results")
        SHOWN = "shown", _("Shown again in public results")

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="moderations")
    action = models.CharField(max_length=10, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("moderation of an answer")
        constraints = [
            models.CheckConstraint(
                condition=Q(action="shown") | ~Q(reason=""), name="hiding_an_answer_has_a_reason"
            ),
        ]

    def __str__(self):
        return f"{self.get_action_display()}: answer {self.answer_id}"
