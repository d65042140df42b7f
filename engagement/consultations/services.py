"""Consultations: the write paths for answering, assisted entry, format requests and
questionnaire copying.

Every service is atomic and checks again what the forms already checked: a service is also
called by the demo seed, by tests and by the assisted-entry screen, and the database must never
hold an answer that does not belong to its question."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from coproduce.notifications.mail import TRANSACTIONAL, Kind, send_email
from engagement.consultations import results_cache
from engagement.consultations.kinds import quoted_sentence
from engagement.consultations.models import (
    AGREEMENT_SCALE,
    Answer,
    AssistanceMode,
    Choice,
    ConsultationPage,
    EqualityMonitoring,
    FormatRequest,
    Question,
    QuestionKind,
    QuestionSection,
    ReferencePopulation,
    Response,
    ResponseStatus,
)
from engagement.consultations.questionnaire_templates import QUESTIONNAIRE_TEMPLATES
from engagement.consultations.representativeness import ENGLAND_KEY, read_reference_csv

SCALE_VALUES = {value for value, _label in AGREEMENT_SCALE}


class ConsultationNotOpen(Exception):
    """The consultation is upcoming or closed: no answer may be stored."""

    def __init__(self, consultation: ConsultationPage):
        self.consultation = consultation
        self.status = consultation.status
        super().__init__(f"{consultation} is {self.status}")


class QuestionnaireLocked(Exception):
    """The consultation already has responses: its questions can no longer change."""


def browser_key_for(token: str) -> str:
    """The value stored in `Response.browser_key` for the random token kept in a browser's
    cookie. Only the hash is stored, so the database alone cannot be used to take over a
    response."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- Answers -----------------------------------------------------------------------------------


def _choice_ids(question: Question) -> set[int]:
    return {choice.pk for choice in question.choices.all()}


def _as_int(value: Any, question: Question) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValidationError(
            _("“%(question)s”: the answer is not one of the options given.")
            % {"question": question.text},
            code="invalid",
        ) from None


def _not_an_option(question: Question) -> ValidationError:
    return ValidationError(
        _("“%(question)s”: the answer is not one of the options given.")
        % {"question": question.text},
        code="invalid_choice",
    )


def answer_rows(*, question: Question, value: Any) -> list[Answer]:
    """The unsaved `Answer` rows for one question's value, or [] for no answer.

    Values: single choice, a choice id; multiple choice, a list of choice ids; agreement scale,
    1 to 5; free text, a string; ranking, choice ids in order (first is position 1); points, a
    mapping of choice id to points. Raises ValidationError for anything that does not fit the
    question (a choice from another question, repeats, points that do not add up...)."""
    kind = question.kind
    if value in (None, "", [], {}):
        return []
    if kind == QuestionKind.FREE_TEXT:
        text = str(value)
        if not text.strip():
            return []
        if len(text) > question.max_length:
            raise ValidationError(
                _("“%(question)s”: the answer is longer than %(limit)d characters.")
                % {"question": question.text, "limit": question.max_length},
                code="max_length",
            )
        return [Answer(question=question, text=text)]
    if kind == QuestionKind.AGREEMENT_SCALE:
        number = _as_int(value, question)
        if number not in SCALE_VALUES:
            raise _not_an_option(question)
        return [Answer(question=question, number=number)]

    valid = _choice_ids(question)
    if kind == QuestionKind.SINGLE_CHOICE:
        choice_id = _as_int(value, question)
        if choice_id not in valid:
            raise _not_an_option(question)
        return [Answer(question=question, choice_id=choice_id)]
    if kind == QuestionKind.MULTIPLE_CHOICE:
        chosen = [_as_int(v, question) for v in value]
        if not set(chosen) <= valid:
            raise _not_an_option(question)
        if len(set(chosen)) != len(chosen):
            raise ValidationError(
                _("“%(question)s”: an option was chosen twice.") % {"question": question.text},
                code="repeat",
            )
        if question.max_choices and len(chosen) > question.max_choices:
            raise ValidationError(
                _("“%(question)s”: choose no more than %(limit)d.")
                % {"question": question.text, "limit": question.max_choices},
                code="max_choices",
            )
        return [Answer(question=question, choice_id=choice_id) for choice_id in chosen]
    if kind == QuestionKind.RANKING:
        order = [_as_int(v, question) for v in value]
        if not set(order) <= valid:
            raise _not_an_option(question)
        if len(set(order)) != len(order):
            raise ValidationError(
                _("“%(question)s”: each position needs a different item.")
                % {"question": question.text},
                code="repeat",
            )
        if len(order) != len(valid):
            raise ValidationError(
                _("“%(question)s”: put every item in a position.") % {"question": question.text},
                code="incomplete",
            )
        return [
            Answer(question=question, choice_id=choice_id, number=position)
            for position, choice_id in enumerate(order, start=1)
        ]
    if kind == QuestionKind.POINTS:
        if not isinstance(value, Mapping):
            raise _not_an_option(question)
        shares = {_as_int(k, question): _as_int(v, question) for k, v in value.items()}
        if not set(shares) <= valid:
            raise _not_an_option(question)
        if any(points < 0 for points in shares.values()):
            raise ValidationError(
                _("“%(question)s”: points cannot be less than 0.") % {"question": question.text},
                code="negative",
            )
        if sum(shares.values()) != question.points_total:
            raise ValidationError(
                _("“%(question)s”: the points must add up to %(total)d; they add up to %(sum)d.")
                % {
                    "question": question.text,
                    "total": question.points_total,
                    "sum": sum(shares.values()),
                },
                code="points_total",
            )
        return [
            Answer(question=question, choice_id=choice_id, number=points)
            for choice_id, points in shares.items()
            if points
        ]
    raise _not_an_option(question)


def _require_open(consultation: ConsultationPage, *, now=None) -> None:
    if consultation.period_at(now) != "open":
        raise ConsultationNotOpen(consultation)


def _replace_answers(
    *, response: Response, questions: Iterable[Question], answers: Mapping[int, Any]
) -> None:
    questions = list(questions)
    rows: list[Answer] = []
    errors: list[ValidationError] = []
    for question in questions:
        try:
            new = answer_rows(question=question, value=answers.get(question.pk))
        except ValidationError as error:
            errors.append(error)
            continue
        for row in new:
            row.response = response
        rows.extend(new)
    if errors:
        # Nothing is written: what was saved before stays as it was.
        raise ValidationError(errors)
    Answer.objects.filter(response=response, question__in=questions).delete()
    Answer.objects.bulk_create(rows)


def _locked(response: Response) -> Response:
    """The response's row, locked until the transaction ends, so saves and sends of one
    response happen one after another. Only the response row: locking the consultation's page
    too would make every respondent wait for every other."""
    locked = Response.objects.select_for_update().get(pk=response.pk)
    cached = Response.consultation.field.get_cached_value(response, default=None)
    if cached is not None:
        # The caller's page object (loaded for this request) saves a query on every save.
        locked.consultation = cached
    return locked


# --- Responses ---------------------------------------------------------------------------------


def response_start(
    *,
    consultation: ConsultationPage,
    respondent=None,
    browser_key: str = "",
) -> Response:
    """The respondent's (or browser's) response to `consultation`, made if there is none yet.
    Exactly one of `respondent` and `browser_key` is given. Safe under concurrency: two
    requests racing to start meet the unique constraints and both get the same response."""
    if (respondent is None) == (not browser_key):
        raise ValueError("Give exactly one of respondent and browser_key.")
    _require_open(consultation)
    lookup = {"respondent": respondent} if respondent is not None else {"browser_key": browser_key}
    response, _created = Response.objects.get_or_create(consultation=consultation, **lookup)
    return response


@transaction.atomic
def response_save_section(
    *,
    response: Response,
    section: QuestionSection,
    answers: Mapping[int, Any],
    section_number: int,
) -> Response:
    """Store the answers to one section (replacing what was there) and remember how far the
    person has got, so they can come back and carry on. Raises ConsultationNotOpen once the
    consultation has closed and ValidationError for answers that do not fit; in both cases
    nothing already saved changes."""
    response = _locked(response)
    _require_open(response.consultation)
    # Queried afresh, not through `section.questions`: a prefetched modelcluster relation
    # loses its filter when chained, and would wipe every section's answers.
    questions = list(Question.objects.filter(section=section).prefetch_related("choices"))
    _replace_answers(response=response, questions=questions, answers=answers)
    _forget_unfinished(response, questions)
    if section_number + 1 > response.current_section:
        response.current_section = section_number + 1
    response.save(update_fields=["current_section", "unfinished_answers", "updated_at"])
    return response


def _forget_unfinished(response: Response, questions: Iterable[Question]) -> None:
    for question in questions:
        response.unfinished_answers.pop(str(question.pk), None)


@transaction.atomic
def response_save_for_later(
    *,
    response: Response,
    section: QuestionSection,
    answers: Mapping[int, Any],
    unfinished: Mapping[int, Any],
    section_number: int,
) -> Response:
    """ "Save and finish later": store the answers that fit their questions (`answers`) and
    keep, as typed, those that do not fit yet (`unfinished`: an item ranked twice, points that
    do not add up), so a person who has to stop loses nothing. Unfinished answers are not
    answers: they are not counted, they replace any earlier answer to the same question, and
    the response cannot be sent until they are put right. The person comes back to this
    section when something in it is unfinished. Raises ConsultationNotOpen after the close,
    and ValidationError if the response was already sent (a sent response stays complete)."""
    response = _locked(response)
    _require_open(response.consultation)
    if response.status == ResponseStatus.SUBMITTED:
        raise ValidationError(
            _("Your response was already sent: put every answer right, then save it."),
            code="submitted",
        )
    questions = list(Question.objects.filter(section=section).prefetch_related("choices"))
    _replace_answers(
        response=response,
        questions=questions,
        answers={pk: value for pk, value in answers.items() if pk not in unfinished},
    )
    _forget_unfinished(response, questions)
    known = {question.pk for question in questions}
    for pk, value in unfinished.items():
        if pk in known:
            response.unfinished_answers[str(pk)] = value
    if response.unfinished_answers.keys() & {str(pk) for pk in known}:
        # Come back to this section: something in it needs putting right.
        response.current_section = section_number
    elif section_number + 1 > response.current_section:
        response.current_section = section_number + 1
    response.save(update_fields=["current_section", "unfinished_answers", "updated_at"])
    return response


def unfinished_questions(*, response: Response) -> list[Question]:
    """The questions whose saved-for-later answer does not fit yet, in questionnaire order."""
    ids = [int(pk) for pk in response.unfinished_answers]
    if not ids:
        return []
    return list(
        Question.objects.filter(section__page_id=response.consultation_id, pk__in=ids).order_by(
            "section__sort_order", "sort_order", "pk"
        )
    )


def missing_required_questions(*, response: Response) -> list[Question]:
    """The required questions this response has not answered yet, in questionnaire order
    (one query)."""
    return list(
        Question.objects.filter(section__page_id=response.consultation_id, required=True)
        .exclude(pk__in=Answer.objects.filter(response=response).values("question_id"))
        .order_by("section__sort_order", "sort_order", "pk")
    )


def _send_receipt(response_id: int) -> None:
    response = Response.objects.select_related("consultation", "respondent").get(pk=response_id)
    address = response.email or (response.respondent.email if response.respondent else "")
    if not address:
        return
    consultation = response.consultation
    send_email(
        kind=Kind.RECEIPTS,
        to=address,
        user=response.respondent,
        subject=_("Your response to “%(title)s”: %(reference)s")
        % {"title": consultation.title, "reference": response.reference},
        body=quoted_sentence(
            _(
                "Thank you for taking part in “%(title)s”.\n\n"
                "Your reference number is %(reference)s. Quote it if you contact us about your "
                "response.\n\n"
                "The consultation closes on %(closes)s. We will publish what people told us and "
                "what we decided."
            )
            % {
                "title": consultation.title,
                "reference": response.reference,
                "closes": date_format(timezone.localtime(consultation.closes_at), "j F Y"),
            }
        ),
    )


@transaction.atomic
def response_submit(
    *, response: Response, email: str | None = None, wants_updates: bool | None = None
) -> tuple[Response, bool]:
    """Send a response. Idempotent: submitting an already-sent response changes nothing and
    sends no second receipt. Returns (response, whether it was sent just now). Raises
    ConsultationNotOpen after the close and ValidationError naming unanswered required
    questions. A receipt goes to the given email (or the account's) after commit."""
    response = _locked(response)
    _require_open(response.consultation)
    fields = []
    if email is not None:
        response.email = email
        fields.append("email")
    if wants_updates is not None:
        response.wants_updates = wants_updates and bool(response.email or response.respondent)
        fields.append("wants_updates")
    if fields:
        response.save(update_fields=[*fields, "updated_at"])
    if response.status == ResponseStatus.SUBMITTED:
        return response, False
    missing = missing_required_questions(response=response)
    unfinished = unfinished_questions(response=response)
    if missing or unfinished:
        raise ValidationError(
            [
                ValidationError(
                    _("Answer “%(question)s”: it is required.") % {"question": q.text},
                    code="required",
                )
                for q in missing
                if q not in unfinished
            ]
            + [
                ValidationError(
                    _("Finish your answer to “%(question)s”: it does not fit the question yet.")
                    % {"question": q.text},
                    code="unfinished",
                )
                for q in unfinished
            ]
        )
    now = timezone.now()
    # A conditional update: of two requests racing to submit, exactly one changes the row.
    sent = Response.objects.filter(pk=response.pk, status=ResponseStatus.IN_PROGRESS).update(
        status=ResponseStatus.SUBMITTED, submitted_at=now, updated_at=now
    )
    response.refresh_from_db()
    if sent:
        # Stored with this change; a background task sends it once the change commits.
        _send_receipt(response.pk)
    return response, bool(sent)


@transaction.atomic
def response_save_equality(*, response: Response, data: Mapping[str, str]) -> None:
    """Store (or clear) the optional 'about you' answers, apart from the questionnaire
    answers. Every field may be left empty; if all are, nothing is kept."""
    allowed = {
        name: {value for value, _label in EqualityMonitoring._meta.get_field(name).choices}
        for name in EqualityMonitoring.BREAKDOWN_FIELDS
    }
    values = {}
    for name, value in data.items():
        if name not in allowed:
            continue
        if value and value not in allowed[name]:
            raise ValidationError(_("Choose from the options given."), code="invalid_choice")
        values[name] = value or ""
    response = _locked(response)
    _require_open(response.consultation)
    if not any(values.values()):
        EqualityMonitoring.objects.filter(response=response).delete()
        return
    EqualityMonitoring.objects.update_or_create(response=response, defaults=values)


@dataclass(frozen=True)
class AssistedEntry:
    """Who entered an assisted response, and how."""

    entered_by: Any
    assistance: str
    consent_recorded: bool


@transaction.atomic
def response_enter_assisted(
    *,
    consultation: ConsultationPage,
    entry: AssistedEntry,
    answers: Mapping[int, Any],
    reference: str,
    email: str = "",
) -> tuple[Response, bool]:
    """Enter a whole response for someone (from paper, by phone, in person, or on their behalf
    with their consent), marked as assisted with who entered it, and send it. `reference` is
    chosen when the form is shown, so a double click or resubmitted form stores one response:
    the second call finds the first and changes nothing. Returns (response, created)."""
    if entry.assistance not in {m.value for m in AssistanceMode} or not entry.assistance:
        raise ValidationError(_("Choose how the response was given."), code="assistance")
    if entry.assistance == AssistanceMode.ON_BEHALF and not entry.consent_recorded:
        raise ValidationError(
            _("Record that the person consented before answering on their behalf."),
            code="consent",
        )
    _require_open(consultation)
    existing = Response.objects.filter(reference=reference).first()
    if existing is not None:
        if existing.consultation_id != consultation.pk or existing.entered_by_id != (
            entry.entered_by.pk
        ):
            raise ValidationError(_("This form was already used. Start a new one."))
        return existing, False
    try:
        with transaction.atomic():
            response = Response.objects.create(
                consultation=consultation,
                reference=reference,
                entered_by=entry.entered_by,
                assistance=entry.assistance,
                consent_recorded=entry.consent_recorded,
                email=email,
            )
    except IntegrityError:
        # The same form, submitted twice at once: the other request stored it.
        return Response.objects.get(reference=reference, consultation=consultation), False
    _replace_answers(response=response, questions=consultation.ordered_questions, answers=answers)
    response, _sent = response_submit(response=response)
    results_cache.bump(consultation.pk)
    return response, True


def _send_resume_link(response_id: int, resume_url: str) -> None:
    response = Response.objects.select_related("consultation").get(pk=response_id)
    consultation = response.consultation
    send_email(
        kind=TRANSACTIONAL,
        to=response.email,
        subject=_("Finish your response to “%(title)s”") % {"title": consultation.title},
        body=_(
            "Your answers to “%(title)s” are saved. To carry on where you stopped, open this "
            "link:\n\n%(url)s\n\nThe consultation closes on %(closes)s. Anyone with this link "
            "can see and change your answers, so do not share it."
        )
        % {
            "title": consultation.title,
            "url": resume_url,
            "closes": date_format(timezone.localtime(consultation.closes_at), "j F Y"),
        },
    )


@transaction.atomic
def response_send_resume_link(*, response: Response, email: str, resume_url: str) -> None:
    """Keep `email` on the response and send it a link that resumes the response in any
    browser (the view signs the link). Sent after commit."""
    response = _locked(response)
    _require_open(response.consultation)
    response.email = email
    response.save(update_fields=["email", "updated_at"])
    _send_resume_link(response.pk, resume_url)  # sent by a background task after commit


# --- Format requests ---------------------------------------------------------------------------


def _notify_format_request(request_id: int) -> None:
    format_request = FormatRequest.objects.select_related("consultation").get(pk=request_id)
    consultation = format_request.consultation
    address = consultation.contact_email or settings.DEFAULT_FROM_EMAIL
    send_email(
        kind=TRANSACTIONAL,
        to=address,
        subject=_("Request for “%(title)s” in another format: %(format)s")
        % {"title": consultation.title, "format": format_request.get_format_display()},
        body=_(
            "%(name)s asked for “%(title)s” as: %(format)s.\n\nContact: %(contact)s\n\n"
            "Details: %(details)s\n\nPlease reply within 5 working days."
        )
        % {
            "name": format_request.name,
            "title": consultation.title,
            "format": format_request.get_format_display(),
            "contact": format_request.contact,
            "details": format_request.details or "-",
        },
    )


@transaction.atomic
def format_request_create(
    *, consultation: ConsultationPage, format: str, name: str, contact: str, details: str = ""
) -> FormatRequest:
    """Record a request for the consultation in another format (large print, BSL, paper...)
    and tell the consultation's contact after commit."""
    format_request = FormatRequest(
        consultation=consultation, format=format, name=name, contact=contact, details=details
    )
    format_request.full_clean()
    format_request.save()
    _notify_format_request(format_request.pk)  # sent by a background task after commit
    return format_request


# --- Questionnaires ----------------------------------------------------------------------------


def _build_sections(sections: list[dict]) -> list[QuestionSection]:
    """Unsaved sections, questions and choices from a definition, each question keeping its
    `key` (its identity across waves)."""
    built = []
    for s_order, section_data in enumerate(sections):
        section = QuestionSection(
            title=section_data["title"],
            description=section_data.get("description", ""),
            sort_order=s_order,
        )
        for q_order, question_data in enumerate(section_data["questions"]):
            question = Question(
                sort_order=q_order,
                key=question_data.get("key", ""),
                kind=question_data["kind"],
                text=question_data["text"],
                hint=question_data.get("hint", ""),
                required=question_data.get("required", False),
                max_choices=question_data.get("max_choices"),
                max_length=question_data.get("max_length", 2000),
                points_total=question_data.get("points_total", 100),
            )
            question.choices = [
                Choice(label=label, sort_order=c_order)
                for c_order, label in enumerate(question_data.get("choices", []))
            ]
            section.questions.add(question)
        built.append(section)
    return built


def _replace_questionnaire(
    *, target: ConsultationPage, sections: list[dict], user=None, origin: dict | None = None
) -> None:
    if Response.objects.filter(consultation=target).exists():
        raise QuestionnaireLocked(
            _("“%(title)s” already has responses, so its questions cannot change.")
            % {"title": target.title}
        )
    # Work on the latest revision, which is what the admin edits, so a draft's other changes
    # are kept. A live page with nothing else waiting is published straight away, so the live
    # questionnaire and the editor agree; otherwise it waits for the commissioner to publish.
    had_draft_changes = target.has_unpublished_changes
    latest = target.get_latest_revision_as_object()
    latest.sections = _build_sections(sections)
    if origin is not None:
        # Where the questions came from is a fact about the page row as well as the revision:
        # the series comparison reads it straight away, published or not.
        for name, value in origin.items():
            setattr(latest, name, value)
            setattr(target, name, value)
        ConsultationPage.objects.filter(pk=target.pk).update(**origin)
    revision = latest.save_revision(user=user)
    if target.live and not had_draft_changes:
        revision.publish(user=user)
    results_cache.bump(target.pk)


def _questionnaire_definition(page: ConsultationPage) -> list[dict]:
    sections = QuestionSection.objects.filter(page=page).prefetch_related("questions__choices")
    return [
        {
            "title": section.title,
            "description": section.description,
            "questions": [
                {
                    "key": q.key,
                    "kind": q.kind,
                    "text": q.text,
                    "hint": q.hint,
                    "required": q.required,
                    "max_choices": q.max_choices,
                    "max_length": q.max_length,
                    "points_total": q.points_total,
                    "choices": [c.label for c in q.choices.all()],
                }
                for q in section.questions.all()
            ],
        }
        for section in sections
    ]


@transaction.atomic
def questionnaire_copy(*, source: ConsultationPage, target: ConsultationPage, user=None) -> None:
    """Replace `target`'s questionnaire with a copy of `source`'s sections, questions and
    choices (the same questions asked again, so results can be compared). Saved as a new
    revision of `target`, published straight away if `target` is live with no other draft
    changes. Raises QuestionnaireLocked if `target` has responses."""
    if source.pk == target.pk:
        raise ValidationError(_("Choose a different consultation to copy from."))
    _replace_questionnaire(
        target=target,
        sections=_questionnaire_definition(source),
        user=user,
        origin={
            "template_key": source.template_key,
            "template_audience": source.template_audience,
            "template_revision": source.template_revision,
        },
    )


@transaction.atomic
def questionnaire_apply_template(
    *, target: ConsultationPage, template: str, version: str, user=None
) -> None:
    """Replace `target`'s questionnaire with one of the shipped templates
    (`engagement.consultations.questionnaire_templates`) in the version for the person, a
    family carer or staff, saved and published as `questionnaire_copy` is. Raises
    QuestionnaireLocked if `target` has responses, KeyError for an unknown template or version."""
    definition = QUESTIONNAIRE_TEMPLATES[template]
    _replace_questionnaire(
        target=target,
        sections=definition.sections_for(version),
        user=user,
        origin={
            "template_key": definition.key,
            "template_audience": version,
            "template_revision": definition.revision,
            # A consultation started from a template begins a series of its own, as wave 1,
            # unless it already belongs to one.
            "series_key": target.series_key or uuid.uuid4().hex,
            "wave": target.wave or 1,
        },
    )


def _next_slug(parent, base: str) -> str:
    slug, n = base, 1
    while parent.get_children().filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


@transaction.atomic
def consultation_next_wave(*, source: ConsultationPage, user=None) -> ConsultationPage:
    """ "Run the next wave": a new draft consultation beside `source`, a year later, asking the
    same questions with the same question keys, as the next wave of the same series (the
    source becomes wave 1 of a new series if it had none). The commissioner checks the dates
    and words, then publishes. Its answers compare with the earlier waves' by question key."""
    source = ConsultationPage.objects.select_for_update().get(pk=source.pk)
    if not source.series_key:
        ConsultationPage.objects.filter(pk=source.pk).update(series_key=uuid.uuid4().hex, wave=1)
        source.refresh_from_db()
    last_wave = (
        ConsultationPage.objects.filter(series_key=source.series_key)
        .order_by("-wave")
        .values_list("wave", flat=True)
        .first()
    ) or 1
    wave = last_wave + 1
    parent = source.get_parent()
    year = timedelta(days=365)
    title = _("%(title)s (wave %(wave)s)") % {
        "title": source.title.split(" (wave ")[0],
        "wave": wave,
    }
    page = ConsultationPage(
        title=title,
        slug=_next_slug(parent, f"{source.slug.split('-wave-')[0]}-wave-{wave}"),
        summary=source.summary,
        body=source.body.raw_data,
        easy_read=source.easy_read.raw_data,
        who_is_asked=source.who_is_asked,
        opens_at=source.opens_at + year,
        closes_at=source.closes_at + year,
        answer_mode=source.answer_mode,
        results_visibility=source.results_visibility,
        ask_equality_monitoring=source.ask_equality_monitoring,
        contact_name=source.contact_name,
        contact_email=source.contact_email,
        contact_phone=source.contact_phone,
        template_key=source.template_key,
        template_audience=source.template_audience,
        template_revision=source.template_revision,
        series_key=source.series_key,
        wave=wave,
        live=False,
    )
    page.sections = _build_sections(_questionnaire_definition(source))
    page.topics = list(source.topics.all())
    parent.add_child(instance=page)
    page.save_revision(user=user)
    return page


# --- Reference populations (who lives here) ---------------------------------------------------


def reference_population_upload(
    *, name: str, csv_text: str, user, use: bool = False
) -> ReferencePopulation:
    """Store an area's population figures from a CSV in the reference layout. Raises
    `representativeness.ReferenceFileError` (every problem, with its line) and stores
    nothing when the file cannot be read. `use` makes it the one results are compared with."""
    rows = read_reference_csv(csv_text)
    with transaction.atomic():
        if use:
            ReferencePopulation.objects.filter(in_use=True).update(in_use=False)
        return ReferencePopulation.objects.create(
            name=name,
            area_code=rows[0]["area_code"],
            area_name=rows[0]["area_name"],
            source_csv=csv_text,
            figures=rows,
            in_use=use,
            uploaded_by=user,
        )


def reference_population_use(*, key: str) -> ReferencePopulation | None:
    """Compare results with the figures `key` names: a stored area's id, or `england` for the
    shipped Census 2021 figures. Returns the area chosen (None for England); an unknown id is
    `ReferencePopulation.DoesNotExist`."""
    with transaction.atomic():
        chosen = None
        if key != ENGLAND_KEY:
            chosen = ReferencePopulation.objects.select_for_update().get(pk=int(key))
        ReferencePopulation.objects.filter(in_use=True).update(in_use=False)
        if chosen is not None:
            chosen.in_use = True
            chosen.save(update_fields=["in_use"])
        return chosen
