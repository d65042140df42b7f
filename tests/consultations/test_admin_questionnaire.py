"""The questionnaire in the real Wagtail admin: nested inline panels save, questions are checked
against their kind, and once people respond the questions are locked and the page cannot be
deleted. Plus starting a questionnaire from a template or an earlier consultation."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import (
    inline_formset,
    nested_form_data,
    querydict_from_html,
    streamfield,
)

from coproduce.accounts import roles
from engagement.consultations.questionnaire_templates import QUESTIONNAIRE_TEMPLATES
from engagement.consultations.services import response_start
from engagement.models import (
    ConsultationPage,
    Question,
    QuestionKind,
    Response,
    ResponseStatus,
)
from tests.factories import consultation_index, make_consultation

pytestmark = pytest.mark.django_db


def _question(kind, text, choices=()):
    return {
        "kind": kind,
        "text": text,
        "hint": "",
        "required": "on",
        "max_choices": "",
        "max_length": "2000",
        "points_total": "100",
        "choices": inline_formset([{"label": label} for label in choices]),
    }


def _new_consultation_data(questions):
    return nested_form_data(
        {
            "title": "Day opportunities for people with learning disabilities",
            "slug": "day-opportunities",
            "summary": "What would a good day look like for you?",
            "who_is_asked": "People with learning disabilities, their families and carers.",
            "opens_at": "2026-11-01 09:00",
            "closes_at": "2027-02-01 17:00",
            "body": streamfield([]),
            "easy_read": streamfield([]),
            "documents": inline_formset([]),
            "comments": inline_formset([]),
            "answer_mode": "open",
            "results_visibility": "after_close",
            "ask_equality_monitoring": "on",
            "sections": inline_formset(
                [{"title": "Your day", "description": "", "questions": inline_formset(questions)}]
            ),
            "action-publish": "action-publish",
        }
    )


def _add_url():
    index = consultation_index()
    return reverse("wagtailadmin_pages:add", args=["engagement", "consultationpage", index.pk])


def test_commissioner_builds_a_questionnaire_through_the_admin(client, commissioner):
    client.force_login(commissioner)
    data = _new_consultation_data(
        [
            _question("single_choice", "Where do you spend your days now?", ["Home", "Centre"]),
            _question("ranking", "Put these in order.", ["Friends", "Work", "Learning"]),
            _question("free_text", "What would a good day look like?"),
        ]
    )
    reply = client.post(_add_url(), data)
    assert reply.status_code == 302, reply.context["form"].errors
    page = ConsultationPage.objects.get(slug="day-opportunities")
    assert page.live
    questions = page.ordered_questions
    assert [q.kind for q in questions] == ["single_choice", "ranking", "free_text"]
    assert [c.label for c in questions[1].choices.all()] == ["Friends", "Work", "Learning"]


@pytest.mark.parametrize(
    ("question", "message"),
    [
        (_question("single_choice", "Pick one", ["Only one"]), "needs at least two choices"),
        (_question("points", "Share points", []), "needs at least two choices"),
        (_question("free_text", "Tell us", ["A", "B"]), "has no choices: remove them"),
        (_question("agreement_scale", "I agree", ["A"]), "has no choices: remove them"),
    ],
)
def test_each_question_is_checked_against_its_kind(client, commissioner, question, message):
    client.force_login(commissioner)
    reply = client.post(_add_url(), _new_consultation_data([question]))
    assert reply.status_code == 200
    assert message in reply.content.decode()
    assert not ConsultationPage.objects.filter(slug="day-opportunities").exists()


def _edit_data(client, page):
    html = client.get(reverse("wagtailadmin_pages:edit", args=[page.pk])).content.decode()
    data = querydict_from_html(html, form_id="page-edit-form")
    data["action-publish"] = "action-publish"
    # StreamFields are drawn by the admin's JavaScript, so the HTML holds no inputs for them;
    # the factory's consultations have empty ones.
    for key, value in nested_form_data(
        {"body": streamfield([]), "easy_read": streamfield([])}
    ).items():
        data[key] = value
    return data


def _field_for(data, value):
    return next(key for key, v in data.items() if v == value and "__prefix__" not in key)


@pytest.fixture
def answered(participant):
    consultation = make_consultation(title="Short breaks", slug="short-breaks")
    response_start(consultation=consultation, respondent=participant)
    return consultation


def test_editing_the_page_still_works_once_people_respond(client, editor, answered):
    client.force_login(editor)
    data = _edit_data(client, answered)
    data["summary"] = "Tell us what would help you have a break from caring."
    reply = client.post(reverse("wagtailadmin_pages:edit", args=[answered.pk]), data)
    assert reply.status_code == 302
    answered.refresh_from_db()
    assert answered.summary.startswith("Tell us what would help")


@pytest.mark.parametrize(
    "change",
    [
        lambda data: data.__setitem__(_field_for(data, "Overnight"), "Overnight stays"),
        lambda data: data.__setitem__(
            _field_for(data, "How often do you get a short break?"), "How often?"
        ),
        lambda data: data.__setitem__(
            _field_for(data, "Weekly").replace("-label", "-DELETE"), "on"
        ),
    ],
    ids=["choice relabelled", "question reworded", "choice deleted"],
)
def test_questions_and_choices_are_locked_once_people_respond(client, editor, answered, change):
    client.force_login(editor)
    before = [(q.text, [c.label for c in q.choices.all()]) for q in answered.ordered_questions]
    data = _edit_data(client, answered)
    change(data)
    reply = client.post(reverse("wagtailadmin_pages:edit", args=[answered.pk]), data)
    assert reply.status_code == 200
    assert "1 person has already responded" in reply.content.decode()
    assert "the results would stop meaning anything" in reply.content.decode()
    fresh = ConsultationPage.objects.get(pk=answered.pk)
    assert [(q.text, [c.label for c in q.choices.all()]) for q in fresh.ordered_questions] == (
        before
    )


def test_a_consultation_with_responses_cannot_be_deleted(client, editor, answered):
    client.force_login(editor)
    url = reverse("wagtailadmin_pages:delete", args=[answered.pk])
    reply = client.post(url, follow=True)
    assert "cannot be deleted: 1 person has responded" in reply.content.decode()
    assert ConsultationPage.objects.filter(pk=answered.pk).exists()


def test_a_consultation_without_responses_can_be_deleted(client, editor):
    consultation = make_consultation()
    client.force_login(editor)
    client.post(reverse("wagtailadmin_pages:delete", args=[consultation.pk]))
    assert not ConsultationPage.objects.filter(pk=consultation.pk).exists()


def test_the_edit_screen_offers_templates_and_copying(client, commissioner):
    consultation = make_consultation()
    client.force_login(commissioner)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[consultation.pk])).content
    assert reverse("engagement_questionnaire_start", args=[consultation.pk]).encode() in html


@pytest.mark.parametrize("version", ["person", "family_carer", "staff"])
def test_start_from_the_personal_budget_outcomes_template(client, commissioner, version):
    consultation = make_consultation(title="Personal budgets 2026", slug="pb-2026")
    client.force_login(commissioner)
    url = reverse("engagement_questionnaire_start", args=[consultation.pk])
    reply = client.post(url, {"starting_point": f"template:personal-budget-outcomes:{version}"})
    assert reply.status_code == 302
    fresh = ConsultationPage.objects.get(pk=consultation.pk)
    expected = QUESTIONNAIRE_TEMPLATES["personal-budget-outcomes"].sections_for(version)
    assert [s.title for s in fresh.sections.all()] == [s["title"] for s in expected]
    texts = [q.text for q in fresh.ordered_questions]
    assert texts == [q["text"] for s in expected for q in s["questions"]]
    assert any("dignity" in text for text in texts)
    assert fresh.live and not fresh.has_unpublished_changes


def test_the_three_versions_ask_the_same_questions_about_different_people():
    template = QUESTIONNAIRE_TEMPLATES["personal-budget-outcomes"]
    shapes = {
        version: [
            (s["title"], [(q["kind"], tuple(q.get("choices", []))) for q in s["questions"]])
            for s in template.sections_for(version)
        ]
        for version in ["person", "family_carer", "staff"]
    }
    assert shapes["person"] == shapes["family_carer"] == shapes["staff"]
    assert template.sections_for("person") != template.sections_for("staff")


def test_copy_an_earlier_consultations_questions(client, commissioner):
    earlier = make_consultation(title="Short breaks 2025", slug="short-breaks-2025")
    target = make_consultation(
        title="Short breaks 2026",
        slug="short-breaks-2026",
        sections=[("Placeholder", [("free_text", "Anything?", [])])],
    )
    client.force_login(commissioner)
    url = reverse("engagement_questionnaire_start", args=[target.pk])
    reply = client.post(url, {"starting_point": f"copy:{earlier.pk}"})
    assert reply.status_code == 302
    fresh = ConsultationPage.objects.get(pk=target.pk)
    copied = [(q.kind, q.text, [c.label for c in q.choices.all()]) for q in fresh.ordered_questions]
    original = [
        (q.kind, q.text, [c.label for c in q.choices.all()]) for q in earlier.ordered_questions
    ]
    assert copied == original
    # Copies, not shared rows: the earlier consultation's questions are untouched.
    assert not set(Question.objects.filter(section__page=target).values_list("pk", flat=True)) & {
        q.pk for q in earlier.ordered_questions
    }


def test_a_questionnaire_with_responses_cannot_be_replaced(client, commissioner, answered):
    client.force_login(commissioner)
    url = reverse("engagement_questionnaire_start", args=[answered.pk])
    reply = client.post(url, {"starting_point": "template:personal-budget-outcomes:person"})
    assert reply.status_code == 200
    assert "already has responses" in reply.content.decode()
    assert QuestionKind.AGREEMENT_SCALE in {q.kind for q in answered.ordered_questions}
    assert Response.objects.filter(status=ResponseStatus.IN_PROGRESS).count() == 1


@pytest.mark.parametrize("role", [roles.PARTICIPANT, roles.SUPPORT_WORKER, roles.FACILITATOR])
def test_only_commissioners_and_editors_start_questionnaires(client, role_user, role):
    consultation = make_consultation()
    client.force_login(role_user(role))
    url = reverse("engagement_questionnaire_start", args=[consultation.pk])
    reply = client.post(url, {"starting_point": "template:personal-budget-outcomes:person"})
    assert reply.status_code in {302, 403}
    assert "Anything" not in {q.text for q in consultation.ordered_questions}
    assert [q.kind for q in ConsultationPage.objects.get(pk=consultation.pk).ordered_questions] == [
        q.kind for q in consultation.ordered_questions
    ]


def _draft_rewording_the_first_question(consultation):
    draft = consultation.get_latest_revision_as_object()
    sections = list(draft.sections.all())
    questions = list(sections[0].questions.all())
    questions[0].text = "A reworded question"
    sections[0].questions = questions
    draft.sections = sections
    return draft.save_revision()


def test_publishing_an_older_draft_cannot_change_answered_questions(participant):
    """Scheduled publishing, workflow approval and bulk publishing publish a revision without
    the admin form: the live questions still win once people have responded."""
    consultation = make_consultation(title="Short breaks", slug="short-breaks")
    revision = _draft_rewording_the_first_question(consultation)

    response = response_start(consultation=consultation, respondent=participant)
    question = consultation.ordered_questions[0]
    response.answers.create(question=question, choice=question.choices.all()[0])

    revision.publish()
    fresh = ConsultationPage.objects.get(pk=consultation.pk)
    assert fresh.ordered_questions[0].text == "How often do you get a short break?"
    assert response.answers.count() == 1


def test_before_anyone_responds_a_draft_questionnaire_publishes_as_usual():
    consultation = make_consultation(title="Short breaks", slug="short-breaks")
    _draft_rewording_the_first_question(consultation).publish()
    fresh = ConsultationPage.objects.get(pk=consultation.pk)
    assert fresh.ordered_questions[0].text == "A reworded question"
