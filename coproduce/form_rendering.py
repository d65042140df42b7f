"""NHS.UK frontend markup for every Django form on the site.

Django 5.2 lets the form renderer name the bound-field class, so one renderer gives every
form (ours and allauth's) NHS.UK classes, a fieldset and legend for groups of radios and
checkboxes, and hints and error messages tied to their input by aria-describedby.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import TemplatesSetting

_INPUT_CLASSES = {
    forms.Textarea: ("nhsuk-textarea", "nhsuk-textarea--error"),
    forms.Select: ("nhsuk-select", "nhsuk-select--error"),
    forms.FileInput: ("nhsuk-file-upload", "nhsuk-file-upload--error"),
    forms.CheckboxInput: ("nhsuk-checkboxes__input", ""),
    forms.RadioSelect: ("", ""),
    forms.CheckboxSelectMultiple: ("", ""),
    forms.widgets.Input: ("nhsuk-input", "nhsuk-input--error"),
}


def _classes_for(widget) -> tuple[str, str]:
    for widget_class, classes in _INPUT_CLASSES.items():
        if isinstance(widget, widget_class):
            return classes
    return ("", "")


class NHSUKBoundField(BoundField):
    @property
    def is_group(self) -> bool:
        """Radios and checkbox lists are a group: a fieldset with a legend, not a label."""
        return isinstance(self.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)

    @property
    def is_single_checkbox(self) -> bool:
        return isinstance(self.field.widget, forms.CheckboxInput)

    @property
    def hint_id(self) -> str:
        return f"{self.auto_id}-hint"

    @property
    def error_id(self) -> str:
        return f"{self.auto_id}-error"

    def build_widget_attrs(self, attrs, widget=None):
        attrs = super().build_widget_attrs(attrs, widget)
        widget = widget or self.field.widget
        base, error = _classes_for(widget)
        classes = [attrs.get("class", ""), base]
        if self.errors and error:
            classes.append(error)
        attrs["class"] = " ".join(c for c in classes if c)
        if not self.is_group:
            described = [self.hint_id] if self.help_text else []
            if self.errors:
                described.append(self.error_id)
            if described:
                attrs["aria-describedby"] = " ".join(described)
        return attrs


class NHSUKFormRenderer(TemplatesSetting):
    form_template_name = "forms/nhsuk_form.html"
    field_template_name = "forms/nhsuk_field.html"
    bound_field_class = NHSUKBoundField


# Day first, as people in the UK write dates; ISO dates are accepted too. Every date a person
# types on the site is read with these.
UK_DATE_INPUT_FORMATS = [
    "%d/%m/%Y",
    "%d/%m/%y",
    "%d-%m-%Y",
    "%d.%m.%Y",
    "%d %m %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%Y-%m-%d",
]
