"""Consultations in headless Chromium: axe-core (WCAG 2.2 A and AA) on every page a person
meets while answering, each question kind and the error state, plus a keyboard-only journey."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.accounts import roles
from engagement.models import Response, ResponseStatus
from tests.factories import EVERY_KIND, make_consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ONE_OF_EACH = {
    kind: [("Your views", [(kind, text, labels)])]
    for _title, questions in EVERY_KIND
    for kind, text, labels in questions
}


@pytest.fixture
def consultation(home_page):
    page = make_consultation(contact_email="carers@northshire.example.org", required=True)
    page.easy_read = [("paragraph", "<p>Tell us what helps you.</p>")]
    page.save_revision().publish()
    return page


def _section(consultation, number):
    return f"/consultations/{consultation.pk}/answer/section/{number}/"


@pytest.mark.parametrize(
    "path",
    [
        lambda c: "/consultations/",
        lambda c: c.url,
        lambda c: f"{c.url}?format=easy-read",
        lambda c: f"/consultations/{c.pk}/another-format/",
        lambda c: _section(c, 1),
        lambda c: _section(c, 2),
    ],
    ids=["index", "consultation", "easy read", "another format", "section 1", "section 2"],
)
def test_consultation_pages_have_no_axe_violations(
    live_server, page, assert_accessible, consultation, path
):
    page.goto(f"{live_server.url}{path(consultation)}")
    assert page.locator("h1").count() == 1
    assert_accessible(page)


@pytest.mark.parametrize("kind", list(ONE_OF_EACH))
def test_each_question_kind_and_its_error_state_have_no_axe_violations(
    live_server, page, assert_accessible, home_page, kind
):
    consultation = make_consultation(title=f"Kind {kind}", slug=kind, sections=ONE_OF_EACH[kind])
    question = consultation.ordered_questions[0]
    question.required = True
    question.save()
    page.goto(f"{live_server.url}{_section(consultation, 1)}")
    assert_accessible(page)
    page.get_by_role("button", name="Save and continue").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    assert_accessible(page)
    # The error summary's link takes focus to the question's first input.
    summary.get_by_role("link").first.click()
    focused_name = page.evaluate("document.activeElement.name")
    assert focused_name.startswith(f"q{question.pk}")


def test_about_you_check_and_thanks_pages_have_no_axe_violations(
    live_server, page, assert_accessible, home_page
):
    consultation = make_consultation(
        title="One question",
        slug="one-question",
        sections=[("Your views", [("agreement_scale", "Short breaks help me.", [])])],
    )
    page.goto(f"{live_server.url}{_section(consultation, 1)}")
    page.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("h1")).to_have_text("About you (optional)")
    assert_accessible(page)
    page.get_by_role("group", name="What is your age?").get_by_label("Prefer not to say").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("h1")).to_have_text("Check your answers")
    assert_accessible(page)
    page.get_by_role("button", name="Send my response").click()
    expect(page.locator("h1")).to_contain_text("your response has been sent")
    assert_accessible(page)
    reference = Response.objects.get().reference
    expect(page.locator(".nhsuk-panel")).to_contain_text(reference)


def test_saved_closed_and_assisted_pages_have_no_axe_violations(
    live_server, page, assert_accessible, consultation, role_user, log_in
):
    page.goto(f"{live_server.url}{_section(consultation, 1)}")
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.locator("h1")).to_have_text("Your answers are saved")
    assert_accessible(page)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)

    closed = make_consultation(
        title="Closed",
        slug="closed",
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    page.goto(f"{live_server.url}{_section(closed, 1)}")
    expect(page.locator("h1")).to_have_text("This consultation has closed")
    assert_accessible(page)

    log_in(page, role_user(roles.SUPPORT_WORKER))
    page.goto(f"{live_server.url}/consultations/{consultation.pk}/assisted/")
    assert_accessible(page)
    page.get_by_role("button", name="Send this response").click()
    expect(page.locator(".nhsuk-error-summary")).to_be_visible()
    assert_accessible(page)


def test_points_show_a_live_total(live_server, page, consultation):
    page.goto(f"{live_server.url}{_section(consultation, 2)}")
    group = page.get_by_role("group", name="Share 100 points between these.")
    total = group.locator("[data-points-output]")
    expect(total).to_be_visible()
    group.get_by_label("Evenings").fill("60")
    group.get_by_label("Weekends").fill("30")
    expect(total).to_have_text("You have used 90 of 100 points.")
    group.get_by_label("Emergencies").fill("10")
    expect(total).to_have_text("You have used 100 of 100 points.")


def _tab_to(page, description, condition, limit=80):
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {condition}; }})()"):
            return
    raise AssertionError(f"Tab never reached {description}")


def test_keyboard_only_journey_from_consultation_to_reference(live_server, page, home_page):
    consultation = make_consultation(
        title="Keyboard journey",
        slug="keyboard-journey",
        sections=[
            (
                "Your views",
                [
                    ("single_choice", "How often do you get a break?", ["Weekly", "Monthly"]),
                    ("ranking", "Put these in order.", ["Cost", "Distance"]),
                    ("points", "Share 100 points.", ["Evenings", "Weekends"]),
                    ("free_text", "Anything else?", []),
                ],
            )
        ],
        ask_equality_monitoring=False,
    )
    page.goto(f"{live_server.url}{consultation.url}")
    _tab_to(page, "Start now", "el.textContent.trim() === 'Start now'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/section/1/")

    _tab_to(page, "the first radio", "el.type === 'radio'")
    page.keyboard.press("ArrowDown")  # moves to and selects "Monthly"
    _tab_to(page, "the 1st position", "el.tagName === 'SELECT'")
    page.keyboard.type("Distance")
    page.keyboard.press("Tab")
    page.keyboard.type("Cost")
    _tab_to(page, "the first points box", "el.type === 'number'")
    page.keyboard.type("70")
    page.keyboard.press("Tab")
    page.keyboard.type("30")
    _tab_to(page, "the text box", "el.tagName === 'TEXTAREA'")
    page.keyboard.type("Weekend cover, please.")
    _tab_to(page, "Save and continue", "el.textContent.trim() === 'Save and continue'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/answer/check/")

    _tab_to(page, "Send my response", "el.textContent.trim() === 'Send my response'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/answer/sent/")
    response = Response.objects.get()
    assert response.status == ResponseStatus.SUBMITTED
    expect(page.locator(".nhsuk-panel")).to_contain_text(response.reference)
    ranking = dict(
        response.answers.filter(question__kind="ranking").values_list("choice__label", "number")
    )
    assert ranking == {"Distance": 1, "Cost": 2}
    points = dict(
        response.answers.filter(question__kind="points").values_list("choice__label", "number")
    )
    assert points == {"Evenings": 70, "Weekends": 30}
    assert response.answers.get(question__kind="single_choice").choice.label == "Monthly"


def test_sending_with_required_answers_missing_links_to_them(
    live_server, page, assert_accessible, consultation
):
    page.goto(f"{live_server.url}{_section(consultation, 1)}")
    page.get_by_role("button", name="Save and finish later").click()
    page.goto(f"{live_server.url}/consultations/{consultation.pk}/answer/check/")
    page.get_by_role("button", name="Send my response").click()
    summary = page.locator(".nhsuk-error-summary")
    expect(summary).to_be_visible()
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    page.wait_for_url("**/section/1/**")
    expect(page.locator("h1")).to_have_text("Your short break")


def test_change_goes_to_that_answer_and_back_to_check_your_answers(
    live_server, page, assert_accessible, home_page
):
    consultation = make_consultation(
        title="Change journey",
        slug="change-journey",
        sections=[
            ("First part", [("agreement_scale", "Short breaks help me.", [])]),
            ("Second part", [("free_text", "Anything else?", [])]),
            ("Third part", [("single_choice", "How often?", ["Weekly", "Monthly"])]),
        ],
        ask_equality_monitoring=False,
    )
    page.goto(f"{live_server.url}{_section(consultation, 1)}")
    page.get_by_label("Agree", exact=True).check()
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Anything else?").fill("Evenings.")
    page.get_by_role("button", name="Save and continue").click()
    page.get_by_label("Weekly").check()
    page.get_by_role("button", name="Save and continue").click()
    expect(page.locator("h1")).to_have_text("Check your answers")

    page.get_by_role("link", name="Change your answer to “Anything else?”").click()
    expect(page.locator("h1")).to_have_text("Second part")
    assert page.get_by_label("Anything else?").input_value() == "Evenings."
    assert_accessible(page)
    page.get_by_label("Anything else?").fill("Evenings and weekends.")
    page.get_by_role("button", name="Save and go back to check your answers").click()

    expect(page.locator("h1")).to_have_text("Check your answers")
    expect(page.locator(".nhsuk-summary-list").nth(1)).to_contain_text("Evenings and weekends.")


def test_save_and_finish_later_keeps_a_ranking_that_repeats_an_item(
    live_server, page, assert_accessible, consultation
):
    page.goto(f"{live_server.url}{_section(consultation, 2)}")
    group = page.get_by_role("group", name="Put these in order of importance.")
    group.get_by_label("1st most important").select_option(label="Cost")
    group.get_by_label("2nd most important").select_option(label="Cost")
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.locator("h1")).to_have_text("Your answers are saved")
    assert_accessible(page)

    page.get_by_role("link", name="Carry on now").click()
    expect(page.locator("h1")).not_to_have_text("Your answers are saved")
    page.goto(f"{live_server.url}{_section(consultation, 2)}")
    expect(page.get_by_text("Some answers need putting right")).to_be_visible()
    group = page.get_by_role("group", name="Put these in order of importance.")
    selected = group.get_by_label("2nd most important").evaluate(
        "el => el.options[el.selectedIndex].text"
    )
    assert selected == "Cost"
    assert_accessible(page)
