"""Forms for decisions: filtering the log, rating a decision, acting on a sign-off."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.form_rendering import UK_DATE_INPUT_FORMATS
from engagement.consultations.models import ConsultationTopic
from engagement.decisions.models import DecisionStatus


class DecisionFilterForm(forms.Form):
    topic = forms.ModelChoiceField(
        label=_("Topic"),
        queryset=ConsultationTopic.objects.all(),
        required=False,
        empty_label=_("All topics"),
        to_field_name="slug",
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("Any status")), *DecisionStatus.choices],
        required=False,
    )
    # Plain text with a worked example, as NHS.UK advises, rather than the browser's date
    # picker, whose format follows the browser's locale and confuses screen reader users.
    decided_from = forms.DateField(
        label=_("Decided on or after"),
        required=False,
        help_text=_("For example, 31/3/2026"),
        input_formats=UK_DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"autocomplete": "off", "class": "nhsuk-input--width-10"}),
        error_messages={"invalid": _("Enter a date like 31/3/2026.")},
    )
    decided_to = forms.DateField(
        label=_("Decided on or before"),
        required=False,
        help_text=_("For example, 31/12/2026"),
        input_formats=UK_DATE_INPUT_FORMATS,
        widget=forms.DateInput(attrs={"autocomplete": "off", "class": "nhsuk-input--width-10"}),
        error_messages={"invalid": _("Enter a date like 31/12/2026.")},
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("decided_from"), cleaned.get("decided_to")
        if start and end and end < start:
            self.add_error("decided_to", _("The end date must be on or after the start date."))
        return cleaned


RATING_CHOICES = [
    (5, _("5 – Yes, completely")),
    (4, _("4 – Mostly")),
    (3, _("3 – Partly")),
    (2, _("2 – Not much")),
    (1, _("1 – Not at all")),
]


class DecisionRatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Does this reflect what people said?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how well this reflects what people said.")},
    )
    comment = forms.CharField(
        label=_("Tell us why (optional)"),
        help_text=_(
            "You can challenge the level of involvement we stated here. Do not include "
            "anyone's name."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SignOffForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Do the 'you said' points fairly reflect what people said?"),
        choices=[
            ("approve", _("Yes, they fairly reflect what people said")),
            ("reject", _("No, send it back with a comment")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether to confirm or send it back.")},
    )
    comment = forms.CharField(
        label=_("Comment"),
        help_text=_("Needed if you send it back: say what needs to change."),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "reject" and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Say what needs to change before you send it back."))
        return cleaned


class NotificationPreferenceForm(forms.Form):
    decision_emails = forms.BooleanField(
        label=_("Email me when a decision I took part in is published or updated"),
        help_text=_("Your notifications here stay on either way."),
        required=False,
    )
