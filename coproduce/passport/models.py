"""The involvement passport: a person's access needs, contact and payment preferences, kept once
with their consent and shared with a session's facilitators only item by item, by their choice
(`deliberation.SessionAttendance.shared_needs`); and, under a consent of its own, the optional
"about you" section (`EqualityAnswers`), used only for counts of who took part in a group."""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coproduce import equality


class PaymentChoice(models.TextChoices):
    """How someone likes to be paid for their time. The payment claim uses the same choices."""

    PAID = "paid", _("Pay me")
    VOUCHER = "voucher", _("Give me a voucher instead")
    DECLINED = "declined", _("I do not want to be paid for my time")


# The claim form's warning, said wherever someone chooses how to be paid.
PAYMENT_BENEFITS_WARNING = _(
    "Payments can affect some welfare benefits. Whatever you choose, we pay your expenses."
)


class ContactMethod(models.TextChoices):
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone call")
    TEXT = "text", _("Text message")
    POST = "post", _("Letter, by post")


class ContactFormat(models.TextChoices):
    STANDARD = "standard", _("Standard")
    EASY_READ = "easy_read", _("Easy Read")
    LARGE_PRINT = "large_print", _("Large print")
    AUDIO = "audio", _("Audio")
    BSL = "bsl", _("British Sign Language video")


@dataclass(frozen=True)
class Need:
    """One thing a person may need arranged. `key` names the passport field holding it and is
    what a person shares with a session's facilitators."""

    key: str
    label: str
    # What the facilitator's to-do list says for n people needing it.
    todo_singular: str
    todo_plural: str
    # True for needs held as the person's own words rather than a tick.
    is_text: bool = False

    def todo(self, count: int) -> str:
        return ngettext(self.todo_singular, self.todo_plural, count) % {"count": count}


NEEDS: tuple[Need, ...] = (
    Need(
        "bsl_interpreter",
        _("British Sign Language (BSL) interpreter"),
        "%(count)d BSL interpreter (British Sign Language)",
        "%(count)d BSL interpreters (British Sign Language)",
    ),
    Need(
        "interpreter",
        _("Another interpreter"),
        "%(count)d interpreter",
        "%(count)d interpreters",
    ),
    Need(
        "live_captions",
        _("Live captions"),
        "%(count)d person needs live captions",
        "%(count)d people need live captions",
    ),
    Need(
        "easy_read",
        _("Easy Read papers"),
        "%(count)d set of Easy Read papers",
        "%(count)d sets of Easy Read papers",
    ),
    Need(
        "large_print",
        _("Large print papers"),
        "%(count)d set of large print papers",
        "%(count)d sets of large print papers",
    ),
    Need(
        "audio",
        _("Papers in audio"),
        "%(count)d set of papers in audio",
        "%(count)d sets of papers in audio",
    ),
    Need(
        "breaks",
        _("Regular breaks"),
        "%(count)d person needs regular breaks",
        "%(count)d people need regular breaks",
    ),
    Need(
        "carer_attending",
        _("A carer or personal assistant coming with me"),
        "%(count)d carer or personal assistant coming (a place for them)",
        "%(count)d carers or personal assistants coming (places for them)",
    ),
    Need(
        "step_free_access",
        _("Step-free access"),
        "%(count)d person needs step-free access",
        "%(count)d people need step-free access",
    ),
    Need(
        "hearing_loop",
        _("A hearing loop"),
        "%(count)d hearing loop",
        "1 hearing loop (%(count)d people use it)",
    ),
    Need(
        "quiet_space",
        _("A quiet space"),
        "%(count)d person needs a quiet space",
        "%(count)d people need a quiet space",
    ),
    Need(
        "dietary",
        _("Dietary needs"),
        "%(count)d person with dietary needs",
        "%(count)d people with dietary needs",
        is_text=True,
    ),
    Need(
        "other_needs",
        _("Anything else, in my own words"),
        "%(count)d person told you something else",
        "%(count)d people told you something else",
        is_text=True,
    ),
)
NEEDS_BY_KEY = {need.key: need for need in NEEDS}
TICKED_NEEDS = tuple(need.key for need in NEEDS if not need.is_text)


class Passport(models.Model):
    """One person's involvement passport. Kept only with their consent (`consent_given_at`,
    under `privacy_notice_version`); withdrawing the consent deletes it."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="passport"
    )
    bsl_interpreter = models.BooleanField(
        _("British Sign Language (BSL) interpreter"), default=False
    )
    interpreter = models.BooleanField(_("Another interpreter"), default=False)
    interpreter_language = models.CharField(
        _("Which language should the interpreter speak?"), max_length=100, blank=True
    )
    live_captions = models.BooleanField(_("Live captions"), default=False)
    easy_read = models.BooleanField(_("Easy Read papers"), default=False)
    large_print = models.BooleanField(_("Large print papers"), default=False)
    audio = models.BooleanField(_("Papers in audio"), default=False)
    breaks = models.BooleanField(_("Regular breaks"), default=False)
    carer_attending = models.BooleanField(
        _("A carer or personal assistant coming with me"), default=False
    )
    step_free_access = models.BooleanField(_("Step-free access"), default=False)
    hearing_loop = models.BooleanField(_("A hearing loop"), default=False)
    quiet_space = models.BooleanField(_("A quiet space"), default=False)
    dietary = models.CharField(_("Dietary needs"), max_length=255, blank=True)
    other_needs = models.TextField(_("Anything else, in your own words"), blank=True)
    contact_method = models.CharField(
        _("How would you like us to contact you?"),
        max_length=10,
        choices=ContactMethod.choices,
        default=ContactMethod.EMAIL,
    )
    contact_format = models.CharField(
        _("In what format?"),
        max_length=12,
        choices=ContactFormat.choices,
        default=ContactFormat.STANDARD,
    )
    payment_preference = models.CharField(
        _("How would you like to receive involvement payments?"),
        max_length=10,
        choices=PaymentChoice.choices,
        blank=True,
    )
    privacy_notice_version = models.CharField(max_length=20)
    consent_given_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("involvement passport")
        verbose_name_plural = _("involvement passports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(payment_preference__in=["", "paid", "voucher", "declined"]),
                name="passport_payment_preference_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(interpreter=True) | models.Q(interpreter_language=""),
                name="passport_language_only_with_interpreter",
            ),
        ]

    def __str__(self):
        return f"Passport of {self.user_id}"

    def has(self, key: str) -> bool:
        """Whether this passport records the need `key` (a tick, or words typed)."""
        value = getattr(self, key)
        return bool(value.strip()) if isinstance(value, str) else bool(value)

    @property
    def needs(self) -> list[Need]:
        return [need for need in NEEDS if self.has(need.key)]

    def describe(self, key: str) -> str:
        """The need as a facilitator reads it: its label, with the language or the words."""
        need = NEEDS_BY_KEY[key]
        if key == "interpreter":
            language = self.interpreter_language or _("language not given")
            return f"{need.label} ({language})"
        if need.is_text:
            return f"{need.label}: {getattr(self, key)}"
        return str(need.label)


# What a person agrees to when they answer the passport's "about you" questions. Its own
# purpose, apart from the passport's: shown above the consent box and kept in the privacy notice.
EQUALITY_PURPOSE = _(
    "Your answers are used only for counts of groups of people, to see whether the people who "
    "take part in our groups are like the people who live here. They are never shown with your "
    "name, and never used to choose you for anything."
)
EQUALITY_FIELDS = ("age_band", "sex", "ethnicity", "disability", "carer")


class EqualityAnswers(models.Model):
    """The passport's optional "about you" section: the consultations' equality monitoring
    questions (the same choices, `coproduce.equality`), kept under a consent of their own and
    used only for counts of the people who took part in a co-production group
    (docs/representativeness.md). Never shown one by one, never read by matching or the
    lottery. An empty answer is a question skipped; withdrawing the consent deletes the row."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="equality_answers"
    )
    age_band = models.CharField(
        _("age"), max_length=20, choices=equality.AgeBand.choices, blank=True
    )
    sex = models.CharField(_("sex"), max_length=20, choices=equality.Sex.choices, blank=True)
    ethnicity = models.CharField(
        _("ethnic group"), max_length=20, choices=equality.Ethnicity.choices, blank=True
    )
    disability = models.CharField(
        _("do you consider yourself disabled?"),
        max_length=20,
        choices=equality.YesNo.choices,
        blank=True,
    )
    carer = models.CharField(
        _("do you look after someone?"),
        max_length=20,
        choices=equality.YesNo.choices,
        blank=True,
    )
    privacy_notice_version = models.CharField(max_length=20)
    consent_given_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("equality monitoring answers")
        verbose_name_plural = _("equality monitoring answers")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(**{f"{name}__in": ["", *choices.values]}),
                name=f"passport_equality_{name}_valid",
            )
            for name, choices in (
                ("age_band", equality.AgeBand),
                ("sex", equality.Sex),
                ("ethnicity", equality.Ethnicity),
                ("disability", equality.YesNo),
                ("carer", equality.YesNo),
            )
        ]

    def __str__(self):
        return f"Equality monitoring answers of {self.user_id}"

    def described(self) -> list[tuple[str, str]]:
        """(question, answer) for each question, as the person reads them (their own page and
        their download)."""
        return [
            (str(equality.QUESTIONS[name]), str(getattr(self, f"get_{name}_display")() or ""))
            for name in EQUALITY_FIELDS
        ]
