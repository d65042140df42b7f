from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SessionAttendance


class AttendanceForm(forms.Form):
    """Are you coming, and what would help you take part?"""

    attending = forms.TypedChoiceField(
        label=_("Are you coming to this session?"),
        choices=[("yes", _("Yes, I am coming")), ("no", _("No, I cannot come"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    share_needs = forms.BooleanField(
        label=_("Share my access and support needs with the facilitators of this session"),
        required=False,
        help_text=_("Only the facilitators see them. If you leave this unticked, we keep none."),
    )
    support_needs = forms.MultipleChoiceField(
        label=_("What would help you take part?"),
        choices=SessionAttendance.Support.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Select all that apply."),
    )
    other_needs = forms.CharField(
        label=_("Anything else the facilitators should know"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @classmethod
    def initial_for(cls, attendance: SessionAttendance | None) -> dict:
        if attendance is None:
            return {}
        return {
            "attending": "yes" if attendance.attending else "no",
            "share_needs": attendance.share_needs,
            "support_needs": attendance.support_needs,
            "other_needs": attendance.other_needs,
        }


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
