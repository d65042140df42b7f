"""The form an Editor gives and takes roles with."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import roles


class RolesForm(forms.Form):
    roles = forms.MultipleChoiceField(
        label=_("Roles"),
        required=False,
        choices=[(name, name) for name in roles.ALL_ROLES],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Choose from the roles given.")},
    )


class PeopleSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or email"), required=False, max_length=200)
