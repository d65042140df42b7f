"""The answering views around the questionnaire: throttling, double submits, assisted entry,
requests for another format."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from coproduce.accounts import roles
from engagement.models import AnswerMode, FormatRequest, Response, ResponseStatus
from tests.consultations.test_answering_journey import section_one, section_two
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db


def test_open_responses_are_throttled_per_ip_address(settings):
    settings.CONSULTATION_OPEN_RESPONSES_PER_HOUR = 3
    consultation = make_consultation()
    url = reverse("engagement:answer_section", args=[consultation.pk, 1])
    data = {**section_one(consultation), "action": "save"}
    for _ in range(3):
        assert Client(REMOTE_ADDR="203.0.113.7").post(url, data).status_code == 302
    refused = Client(REMOTE_ADDR="203.0.113.7").post(url, data)
    assert refused.status_code == 429
    assert "Please try again later" in refused.content.decode()
    assert Response.objects.count() == 3
    # Another address, and a browser that already has its response, carry on.
    assert Client(REMOTE_ADDR="198.51.100.2").post(url, data).status_code == 302
    browser = Client(REMOTE_ADDR="203.0.113.8")
    browser.post(url, data)
    settings.CONSULTATION_OPEN_RESPONSES_PER_HOUR = 1
    assert browser.post(url, data).status_code == 302


def test_a_resubmitted_send_stores_one_response(client, participant):
    consultation = make_consultation(answer_mode=AnswerMode.SIGNED_IN)
    client.force_login(participant)
    client.post(
        reverse("engagement:answer_section", args=[consultation.pk, 1]),
        {**section_one(consultation), "action": "continue"},
    )
    check = reverse("engagement:answer_check", args=[consultation.pk])
    first = client.post(check, {})
    second = client.post(check, {})
    assert first.status_code == second.status_code == 302
    response = Response.objects.get()
    assert response.status == ResponseStatus.SUBMITTED


def test_open_mode_email_gets_the_receipt(client, django_capture_on_commit_callbacks):
    consultation = make_consultation()
    client.post(
        reverse("engagement:answer_section", args=[consultation.pk, 2]),
        {**section_two(consultation), "action": "continue"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        reply = client.post(
            reverse("engagement:answer_check", args=[consultation.pk]),
            {"email": "ola@example.org", "wants_updates": "on"},
        )
    assert reply.status_code == 302
    response = Response.objects.get()
    assert response.email == "ola@example.org" and response.wants_updates
    assert mail.outbox[0].to == ["ola@example.org"]
    assert response.reference in mail.outbox[0].body
    done = client.get(reply.url).content.decode()
    assert response.reference in done


def test_wanting_updates_without_an_email_is_explained(client):
    consultation = make_consultation()
    client.post(
        reverse("engagement:answer_section", args=[consultation.pk, 2]),
        {**section_two(consultation), "action": "continue"},
    )
    reply = client.post(
        reverse("engagement:answer_check", args=[consultation.pk]), {"wants_updates": "on"}
    )
    assert "Enter an email address so we can tell you." in reply.content.decode()
    assert Response.objects.get().status == ResponseStatus.IN_PROGRESS


def _assisted_data(consultation, client, **extra):
    page = client.get(reverse("engagement:assisted_response", args=[consultation.pk]))
    reference = page.context["form"].initial["reference"]
    return {
        **section_one(consultation),
        **section_two(consultation),
        "reference": reference,
        **extra,
    }


def test_support_worker_enters_a_paper_response_once(client, role_user):
    worker = role_user(roles.SUPPORT_WORKER)
    consultation = make_consultation(answer_mode=AnswerMode.SIGNED_IN)
    client.force_login(worker)
    data = _assisted_data(consultation, client, assistance="paper")
    url = reverse("engagement:assisted_response", args=[consultation.pk])
    first = client.post(url, data)
    second = client.post(url, data)  # the double click
    assert "Response entered" in first.content.decode()
    assert "Response entered" in second.content.decode()
    response = Response.objects.get()
    assert response.entered_by == worker and response.assistance == "paper"
    assert response.status == ResponseStatus.SUBMITTED
    assert response.respondent is None


def test_answering_on_behalf_without_consent_is_refused_and_keeps_the_answers(client, role_user):
    client.force_login(role_user(roles.SUPPORT_WORKER))
    consultation = make_consultation()
    data = _assisted_data(consultation, client, assistance="on_behalf")
    reply = client.post(reverse("engagement:assisted_response", args=[consultation.pk]), data)
    body = reply.content.decode()
    assert "Record that the person agreed before answering on their behalf." in body
    assert "More evening cover, please." in body
    assert not Response.objects.exists()


@pytest.mark.parametrize("role", [roles.PARTICIPANT, roles.EXPERT])
def test_other_roles_cannot_enter_assisted_responses(client, role_user, role):
    client.force_login(role_user(role))
    consultation = make_consultation()
    url = reverse("engagement:assisted_response", args=[consultation.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"assistance": "paper", "reference": "ABCDEFGHJK"}).status_code == 403
    assert not Response.objects.exists()


def test_asking_for_another_format(client, django_capture_on_commit_callbacks):
    consultation = make_consultation(contact_email="team@northshire.example.org")
    url = reverse("engagement:format_request", args=[consultation.pk])
    missing = client.post(url, {"format": "large_print"})
    assert "Enter your name." in missing.content.decode()
    assert 'value="large_print" id="id_format_1" checked' in missing.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            url, {"format": "large_print", "name": "Ruth Adeyemi", "contact": "01632 960123"}
        )
    assert "we have your request" in sent.content.decode()
    assert FormatRequest.objects.get().name == "Ruth Adeyemi"
    assert len(mail.outbox) == 1


def test_unpublished_consultations_cannot_be_answered(client):
    consultation = make_consultation()
    consultation.unpublish()
    assert client.get(reverse("engagement:answer", args=[consultation.pk])).status_code == 404
