"""Answering through the HTML forms: signed-in and open modes, save and finish later, resume,
edit until close, and a closed consultation refusing answers."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from engagement.models import Answer, AnswerMode, Response, ResponseStatus
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db


def _questions(consultation):
    return {q.text: q for q in consultation.ordered_questions}


def _choice(question, label):
    return next(c.pk for c in question.choices.all() if c.label == label)


def section_one(consultation):
    q = _questions(consultation)
    often = q["How often do you get a short break?"]
    kinds = q["Which kinds of break would help?"]
    scale = q["Short breaks help me keep caring."]
    return {
        f"q{often.pk}": str(_choice(often, "Monthly")),
        f"q{kinds.pk}": [str(_choice(kinds, "Overnight")), str(_choice(kinds, "Holiday"))],
        f"q{scale.pk}": "4",
    }


def section_two(consultation, text="More evening cover, please."):
    q = _questions(consultation)
    ranking = q["Put these in order of importance."]
    points = q["Share 100 points between these."]
    free = q["What else should we know?"]
    order = [_choice(ranking, label) for label in ["Staff", "Cost", "Distance"]]
    data = {f"q{ranking.pk}_{i}": str(choice) for i, choice in enumerate(order)}
    for i, share in enumerate([50, 30, 20]):
        data[f"q{points.pk}_{i}"] = str(share)
    data[f"q{free.pk}"] = text
    return data


def test_signed_in_journey_stores_every_kind_and_gives_a_reference(
    client, participant, django_capture_on_commit_callbacks
):
    consultation = make_consultation(answer_mode=AnswerMode.SIGNED_IN, required=True)
    client.force_login(participant)
    start = client.get(reverse("engagement:answer", args=[consultation.pk]))
    assert start.status_code == 302
    page = client.get(start.url)
    assert "How often do you get a short break?" in page.content.decode()

    reply = client.post(start.url, {**section_one(consultation), "action": "continue"})
    assert reply.url == reverse("engagement:answer_section", args=[consultation.pk, 2])
    reply = client.post(reply.url, {**section_two(consultation), "action": "continue"})
    assert reply.url == reverse("engagement:answer_about_you", args=[consultation.pk])
    reply = client.post(reply.url, {"age_band": "35_49", "carer": "yes"})
    assert reply.url == reverse("engagement:answer_check", args=[consultation.pk])
    check = client.get(reply.url).content.decode()
    assert "Overnight" in check and "1. Staff" in check and "Evenings: 50" in check
    with django_capture_on_commit_callbacks(execute=True):
        reply = client.post(reply.url, {})
    assert reply.url == reverse("engagement:answer_done", args=[consultation.pk])

    response = Response.objects.get(consultation=consultation, respondent=participant)
    assert response.status == ResponseStatus.SUBMITTED
    done = client.get(reply.url).content.decode()
    assert response.reference in done
    assert Answer.objects.filter(response=response).count() == 1 + 2 + 1 + 3 + 3 + 1
    assert response.equality.carer == "yes"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [participant.email]
    assert response.reference in mail.outbox[0].subject


def test_signed_in_mode_sends_people_without_an_account_to_sign_in(client):
    consultation = make_consultation(answer_mode=AnswerMode.SIGNED_IN)
    reply = client.get(reverse("engagement:answer_section", args=[consultation.pk, 1]))
    assert reply.status_code == 302
    assert reply.url.startswith(reverse("account_login"))


def test_open_mode_save_and_resume_in_the_same_browser(client):
    consultation = make_consultation(answer_mode=AnswerMode.OPEN)
    url = reverse("engagement:answer_section", args=[consultation.pk, 1])
    reply = client.post(url, {**section_one(consultation), "action": "save"})
    assert reply.url == reverse("engagement:answer_saved", args=[consultation.pk])
    response = Response.objects.get(consultation=consultation)
    assert response.browser_key and response.respondent is None
    assert response.status == ResponseStatus.IN_PROGRESS

    # Coming back: "Start now" resumes at the next section, answers shown back.
    start = client.get(reverse("engagement:answer", args=[consultation.pk]))
    assert start.url == reverse("engagement:answer_section", args=[consultation.pk, 2])
    again = client.get(url).content.decode()
    often = _questions(consultation)["How often do you get a short break?"]
    assert f'value="{_choice(often, "Monthly")}" id="id_q{often.pk}_1" checked' in again

    # Another browser starts its own response.
    from django.test import Client

    other = Client()
    other.post(url, {**section_one(consultation), "action": "save"})
    assert Response.objects.filter(consultation=consultation).count() == 2


def test_open_mode_resume_link_by_email_carries_on_in_another_browser(
    client, django_capture_on_commit_callbacks
):
    from django.test import Client

    consultation = make_consultation(answer_mode=AnswerMode.OPEN)
    url = reverse("engagement:answer_section", args=[consultation.pk, 1])
    client.post(url, {**section_one(consultation), "action": "save"})
    saved = reverse("engagement:answer_saved", args=[consultation.pk])
    with django_capture_on_commit_callbacks(execute=True):
        reply = client.post(saved, {"email": "kim@example.org"})
    assert "We have sent a link to kim@example.org" in reply.content.decode()
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/resume/" in line)

    other = Client()
    reply = other.get(link.replace("http://testserver", ""))
    assert reply.status_code == 302
    reply = other.post(
        reverse("engagement:answer_section", args=[consultation.pk, 2]),
        {**section_two(consultation), "action": "continue"},
    )
    assert Response.objects.filter(consultation=consultation).count() == 1
    response = Response.objects.get()
    assert response.answers.filter(question__kind="free_text").get().text == (
        "More evening cover, please."
    )


def test_a_tampered_resume_link_is_refused_clearly(client):
    consultation = make_consultation()
    reply = client.get(reverse("engagement:answer_resume", args=[consultation.pk, "forged"]))
    assert reply.status_code == 400
    assert "This link does not work" in reply.content.decode()


def test_edit_until_close_then_refused(client, participant, django_capture_on_commit_callbacks):
    consultation = make_consultation(answer_mode=AnswerMode.SIGNED_IN)
    client.force_login(participant)
    url1 = reverse("engagement:answer_section", args=[consultation.pk, 1])
    url2 = reverse("engagement:answer_section", args=[consultation.pk, 2])
    client.post(url1, {**section_one(consultation), "action": "continue"})
    client.post(url2, {**section_two(consultation), "action": "continue"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("engagement:answer_check", args=[consultation.pk]), {})
    response = Response.objects.get()
    first_submitted = response.submitted_at

    client.post(url2, {**section_two(consultation, "Changed my mind."), "action": "continue"})
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("engagement:answer_check", args=[consultation.pk]), {})
    response.refresh_from_db()
    assert response.answers.get(question__kind="free_text").text == "Changed my mind."
    assert response.submitted_at == first_submitted
    assert len(mail.outbox) == 1  # one receipt, not one per edit

    consultation.closes_at = timezone.now() - dt.timedelta(minutes=1)
    consultation.save()
    reply = client.post(url2, {**section_two(consultation, "Too late."), "action": "continue"})
    assert reply.status_code == 403
    assert "This consultation has closed" in reply.content.decode()
    assert response.answers.get(question__kind="free_text").text == "Changed my mind."


@pytest.mark.parametrize(
    ("opens", "closes", "message"),
    [
        (1, 10, "not open yet"),
        (-10, -1, "has closed"),
    ],
)
def test_closed_or_upcoming_refuses_answers_with_a_clear_message(client, opens, closes, message):
    now = timezone.now()
    consultation = make_consultation(
        opens_at=now + dt.timedelta(days=opens), closes_at=now + dt.timedelta(days=closes)
    )
    url = reverse("engagement:answer_section", args=[consultation.pk, 1])
    assert message in client.get(url).content.decode()
    reply = client.post(url, {**section_one(consultation), "action": "continue"})
    assert reply.status_code == 403
    assert message in reply.content.decode()
    assert not Response.objects.exists()


def test_required_questions_error_keeps_everything_entered(client):
    consultation = make_consultation(required=True)
    url = reverse("engagement:answer_section", args=[consultation.pk, 1])
    data = section_one(consultation)
    scale_field = next(k for k, v in data.items() if v == "4")
    del data[scale_field]
    reply = client.post(url, {**data, "action": "continue"})
    body = reply.content.decode()
    assert reply.status_code == 200
    assert "nhsuk-error-summary" in body
    assert "Select how much you agree with “Short breaks help me keep caring.”" in body
    often = _questions(consultation)["How often do you get a short break?"]
    assert f'value="{_choice(often, "Monthly")}" id="id_q{often.pk}_1" checked' in body
    assert not Response.objects.exists()


def test_save_for_later_allows_required_questions_to_wait(client):
    consultation = make_consultation(required=True)
    url = reverse("engagement:answer_section", args=[consultation.pk, 1])
    reply = client.post(url, {"action": "save"})
    assert reply.status_code == 302
    check = client.post(reverse("engagement:answer_check", args=[consultation.pk]), {})
    assert check.status_code == 400
    body = check.content.decode()
    often = _questions(consultation)["How often do you get a short break?"]
    section_one_url = reverse("engagement:answer_section", args=[consultation.pk, 1])
    assert (
        f'<a href="{section_one_url}?return=check#id_q{often.pk}_0">'
        "Answer “How often do you get a short break?”: it is required.</a>"
    ) in body
    assert Response.objects.get().status == ResponseStatus.IN_PROGRESS


def test_free_text_is_stored_as_typed_and_shown_escaped(client):
    consultation = make_consultation()
    text = '<script>alert("x")</script> & <b>bold</b>'
    client.post(
        reverse("engagement:answer_section", args=[consultation.pk, 2]),
        {**section_two(consultation, text), "action": "continue"},
    )
    assert Answer.objects.get(question__kind="free_text").text == text
    body = client.get(reverse("engagement:answer_check", args=[consultation.pk])).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in body
    assert "<script>alert" not in body


def test_error_messages_keep_the_questions_own_full_stop(client):
    consultation = make_consultation(required=True)
    url = reverse("engagement:answer_section", args=[consultation.pk, 1])
    body = client.post(url, {"action": "continue"}).content.decode()
    assert "Select how much you agree with “Short breaks help me keep caring.”<" in body
    assert "caring.”." not in body


def _unfinished_section_two(consultation):
    """Section two with Staff ranked first and second, and points adding up to 90."""
    q = _questions(consultation)
    ranking = q["Put these in order of importance."]
    points = q["Share 100 points between these."]
    data = section_two(consultation, text="Evenings matter most.")
    data[f"q{ranking.pk}_1"] = data[f"q{ranking.pk}_0"]
    data[f"q{points.pk}_2"] = "10"
    return data, ranking, points


def test_save_for_later_keeps_answers_that_do_not_fit_yet(client):
    consultation = make_consultation()
    url = reverse("engagement:answer_section", args=[consultation.pk, 2])
    data, ranking, points = _unfinished_section_two(consultation)

    reply = client.post(url, {**data, "action": "save"})

    assert reply.url == reverse("engagement:answer_saved", args=[consultation.pk])
    saved = client.get(reply.url).content.decode()
    assert "We kept everything you typed" in saved
    response = Response.objects.get()
    # The free text fits, so it is an answer; the ranking and points are kept apart, uncounted.
    assert Answer.objects.get(response=response).text == "Evenings matter most."
    assert set(response.unfinished_answers) == {str(ranking.pk), str(points.pk)}

    # Coming back shows what they typed, and what to put right.
    resume = client.get(reverse("engagement:answer", args=[consultation.pk]))
    assert resume.url == url
    page = client.get(url).content.decode()
    assert "Some answers need putting right" in page
    assert f'name="q{points.pk}_2" value="10"' in page
    staff = str(_choice(ranking, "Staff"))
    assert f'<option value="{staff}" selected>' in page.split(f'id="id_q{ranking.pk}_1"')[1][:400]

    # It cannot be sent like this, and the check page says which answer to finish.
    check = client.post(reverse("engagement:answer_check", args=[consultation.pk]), {})
    assert check.status_code == 400
    assert "Finish your answer to “Put these in order of importance.”" in check.content.decode()
    assert Response.objects.get().status == ResponseStatus.IN_PROGRESS

    # "Save and continue" checks them.
    reply = client.post(url, {**data, "action": "continue"})
    assert reply.status_code == 200
    assert "Choose each item only once in “Put these in order of importance.”" in (
        reply.content.decode()
    )
    reply = client.post(url, {**section_two(consultation), "action": "continue"})
    assert reply.status_code == 302
    assert Response.objects.get().unfinished_answers == {}
    assert Answer.objects.filter(question=points).count() == 3


def test_change_on_check_your_answers_goes_to_that_section_and_comes_back(client):
    consultation = make_consultation()
    client.post(
        reverse("engagement:answer_section", args=[consultation.pk, 1]),
        {**section_one(consultation), "action": "continue"},
    )
    client.post(
        reverse("engagement:answer_section", args=[consultation.pk, 2]),
        {**section_two(consultation), "action": "continue"},
    )
    check_url = reverse("engagement:answer_check", args=[consultation.pk])
    check = client.get(check_url).content.decode()
    section_two_change = reverse("engagement:answer_section", args=[consultation.pk, 2])
    change = f"{section_two_change}?return=check"
    assert f'href="{change}"' in check

    page = client.get(change).content.decode()
    assert "Save and go back to check your answers" in page
    assert f'href="{check_url}"' in page  # the back link
    reply = client.post(
        change, {**section_two(consultation, text="Weekend cover too."), "action": "continue"}
    )
    assert reply.url == check_url
    assert "Weekend cover too." in client.get(check_url).content.decode()
