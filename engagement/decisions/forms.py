"""Forms for decisions: filtering the log, rating a decision, acting on a sign-off."""

from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.form_rendering import UK_DATE_INPUT_FORMATS
from engagement.consultations.models import ConsultationTopic
from engagement.decisions.models import DecisionStatus, RatingCommentReport


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
    named = forms.BooleanField(
        label=_("Show my name in the sign-off record"),
        help_text=_("Otherwise the record says “a member with lived experience”."),
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "reject" and not cleaned.get("comment", "").strip():
            self.add_error("comment", _("Say what needs to change before you send it back."))
        return cleaned


class NotificationPreferenceForm(forms.Form):
    """Which emails a person gets, kind by kind (every email also has a one-click link to stop
    its kind)."""

    decision_emails = forms.BooleanField(
        label=_("Email me when a decision I took part in is published or updated"),
        help_text=_("Your notifications here stay on either way."),
        required=False,
    )
    invitation_emails = forms.BooleanField(
        label=_("Email me when I am invited to take part"), required=False
    )
    reminder_emails = forms.BooleanField(
        label=_("Remind me a day and an hour before a session I am coming to"), required=False
    )
    session_emails = forms.BooleanField(
        label=_("Email me about my places at sessions"),
        help_text=_("When I register, when a place frees for me, and when a session changes."),
        required=False,
    )
    claim_emails = forms.BooleanField(
        label=_("Email me when an involvement payment claim needs a change"), required=False
    )
    receipt_emails = forms.BooleanField(
        label=_("Email me a receipt when I send a response"), required=False
    )
    weekly_digest = forms.BooleanField(
        label=_("Send me one email a week instead of single emails"),
        help_text=_(
            "Decisions, invitations, claims and receipts wait for the weekly email. Reminders "
            "and changes to sessions still come when they are due."
        ),
        required=False,
    )


class DissentForm(forms.Form):
    view = forms.CharField(
        label=_("What do you disagree with?"),
        help_text=_(
            "It is published with the decision as a minority view. It does not stop the "
            "sign-off. Do not include anyone else's name."
        ),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say what you disagree with.")},
    )
    named = forms.BooleanField(label=_("Show my name with it"), required=False)


class ContestForm(forms.Form):
    """Contest the stated level or one point. `items` are the decision's points."""

    about = forms.ChoiceField(
        label=_("What do you contest?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the level or one of the points.")},
    )
    reason = forms.CharField(
        label=_("Why?"),
        help_text=_("Your reason is published with the commissioner's answer, without your name."),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Say why you contest it.")},
    )

    def __init__(self, *args, items=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["about"].choices = [
            ("level", _("The stated level of involvement")),
            *[
                (str(item.pk), _("Point %(n)d: %(text)s") % {"n": n, "text": item.you_said[:80]})
                for n, item in enumerate(items, start=1)
            ],
        ]

    def item_id(self) -> int | None:
        about = self.cleaned_data["about"]
        return None if about == "level" else int(about)


class ContestAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Your public answer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Write the answer people will read.")},
    )


class HideCommentForm(forms.Form):
    reason = forms.CharField(
        label=_("Why hide this comment?"),
        max_length=255,
        error_messages={"required": _("Say why the comment is hidden.")},
    )


class ReportCommentForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with it?"),
        choices=RatingCommentReport.Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what is wrong with the comment.")},
    )


class ThemeForm(forms.Form):
    name = forms.CharField(
        label=_("New theme"), max_length=200, error_messages={"required": _("Name the theme.")}
    )
    description = forms.CharField(
        label=_("What it covers (optional)"), max_length=1000, required=False
    )


class CodingSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search the answers and contributions"), required=False, max_length=200
    )
    uncoded = forms.BooleanField(label=_("Only those not yet coded"), required=False)


class IdListField(forms.Field):
    """A list of record ids (checkboxes the template draws beside each answer)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if not value:
            return []
        try:
            return [int(v) for v in value]
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Choose from the list.")) from None


class CodingForm(forms.Form):
    """Apply one or more themes to the selected answers and contributions."""

    themes = forms.TypedMultipleChoiceField(
        label=_("Themes to apply"),
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one theme.")},
    )
    answers = IdListField(required=False)
    contributions = IdListField(required=False)

    def __init__(self, *args, themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["themes"].choices = [(t.pk, t.name) for t in themes]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("answers") and not cleaned.get("contributions"):
            raise forms.ValidationError(_("Choose at least one answer or contribution."))
        return cleaned
