"""Co-production groups, sessions, agendas and the per-session event log.

The log (`RoomEvent`) is the record of what happened in a room. The small state tables beside it
(`SessionParticipant`, `Poll`, `PollVote`) exist so the room's current state can be read without
replaying the whole log; every change to them is made by the same service call, in the same
transaction, as the event that records it.
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable

from coproduce.accounts.rules import is_editor
from coproduce.readability import ReadabilityFieldPanel

CONTRIBUTION_MAX_LENGTH = 2000


class CoproductionGroup(models.Model):
    """People with lived experience, commissioners and professionals who work on one question
    together over several sessions."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    purpose = models.TextField(
        _("purpose"), help_text=_("What the group is for, in plain English.")
    )
    terms_of_reference = models.TextField(
        _("terms of reference"),
        blank=True,
        help_text=_("How the group works: decisions, payment, confidentiality, accessibility."),
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="coproduction_groups",
        blank=True,
        verbose_name=_("members"),
    )
    facilitators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="facilitated_groups",
        blank=True,
        verbose_name=_("facilitators"),
    )
    sign_off_quorum = models.PositiveSmallIntegerField(
        _("sign-off quorum"),
        default=2,
        validators=[MinValueValidator(1)],
        help_text=_(
            "How many members with lived experience (experts by experience, not staff) must "
            "confirm a decision before it is published as co-produced."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("purpose"),
        FieldPanel("terms_of_reference"),
        FieldPanel("sign_off_quorum"),
        FieldPanel("facilitators"),
        FieldPanel("members"),
    ]

    class Meta:
        ordering = ["name"]
        verbose_name = _("co-production group")
        verbose_name_plural = _("co-production groups")
        constraints = [
            models.CheckConstraint(
                condition=Q(sign_off_quorum__gte=1), name="deliberation_group_quorum_positive"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("deliberation:group_detail", kwargs={"slug": self.slug})


class SessionAdminForm(WagtailAdminModelForm):
    """A facilitator may only put sessions in groups they facilitate; editors in any group."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        if for_user is None or for_user.is_superuser or is_editor(for_user):
            return
        if "group" in self.fields:
            self.fields["group"].queryset = CoproductionGroup.objects.filter(facilitators=for_user)


class Session(ClusterableModel):
    """One meeting of a co-production group, with an agenda and a live room."""

    base_form_class = SessionAdminForm

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("Scheduled")
        LIVE = "live", _("Live")
        ENDED = "ended", _("Ended")

    group = models.ForeignKey(
        CoproductionGroup,
        on_delete=models.CASCADE,
        related_name="sessions",
        verbose_name=_("co-production group"),
    )
    title = models.CharField(_("title"), max_length=200)
    scheduled_at = models.DateTimeField(_("scheduled for"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    allow_observers = models.BooleanField(
        _("allow observers"),
        default=False,
        help_text=_("Signed-in people who are not members may watch, read-only."),
    )
    # The last seq handed out in this session's log. Appending an event increments it while the
    # row is locked, which is what makes seq gapless and unique under concurrency.
    last_seq = models.PositiveBigIntegerField(default=0, editable=False)
    current_item = models.ForeignKey(
        "AgendaItem",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    summary = models.TextField(
        _("facilitator's summary"),
        blank=True,
        help_text=_("What the group discussed and where it landed. Shown on the transcript."),
    )
    easy_read_summary = models.TextField(
        _("summary in Easy Read"),
        blank=True,
        help_text=_("Short sentences and everyday words. Shown to readers who choose Easy Read."),
    )
    agreed_actions = models.TextField(
        _("agreed actions"),
        blank=True,
        help_text=_("One action per line: who will do what, by when."),
    )
    duration_minutes = models.PositiveSmallIntegerField(
        _("length (minutes)"), default=120, validators=[MinValueValidator(5)]
    )
    # Where: a venue, an online link, or both (hybrid).
    venue_name = models.CharField(_("venue"), max_length=200, blank=True)
    venue_address = models.TextField(_("venue address"), blank=True)
    access_information = models.TextField(
        _("access information"),
        blank=True,
        help_text=_(
            "Step-free access, the nearest accessible toilet, hearing loop, parking, quiet "
            "space, how to get there."
        ),
    )
    online_link = models.URLField(
        _("online meeting link"),
        blank=True,
        max_length=500,
        help_text=_("Shown only to people with a place at the session."),
    )
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Leave empty for no limit. With a limit, people who say they are coming take a "
            "place while there is one and join the waiting list after."
        ),
    )
    cancelled = models.BooleanField(
        _("cancelled"),
        default=False,
        help_text=_("Everyone with a place is told, with a calendar cancellation."),
    )
    # RFC 5545 SEQUENCE of the session's calendar entry: raised whenever its time, place or
    # link changes, or it is cancelled, so calendars replace the entry they hold.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)

    panels = [
        FieldPanel("group"),
        FieldPanel("title"),
        FieldPanel("scheduled_at"),
        FieldPanel("duration_minutes"),
        FieldPanel("status"),
        FieldPanel("allow_observers"),
        MultiFieldPanel(
            [
                FieldPanel("venue_name"),
                FieldPanel("venue_address"),
                FieldPanel("access_information"),
                FieldPanel("online_link"),
            ],
            heading=_("Where: a venue, an online link, or both"),
        ),
        MultiFieldPanel([FieldPanel("capacity"), FieldPanel("cancelled")], heading=_("Places")),
        InlinePanel("agenda_items", label=_("Agenda"), heading=_("Agenda items")),
        MultiFieldPanel(
            [
                FieldPanel("summary"),
                ReadabilityFieldPanel("easy_read_summary"),
                FieldPanel("agreed_actions"),
            ],
            heading=_("After the session"),
        ),
    ]

    class Meta:
        ordering = ["-scheduled_at"]
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["scheduled", "live", "ended"]),
                name="deliberation_session_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.group.name}: {self.title}"

    @property
    def group_name(self) -> str:
        return f"session.{self.pk}"

    @property
    def is_live(self) -> bool:
        return self.status == self.Status.LIVE

    @property
    def has_ended(self) -> bool:
        return self.status == self.Status.ENDED

    def get_absolute_url(self):
        return reverse("deliberation:session_room", kwargs={"pk": self.pk})

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # What the session was when loaded, to tell what an admin edit changed (receivers.py).
        watched = (*cls.CALENDAR_FIELDS, "capacity")
        loaded = instance.__dict__
        if all(name in loaded for name in watched):
            instance._loaded_values = {name: loaded[name] for name in watched}
        return instance

    @property
    def ends_at(self):
        return self.scheduled_at + timedelta(minutes=self.duration_minutes)

    @property
    def has_venue(self) -> bool:
        return bool(self.venue_name or self.venue_address)

    # The fields whose change makes the calendar entry (and the people with places) out of date.
    CALENDAR_FIELDS = (
        "title",
        "scheduled_at",
        "duration_minutes",
        "venue_name",
        "venue_address",
        "online_link",
        "cancelled",
    )


class AgendaItem(Orderable):
    """One item on a session's agenda, in order, with a time box."""

    session = ParentalKey(Session, on_delete=models.CASCADE, related_name="agenda_items")
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    easy_read_title = models.CharField(
        _("title in Easy Read"),
        max_length=200,
        blank=True,
        help_text=_("Short sentences and everyday words. Shown to readers who choose Easy Read."),
    )
    time_box_minutes = models.PositiveSmallIntegerField(_("time box (minutes)"), default=15)

    panels = [
        FieldPanel("title"),
        ReadabilityFieldPanel("easy_read_title"),
        FieldPanel("description"),
        FieldPanel("time_box_minutes"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        constraints = [
            models.CheckConstraint(
                condition=Q(time_box_minutes__gte=1), name="deliberation_agenda_time_box_positive"
            ),
        ]

    def __str__(self):
        return self.title


class RoomEvent(models.Model):
    """One entry in a session's event log. Append-only: `seq` is gapless per session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="room_events",
    )
    payload = models.JSONField(default=dict, blank=True)
    # The sender's idempotency key: a retried message finds the event it already made.
    client_id = models.CharField(max_length=64, blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["session", "seq"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "seq"], name="deliberation_event_seq_unique"
            ),
            models.UniqueConstraint(
                fields=["session", "actor", "client_id"],
                condition=~Q(client_id=""),
                name="deliberation_event_client_id_unique",
            ),
            models.CheckConstraint(condition=Q(seq__gte=1), name="deliberation_event_seq_positive"),
        ]

    def __str__(self):
        return f"{self.session_id}#{self.seq} {self.type}"


class SessionParticipant(models.Model):
    """A person who came into one session's room (made on their first connection: the record
    of who took part), and their state there: muted, hand raised. Who is connected *now* is
    not stored here but in `presence.py`, where it expires."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_participation"
    )
    muted = models.BooleanField(default=False)
    hand_raised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], name="deliberation_participant_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} in {self.session_id}"


class Poll(models.Model):
    """A quick poll a facilitator opens in the room."""

    class ShowResults(models.TextChoices):
        # Hidden by default: seeing how others voted before voting sways people (the
        # bandwagon effect facilitators avoid).
        AFTER_CLOSING = "after_closing", _("After the poll closes")
        LIVE = "live", _("Live, as people vote")

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(max_length=300)
    choices = models.JSONField()
    show_results = models.CharField(
        max_length=16, choices=ShowResults.choices, default=ShowResults.AFTER_CLOSING
    )
    is_open = models.BooleanField(default=True)
    opened_seq = models.PositiveBigIntegerField()
    closed_seq = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["session", "opened_seq"]

    def __str__(self):
        return self.question

    @property
    def results_visible(self) -> bool:
        """Whether the room may see the counts now."""
        return not self.is_open or self.show_results == self.ShowResults.LIVE


class PollVote(models.Model):
    """One person's choice in one poll; voting again changes it."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    choice = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "user"], name="deliberation_one_vote_per_poll"),
        ]

    def __str__(self):
        return f"{self.user} voted {self.choice} in poll {self.poll_id}"


class SessionAttendance(models.Model):
    """A member saying they are coming to a session, and which of the needs in their
    involvement passport (`coproduce.passport`) they choose to share with its facilitators (and
    nobody else). Nothing is shared until they tick it for this session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_attendances"
    )

    class Place(models.TextChoices):
        CONFIRMED = "confirmed", _("You have a place")
        WAITING = "waiting", _("You are on the waiting list")
        NONE = "", _("Not coming")

    attending = models.BooleanField(default=True)
    # What the person has: a place, a place on the waiting list, or nothing (not coming).
    # Set only by deliberation.services.session_registration_sync, under a lock on the session.
    # The database default lets code one release older (a rolling deploy) still add rows.
    place = models.CharField(
        max_length=10, choices=Place.choices, blank=True, default="", db_default=""
    )
    waiting_since = models.DateTimeField(null=True, blank=True)
    # Keys of `coproduce.passport.models.NEEDS` this person shares for this session, and
    # CONTACT_IN_FORMAT when they share that they want contact in audio or BSL before it.
    shared_needs = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["session", "user"], name="deliberation_attendance_unique"
            ),
        ]

    def __str__(self):
        return f"{self.user} for {self.session_id}"


# A sharing choice beside the passport's needs: "contact me before this session in my format".
# Offered only to people whose passport asks for a format the product cannot make (audio, BSL
# video); shared, it puts them on the facilitators' to-do list ("Contact 2 people ...").
CONTACT_IN_FORMAT = "contact_format"
FORMATS_A_PERSON_MAKES = ("audio", "bsl")


def contact_in_format(passport) -> bool:
    """Whether this passport asks for messages in a format a person has to make (audio, BSL
    video): the facilitator contacts them before a session, if they share it."""
    return passport is not None and passport.contact_format in FORMATS_A_PERSON_MAKES


# Statement voting (deliberation/opinions/): imported here so Django registers its models.
from .opinions.models import (  # noqa: E402, F401
    Statement,
    StatementActivity,
    StatementVote,
    StatementVoter,
)
