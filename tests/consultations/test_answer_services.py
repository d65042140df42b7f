"""The answering services, called directly: what they store, what they refuse, and that
retries and races store one response."""

import datetime as dt
import threading

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from engagement.consultations.models import new_reference
from engagement.consultations.services import (
    AssistedEntry,
    ConsultationNotOpen,
    answer_rows,
    browser_key_for,
    format_request_create,
    response_enter_assisted,
    response_save_equality,
    response_save_section,
    response_start,
    response_submit,
)
from engagement.models import (
    Answer,
    AssistanceMode,
    EqualityMonitoring,
    FormatRequest,
    Response,
    ResponseStatus,
)
from tests import factories
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db


def _by_kind(consultation):
    return {q.kind: q for q in consultation.ordered_questions}


def _all_answers(consultation):
    q = _by_kind(consultation)

    def ids(kind):
        return [c.pk for c in q[kind].choices.all()]

    return {
        q["single_choice"].pk: ids("single_choice")[0],
        q["multiple_choice"].pk: ids("multiple_choice")[:2],
        q["agreement_scale"].pk: 5,
        q["ranking"].pk: list(reversed(ids("ranking"))),
        q["points"].pk: dict(zip(ids("points"), [60, 40, 0], strict=True)),
        q["free_text"].pk: "Evenings matter most.",
    }


def test_answer_rows_store_one_row_per_answered_item():
    consultation = make_consultation()
    q = _by_kind(consultation)
    answers = _all_answers(consultation)
    rows = {kind: answer_rows(question=q[kind], value=answers[q[kind].pk]) for kind in q}
    assert len(rows["single_choice"]) == 1
    assert len(rows["multiple_choice"]) == 2
    assert rows["agreement_scale"][0].number == 5
    assert [(r.choice_id, r.number) for r in rows["ranking"]] == [
        (c, n) for n, c in enumerate(answers[q["ranking"].pk], start=1)
    ]
    # A priority given no points stores no row: results count the points given.
    assert sorted(r.number for r in rows["points"]) == [40, 60]
    assert rows["free_text"][0].text == "Evenings matter most."


@pytest.mark.parametrize(
    ("kind", "bad"),
    [
        ("single_choice", lambda ids, other: other),
        ("multiple_choice", lambda ids, other: [ids[0], ids[0]]),
        ("multiple_choice", lambda ids, other: [ids[0], other]),
        ("agreement_scale", lambda ids, other: 6),
        ("agreement_scale", lambda ids, other: "lots"),
        ("ranking", lambda ids, other: [ids[0], ids[0], ids[1]]),
        ("ranking", lambda ids, other: ids[:2]),
        ("points", lambda ids, other: {ids[0]: 50, ids[1]: 49}),
        ("points", lambda ids, other: {ids[0]: 150, ids[1]: -50}),
        ("points", lambda ids, other: {other: 100}),
        ("points", lambda ids, other: [100]),
        ("free_text", lambda ids, other: "x" * 2001),
    ],
)
def test_answer_rows_refuse_what_does_not_fit_the_question(kind, bad):
    consultation = make_consultation()
    q = _by_kind(consultation)
    ids = [c.pk for c in q[kind].choices.all()]
    other = q["single_choice" if kind != "single_choice" else "ranking"].choices.all()[0].pk
    with pytest.raises(ValidationError):
        answer_rows(question=q[kind], value=bad(ids, other))


def test_a_refused_section_changes_nothing_already_saved(participant):
    consultation = make_consultation()
    response = response_start(consultation=consultation, respondent=participant)
    section = consultation.sections.all()[0]
    answers = _all_answers(consultation)
    response_save_section(response=response, section=section, answers=answers, section_number=0)
    before = list(Answer.objects.order_by("pk").values_list("pk", "choice_id", "number"))
    q = _by_kind(consultation)
    with pytest.raises(ValidationError):
        response_save_section(
            response=response,
            section=section,
            answers={**answers, q["agreement_scale"].pk: 99},
            section_number=0,
        )
    assert list(Answer.objects.order_by("pk").values_list("pk", "choice_id", "number")) == before


def test_saving_a_section_leaves_the_other_sections_alone(participant):
    consultation = make_consultation()
    response = response_start(consultation=consultation, respondent=participant)
    first, second = consultation.sections.all()
    answers = _all_answers(consultation)
    response_save_section(response=response, section=first, answers=answers, section_number=0)
    response_save_section(response=response, section=second, answers=answers, section_number=1)
    response_save_section(response=response, section=first, answers={}, section_number=0)
    kinds = set(Answer.objects.values_list("question__kind", flat=True))
    assert kinds == {"ranking", "points", "free_text"}
    response.refresh_from_db()
    assert response.current_section == 2


def test_submitting_twice_stores_one_response_and_sends_one_receipt(
    participant, django_capture_on_commit_callbacks
):
    consultation = make_consultation()
    response = response_start(consultation=consultation, respondent=participant)
    with django_capture_on_commit_callbacks(execute=True):
        _, first = response_submit(response=response)
        _, second = response_submit(response=response)
    assert (first, second) == (True, False)
    assert Response.objects.get().status == ResponseStatus.SUBMITTED
    assert len(mail.outbox) == 1


def test_starting_twice_gives_the_same_response(participant):
    consultation = make_consultation()
    first = response_start(consultation=consultation, respondent=participant)
    second = response_start(consultation=consultation, respondent=participant)
    key = browser_key_for("token")
    third = response_start(consultation=consultation, browser_key=key)
    fourth = response_start(consultation=consultation, browser_key=key)
    assert first.pk == second.pk
    assert third.pk == fourth.pk != first.pk
    assert Response.objects.count() == 2


def test_a_closed_consultation_refuses_every_write(participant):
    consultation = make_consultation()
    response = response_start(consultation=consultation, respondent=participant)
    consultation.closes_at = timezone.now() - dt.timedelta(seconds=1)
    consultation.save()
    section = consultation.sections.all()[0]
    with pytest.raises(ConsultationNotOpen):
        response_save_section(response=response, section=section, answers={}, section_number=0)
    with pytest.raises(ConsultationNotOpen):
        response_submit(response=response)
    with pytest.raises(ConsultationNotOpen):
        response_start(consultation=consultation, respondent=factories.UserFactory())
    assert Response.objects.get().status == ResponseStatus.IN_PROGRESS


def test_equality_monitoring_is_kept_apart_and_cleared_when_all_skipped(participant):
    consultation = make_consultation()
    response = response_start(consultation=consultation, respondent=participant)
    response_save_equality(response=response, data={"age_band": "65_79", "carer": "prefer_not"})
    assert EqualityMonitoring.objects.get(response=response).carer == "prefer_not"
    assert not Answer.objects.exists()
    response_save_equality(response=response, data={"age_band": "", "carer": ""})
    assert not EqualityMonitoring.objects.exists()
    with pytest.raises(ValidationError):
        response_save_equality(response=response, data={"age_band": "ancient"})


def test_assisted_response_is_marked_with_who_entered_it_and_counts(
    role_user, django_capture_on_commit_callbacks
):
    from coproduce.accounts import roles

    worker = role_user(roles.SUPPORT_WORKER)
    consultation = make_consultation(required=True)
    reference = new_reference()
    entry = AssistedEntry(
        entered_by=worker, assistance=AssistanceMode.PHONE, consent_recorded=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        response, created = response_enter_assisted(
            consultation=consultation,
            entry=entry,
            answers=_all_answers(consultation),
            reference=reference,
            email="gwen@example.org",
        )
    assert created
    assert response.is_assisted and response.entered_by == worker
    assert response.respondent is None and response.browser_key == ""
    assert response.status == ResponseStatus.SUBMITTED
    assert Answer.objects.filter(response=response).count() == 1 + 2 + 1 + 3 + 2 + 1
    assert mail.outbox[0].to == ["gwen@example.org"]

    # The same form sent again (double click, back and resend) stores nothing new.
    again, created = response_enter_assisted(
        consultation=consultation,
        entry=entry,
        answers=_all_answers(consultation),
        reference=reference,
    )
    assert not created and again.pk == response.pk
    assert Response.objects.count() == 1


def test_answering_on_someones_behalf_needs_consent_recorded(role_user):
    from coproduce.accounts import roles

    worker = role_user(roles.SUPPORT_WORKER)
    consultation = make_consultation()
    with pytest.raises(ValidationError, match="consented"):
        response_enter_assisted(
            consultation=consultation,
            entry=AssistedEntry(
                entered_by=worker, assistance=AssistanceMode.ON_BEHALF, consent_recorded=False
            ),
            answers={},
            reference=new_reference(),
        )
    assert not Response.objects.exists()


def test_an_assisted_response_missing_a_required_answer_is_not_stored(role_user):
    from coproduce.accounts import roles

    worker = role_user(roles.SUPPORT_WORKER)
    consultation = make_consultation(required=True)
    with pytest.raises(ValidationError):
        response_enter_assisted(
            consultation=consultation,
            entry=AssistedEntry(
                entered_by=worker, assistance=AssistanceMode.PAPER, consent_recorded=False
            ),
            answers={},
            reference=new_reference(),
        )
    assert not Response.objects.exists()


def test_format_request_is_stored_and_the_contact_told(django_capture_on_commit_callbacks):
    consultation = make_consultation(contact_email="breaks@northshire.example.org")
    with django_capture_on_commit_callbacks(execute=True):
        format_request_create(
            consultation=consultation,
            format=FormatRequest.Format.BSL,
            name="Dev Mistry",
            contact="dev@example.org",
        )
    assert FormatRequest.objects.get().format == "bsl"
    assert mail.outbox[0].to == ["breaks@northshire.example.org"]
    assert "British Sign Language" in mail.outbox[0].subject


@pytest.mark.django_db(transaction=True)
def test_parallel_submissions_from_many_people_store_one_response_each(postgres):
    """Eight people, each sending the same submission from three threads at once (double
    clicks, retries), each thread on its own database connection."""
    consultation = make_consultation()
    people = [factories.UserFactory() for _ in range(8)]
    answers = _all_answers(consultation)
    sections = list(consultation.sections.all())
    barrier = threading.Barrier(len(people) * 3)
    errors = []

    def submit(person):
        try:
            barrier.wait(timeout=20)
            response = response_start(consultation=consultation, respondent=person)
            for number, section in enumerate(sections):
                response_save_section(
                    response=response, section=section, answers=answers, section_number=number
                )
            response_submit(response=response)
        except Exception as error:  # noqa: BLE001 - collected and reported below
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(p,)) for p in people for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert connection.vendor == "postgresql"
    assert errors == []
    assert Response.objects.count() == len(people)
    assert Response.objects.filter(status=ResponseStatus.SUBMITTED).count() == len(people)
    per_response = {r.pk: r.answers.count() for r in Response.objects.all()}
    assert set(per_response.values()) == {1 + 2 + 1 + 3 + 2 + 1}
