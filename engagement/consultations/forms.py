"""Consultations: the forms people answer with, and the small forms around them.

A questionnaire section is one Django form built from its questions, so the project's form
renderer gives it the NHS.UK markup and error summary. Ranking and points questions are a
group of inputs (one select per position, one number per priority) in a fieldset, which works
without JavaScript; `static/engagement/points.js` adds a live total on top."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from coproduce.equality import QUESTIONS
from coproduce.form_rendering import NHSUKBoundField
from engagement.consultations.kinds import quoted_sentence
from engagement.consultations.models import (
    AGREEMENT_SCALE,
    AssistanceMode,
    ConsultationPage,
    ConsultationStatus,
    ConsultationTopic,
    EqualityMonitoring,
    FormatRequest,
    Question,
    QuestionKind,
)
from engagement.consultations.questionnaire_templates import QUESTIONNAIRE_TEMPLATES, VERSIONS

ORDINALS = [
    _("1st"),
    _("2nd"),
    _("3rd"),
    _("4th"),
    _("5th"),
    _("6th"),
    _("7th"),
    _("8th"),
    _("9th"),
    _("10th"),
]


def ordinal(position: int) -> str:
    return str(ORDINALS[position - 1]) if position <= len(ORDINALS) else f"{position}."


class GroupBoundField(NHSUKBoundField):
    """A group of inputs (ranking selects, points inputs): a fieldset with a legend, and the
    error summary links to the first input."""

    @property
    def is_group(self) -> bool:
        return True


class LabelledInputsWidget(forms.MultiWidget):
    """Several inputs, each with its own visible label, inside the field's fieldset."""

    template_name = "engagement/consultations/answering/widgets/labelled_inputs.html"

    def __init__(self, widgets, labels, input_class, extra_class=""):
        super().__init__(widgets)
        self.labels = labels
        self.input_class = input_class
        self.extra_class = extra_class

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        for subwidget in context["widget"]["subwidgets"]:
            # The renderer's class for the group is empty; each input gets NHS.UK's own.
            subwidget["attrs"]["class"] = self.input_class
        context["widget"]["items"] = list(
            zip(self.labels, context["widget"]["subwidgets"], strict=True)
        )
        context["widget"]["extra_class"] = self.extra_class
        return context


class RankingWidget(LabelledInputsWidget):
    def __init__(self, question: Question, choices):
        count = len(choices) - 1
        super().__init__(
            [forms.Select(choices=choices) for _position in range(count)],
            [_("%(position)s most important") % {"position": ordinal(n + 1)} for n in range(count)],
            "nhsuk-select",
        )

    def decompress(self, value):
        return list(value or [])


class PointsWidget(LabelledInputsWidget):
    def __init__(self, question: Question, choices):
        self.choice_ids = [choice.pk for choice in choices]
        super().__init__(
            [
                forms.NumberInput(attrs={"min": 0, "max": question.points_total, "step": 1})
                for _choice in choices
            ],
            [choice.label for choice in choices],
            "nhsuk-input nhsuk-input--width-4",
            extra_class="coproduce-points",
        )
        self.points_total = question.points_total

    def decompress(self, value):
        value = value or {}
        return [value.get(choice_id) for choice_id in self.choice_ids]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["points_total"] = self.points_total
        return context


class RankingField(forms.MultiValueField):
    """One select per position; the value is the choice ids in order, first first."""

    bound_field_class = GroupBoundField

    def __init__(self, *, question: Question, **kwargs):
        self.question = question
        choices = [("", _("Choose an item"))] + [
            (str(choice.pk), choice.label) for choice in question.choices.all()
        ]
        fields = [
            forms.ChoiceField(
                choices=choices,
                required=False,
                error_messages={"invalid_choice": _("Choose from the items given.")},
            )
            for _position in range(len(choices) - 1)
        ]
        super().__init__(
            fields=fields,
            widget=RankingWidget(question, choices),
            require_all_fields=False,
            **kwargs,
        )

    def compress(self, data_list):
        if not data_list or not any(data_list):
            return []
        if not all(data_list):
            raise ValidationError(
                quoted_sentence(
                    _("Choose an item for every position in “%(question)s”.")
                    % {"question": self.question.text}
                ),
                code="incomplete",
            )
        if len(set(data_list)) != len(data_list):
            raise ValidationError(
                quoted_sentence(
                    _("Choose each item only once in “%(question)s”.")
                    % {"question": self.question.text}
                ),
                code="repeat",
            )
        return [int(value) for value in data_list]


class PointsField(forms.MultiValueField):
    """One number per priority; the value is {choice id: points}, which must add up to the
    question's total."""

    bound_field_class = GroupBoundField

    def __init__(self, *, question: Question, **kwargs):
        self.question = question
        choices = list(question.choices.all())
        self.choice_ids = [choice.pk for choice in choices]
        fields = [
            forms.IntegerField(
                required=False,
                min_value=0,
                max_value=question.points_total,
                error_messages={
                    "invalid": _("Enter points as a whole number, like 20."),
                    "min_value": _("Points cannot be less than 0."),
                    "max_value": _("No priority can have more than %(limit_value)s points."),
                },
            )
            for _choice in choices
        ]
        super().__init__(
            fields=fields,
            widget=PointsWidget(question, choices),
            require_all_fields=False,
            **kwargs,
        )

    def compress(self, data_list):
        if not data_list or all(value in (None, "") for value in data_list):
            return {}
        points = [value or 0 for value in data_list]
        total = sum(points)
        if total != self.question.points_total:
            raise ValidationError(
                _("The points in “%(question)s” must add up to %(total)s. They add up to %(sum)s."),
                code="points_total",
                params={
                    "question": self.question.text,
                    "total": self.question.points_total,
                    "sum": total,
                },
            )
        return dict(zip(self.choice_ids, points, strict=True))


def _required_message(question: Question) -> str:
    messages = {
        QuestionKind.SINGLE_CHOICE: _("Select an answer to “%(question)s”."),
        QuestionKind.AGREEMENT_SCALE: _("Select how much you agree with “%(question)s”."),
        QuestionKind.MULTIPLE_CHOICE: _("Select at least one answer to “%(question)s”."),
        QuestionKind.FREE_TEXT: _("Enter your answer to “%(question)s”."),
        QuestionKind.RANKING: _("Put the items in “%(question)s” in order."),
        QuestionKind.POINTS: _("Share the points in “%(question)s”."),
    }
    return quoted_sentence(messages[question.kind] % {"question": question.text})


def field_for_question(
    question: Question, *, required: bool, easy_read: bool = False
) -> forms.Field:
    """The form field that answers `question`; worded in Easy Read when the reader chose it
    and the question has an Easy Read version."""
    invalid_choice = quoted_sentence(
        _("Choose from the options given for “%(question)s”.") % {"question": question.text}
    )
    common = {
        "label": question.easy_read_text
        if easy_read and question.easy_read_text
        else question.text,
        "required": required,
        "help_text": question.hint,
        "error_messages": {"required": _required_message(question)},
    }
    kind = question.kind
    if kind == QuestionKind.SINGLE_CHOICE:
        field = forms.TypedChoiceField(
            choices=[(choice.pk, choice.label) for choice in question.choices.all()],
            coerce=int,
            widget=forms.RadioSelect,
            **common,
        )
    elif kind == QuestionKind.AGREEMENT_SCALE:
        field = forms.TypedChoiceField(
            choices=AGREEMENT_SCALE, coerce=int, widget=forms.RadioSelect, **common
        )
    elif kind == QuestionKind.MULTIPLE_CHOICE:
        if question.max_choices:
            limit = ngettext(
                "Choose up to %(limit)d.", "Choose up to %(limit)d.", question.max_choices
            ) % {"limit": question.max_choices}
            common["help_text"] = f"{question.hint} {limit}".strip()
        field = forms.TypedMultipleChoiceField(
            choices=[(choice.pk, choice.label) for choice in question.choices.all()],
            coerce=int,
            widget=forms.CheckboxSelectMultiple,
            **common,
        )
        if question.max_choices:
            limit_message = quoted_sentence(
                _("Choose no more than %(limit)d answers to “%(question)s”.")
                % {"limit": question.max_choices, "question": question.text}
            )

            def at_most(value, limit=question.max_choices, message=limit_message):
                if len(value) > limit:
                    raise ValidationError(message, code="max_choices")

            field.validators.append(at_most)
    elif kind == QuestionKind.FREE_TEXT:
        common["error_messages"]["max_length"] = _(
            "Your answer to “%(question)s” must be %(limit_value)d characters or fewer. "
            "It has %(show_value)d."
        ).replace("%(question)s", question.text.replace("%", "%%"))
        field = forms.CharField(
            max_length=question.max_length,
            widget=forms.Textarea(attrs={"rows": 5}),
            **common,
        )
        field.help_text = (
            f"{question.hint} "
            + str(_("Up to %(limit)d characters.") % {"limit": question.max_length})
        ).strip()
    elif kind == QuestionKind.RANKING:
        common["help_text"] = question.hint or _(
            "Choose an item for each position. Choose each item once."
        )
        field = RankingField(question=question, **common)
    elif kind == QuestionKind.POINTS:
        common["help_text"] = (
            f"{question.hint} "
            + str(
                _("Share %(total)d points between these. They must add up to %(total)d.")
                % {"total": question.points_total}
            )
        ).strip()
        field = PointsField(question=question, **common)
    else:  # pragma: no cover - the model's choices allow nothing else
        raise ValueError(kind)
    field.error_messages.setdefault("invalid_choice", invalid_choice)
    field.error_messages["invalid_choice"] = invalid_choice
    return field


def question_field_name(question: Question) -> str:
    return f"q{question.pk}"


class SectionForm(forms.Form):
    """The questions of one section. With `enforce_required=False` (save and finish later)
    required questions may be left for now, but whatever is given must still be valid."""

    def __init__(
        self,
        *args,
        questions: list[Question],
        enforce_required: bool = True,
        easy_read: bool = False,
        **kwargs,
    ):
        # A statements question has no field: it is answered on its own page (a link).
        self.statement_questions = [q for q in questions if not q.gives_answers]
        questions = [q for q in questions if q.gives_answers]
        self.questions = questions
        initial_answers = kwargs.pop("answers", None) or {}
        kwargs["initial"] = {
            **(kwargs.get("initial") or {}),
            **{
                question_field_name(q): initial_answers[q.pk]
                for q in questions
                if q.pk in initial_answers
            },
        }
        super().__init__(*args, **kwargs)
        for question in questions:
            self.fields[question_field_name(question)] = field_for_question(
                question, required=question.required and enforce_required, easy_read=easy_read
            )

    def answers(self) -> dict[int, Any]:
        """The cleaned answers, by question id, in the shape the services take."""
        return {q.pk: self.cleaned_data.get(question_field_name(q)) for q in self.questions}

    def unfinished(self) -> dict[int, Any]:
        """After validation, what was typed for each question that does not fit yet, by
        question id, in the shape of an answer so the form can show it again: a list for a
        ranking or a multiple choice, {choice id: points} for points, else the text."""
        typed = {}
        for question in self.questions:
            name = question_field_name(question)
            if name not in self.errors:
                continue
            value = self[name].data
            if question.kind == QuestionKind.POINTS:
                field = self.fields[name]
                value = dict(zip(field.choice_ids, value or [], strict=False))
            typed[question.pk] = value
        return typed


class ResponseSubmitForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address (optional)"),
        required=False,
        help_text=_("We will send your reference number here. We use it for nothing else."),
    )
    wants_updates = forms.BooleanField(
        label=_("Tell me what was decided when the consultation closes"), required=False
    )

    def __init__(self, *args, ask_email: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not ask_email:
            del self.fields["email"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("wants_updates") and "email" in self.fields and not cleaned.get("email"):
            self.add_error("email", _("Enter an email address so we can tell you."))
        return cleaned


class ResumeEmailForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        help_text=_("We will send you a link to carry on where you stopped."),
        error_messages={"required": _("Enter your email address.")},
    )


def _without_blank(choices):
    return [(value, label) for value, label in choices if value]


class EqualityMonitoringForm(forms.Form):
    """The optional 'about you' questions. Every one may be skipped or answered 'prefer not to
    say'."""

    age_band = forms.ChoiceField(
        label=QUESTIONS["age_band"],
        choices=_without_blank(EqualityMonitoring.AgeBand.choices),
        widget=forms.RadioSelect,
        required=False,
    )
    disability = forms.ChoiceField(
        label=QUESTIONS["disability"],
        choices=EqualityMonitoring.YesNo.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    long_term_condition = forms.ChoiceField(
        label=QUESTIONS["long_term_condition"],
        choices=EqualityMonitoring.YesNo.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    carer = forms.ChoiceField(
        label=QUESTIONS["carer"],
        choices=EqualityMonitoring.YesNo.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    ethnicity = forms.ChoiceField(
        label=QUESTIONS["ethnicity"],
        choices=EqualityMonitoring.Ethnicity.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    sex = forms.ChoiceField(
        label=QUESTIONS["sex"],
        choices=EqualityMonitoring.Sex.choices,
        widget=forms.RadioSelect,
        required=False,
    )


class AssistedResponseForm(SectionForm):
    """A whole questionnaire entered by a support worker, advocate or carer, with how it was
    given and whether consent was recorded."""

    assistance = forms.ChoiceField(
        label=_("How was this response given?"),
        choices=_without_blank(AssistanceMode.choices),
        widget=forms.RadioSelect,
        error_messages={"required": _("Select how this response was given.")},
    )
    consent_recorded = forms.BooleanField(
        label=_("The person agreed to me answering for them, and I have recorded it"),
        required=False,
    )
    email = forms.EmailField(
        label=_("The person's email address (optional)"),
        required=False,
        help_text=_("Only if they want their reference number sent to them."),
    )
    reference = forms.CharField(widget=forms.HiddenInput, max_length=16)

    field_order = ["assistance", "consent_recorded", "email"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("assistance") == AssistanceMode.ON_BEHALF and not cleaned.get(
            "consent_recorded"
        ):
            self.add_error(
                "consent_recorded",
                _("Record that the person agreed before answering on their behalf."),
            )
        return cleaned


class FormatRequestForm(forms.ModelForm):
    class Meta:
        model = FormatRequest
        fields = ["format", "name", "contact", "details"]
        labels = {"format": _("Which format do you need?")}
        widgets = {"format": forms.RadioSelect, "details": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "format": {"required": _("Select the format you need.")},
            "name": {"required": _("Enter your name.")},
            "contact": {"required": _("Enter an email address, phone number or postal address.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["format"].choices = _without_blank(FormatRequest.Format.choices)


class ConsultationFilterForm(forms.Form):
    """The index page's filters (a GET form: the results can be bookmarked and shared)."""

    topic = forms.ChoiceField(label=_("Topic"), required=False)
    status = forms.ChoiceField(
        label=_("Show"),
        required=False,
        choices=[
            ("", _("All consultations")),
            (ConsultationStatus.OPEN, _("Open now")),
            (ConsultationStatus.UPCOMING, _("Opening soon")),
            (ConsultationStatus.CLOSED, _("Closed")),
        ],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", _("All topics"))] + list(
            ConsultationTopic.objects.values_list("slug", "name")
        )

    def filters(self) -> dict[str, str]:
        """The valid filters given; anything invalid is ignored (it is a GET form)."""
        if not self.is_bound or not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class QuestionnaireStartForm(forms.Form):
    """Start a consultation's questionnaire from a template or an earlier consultation."""

    starting_point = forms.ChoiceField(
        label=_("Start from"),
        help_text=_("This replaces the questions the consultation has now."),
    )

    def __init__(self, *args, target, **kwargs):
        super().__init__(*args, **kwargs)
        templates = [
            (f"template:{key}:{version}", f"{template.title}: {label}")
            for key, template in QUESTIONNAIRE_TEMPLATES.items()
            for version, label in VERSIONS.items()
        ]
        earlier = [
            (f"copy:{page.pk}", page.title)
            for page in ConsultationPage.objects.exclude(pk=target.pk).order_by("-opens_at")
        ]
        self.fields["starting_point"].choices = [
            (_("Templates"), templates),
            (_("Copy the questions of an earlier consultation"), earlier),
        ]
