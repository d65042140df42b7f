"""Easy Read everywhere: a reader switches with a plain form (no JavaScript), the choice is
remembered (session and a year-long cookie, so it outlasts signing out), and consultation
pages, questions, decision summaries, session agendas and transcript summaries show their Easy
Read version. In the admin, Easy Read fields carry a readability hint (textstat), never a gate."""

from types import SimpleNamespace

import pytest
from django.urls import reverse
from wagtail.models import Page

from coproduce.accounts import roles
from coproduce.easy_read import COOKIE
from coproduce.readability import readability_hint
from deliberation.models import Session
from tests import factories

pytestmark = pytest.mark.django_db

EASY = "We will pay for more nights away. This helps carers rest."
STANDARD = "We will fund more overnight short breaks."


def _main(html: str) -> str:
    """The page's content (the meta description in the head repeats the standard summary)."""
    return html.split("<main", 1)[1]


def _switch(client, on: bool, next_url: str):
    return client.post(
        reverse("easy_read_switch"), {"easy_read": "on" if on else "off", "next": next_url}
    )


@pytest.fixture
def decision():
    return factories.make_decision(summary=STANDARD, easy_read_summary=EASY)


def test_the_switch_is_a_form_and_the_choice_is_remembered(client, decision):
    page = _main(client.get(decision.url).text)
    assert STANDARD in page and EASY not in page
    assert f'action="{reverse("easy_read_switch")}"' in page
    assert "Show the Easy Read version" in page
    response = _switch(client, True, decision.url)
    assert response.status_code == 302 and response["Location"] == decision.url
    assert response.cookies[COOKIE].value == "1"
    assert response.cookies[COOKIE]["max-age"] == 365 * 24 * 60 * 60
    page = _main(client.get(decision.url).text)
    assert EASY in page and STANDARD not in page
    assert "Show the standard version" in page
    # Remembered on other pages and in a new session (the cookie outlives it).
    client.session.flush()
    client.cookies.pop("sessionid", None)
    assert EASY in _main(client.get(decision.url).text)
    _switch(client, False, decision.url)
    assert STANDARD in _main(client.get(decision.url).text)


def test_a_page_without_an_easy_read_version_shows_the_standard_one(client):
    decision = factories.make_decision(title="Plain decision", summary=STANDARD)
    _switch(client, True, "/")
    page = _main(client.get(decision.url).text)
    assert STANDARD in page
    assert "Show the standard version" not in page  # no switch where there is nothing to switch


def test_the_switch_never_sends_people_off_the_site(client):
    response = _switch(client, True, "https://evil.example/")
    assert response["Location"] == "/"


def test_switching_drops_a_format_in_the_address(client, decision):
    response = _switch(client, False, f"{decision.url}?format=easy-read&page=2")
    assert response["Location"] == f"{decision.url}?page=2"


def test_a_link_can_ask_for_one_version(client, decision):
    assert EASY in _main(client.get(f"{decision.url}?format=easy-read").text)
    _switch(client, True, "/")
    assert STANDARD in _main(client.get(f"{decision.url}?format=standard").text)


def test_consultation_pages_and_their_questions(client):
    consultation = factories.make_consultation()
    consultation.body = [("paragraph", "<p>We want to hear from carers.</p>")]
    consultation.easy_read = [("paragraph", "<p>Tell us what helps you.</p>")]
    consultation.save_revision().publish()
    question = consultation.ordered_questions[0]
    question.easy_read_text = "What helps you most?"
    question.save()
    assert "We want to hear from carers." in client.get(consultation.url).text
    _switch(client, True, consultation.url)
    page = client.get(consultation.url).text
    assert "Tell us what helps you." in page and "We want to hear from carers." not in page
    section = client.get(reverse("engagement:answer_section", args=[consultation.pk, 1])).text
    assert "What helps you most?" in section
    assert "Show the standard version" in section
    _switch(client, False, consultation.url)
    section = client.get(reverse("engagement:answer_section", args=[consultation.pk, 1])).text
    assert "What helps you most?" not in section
    assert question.text in section


@pytest.fixture
def room(role_user):
    member = role_user(roles.EXPERT, display_name="Sam")
    group = factories.CoproductionGroupFactory(members=[member])
    session = factories.SessionFactory(group=group)
    factories.AgendaItemFactory(session=session, title="Welcome", sort_order=0)
    return SimpleNamespace(session=session, member=member)


def test_session_agendas_and_transcript_summaries(client, room):
    session = room.session
    item = session.agenda_items.first()
    item.easy_read_title = "Hello and who is here"
    item.save()
    Session.objects.filter(pk=session.pk).update(
        status="scheduled",
        summary="The group weighed the options for respite.",
        easy_read_summary="We talked about breaks for carers.",
    )
    client.force_login(room.member)
    room_page = client.get(session.get_absolute_url()).text
    assert "Welcome" in room_page and "Hello and who is here" not in room_page
    _switch(client, True, session.get_absolute_url())
    room_page = client.get(session.get_absolute_url()).text
    assert "Hello and who is here" in room_page
    Session.objects.filter(pk=session.pk).update(status="ended")
    transcript = client.get(reverse("deliberation:session_transcript", args=[session.pk])).text
    assert "We talked about breaks for carers." in transcript
    assert "weighed the options" not in transcript
    _switch(client, False, "/")
    transcript = client.get(reverse("deliberation:session_transcript", args=[session.pk])).text
    assert "weighed the options" in transcript


def test_the_readability_hint():
    easy = readability_hint("We will meet on Monday. Bring a friend if you like.")
    assert "words a sentence" in easy and "Try shorter sentences" not in easy
    hard = readability_hint(
        "Notwithstanding the commissioning organisation's statutory obligations regarding "
        "the procurement of domiciliary care provision, respite arrangements will be "
        "reconfigured following comprehensive stakeholder consultation across the county."
    )
    assert "Try shorter sentences" in hard
    assert "write the Easy Read version" in readability_hint("")


def test_the_hint_is_shown_beside_easy_read_fields_in_the_admin(client, editor, decision):
    client.force_login(editor)
    html = client.get(reverse("wagtailadmin_pages:edit", args=[decision.pk])).text
    assert "Readability:" in html
    assert "Easy Read aims for 15 or fewer" in html
    # A hint, never a gate: a hard Easy Read text still publishes.
    assert Page.objects.filter(pk=decision.pk, live=True).exists()


def test_opening_the_switch_address_changes_nothing_and_goes_back(client):
    # A bookmarked or typed /easy-read/ is not an error page, and a GET never switches.
    response = client.get("/easy-read/?next=/consultations/")
    assert (response.status_code, response["Location"]) == (302, "/consultations/")
    assert COOKIE not in response.cookies
    elsewhere = client.get("/easy-read/?next=https://evil.example/")
    assert elsewhere["Location"] == "/"
