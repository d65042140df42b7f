"""The Wagtail admin's form for a consultation: checks each question against its kind, and
refuses changes to the questions and choices once people have responded.

The page model names this form as its `base_form_class`, so the models module imports this one:
it asks the page (`self.instance`) for what is stored, and imports only the question kinds."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.admin.forms import WagtailAdminPageForm

from engagement.consultations.kinds import CHOICE_KINDS, QuestionKind

QUESTION_FIELDS = (
    "kind",
    "text",
    "hint",
    "required",
    "max_choices",
    "max_length",
    "points_total",
)


def _live_forms(formset):
    """The forms of an inline formset that will be kept: not deleted, not left empty."""
    for form in formset.forms:
        # Validating fills cleaned_data; an invalid form shows its own errors and is judged on
        # what it has.
        form.is_valid()
        cleaned = getattr(form, "cleaned_data", {}) or {}
        if cleaned.get("DELETE"):
            continue
        if not form.instance.pk and not form.has_changed():
            continue
        yield form


class ConsultationPageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned = super().clean()
        sections = self.formsets.get("sections")
        if sections is None:
            return cleaned
        submitted = self._check_question_kinds(sections)
        if self.instance.pk:
            self._refuse_changes_after_responses(submitted)
        return cleaned

    def _check_question_kinds(self, sections) -> dict:
        """Each choice kind needs two or more choices; scale and free text take none.
        Returns what was submitted, by section and question, for the lock check."""
        submitted = {}
        problems = 0
        for section_form in _live_forms(sections):
            questions = []
            for question_form in _live_forms(section_form.formsets["questions"]):
                data = question_form.cleaned_data
                choices = [
                    (choice_form.instance.pk, choice_form.cleaned_data.get("label", ""))
                    for choice_form in _live_forms(question_form.formsets["choices"])
                ]
                kind = data.get("kind")
                if kind in CHOICE_KINDS and len(choices) < 2:
                    question_form.add_error(
                        "kind",
                        _("A “%(kind)s” question needs at least two choices.")
                        % {"kind": QuestionKind(kind).label},
                    )
                    problems += 1
                elif kind and kind not in CHOICE_KINDS and choices:
                    question_form.add_error(
                        "kind",
                        _("A “%(kind)s” question has no choices: remove them.")
                        % {"kind": QuestionKind(kind).label},
                    )
                    problems += 1
                if data.get("required") and kind == QuestionKind.STATEMENTS:
                    question_form.add_error(
                        "required",
                        _(
                            "A statements question cannot be required: people add and vote "
                            "on statements as they wish."
                        ),
                    )
                    problems += 1
                if data.get("max_choices") and kind != QuestionKind.MULTIPLE_CHOICE:
                    question_form.add_error(
                        "max_choices", _("Only multiple choice questions have a limit.")
                    )
                    problems += 1
                questions.append(
                    (
                        question_form.instance.pk,
                        tuple(data.get(name) for name in QUESTION_FIELDS),
                        tuple(sorted(choices, key=lambda c: (c[0] is None, c[0] or 0))),
                    )
                )
            submitted[section_form.instance.pk] = questions
        if problems:
            raise ValidationError(
                ngettext(
                    "A question does not fit its kind: see the Questionnaire tab.",
                    "%(count)d questions do not fit their kind: see the Questionnaire tab.",
                    problems,
                )
                % {"count": problems}
            )
        return submitted

    def _refuse_changes_after_responses(self, submitted: dict) -> None:
        count = self.instance.response_count()
        if not count:
            return
        stored = self.instance.stored_questionnaire(QUESTION_FIELDS)
        given = {}
        for questions in submitted.values():
            for pk, fields, choices in questions:
                given[pk if pk else object()] = (fields, choices)
        if given != stored:
            raise ValidationError(
                ngettext(
                    "%(count)d person has already responded, so the questions and choices can "
                    "no longer be changed, added or deleted: the results would stop meaning "
                    "anything. You can still change the rest of the page. To ask different "
                    "questions, start a new consultation and copy these questions into it.",
                    "%(count)d people have already responded, so the questions and choices can "
                    "no longer be changed, added or deleted: the results would stop meaning "
                    "anything. You can still change the rest of the page. To ask different "
                    "questions, start a new consultation and copy these questions into it.",
                    count,
                )
                % {"count": count},
                code="questionnaire_locked",
            )
