"""Forms for profiles, the directory, opportunities, invitations, claims and erasure."""

from datetime import timedelta
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from coproduce.form_rendering import UK_DATE_INPUT_FORMATS
from coproduce.passport.models import PAYMENT_BENEFITS_WARNING
from deliberation.models import CoproductionGroup
from engagement.profiles.models import (
    CLAIM_MAX_AGE_DAYS,
    Availability,
    ExperienceArea,
    ExpertProfile,
    Language,
    Locality,
    LotteryAnswers,
    Opportunity,
    PaymentClaim,
    PreferredFormat,
    Skill,
)

MAX_BIO_LENGTH = 3000


def _terms(model, label, help_text=""):
    return forms.ModelMultipleChoiceField(
        label=label,
        queryset=model.objects.order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=help_text,
    )


class ProfileForm(forms.Form):
    display_name = forms.CharField(
        error_messages={"required": _("Enter a display name")},
        label=_("Display name"),
        max_length=150,
        help_text=_("The name others see. You can use a first name or a name you choose."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname"}),
    )
    bio = forms.CharField(
        label=_("About you"),
        required=False,
        max_length=MAX_BIO_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "What you know from your own experience and what you would like to help with. "
            "Leave a blank line between paragraphs. Web addresses become links."
        ),
    )
    experience_areas = _terms(ExperienceArea, _("Areas of lived experience"))
    other_experience = forms.CharField(
        label=_("Other lived experience"),
        required=False,
        max_length=255,
        help_text=_("In your own words, separated by commas. For example: stroke, sight loss."),
    )
    skills = _terms(Skill, _("Skills"))
    localities = _terms(
        Locality, _("Where you live or use services"), _("Integrated care board or council area.")
    )
    languages = _terms(Language, _("Languages you can take part in"))
    availability = forms.MultipleChoiceField(
        label=_("When you can take part"),
        choices=Availability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    availability_notes = forms.CharField(
        label=_("More about when you can take part"), required=False, max_length=255
    )
    preferred_formats = forms.MultipleChoiceField(
        label=_("Formats you prefer for papers and information"),
        choices=PreferredFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    visibility = forms.ChoiceField(
        error_messages={"required": _("Choose who can see your profile")},
        label=_("Who can see your profile"),
        choices=ExpertProfile.Visibility.choices,
        widget=forms.RadioSelect,
        initial=ExpertProfile.Visibility.PRIVATE,
    )
    show_involvement_record = forms.BooleanField(
        label=_("Show my involvement record and badges on my profile"), required=False
    )
    consent_to_profile = forms.BooleanField(
        label=_(
            "I agree that my profile is kept and shown to the people I chose above, so I can be "
            "found and invited to take part"
        ),
        required=False,
    )

    def __init__(self, *args, has_profile_consent=False, **kw):
        super().__init__(*args, **kw)
        self.has_profile_consent = has_profile_consent
        if has_profile_consent:
            del self.fields["consent_to_profile"]

    def clean(self):
        data = super().clean()
        if not self.has_profile_consent and not data.get("consent_to_profile"):
            self.add_error(
                "consent_to_profile", _("Tick the box to agree, so we can keep your profile")
            )
        return data

    @classmethod
    def initial_for(cls, profile: ExpertProfile) -> dict:
        return {
            "display_name": profile.display_name,
            "bio": profile.bio,
            "experience_areas": list(profile.experience_areas.all()),
            "other_experience": profile.other_experience,
            "skills": list(profile.skills.all()),
            "localities": list(profile.localities.all()),
            "languages": list(profile.languages.all()),
            "availability": profile.availability,
            "availability_notes": profile.availability_notes,
            "preferred_formats": profile.preferred_formats,
            "visibility": profile.visibility,
            "show_involvement_record": profile.show_involvement_record,
        }


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search by words"),
        required=False,
        max_length=200,
        help_text=_("For example: wheelchair, recruitment, Eastbridge."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    experience_areas = _terms(ExperienceArea, _("Lived experience"))
    skills = _terms(Skill, _("Skills"))
    localities = _terms(Locality, _("Locality"))
    languages = _terms(Language, _("Language"))
    availability = forms.MultipleChoiceField(
        label=_("Available"),
        choices=Availability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class OpportunityForm(forms.Form):
    title = forms.CharField(
        error_messages={"required": _("Enter a title")}, label=_("Title"), max_length=200
    )
    summary = forms.CharField(
        error_messages={"required": _("Enter a summary")},
        label=_("Summary"),
        max_length=300,
        help_text=_("One or two sentences."),
    )
    what_it_involves = forms.CharField(
        error_messages={"required": _("Say what it involves")},
        label=_("What it involves"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )
    time_commitment = forms.CharField(
        error_messages={"required": _("Enter the time commitment")},
        label=_("Time commitment"),
        max_length=200,
        help_text=_("For example, 2 hours a month for a year."),
    )
    format = forms.ChoiceField(
        error_messages={"required": _("Choose the format")},
        label=_("Format"),
        choices=Opportunity.Format.choices,
        widget=forms.RadioSelect,
    )
    hourly_rate = forms.DecimalField(
        error_messages={"required": _("Enter the involvement payment per hour, for example 25")},
        label=_("Involvement payment per hour, in pounds"),
        min_value=Decimal("0"),
        max_digits=6,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-5"}),
    )
    expenses = forms.CharField(
        error_messages={"required": _("Say which expenses are paid")},
        label=_("Expenses"),
        max_length=255,
        initial=_("Travel, care and support costs paid at cost."),
    )
    experience_areas = _terms(ExperienceArea, _("Lived experience wanted"))
    skills = _terms(Skill, _("Skills wanted"))
    localities = _terms(Locality, _("Localities"))
    languages = _terms(Language, _("Languages"))
    times_needed = forms.MultipleChoiceField(
        label=_("When it happens"),
        choices=Availability.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    closes_on = forms.DateField(
        label=_("Closing date"),
        required=False,
        help_text=_("For example, 31/3/2027."),
        input_formats=UK_DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "nhsuk-input--width-10"}),
    )
    coproduction_group = forms.ModelChoiceField(
        label=_("Co-production group whose sessions this rate pays (optional)"),
        queryset=CoproductionGroup.objects.order_by("name"),
        required=False,
        empty_label=_("None"),
        help_text=_(
            "Members who take part in the group's sessions can then claim for each session, "
            "pre-filled from the room's record of who was there."
        ),
    )
    selected_by_lottery = forms.BooleanField(
        label=_("Choose the panel by lottery from the people who express interest"),
        required=False,
        help_text=_(
            "They are asked four optional questions (age, disability, ethnic group, area), "
            "used only to draw a panel that matches your quotas."
        ),
    )


class InterestForm(forms.Form):
    message = forms.CharField(
        label=_("Anything you would like to add (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LotteryAnswersForm(forms.Form):
    """The four optional questions for an opportunity whose panel is drawn by lottery. Nothing
    is kept unless the person ticks the consent box."""

    age_band = forms.ChoiceField(
        label=_("Your age"),
        choices=[("", _("Choose")), *LotteryAnswers.AgeBand.choices],
        required=False,
    )
    disability = forms.ChoiceField(
        label=_("Are you disabled, or do you have a long-term health condition?"),
        choices=LotteryAnswers.YesNo.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    ethnicity = forms.ChoiceField(
        label=_("Your ethnic group"),
        choices=LotteryAnswers.Ethnicity.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    area = forms.ModelChoiceField(
        label=_("The area you live in"),
        queryset=Locality.objects.filter(kind=Locality.Kind.LOCAL_AUTHORITY),
        required=False,
        empty_label=_("Prefer not to say"),
    )
    consent = forms.BooleanField(
        label=_(
            "Use my answers only to draw a panel that reflects the people who live here. "
            "Nobody sees them one by one, and they are deleted with my interest."
        ),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        answered = any(
            cleaned.get(name) for name in ("age_band", "disability", "ethnicity", "area")
        )
        if answered and not cleaned.get("consent"):
            self.add_error(
                "consent",
                _("Tick the box to let us use your answers for the draw, or leave them blank"),
            )
        return cleaned


class LotteryForm(forms.Form):
    """Panel size, seed, and a minimum and maximum for every group in the pool. `groups` is
    [(feature, value, label, default minimum, default maximum)]."""

    panel_size = forms.IntegerField(
        label=_("How many people on the panel"),
        min_value=1,
        error_messages={"required": _("Enter how many people the panel needs")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-4"}),
    )
    seed = forms.IntegerField(
        label=_("Seed (optional)"),
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_(
            "Leave empty for a random one. To let anyone check the draw, use a number drawn "
            "in public, for example from a national lottery result."
        ),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "nhsuk-input--width-10"}),
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.groups = groups
        for feature, value, label, low, high in groups:
            for end, default in (("min", low), ("max", high)):
                self.fields[f"{feature}__{value}__{end}"] = forms.IntegerField(
                    label=f"{label}: {_('at least') if end == 'min' else _('at most')}",
                    min_value=0,
                    initial=default,
                    error_messages={"required": _("Enter a number, 0 or more")},
                    widget=forms.TextInput(
                        attrs={"inputmode": "numeric", "class": "nhsuk-input--width-3"}
                    ),
                )

    def quotas(self) -> dict:
        """{feature: {value: [min, max]}} from the cleaned fields."""
        quotas: dict = {}
        for feature, value, _label, _low, _high in self.groups:
            quotas.setdefault(feature, {})[value] = [
                self.cleaned_data[f"{feature}__{value}__min"],
                self.cleaned_data[f"{feature}__{value}__max"],
            ]
        return quotas

    def clean(self):
        cleaned = super().clean()
        for feature, value, label, _low, _high in self.groups:
            low = cleaned.get(f"{feature}__{value}__min")
            high = cleaned.get(f"{feature}__{value}__max")
            if low is not None and high is not None and low > high:
                self.add_error(
                    f"{feature}__{value}__min",
                    _("%(group)s: the minimum must be no more than the maximum") % {"group": label},
                )
        return cleaned


class InvitationForm(forms.Form):
    message = forms.CharField(
        label=_("Message to go with the invitation (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class InvitationResponseForm(forms.Form):
    answer = forms.ChoiceField(
        error_messages={"required": _("Choose yes or no")},
        label=_("Your answer"),
        choices=[("accept", _("Yes, I will take part")), ("decline", _("No, thank you"))],
        widget=forms.RadioSelect,
    )


# A claim is for work done: not in the future, and not so long ago that it cannot be checked
# (CLAIM_MAX_AGE_DAYS).


class ClaimForm(forms.Form):
    claimant = forms.ModelChoiceField(label=_("Who the claim is for"), queryset=None, required=True)
    worked_on = forms.DateField(
        error_messages={"required": _("Enter the date of the session or task")},
        label=_("Date of the session or task"),
        help_text=_("For example, 17/11/2026."),
        input_formats=UK_DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "nhsuk-input--width-10"}),
    )
    description = forms.CharField(
        error_messages={"required": _("Say what you did")}, label=_("What you did"), max_length=255
    )
    hours = forms.DecimalField(
        error_messages={"required": _("Enter the hours, for example 2.5")},
        label=_("Hours"),
        min_value=Decimal("0.25"),
        max_value=Decimal("24"),
        max_digits=5,
        decimal_places=2,
        help_text=_("Include preparation time. For example, 2.5 for two and a half hours."),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-5"}),
    )
    payment_choice = forms.ChoiceField(
        error_messages={
            "required": _("Choose how you would like to receive your involvement payment")
        },
        label=_("How you would like to receive your involvement payment"),
        choices=PaymentClaim.PaymentChoice.choices,
        widget=forms.RadioSelect,
        help_text=PAYMENT_BENEFITS_WARNING,
    )
    expenses_amount = forms.DecimalField(
        label=_("Expenses, in pounds"),
        required=False,
        min_value=Decimal("0"),
        max_digits=8,
        decimal_places=2,
        initial=Decimal("0"),
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "nhsuk-input--width-5"}),
    )
    expenses_description = forms.CharField(
        label=_("What the expenses were for"),
        required=False,
        max_length=255,
        help_text=_("For example: bus fares £6.40, carer's time £24."),
    )

    def __init__(self, *args, claimants=None, **kwargs):
        super().__init__(*args, **kwargs)
        if claimants is None:
            del self.fields["claimant"]
        else:
            self.fields["claimant"].queryset = claimants
            self.fields["claimant"].label_from_instance = lambda user: user.public_name

    def clean_expenses_amount(self):
        return self.cleaned_data.get("expenses_amount") or Decimal("0")

    def clean_worked_on(self):
        worked_on = self.cleaned_data["worked_on"]
        today = timezone.localdate()
        if worked_on > today:
            raise forms.ValidationError(
                _("The date of the session or task must be today or in the past")
            )
        if worked_on < today - timedelta(days=CLAIM_MAX_AGE_DAYS):
            raise forms.ValidationError(
                _(
                    "The date of the session or task must be in the last 12 months. For work "
                    "before that, contact the commissioner for this opportunity."
                )
            )
        return worked_on

    def clean(self):
        data = super().clean()
        if data.get("expenses_amount") and not data.get("expenses_description"):
            self.add_error("expenses_description", _("Say what the expenses were for"))
        return data


class ClaimHistoryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *PaymentClaim.Status.choices],
    )
    person = forms.CharField(
        label=_("Person"),
        required=False,
        max_length=200,
        help_text=_("Part of a name or email address."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class ClaimPaidForm(forms.Form):
    paid_on = forms.DateField(
        error_messages={
            "required": _("Enter the date it was paid"),
            "invalid": _("Enter the date it was paid as a date, for example 17/11/2026"),
        },
        label=_("Date paid"),
        help_text=_("For example, 17/11/2026."),
        input_formats=UK_DATE_INPUT_FORMATS,
        widget=forms.DateInput(format="%d/%m/%Y", attrs={"class": "nhsuk-input--width-10"}),
    )


class ClaimReviewForm(forms.Form):
    decision = forms.ChoiceField(
        error_messages={"required": _("Choose approve or query")},
        label=_("Your decision"),
        choices=[("approve", _("Approve")), ("query", _("Query it"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("What needs to change"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed if you query the claim. The person sees this."),
    )

    def clean(self):
        data = super().clean()
        if data.get("decision") == "query" and not data.get("note", "").strip():
            self.add_error("note", _("Say what needs to change"))
        return data


class EraseAccountForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand my account and personal data will be deleted and cannot be recovered"
        ),
        error_messages={"required": _("Tick the box to confirm you want to delete your account")},
    )
