"""Moderation of free text: hidden from public results with a reason, never deleted, shown
again on request, every change logged with who and when; Commissioners and Editors only."""

import pytest
from django.urls import reverse

from engagement.consultations.moderation import ModerationError, answer_hide, answer_unhide
from engagement.models import Answer, AnswerModeration

from .conftest import EVERY_ROLE, SINGLE, TEXT

pytestmark = pytest.mark.django_db


@pytest.fixture
def text_answer(answered):
    return Answer.objects.get(response=answered.known_responses[1], question__kind="free_text")


def free_text_url(answer):
    return reverse(
        "engagement:consultation_free_text",
        args=[answer.response.consultation_id, answer.question_id],
    )


def hide_url(answer):
    return reverse(
        "engagement:consultation_answer_hide", args=[answer.response.consultation_id, answer.pk]
    )


def unhide_url(answer):
    return reverse(
        "engagement:consultation_answer_unhide", args=[answer.response.consultation_id, answer.pk]
    )


# --- Service -----------------------------------------------------------------------------------


def test_hiding_keeps_the_answer_and_records_who_when_and_why(text_answer, commissioner):
    answer_hide(answer_id=text_answer.pk, moderator=commissioner, reason="  Names a place  ")
    text_answer.refresh_from_db()
    assert text_answer.hidden
    assert text_answer.text == "The respite centre in Ashby is too far away."
    assert (text_answer.hidden_reason, text_answer.hidden_by) == ("Names a place", commissioner)
    assert text_answer.hidden_at is not None
    log = AnswerModeration.objects.get()
    assert (log.action, log.reason, log.moderator) == ("hidden", "Names a place", commissioner)


def test_hiding_twice_for_the_same_reason_logs_once(text_answer, commissioner):
    answer_hide(answer_id=text_answer.pk, moderator=commissioner, reason="Abusive")
    answer_hide(answer_id=text_answer.pk, moderator=commissioner, reason="Abusive")
    assert AnswerModeration.objects.count() == 1


def test_unhiding_clears_the_state_and_is_logged(text_answer, commissioner, editor):
    answer_hide(answer_id=text_answer.pk, moderator=commissioner, reason="Abusive")
    answer_unhide(answer_id=text_answer.pk, moderator=editor)
    text_answer.refresh_from_db()
    assert not text_answer.hidden
    assert (text_answer.hidden_reason, text_answer.hidden_by, text_answer.hidden_at) == (
        "",
        None,
        None,
    )
    assert [(m.action, m.moderator) for m in AnswerModeration.objects.all()] == [
        ("shown", editor),
        ("hidden", commissioner),
    ]
    answer_unhide(answer_id=text_answer.pk, moderator=editor)  # already shown: nothing new
    assert AnswerModeration.objects.count() == 2


def test_a_reason_is_required(text_answer, commissioner):
    with pytest.raises(ModerationError, match="Say why"):
        answer_hide(answer_id=text_answer.pk, moderator=commissioner, reason="   ")
    text_answer.refresh_from_db()
    assert not text_answer.hidden


def test_only_free_text_can_be_hidden(answered, commissioner):
    choice_answer = Answer.objects.filter(question__text=SINGLE).first()
    with pytest.raises(ModerationError, match="Only free-text"):
        answer_hide(answer_id=choice_answer.pk, moderator=commissioner, reason="No")


# --- Views -------------------------------------------------------------------------------------


@pytest.mark.parametrize("person", EVERY_ROLE, indirect=True)
def test_hiding_through_the_page_is_for_commissioners_and_editors(
    client, text_answer, person, request
):
    role = request.node.callspec.params["person"]
    response = client.post(hide_url(text_answer), {"reason": "Names a member of staff"})
    text_answer.refresh_from_db()
    if role in {"commissioner", "editor", "superuser"}:
        assert response.status_code == 302
        assert response["Location"] == free_text_url(text_answer)
        assert text_answer.hidden
    else:
        assert not text_answer.hidden
        if role == "anonymous":
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("account_login"))
        else:
            assert response.status_code == 403


@pytest.mark.parametrize("person", EVERY_ROLE, indirect=True)
def test_unhiding_through_the_page_is_for_commissioners_and_editors(
    client, text_answer, person, request, commissioner
):
    answer_hide(answer_id=text_answer.pk, moderator=commissioner, reason="Abusive")
    role = request.node.callspec.params["person"]
    response = client.post(unhide_url(text_answer))
    text_answer.refresh_from_db()
    assert text_answer.hidden == (role not in {"commissioner", "editor", "superuser"})
    if role not in {"commissioner", "editor", "superuser", "anonymous"}:
        assert response.status_code == 403


def test_hide_form_without_a_reason_shows_an_error_and_hides_nothing(client, text_answer, editor):
    client.force_login(editor)
    response = client.post(hide_url(text_answer), {"reason": ""})
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.content.decode()
    text_answer.refresh_from_db()
    assert not text_answer.hidden


def test_an_answer_from_another_consultation_is_404(client, text_answer, editor, open_consultation):
    client.force_login(editor)
    url = reverse(
        "engagement:consultation_answer_hide", args=[open_consultation.pk, text_answer.pk]
    )
    assert client.post(url, {"reason": "x"}).status_code == 404


def test_hidden_answers_leave_public_pages_but_moderators_still_see_them_marked(
    client, text_answer, editor
):
    answer_hide(answer_id=text_answer.pk, moderator=editor, reason="Names a place")
    public_html = client.get(free_text_url(text_answer)).content.decode()
    assert "Ashby" not in public_html
    assert "More evening sitters" in public_html
    results_html = client.get(
        reverse("engagement:consultation_results", args=[text_answer.response.consultation_id])
    ).content.decode()
    assert "Ashby" not in results_html

    client.force_login(editor)
    html = client.get(free_text_url(text_answer)).content.decode()
    assert "Ashby" in html
    assert "Hidden from public results" in html
    assert "Reason: Names a place" in html
    assert unhide_url(text_answer) in html


def test_free_text_page_search(client, answered):
    question = answered.ordered_questions[-1]
    url = reverse("engagement:consultation_free_text", args=[answered.pk, question.pk])
    html = client.get(url, {"q": "ashby"}).content.decode()
    assert "1 answer containing ‘ashby’" in html
    assert "Ashby" in html
    assert "More evening sitters" not in html
    assert TEXT in html


def test_free_text_page_for_a_question_that_is_not_free_text_is_404(client, answered):
    question = answered.ordered_questions[0]
    url = reverse("engagement:consultation_free_text", args=[answered.pk, question.pk])
    assert client.get(url).status_code == 404
