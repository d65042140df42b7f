from django import forms
from django.utils.translation import gettext_lazy as _

from .models import STATEMENT_MAX_LENGTH, StatementVote


class StatementForm(forms.Form):
    """A new statement for others to vote on."""

    text = forms.CharField(
        label=_("Add a statement for others to vote on"),
        max_length=STATEMENT_MAX_LENGTH,
        help_text=_("One idea, up to 280 characters, that people can agree or disagree with."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": _("Enter your statement"),
            "max_length": _("Your statement must be 280 characters or fewer"),
        },
    )


class VoteForm(forms.Form):
    """Agree, disagree or pass on one statement (the buttons carry the vote)."""

    statement = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    vote = forms.TypedChoiceField(
        choices=[(str(value), label) for value, label in StatementVote.Choice.choices],
        coerce=int,
        error_messages={"required": _("Choose agree, disagree or pass")},
    )
