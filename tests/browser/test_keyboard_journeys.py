"""One journey per role, done with the keyboard alone in headless Chromium: Tab, Shift+Tab,
Enter, Space, arrow keys and typing, never a click or a fill. At each step the test finds where
focus is, tabs (a bounded number of times, so a control that can't be reached fails by name) until
the wanted control has it, and checks that a sighted person can see where focus is."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coproduce.accounts import roles
from deliberation.models import Poll
from engagement.models import PaymentClaim, Response, ResponseStatus
from tests import factories
from tests.consultations.conftest import SUBMITTED
from tests.deliberation.servers import real_servers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"

# Is focus visible on the focused element? An outline or a box-shadow on it, or, for the NHS
# radios and checkboxes (whose input is hidden and drawn by the label), on the label's ::before
# or ::after.
FOCUS_STYLE = """(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return 'nothing has focus';
  const shows = (style) => (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0
      && style.outlineColor !== 'transparent' && !style.outlineColor.endsWith(', 0)'))
    || (style.boxShadow && style.boxShadow !== 'none');
  if (shows(getComputedStyle(el))) return '';
  if ((el.type === 'radio' || el.type === 'checkbox') && el.labels && el.labels.length) {
    const label = el.labels[0];
    if (shows(getComputedStyle(label, '::before')) || shows(getComputedStyle(label, '::after')))
      return '';
  }
  return `no visible focus on <${el.tagName.toLowerCase()}> ${el.outerHTML.slice(0, 160)}`;
})()"""


def _focus_visible(page):
    problem = page.evaluate(FOCUS_STYLE)
    assert not problem, f"{page.url}: {problem}"


def _tab_to(page, description, condition, limit=80, key="Tab"):
    """Press Tab until `condition` (JS, with `el` the focused element) holds; check focus shows."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {condition}; }})()"):
            _focus_visible(page)
            return
    last = page.evaluate("(document.activeElement || document.body).outerHTML.slice(0, 200)")
    raise AssertionError(
        f"{limit} presses of {key} never reached {description} on {page.url}; focus is on {last}"
    )


TEXT = "(el.textContent || el.value || '').replace(/\\s+/g, ' ').trim()"


def _text_is(text):
    return f"{TEXT} === {text!r}"


def _text_starts(text):
    return f"{TEXT}.startsWith({text!r})"


def _label_is(text):
    return f"!!(el.labels && el.labels[0]) && el.labels[0].textContent.trim() === {text!r}"


def _press_and_wait(page, key="Enter"):
    with page.expect_navigation():
        page.keyboard.press(key)


def _log_in(page, base_url, user):
    page.goto(f"{base_url}/accounts/login/")
    _tab_to(page, "the email box", "el.name === 'login'")
    page.keyboard.type(user.email)
    _tab_to(page, "the password box", "el.name === 'password'", limit=5)
    page.keyboard.type(PASSWORD)
    _press_and_wait(page)


def test_participant_answers_a_consultation_with_the_keyboard(
    live_server, page, role_user, home_page
):
    consultation = factories.make_consultation(
        title="Keyboard consultation",
        slug="keyboard-consultation",
        sections=[
            (
                "Your short break",
                [
                    ("single_choice", "How often do you get a break?", ["Weekly", "Monthly"]),
                    ("multiple_choice", "Which kinds would help?", ["Day care", "Overnight"]),
                ],
            )
        ],
        ask_equality_monitoring=False,
    )
    _log_in(page, live_server.url, role_user(roles.PARTICIPANT))
    page.goto(f"{live_server.url}{consultation.url}")
    _tab_to(page, "Start now", _text_is("Start now"))
    _press_and_wait(page)
    expect(page.locator("h1")).to_have_text("Your short break")

    _tab_to(page, "the first radio", "el.type === 'radio'")
    page.keyboard.press("ArrowDown")  # moves to "Monthly" and chooses it
    _focus_visible(page)
    _tab_to(page, "the first checkbox", "el.type === 'checkbox'", limit=5)
    _tab_to(page, "“Overnight”", _label_is("Overnight"), limit=3)
    page.keyboard.press("Space")
    _tab_to(page, "Save and continue", _text_is("Save and continue"))
    _press_and_wait(page)
    expect(page.locator("h1")).to_have_text("Check your answers")
    expect(page.locator("main")).to_contain_text("Monthly")

    _tab_to(page, "Send my response", _text_is("Send my response"))
    _press_and_wait(page)
    expect(page.locator("h1")).to_contain_text("your response has been sent")
    response = Response.objects.get()
    assert response.status == ResponseStatus.SUBMITTED
    expect(page.locator(".nhsuk-panel")).to_contain_text(response.reference)
    assert response.answers.get(question__kind="single_choice").choice.label == "Monthly"
    assert [a.choice.label for a in response.answers.filter(question__kind="multiple_choice")] == [
        "Overnight"
    ]


def test_expert_makes_a_claim_from_claims_with_the_keyboard(live_server, page, role_user):
    commissioner = role_user(roles.COMMISSIONER)
    opportunity = factories.OpportunityFactory(
        title="Personal health budgets group", hourly_rate=Decimal("25.00"), posted_by=commissioner
    )
    profile = factories.ExpertProfileFactory(user=role_user(roles.EXPERT), display_name="Priya")
    factories.InvitationFactory(opportunity=opportunity, profile=profile, status="accepted")

    _log_in(page, live_server.url, profile.user)
    page.goto(f"{live_server.url}/claims/")
    _tab_to(page, "the claim link", _text_starts("Claim for “Personal health budgets group”"))
    _press_and_wait(page)
    _tab_to(page, "the date box", "el.name === 'worked_on'")
    page.keyboard.type(timezone.localdate().strftime("%d/%m/%Y"))
    _tab_to(page, "What you did", "el.name === 'description'", limit=3)
    page.keyboard.type("Group meeting and reading")
    _tab_to(page, "Hours", "el.name === 'hours'", limit=3)
    page.keyboard.type("2.5")
    _tab_to(page, "the payment choice", "el.name === 'payment_choice'", limit=5)
    page.keyboard.press("Space")
    _tab_to(page, "Send for approval", _text_is("Send for approval"))
    _press_and_wait(page)
    expect(page.get_by_text("Your claim has been sent for approval.")).to_be_visible()
    claim = PaymentClaim.objects.get()
    assert (claim.claimant, claim.hours, claim.fee) == (
        profile.user,
        Decimal("2.5"),
        Decimal("62.50"),
    )


def test_facilitator_opens_their_room_and_starts_a_poll_with_the_keyboard(browser, role_user):
    facilitator = role_user(roles.FACILITATOR, display_name="Rina")
    group = factories.CoproductionGroupFactory(
        name="Personal health budgets co-production group", facilitators=[facilitator]
    )
    session = factories.SessionFactory(
        group=group, title="Wheelchair budgets", scheduled_at=timezone.now() + dt.timedelta(hours=1)
    )
    factories.AgendaItemFactory(session=session, title="Welcome", sort_order=0)
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        with real_servers(1) as urls:
            base = urls[0]
            _log_in(page, base, facilitator)
            page.goto(f"{base}/my/")
            _tab_to(page, "the session link", _text_is("Wheelchair budgets"), limit=120)
            _press_and_wait(page)
            page.wait_for_selector("#room-connection:has-text('Connected')")
            _tab_to(page, "Open a poll", _text_is("Open a poll"), limit=120)
            page.keyboard.press("Enter")
            _tab_to(page, "the poll question", _label_is("Question"), limit=5)
            page.keyboard.type("What should budgets cover first?")
            _tab_to(page, "the choices", "el.tagName === 'TEXTAREA'", limit=5)
            page.keyboard.type("Repairs\nCushions")
            _tab_to(page, "Open the poll", _text_is("Open the poll"), limit=10)
            page.keyboard.press("Enter")
            polls = page.locator("#room-polls")
            expect(polls).to_contain_text("What should budgets cover first?")
            poll = Poll.objects.get()
            assert poll.question == "What should budgets cover first?"
    finally:
        context.close()


def test_commissioner_reaches_results_and_a_breakdown_with_the_keyboard(
    live_server, page, role_user, home_page
):
    now = timezone.now()
    consultation = factories.make_consultation(
        title="Short breaks for carers",
        opens_at=now - dt.timedelta(days=30),
        closes_at=now - dt.timedelta(days=1),
    )
    for n, group in enumerate([{"carer": "yes"}] * 7 + [{"carer": "no"}] * 6):
        factories.make_response(consultation, answers=SUBMITTED[n % 3], equality=group)

    _log_in(page, live_server.url, role_user(roles.COMMISSIONER))
    page.goto(f"{live_server.url}{consultation.url}")
    _tab_to(page, "See what people said", _text_is("See what people said"))
    _press_and_wait(page)
    expect(page.get_by_text("13 people sent a response.")).to_be_visible()
    _tab_to(page, "the breakdown link", _text_starts("Break the results down by"), limit=150)
    _press_and_wait(page)
    _tab_to(page, "the field to break down by", "el.name === 'by'")
    page.keyboard.type("Caring")
    _tab_to(page, "Show the breakdown", _text_is("Show the breakdown"), limit=3)
    _press_and_wait(page)
    expect(page.locator("h1")).to_contain_text("caring for someone")
    assert "by=carer" in page.url
    assert page.locator("table.nhsuk-table").count() >= 1


def test_editor_gives_a_role_in_the_admin_with_the_keyboard(live_server, page, role_user):
    editor = role_user(roles.EDITOR)
    person = role_user(roles.PARTICIPANT, email="sam@example.org")

    _log_in(page, live_server.url, editor)
    page.goto(f"{live_server.url}/admin/")
    _tab_to(page, "Settings", _text_is("Settings"))
    page.keyboard.press("Enter")
    _tab_to(page, "People and roles", _text_is("People and roles"), limit=30)
    _press_and_wait(page)
    _tab_to(page, "Change roles for sam", _text_is("Change roles for sam@example.org"), limit=60)
    _press_and_wait(page)
    _tab_to(
        page,
        "the Commissioner checkbox",
        f"el.type === 'checkbox' && el.value === {roles.COMMISSIONER!r}",
    )
    page.keyboard.press("Space")
    _tab_to(page, "Save roles", _text_is("Save roles"), limit=20)
    _press_and_wait(page)
    row = page.get_by_role("row").filter(has_text="sam@example.org")
    expect(row).to_contain_text("Commissioner")
    assert set(person.groups.values_list("name", flat=True)) == {
        roles.PARTICIPANT,
        roles.COMMISSIONER,
    }


def test_the_focus_check_fails_when_focus_is_hidden(page):
    # The check above can fail: a link whose focus style was taken away is reported.
    page.set_content(
        "<style>a:focus{outline:none;box-shadow:none}</style><a href='#x'>Hidden focus</a>"
        "<a href='#y' style='outline:3px solid #ffeb3b'>Shown focus</a>"
    )
    page.keyboard.press("Tab")
    with pytest.raises(AssertionError, match="no visible focus"):
        _focus_visible(page)
    page.keyboard.press("Tab")
    _focus_visible(page)
