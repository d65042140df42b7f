"""The passport form: every need as one accessible list of checkboxes, then contact, payment
and consent."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce import equality

from .models import (
    EQUALITY_FIELDS,
    NEEDS,
    PAYMENT_BENEFITS_WARNING,
    TICKED_NEEDS,
    ContactFormat,
    ContactMethod,
    EqualityAnswers,
    Passport,
    PaymentChoice,
)

NEED_CHOICES = [(need.key, need.label) for need in NEEDS if not need.is_text]


class _ConsentOnce(forms.Form):
    """A form with a `consent` box asked only until consent is given (`has_consent`), and
    required while it is asked, with the form's own message (`consent_missing`)."""

    consent_missing = ""

    def __init__(self, *args, has_consent: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_consent = has_consent
        if has_consent:
            del self.fields["consent"]

    def clean(self):
        data = super().clean()
        if not self.has_consent and not data.get("consent"):
            self.add_error("consent", self.consent_missing)
        return data


class PassportForm(_ConsentOnce):
    consent_missing = _("Tick the box to agree, so we can keep your passport")
    needs = forms.MultipleChoiceField(
        label=_("What would help you take part?"),
        choices=NEED_CHOICES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Select all that apply. You choose, for each session, what its facilitators see."
        ),
    )
    interpreter_language = forms.CharField(
        label=_("If you need another interpreter, which language?"),
        required=False,
        max_length=100,
        help_text=_("For example, Polish, Urdu or Deafblind manual."),
    )
    dietary = forms.CharField(
        label=_("Dietary needs"),
        required=False,
        max_length=255,
        help_text=_("For example, vegetarian, halal, or a nut allergy."),
    )
    other_needs = forms.CharField(
        label=_("Anything else, in your own words"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    contact_method = forms.ChoiceField(
        label=_("How would you like us to contact you?"),
        choices=ContactMethod.choices,
        initial=ContactMethod.EMAIL,
        widget=forms.RadioSelect,
    )
    contact_format = forms.ChoiceField(
        label=_("In what format would you like what we send you?"),
        choices=ContactFormat.choices,
        initial=ContactFormat.STANDARD,
        widget=forms.RadioSelect,
    )
    payment_preference = forms.ChoiceField(
        label=_("How would you like to receive involvement payments?"),
        choices=[*PaymentChoice.choices, ("", _("I will choose each time"))],
        required=False,
        widget=forms.RadioSelect,
        help_text=PAYMENT_BENEFITS_WARNING,
    )
    consent = forms.BooleanField(
        label=_(
            "I agree that my passport is kept, so I do not have to explain my needs again. "
            "Nothing in it is shared with anyone unless I choose to share it for a session"
        ),
        required=False,
    )

    def clean(self):
        data = super().clean()
        if (
            "interpreter" in data.get("needs", [])
            and not data.get("interpreter_language", "").strip()
        ):
            self.add_error(
                "interpreter_language", _("Say which language the interpreter should speak")
            )
        return data

    @classmethod
    def initial_for(cls, passport: Passport | None) -> dict:
        if passport is None:
            return {}
        return {
            "needs": [key for key in TICKED_NEEDS if getattr(passport, key)],
            "interpreter_language": passport.interpreter_language,
            "dietary": passport.dietary,
            "other_needs": passport.other_needs,
            "contact_method": passport.contact_method,
            "contact_format": passport.contact_format,
            "payment_preference": passport.payment_preference,
        }


def _question(name: str, choices) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=equality.QUESTIONS[name],
        choices=choices,
        widget=forms.RadioSelect,
        required=False,
    )


class EqualityAnswersForm(_ConsentOnce):
    """The passport's "about you" section: the consultations' equality monitoring questions
    (same wording, same choices), every one optional and with "Prefer not to say", and a
    consent box of its own the first time."""

    consent_missing = _("Tick the box to agree, so we can keep your answers")

    age_band = _question("age_band", equality.AgeBand.choices)
    sex = _question("sex", equality.Sex.choices)
    ethnicity = _question("ethnicity", equality.Ethnicity.choices)
    disability = _question("disability", equality.YesNo.choices)
    carer = _question("carer", equality.YesNo.choices)
    consent = forms.BooleanField(
        label=_(
            "I agree that my answers are kept and used only for counts of groups of people, "
            "never shown with my name and never used to choose me"
        ),
        required=False,
    )

    @classmethod
    def initial_for(cls, answers: EqualityAnswers | None) -> dict:
        if answers is None:
            return {}
        return {name: getattr(answers, name) for name in EQUALITY_FIELDS}
