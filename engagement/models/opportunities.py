"""Involvement opportunities, the people interested in or invited to them, and the involvement
payment claims made against them."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .profiles import ExperienceArea, ExpertProfile, Language, Locality, Skill


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
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opportunities_posted"
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

    class PaymentChoice(models.TextChoices):
        PAID = "paid", _("Pay me")
        VOUCHER = "voucher", _("Give me a voucher instead")
        DECLINED = "declined", _("I do not want to be paid for my time")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Waiting for approval")
        APPROVED = "approved", _("Approved")
        QUERIED = "queried", _("Queried")

    opportunity = models.ForeignKey(Opportunity, on_delete=models.PROTECT, related_name="claims")
    # The person paid. The user row outlives erasure (anonymised), so finance records stay.
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payment_claims"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="payment_claims_recorded"
    )
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
    created_at = models.DateTimeField(auto_now_add=True)

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
                condition=models.Q(status__in=["submitted", "approved", "queried"]),
                name="engagement_paymentclaim_status_valid",
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
