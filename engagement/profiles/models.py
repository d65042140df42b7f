"""Expertise profiles: what a person with lived experience knows, on their own terms.

The taxonomy (experience areas, skills, localities, languages) is managed by Editors as Wagtail
snippets; a data migration seeds the starting values. Access and support needs live on the
involvement passport (`coproduce.passport`), shared with a session's facilitators only by choice.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from coproduce import privacy
from coproduce.passport.models import PaymentChoice
from deliberation.models import CoproductionGroup, Session
from engagement.consultations.models import EqualityMonitoring

# The version of the privacy notice a consent was given under (one for the whole site).
PRIVACY_NOTICE_VERSION = privacy.PRIVACY_NOTICE_VERSION

# How far back a claim may go: a session or task in the last 12 months.
CLAIM_MAX_AGE_DAYS = 365


class TaxonomyTerm(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        abstract = True
        ordering = ["name"]

    def __str__(self):
        return self.name


class ExperienceArea(TaxonomyTerm):
    """An area of lived experience, e.g. personal health budgets or mental health."""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("experience area")
        verbose_name_plural = _("experience areas")


class Skill(TaxonomyTerm):
    """Something an expert by experience can do, e.g. chairing or sitting on recruitment panels."""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("skill")
        verbose_name_plural = _("skills")


class Locality(TaxonomyTerm):
    """An integrated care board or a local authority area."""

    class Kind(models.TextChoices):
        INTEGRATED_CARE_BOARD = "icb", _("Integrated care board")
        LOCAL_AUTHORITY = "la", _("Local authority")

    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("locality")
        verbose_name_plural = _("localities")


class Language(TaxonomyTerm):
    """A language someone can take part in, British Sign Language included."""

    class Meta(TaxonomyTerm.Meta):
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class Availability(models.TextChoices):
    WEEKDAY_DAYTIME = "weekday_daytime", _("Weekday daytimes")
    WEEKDAY_EVENINGS = "weekday_evenings", _("Weekday evenings")
    WEEKENDS = "weekends", _("Weekends")


class PreferredFormat(models.TextChoices):
    EASY_READ = "easy_read", _("Easy read")
    LARGE_PRINT = "large_print", _("Large print")
    BSL = "bsl", _("British Sign Language video")
    AUDIO = "audio", _("Audio")
    PAPER = "paper", _("Paper, by post")


class ExpertProfile(models.Model):
    """An expert by experience's profile. One per person."""

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Anyone, including people who are not signed in")
        STAFF = "staff", _("Only commissioners and facilitators who are signed in")
        PRIVATE = "private", _("Only me")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="expert_profile"
    )
    display_name = models.CharField(_("display name"), max_length=150)
    bio = models.TextField(_("about you"), blank=True)
    experience_areas = models.ManyToManyField(ExperienceArea, blank=True, related_name="profiles")
    other_experience = models.CharField(
        _("other lived experience"),
        max_length=255,
        blank=True,
        help_text=_("Your own words, separated by commas."),
    )
    skills = models.ManyToManyField(Skill, blank=True, related_name="profiles")
    localities = models.ManyToManyField(Locality, blank=True, related_name="profiles")
    languages = models.ManyToManyField(Language, blank=True, related_name="profiles")
    available_weekday_daytime = models.BooleanField(default=False)
    available_weekday_evenings = models.BooleanField(default=False)
    available_weekends = models.BooleanField(default=False)
    availability_notes = models.CharField(
        _("more about when you can take part"), max_length=255, blank=True
    )
    preferred_formats = models.JSONField(default=list, blank=True)
    visibility = models.CharField(
        _("who can see your profile"),
        max_length=10,
        choices=Visibility.choices,
        default=Visibility.PRIVATE,
    )
    show_involvement_record = models.BooleanField(default=False)
    # Plain text the directory searches: name, bio, tags and taxonomy names, rebuilt by the
    # profile services whenever any of them change. Never includes access needs.
    search_text = models.TextField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name", "pk"]
        verbose_name = _("expertise profile")
        verbose_name_plural = _("expertise profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(visibility__in=["public", "staff", "private"]),
                name="engagement_expertprofile_visibility_valid",
            ),
        ]
        indexes = [models.Index(fields=["visibility"])]

    def __str__(self):
        return self.display_name

    @property
    def availability(self) -> list[str]:
        """The availability choices this person ticked, as values of `Availability`."""
        flags = {
            Availability.WEEKDAY_DAYTIME: self.available_weekday_daytime,
            Availability.WEEKDAY_EVENINGS: self.available_weekday_evenings,
            Availability.WEEKENDS: self.available_weekends,
        }
        return [choice for choice, on in flags.items() if on]

    @property
    def availability_labels(self) -> list[str]:
        return [Availability(choice).label for choice in self.availability]

    @property
    def preferred_format_labels(self) -> list[str]:
        valid = set(PreferredFormat.values)
        return [PreferredFormat(value).label for value in self.preferred_formats if value in valid]

    @property
    def other_experience_tags(self) -> list[str]:
        return [tag.strip() for tag in self.other_experience.split(",") if tag.strip()]


class ProfileConsent(models.Model):
    """What a person agreed to, when, under which privacy notice; and when they withdrew it."""

    class Purpose(models.TextChoices):
        PROFILE = (
            "profile",
            _(
                "Keep my expertise profile and show it to the people I choose, so I can be found "
                "and invited to take part"
            ),
        )
        ACCESS_NEEDS = (
            "access_needs",
            _(
                "Keep my access and support needs so the facilitators of groups I join can make "
                "adjustments"
            ),
        )

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile_consents"
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    privacy_notice_version = models.CharField(max_length=20)
    given_at = models.DateTimeField()
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-given_at", "-pk"]
        constraints = [
            # At most one consent in force per purpose; withdrawn ones stay as the record.
            models.UniqueConstraint(
                fields=["user", "purpose"],
                condition=models.Q(withdrawn_at__isnull=True),
                name="engagement_profileconsent_one_active_per_purpose",
            ),
            models.CheckConstraint(
                condition=models.Q(withdrawn_at__isnull=True)
                | models.Q(withdrawn_at__gte=models.F("given_at")),
                name="engagement_profileconsent_withdrawn_after_given",
            ),
        ]

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.privacy_notice_version})"

    @property
    def in_force(self) -> bool:
        return self.withdrawn_at is None


class Opportunity(models.Model):
    """A chance to take part that a commissioner posts: a group to join, a panel to sit on."""

    class Format(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        ONLINE = "online", _("Online")
        HYBRID = "hybrid", _("In person or online")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("summary"), max_length=300)
    what_it_involves = models.TextField(_("what it involves"))
    time_commitment = models.CharField(
        _("time commitment"),
        max_length=200,
        help_text=_("For example, 2 hours a month for a year."),
    )
    format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    hourly_rate = models.DecimalField(
        _("involvement payment per hour (£)"), max_digits=6, decimal_places=2
    )
    expenses = models.CharField(
        _("expenses"),
        max_length=255,
        default="Travel, care and support costs paid at cost.",
    )
    experience_areas = models.ManyToManyField(ExperienceArea, blank=True, related_name="+")
    skills = models.ManyToManyField(Skill, blank=True, related_name="+")
    localities = models.ManyToManyField(Locality, blank=True, related_name="+")
    languages = models.ManyToManyField(Language, blank=True, related_name="+")
    needs_weekday_daytime = models.BooleanField(_("weekday daytimes"), default=False)
    needs_weekday_evenings = models.BooleanField(_("weekday evenings"), default=False)
    needs_weekends = models.BooleanField(_("weekends"), default=False)
    closes_on = models.DateField(_("closing date"), null=True, blank=True)
    selected_by_lottery = models.BooleanField(
        _("choose the panel by lottery"),
        default=False,
        help_text=_(
            "People who express interest are asked four optional equality questions, used only "
            "to draw a panel that matches quotas."
        ),
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opportunities_posted"
    )
    # The co-production group whose sessions are paid at this opportunity's rate. When several
    # opportunities name one group, a session is paid at the newest one posted on or before its
    # day (`selectors.paying_opportunity`), so a new year's rate does not reprice old sessions.
    coproduction_group = models.ForeignKey(
        CoproductionGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="paying_opportunities",
        verbose_name=_("co-production group whose sessions it pays"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("opportunity")
        verbose_name_plural = _("opportunities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hourly_rate__gte=0),
                name="engagement_opportunity_rate_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["open", "closed"]),
                name="engagement_opportunity_status_valid",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def times_needed(self) -> list[str]:
        flags = {
            "weekday_daytime": self.needs_weekday_daytime,
            "weekday_evenings": self.needs_weekday_evenings,
            "weekends": self.needs_weekends,
        }
        return [choice for choice, on in flags.items() if on]


class ExpressionOfInterest(models.Model):
    """An expert saying "I would like to do this"."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="interests")
    profile = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="interests")
    message = models.TextField(_("anything you would like to add"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "profile"], name="engagement_interest_once_per_opportunity"
            ),
        ]

    def __str__(self):
        return f"{self.profile} – {self.opportunity}"


class Invitation(models.Model):
    """A commissioner or facilitator inviting an expert to an opportunity."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for a reply")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="invitations"
    )
    profile = models.ForeignKey(ExpertProfile, on_delete=models.CASCADE, related_name="invitations")
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="invitations_sent"
    )
    message = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    created_at = models.DateTimeField(auto_now_add=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    # Why this person was put forward, as the matching page showed it when they were invited:
    # kept with the invitation so a round can be audited after the weights or the people change.
    # Empty rank and score: invited from the directory or a lottery, not from the matches.
    match_rank = models.PositiveIntegerField(null=True, blank=True)
    match_score = models.IntegerField(null=True, blank=True)
    match_reasons = models.JSONField(default=list, blank=True)
    match_weights = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "profile"], name="engagement_invitation_once_per_opportunity"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["pending", "accepted", "declined"]),
                name="engagement_invitation_status_valid",
            ),
        ]

    def __str__(self):
        return f"{self.profile} – {self.opportunity} ({self.get_status_display()})"


class PaymentClaim(models.Model):
    """Hours and expenses for one piece of involvement, at the opportunity's rate.

    The claimant chooses payment, a voucher, or no payment for the hours (payments can affect
    some welfare benefits); expenses are paid whatever they choose."""

    # The same choices as the involvement passport's payment preference.
    PaymentChoice = PaymentChoice

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        QUERIED = "queried", _("Queried")
        PAID = "paid", _("Paid")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="claims")
    # The person paid. The user row outlives erasure (anonymised), so finance records stay.
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payment_claims"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payment_claims_recorded"
    )
    # The session the claim is for, when it was made from the room's record of who took part
    # (one claim per person per session). Deleting a session deletes its room record too; the
    # claim stays (a finance record) with its pre-filled hours, and the reviewer is told the
    # session is gone. (PROTECT would make deleting a session or its group an error page.)
    session = models.ForeignKey(
        Session,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="payment_claims",
        verbose_name=_("session"),
    )
    # The hours the form suggested from the session's length (rounded to the quarter hour), so
    # the reviewer sees what was pre-filled and whether the person changed it.
    prefilled_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    worked_on = models.DateField(_("date of the session or task"))
    description = models.CharField(_("what you did"), max_length=255)
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=2)
    hourly_rate = models.DecimalField(max_digits=6, decimal_places=2)
    expenses_amount = models.DecimalField(
        _("expenses (£)"), max_digits=8, decimal_places=2, default=Decimal("0")
    )
    expenses_description = models.CharField(
        _("what the expenses were for"), max_length=255, blank=True
    )
    payment_choice = models.CharField(_("payment"), max_length=10, choices=PaymentChoice.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    query_note = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_claims_reviewed",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    # Recorded by whoever pays (a Commissioner, for finance) once the money has gone.
    paid_on = models.DateField(_("date paid"), null=True, blank=True)
    paid_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payment_claims_marked_paid",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Claims that count as approved in the involvement record and ledger: approved, and paid.
    APPROVED_STATUSES = (Status.APPROVED, Status.PAID)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=24),
                name="engagement_paymentclaim_hours_in_range",
            ),
            models.CheckConstraint(
                condition=models.Q(expenses_amount__gte=0),
                name="engagement_paymentclaim_expenses_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(payment_choice__in=["paid", "voucher", "declined"]),
                name="engagement_paymentclaim_choice_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["submitted", "approved", "queried", "paid"]),
                name="engagement_paymentclaim_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(status="paid", paid_on__isnull=False)
                | (~models.Q(status="paid") & models.Q(paid_on__isnull=True)),
                name="engagement_paymentclaim_paid_has_a_date",
            ),
            models.UniqueConstraint(
                fields=["claimant", "session"],
                condition=models.Q(session__isnull=False),
                name="engagement_paymentclaim_one_per_session",
            ),
            models.CheckConstraint(
                condition=models.Q(session__isnull=True) | models.Q(prefilled_hours__isnull=False),
                name="engagement_paymentclaim_session_claims_are_prefilled",
            ),
        ]

    def __str__(self):
        return f"{self.opportunity} – {self.worked_on}"

    @property
    def fee(self) -> Decimal:
        """What is owed for the time: nothing when the person declined payment."""
        if self.payment_choice == self.PaymentChoice.DECLINED:
            return Decimal("0.00")
        return (self.hours * self.hourly_rate).quantize(Decimal("0.01"))

    @property
    def total(self) -> Decimal:
        return self.fee + self.expenses_amount

    @property
    def from_attendance(self) -> bool:
        """Made from the room's record of a session (even if the session was deleted since)."""
        return self.prefilled_hours is not None

    @property
    def hours_above_prefilled(self) -> bool:
        """More hours claimed than the session's length: allowed (preparation and travel time
        count), but shown to the reviewer to check."""
        return self.prefilled_hours is not None and self.hours > self.prefilled_hours


@register_setting(icon="group")
class MatchingWeights(BaseGenericSetting):
    """How matching ranks experts for an opportunity: points for fit, and points for fairness so
    the same few people do not keep rising. Commissioners see these on every matches page and
    set them in the admin (Settings → Matching weights). Each invitation keeps the weights in
    force when it was sent."""

    experience_area = models.PositiveSmallIntegerField(
        _("each matching area of lived experience"), default=3
    )
    skill = models.PositiveSmallIntegerField(_("each matching skill"), default=2)
    locality = models.PositiveSmallIntegerField(_("lives or works in one of the places"), default=2)
    language = models.PositiveSmallIntegerField(_("each matching language"), default=1)
    availability = models.PositiveSmallIntegerField(_("each matching time of day"), default=1)
    interest = models.PositiveSmallIntegerField(_("said they are interested"), default=2)
    recent_invitation = models.PositiveSmallIntegerField(
        _("points off for each invitation in the last 12 months"), default=1
    )
    recent_paid_hours = models.PositiveSmallIntegerField(
        _("points off for each full 10 paid hours in the last 12 months"), default=1
    )
    new_to_involvement = models.PositiveSmallIntegerField(
        _("new to involvement (never took part before)"), default=2
    )
    under_represented_area = models.PositiveSmallIntegerField(
        _("lives in an area under-represented among people already involved"), default=2
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("experience_area"),
                FieldPanel("skill"),
                FieldPanel("locality"),
                FieldPanel("language"),
                FieldPanel("availability"),
                FieldPanel("interest"),
            ],
            heading=_("Fit"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("recent_invitation"),
                FieldPanel("recent_paid_hours"),
                FieldPanel("new_to_involvement"),
                FieldPanel("under_represented_area"),
            ],
            heading=_("Fairness"),
        ),
    ]

    class Meta:
        verbose_name = _("matching weights")
        verbose_name_plural = _("matching weights")

    FIELDS = (
        "experience_area",
        "skill",
        "locality",
        "language",
        "availability",
        "interest",
        "recent_invitation",
        "recent_paid_hours",
        "new_to_involvement",
        "under_represented_area",
    )

    def as_dict(self) -> dict[str, int]:
        """The weights as stored with each invitation."""
        return {name: getattr(self, name) for name in self.FIELDS}

    def labelled(self) -> list[tuple[str, int]]:
        """(label, weight) for each weight, in the order the matches page lists them."""
        return [
            (str(self._meta.get_field(name).verbose_name), getattr(self, name))
            for name in self.FIELDS
        ]


class LotteryAnswers(models.Model):
    """Four optional equality answers a person gives when expressing interest in an opportunity
    whose panel is drawn by lottery. Kept apart from the profile, used only for the draw, shown
    to nobody one by one, deleted with the expression of interest (and by erasure)."""

    AgeBand = EqualityMonitoring.AgeBand
    YesNo = EqualityMonitoring.YesNo
    Ethnicity = EqualityMonitoring.Ethnicity

    interest = models.OneToOneField(
        ExpressionOfInterest, on_delete=models.CASCADE, related_name="lottery_answers"
    )
    age_band = models.CharField(
        _("age"), max_length=12, choices=AgeBand.choices, default=AgeBand.PREFER_NOT
    )
    disability = models.CharField(
        _("disabled or a long-term condition"),
        max_length=12,
        choices=YesNo.choices,
        default=YesNo.PREFER_NOT,
    )
    ethnicity = models.CharField(
        _("ethnic group"), max_length=12, choices=Ethnicity.choices, default=Ethnicity.PREFER_NOT
    )
    area = models.ForeignKey(
        Locality,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("area you live in"),
    )
    consented_at = models.DateTimeField()

    class Meta:
        verbose_name = _("lottery answers")
        verbose_name_plural = _("lottery answers")

    def __str__(self):
        return f"Lottery answers for interest {self.interest_id}"


class LotteryDraw(models.Model):
    """One draw of a panel by lottery, with everything needed to run it again and check it: the
    pool as it was (interest ids and their four answers, no names), the quotas, the panel size,
    the seed and the algorithm that ran."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="lottery_draws"
    )
    panel_size = models.PositiveIntegerField()
    quotas = models.JSONField(help_text="{feature: {value: [min, max]}}")
    pool = models.JSONField(help_text="[{id, age_band, disability, ethnicity, area}] as drawn")
    seed = models.BigIntegerField()
    algorithm = models.CharField(max_length=20)
    selected = models.JSONField(default=list, help_text="interest ids chosen")
    report = models.TextField(blank=True)
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lottery_draws"
    )
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-drawn_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seed__gt=0), name="engagement_lotterydraw_seed_positive"
            ),
        ]

    def __str__(self):
        return f"Draw {self.pk} for {self.opportunity}"


class LotteryRequest(models.Model):
    """A draw asked for and run in the background (the draw takes seconds to minutes): the
    inputs as the commissioner gave them, the seed fixed when asked (so a queued draw is as
    checkable as a finished one), where it has got to, and the draw it made or why it could
    not."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to start")
        RUNNING = "running", _("Drawing")
        DONE = "done", _("Drawn")
        FAILED = "failed", _("Could not be drawn")

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="lottery_requests"
    )
    panel_size = models.PositiveIntegerField()
    quotas = models.JSONField(help_text="{feature: {value: [min, max]}}")
    seed = models.BigIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.TextField(blank=True)
    draw = models.OneToOneField(
        LotteryDraw, on_delete=models.SET_NULL, null=True, blank=True, related_name="request"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="lottery_requests"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(seed__gt=0), name="engagement_lotteryrequest_seed_positive"
            ),
        ]

    def __str__(self):
        return f"Lottery request {self.pk} for {self.opportunity}"
