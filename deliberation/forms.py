from django import forms
from django.utils.translation import gettext_lazy as _

from coproduce.passport.models import Passport

from .models import CONTACT_IN_FORMAT, SessionAttendance, contact_in_format
from .selectors import describe_contact


class AttendanceForm(forms.Form):
    """Are you coming? (What they share from their passport is `NeedsSharingForm`.)"""

    attending = forms.TypedChoiceField(
        label=_("Are you coming to this session?"),
        choices=[("yes", _("Yes, I am coming")), ("no", _("No, I cannot come"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )

    @classmethod
    def initial_for(cls, attendance: SessionAttendance | None) -> dict:
        if attendance is None:
            return {}
        return {"attending": "yes" if attendance.attending else "no"}


class NeedsSharingForm(forms.Form):
    """What from their involvement passport a person shares with this session's facilitators.
    The choices are the needs their passport records, described as the facilitators would read
    them; none is ticked until they tick it for this session."""

    shared_needs = forms.MultipleChoiceField(
        label=_("What may the facilitators of this session see?"),
        choices=[],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "From your involvement passport. Tick what you want to share for this session. "
            "If you tick nothing, we share nothing."
        ),
    )

    def __init__(self, *args, passport: Passport | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.passport = passport
        needs = passport.needs if passport is not None else []
        choices = [(need.key, passport.describe(need.key)) for need in needs]
        if contact_in_format(passport):
            choices.append((CONTACT_IN_FORMAT, describe_contact(passport)))
        self.fields["shared_needs"].choices = choices

    @property
    def has_needs(self) -> bool:
        return bool(self.fields["shared_needs"].choices)

    @classmethod
    def initial_for(cls, attendance: SessionAttendance | None) -> dict:
        return {"shared_needs": list(attendance.shared_needs) if attendance else []}


class SummaryForm(forms.Form):
    """The facilitator's record of a session, shown with its transcript."""

    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("What the group discussed and where it landed, in plain English."),
    )
    agreed_actions = forms.CharField(
        label=_("Agreed actions"),
        required=False,
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One action per line: who will do what, by when."),
    )
