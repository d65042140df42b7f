"""On publication, everyone who answered a linked consultation and asked to hear back is told
once: an in-site notice if they have an account, an email to every address. Republishing
tells nobody again unless it carries a new significant-update note."""

import pytest
from django.core import mail

from engagement.decisions.tasks import notify_decision_round
from engagement.models import DecisionEmail, Notification
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(consultation, role_user):
    """One of each kind of respondent."""
    signed_in = role_user(email="asha@example.org", display_name="Asha Patel")
    no_updates = role_user(email="ben@example.org", display_name="Ben Ortiz")
    cited = role_user(email="cora@example.org", display_name="Cora Mills")
    return {
        "signed_in": factories.make_response(
            consultation, respondent=signed_in, wants_updates=True
        ),
        "signed_in_no_updates": factories.make_response(
            consultation, respondent=no_updates, wants_updates=False
        ),
        "cited": factories.make_response(
            consultation,
            respondent=cited,
            wants_updates=True,
            text="Overnight breaks are the only ones that let me sleep.",
        ),
        "anonymous_with_email": factories.make_response(
            consultation, email="dev.anon@example.org", wants_updates=True
        ),
        "anonymous_no_email": factories.make_response(consultation, wants_updates=True),
        "anonymous_opted_out": factories.make_response(
            consultation, email="eli@example.org", wants_updates=False
        ),
        "not_sent": factories.make_response(
            consultation, email="fay@example.org", wants_updates=True, submitted=False
        ),
    }


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the transaction to commit (the background task), as in production."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def _decision(consultation, people, committed, **fields):
    answer = people["cited"].answers.get()
    with committed():
        return factories.make_decision(
            consultations=[consultation],
            items=[
                {
                    "you_said": "Overnight breaks matter most.",
                    "cited_answer": answer,
                    "outcome": "done",
                    "we_did": "We are funding 40 more overnight breaks a year.",
                },
                {
                    "you_said": "Breaks should be free.",
                    "outcome": "not_done",
                    "we_did": "The budget does not allow it; we capped charges at £10 a night.",
                },
            ],
            **fields,
        )


def test_publication_tells_exactly_the_people_who_asked_once(consultation, people, committed):
    decision = _decision(consultation, people, committed)

    notified = set(Notification.objects.values_list("user__email", flat=True))
    assert notified == {"asha@example.org", "cora@example.org"}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "asha@example.org",
        "cora@example.org",
        "dev.anon@example.org",
    ]
    assert all(decision.title in m.subject for m in mail.outbox)
    assert all(decision.full_url in m.body for m in mail.outbox)


def test_a_person_whose_answer_is_cited_gets_a_personal_notice(consultation, people, committed):
    _decision(consultation, people, committed)

    cited = Notification.objects.get(user__email="cora@example.org")
    assert cited.kind == Notification.Kind.YOUR_POINT
    assert "Your point about “Overnight breaks matter most.” was taken up" in cited.body
    cited_email = next(m for m in mail.outbox if m.to == ["cora@example.org"])
    assert "We are funding 40 more overnight breaks a year." in cited_email.body

    other = Notification.objects.get(user__email="asha@example.org")
    assert other.kind == Notification.Kind.DECISION_PUBLISHED
    assert "Your point" not in other.body


def test_someone_who_answered_two_linked_consultations_is_told_once(
    consultation, role_user, committed
):
    second = factories.make_consultation(title="Short breaks in the evening")
    person = role_user(email="gil@example.org")
    factories.make_response(consultation, respondent=person, wants_updates=True)
    factories.make_response(second, respondent=person, wants_updates=True)
    factories.make_response(consultation, email="Hal@Example.org", wants_updates=True)
    factories.make_response(second, email="hal@example.org", wants_updates=True)

    with committed():
        factories.make_decision(consultations=[consultation, second])

    assert Notification.objects.filter(user=person).count() == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["gil@example.org", "hal@example.org"]


def test_running_the_fan_out_again_sends_nothing_twice(consultation, people, committed):
    decision = _decision(consultation, people, committed)
    round_ = decision.notification_rounds.get()
    before = (Notification.objects.count(), DecisionEmail.objects.count(), len(mail.outbox))

    with committed():
        notify_decision_round.enqueue(round_id=round_.pk)
        notify_decision_round.enqueue(round_id=round_.pk)

    after = (Notification.objects.count(), DecisionEmail.objects.count(), len(mail.outbox))
    assert after == before == (2, 3, 3)


def test_republishing_does_not_tell_people_again(consultation, people, committed):
    decision = _decision(consultation, people, committed)
    decision.summary = "We will fund more overnight short breaks, from June."
    with committed():
        decision.save_revision().publish()

    assert decision.notification_rounds.count() == 1
    assert len(mail.outbox) == 3
    assert Notification.objects.count() == 2


def test_a_significant_update_tells_people_once_more(consultation, people, committed):
    decision = _decision(consultation, people, committed)
    mail.outbox.clear()

    decision.update_note = "The new service now starts in June, not April."
    with committed():
        decision.save_revision().publish()
    with committed():
        decision.save_revision().publish()  # the same note again: nobody is told twice

    assert decision.notification_rounds.count() == 2
    assert sorted(m.to[0] for m in mail.outbox) == [
        "asha@example.org",
        "cora@example.org",
        "dev.anon@example.org",
    ]
    assert all("now starts in June" in m.body for m in mail.outbox)
    updated = Notification.objects.filter(kind=Notification.Kind.DECISION_UPDATED)
    assert set(updated.values_list("user__email", flat=True)) == {"asha@example.org"}
    assert Notification.objects.filter(user__email="cora@example.org").count() == 2


def test_a_failed_email_is_retried_by_the_next_run(consultation, people, settings, committed):
    settings.EMAIL_BACKEND = "tests.decisions.failing_mail.FailingBackend"
    decision = _decision(consultation, people, committed)
    round_ = decision.notification_rounds.get()
    assert DecisionEmail.objects.filter(sent_at__isnull=True).count() == 3

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    result = notify_decision_round.enqueue(round_id=round_.pk)

    assert result.return_value["emails_sent"] == 3
    assert DecisionEmail.objects.filter(sent_at__isnull=True).count() == 0
    assert len(mail.outbox) == 3


def test_notices_are_made_after_commit_by_the_background_task(
    consultation, people, committed, django_capture_on_commit_callbacks
):
    # The task runs only once the publishing transaction commits (immediate backend in tests).
    decision = _decision(consultation, people, committed, publish=False)
    assert Notification.objects.count() == 0
    with django_capture_on_commit_callbacks() as callbacks:
        decision.get_latest_revision().publish()
    assert Notification.objects.count() == 0
    assert callbacks  # the task, and the site's kept header links (a page changed)
    for callback in callbacks:
        callback()
    assert Notification.objects.count() == 2


def test_an_email_another_worker_has_claimed_is_not_sent_again(
    consultation, people, settings, committed
):
    settings.EMAIL_BACKEND = "tests.decisions.failing_mail.FailingBackend"
    decision = _decision(consultation, people, committed)
    round_ = decision.notification_rounds.get()
    from django.utils import timezone

    taken = DecisionEmail.objects.order_by("pk").first()
    DecisionEmail.objects.filter(pk=taken.pk).update(sent_at=timezone.now(), claim="another")

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    result = notify_decision_round.enqueue(round_id=round_.pk)

    assert result.return_value["emails_sent"] == 2
    assert taken.email not in [m.to[0] for m in mail.outbox]
