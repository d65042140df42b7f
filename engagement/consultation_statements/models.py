"""The link from a consultation's "statements" question to its statements activity."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ConsultationStatements(models.Model):
    """One statements activity per "statements" question, made the first time anyone opens
    the question's page."""

    question = models.OneToOneField(
        "engagement.Question",
        on_delete=models.CASCADE,
        related_name="statements_link",
        verbose_name=_("question"),
    )
    activity = models.OneToOneField(
        "deliberation.StatementActivity",
        on_delete=models.CASCADE,
        related_name="consultation_link",
        verbose_name=_("statements activity"),
    )

    class Meta:
        verbose_name = _("consultation statements")
        verbose_name_plural = _("consultation statements")

    def __str__(self):
        return f"{self.question_id} -> {self.activity_id}"
