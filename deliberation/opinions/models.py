"""Statements activities, their statements and votes.

A statements activity belongs to one item on a session's agenda, or to a consultation's
"statements" question (the link is engagement's, `engagement/consultation_statements/`: live
rooms import nothing of engagement), or to nothing, when it holds an imported Pol.is
conversation. Each person who votes is a `StatementVoter` of the activity:
a site user, or a Pol.is participant kept by its Pol.is id; the analysis and the map know only
the voter's number, never who they are. One vote per voter per statement is a database
constraint; voting again replaces the vote.

deliberation/models.py imports these classes so Django registers them under the
`deliberation` app; foreign keys to the room's models are by name for the same reason.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

STATEMENT_MAX_LENGTH = 280


class StatementActivity(models.Model):
    """Participants add short statements and vote agree, disagree or pass on others'."""

    agenda_item = models.OneToOneField(
        "deliberation.AgendaItem",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="statement_activity",
        verbose_name=_("agenda item"),
    )
    title = models.CharField(_("title"), max_length=200)
    requires_approval = models.BooleanField(
        _("statements need approval"),
        default=False,
        help_text=_("A facilitator approves each new statement before anyone votes on it."),
    )
    # Where an imported conversation came from (a Pol.is export folder's name).
    source = models.CharField(_("imported from"), max_length=200, blank=True)
    # voter id -> group label of the last analysis, so labels stay put from one to the next.
    last_groups = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("statements activity")
        verbose_name_plural = _("statements activities")

    def __str__(self):
        return self.title


class Statement(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Moderated out")

    activity = models.ForeignKey(
        StatementActivity, on_delete=models.CASCADE, related_name="statements"
    )
    # Stored as typed (whitespace tidied, control characters removed); escaped on output. Typed
    # statements are at most STATEMENT_MAX_LENGTH characters (checked by the services); an
    # imported Pol.is comment is kept whole, however long.
    text = models.TextField(_("statement"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("moderation"), max_length=10, choices=Status.choices, default=Status.APPROVED
    )
    polis_comment_id = models.IntegerField(null=True, blank=True, editable=False)
    polis_author_id = models.IntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["activity", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "polis_comment_id"],
                condition=Q(polis_comment_id__isnull=False),
                name="deliberation_statement_polis_id_unique",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "rejected"]),
                name="deliberation_statement_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(text=""), name="deliberation_statement_text_not_empty"
            ),
        ]

    def __str__(self):
        return self.text


class StatementVoter(models.Model):
    """Someone who voted in an activity: a site user, an imported Pol.is participant, or an
    open consultation's respondent known by a key."""

    activity = models.ForeignKey(StatementActivity, on_delete=models.CASCADE, related_name="voters")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    polis_participant_id = models.IntegerField(null=True, blank=True)
    # Someone taking part outside a room and without an account (an open consultation's
    # respondent): an opaque key the calling feature gives (a hash, never a name).
    respondent_key = models.CharField(max_length=80, blank=True, default="")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "user"],
                condition=Q(user__isnull=False),
                name="deliberation_statement_voter_user_unique",
            ),
            models.UniqueConstraint(
                fields=["activity", "polis_participant_id"],
                condition=Q(polis_participant_id__isnull=False),
                name="deliberation_statement_voter_polis_unique",
            ),
            models.UniqueConstraint(
                fields=["activity", "respondent_key"],
                condition=~Q(respondent_key=""),
                name="deliberation_statement_voter_key_unique",
            ),
            models.CheckConstraint(
                condition=Q(user__isnull=False)
                | Q(polis_participant_id__isnull=False)
                | ~Q(respondent_key=""),
                name="deliberation_statement_voter_someone",
            ),
        ]

    def __str__(self):
        return f"voter {self.pk} in {self.activity_id}"


class StatementVote(models.Model):
    class Choice(models.IntegerChoices):
        AGREE = 1, _("Agree")
        DISAGREE = -1, _("Disagree")
        PASS = 0, _("Pass / unsure")

    statement = models.ForeignKey(Statement, on_delete=models.CASCADE, related_name="votes")
    voter = models.ForeignKey(StatementVoter, on_delete=models.CASCADE, related_name="votes")
    vote = models.SmallIntegerField(choices=Choice.choices)
    voted_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "voter"], name="deliberation_one_vote_per_statement"
            ),
            models.CheckConstraint(
                condition=Q(vote__in=[-1, 0, 1]), name="deliberation_statement_vote_valid"
            ),
        ]

    def __str__(self):
        return f"{self.voter_id} {self.vote:+d} on {self.statement_id}"
