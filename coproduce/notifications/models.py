"""What people choose to receive, and every email owed to someone (an outbox).

Emails are never sent inside a request: a request stores an `OutgoingEmail` row in its own
transaction and, once that commits, a background task sends it. A failure is logged and the row
kept for the next try (`attempts`, `last_error`); nothing is dropped silently.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .kinds import Kind


class NotificationPreference(models.Model):
    """How a signed-in person wants to hear from us, kind by kind (each on unless they turn it
    off, here or by an email's one-click unsubscribe link). In-site notices stay either way.
    The table kept its name when the model moved here from decisions."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    decision_emails = models.BooleanField(
        _("email me when a decision I took part in is published or updated"), default=True
    )
    invitation_emails = models.BooleanField(
        _("email me when I am invited to take part"), default=True
    )
    reminder_emails = models.BooleanField(
        _("remind me a day and an hour before a session I am coming to"), default=True
    )
    session_emails = models.BooleanField(
        _("email me about my places at sessions (registration, waiting list, changes)"),
        default=True,
    )
    claim_emails = models.BooleanField(
        _("email me when an involvement payment claim needs a change"), default=True
    )
    receipt_emails = models.BooleanField(
        _("email me a receipt when I send a response"), default=True
    )
    weekly_digest = models.BooleanField(
        _("one email a week instead of single emails"),
        default=False,
        help_text=_(
            "Decisions, invitations, claims and receipts wait for the weekly email. Reminders "
            "and changes to sessions still come when they are due."
        ),
    )

    class Meta:
        db_table = "engagement_notificationpreference"

    def __str__(self):
        return f"{self.user_id}: emails {'on' if self.decision_emails else 'off'}"


class EmailSuppression(models.Model):
    """An address with no account that asked, by an email's unsubscribe link, to stop one kind
    of email (a receipt sent to an address given with an anonymous response, say)."""

    email = models.EmailField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "kind", name="one_suppression_per_address_and_kind"
            )
        ]

    def __str__(self):
        return f"{self.email}: no {self.kind}"


class OutgoingEmail(models.Model):
    """One email owed to one address. `sent_at` is set by a conditional update before sending
    (and cleared if sending fails), so a retried or concurrent task never sends it twice.
    `dedupe_key`, when given, is unique: a reminder stored twice (a worker retried, two runs of
    the scheduler overlapped) is one row, so one email."""

    kind = models.CharField(max_length=20, choices=[*Kind.choices, ("transactional", "-")])
    to = models.EmailField()
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    subject = models.CharField(max_length=300)
    body = models.TextField()
    # [{"filename": ..., "content": text, "mimetype": ...}]
    attachments = models.JSONField(default=list, blank=True)
    dedupe_key = models.CharField(max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Held for the person's weekly digest instead of being sent alone.
    held_for_digest = models.BooleanField(default=False)
    digested_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, default="", db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Set after the last allowed attempt failed: shown to staff in the logs, never retried.
    gave_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=Q(dedupe_key__isnull=False),
                name="one_outgoing_email_per_dedupe_key",
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=Q(sent_at__isnull=True, gave_up_at__isnull=True),
                name="outgoing_email_pending",
            )
        ]

    def __str__(self):
        return f"{self.kind} → {self.to}: {self.subject[:40]}"
