"""Every notification email follows the format the person chose in their involvement passport:
large print gets an HTML alternative in large type beside the plain text (built in the one place
every email is built, `email_message`); everyone else gets plain text only."""

import re

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.test import TestCase

from coproduce.notifications.kinds import TRANSACTIONAL, Kind
from coproduce.notifications.mail import send_email
from coproduce.notifications.services import LARGE_PRINT_BODY_PT, email_message
from coproduce.notifications.tasks import send_outgoing_email
from engagement.profiles.services.opportunities import invitation_send
from tests import factories

pytestmark = pytest.mark.django_db

# Run the after-commit callbacks (the send task) inside a helper without the fixture.
_on_commit = TestCase.captureOnCommitCallbacks


def _style(tag) -> dict[str, str]:
    """A tag's inline style as {property: value}."""
    pairs = (part.split(":", 1) for part in (tag.get("style") or "").split(";") if ":" in part)
    return {name.strip().lower(): value.strip().lower() for name, value in pairs}


def _points(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)pt", value)
    assert match, f"font size {value!r} is not in points"
    return float(match.group(1))


def _html(message) -> BeautifulSoup:
    [(content, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return BeautifulSoup(content, "html.parser")


def _assert_large_print(soup: BeautifulSoup) -> None:
    # Every piece of text sits in an element whose type is at least 18pt, black on white.
    body = soup.body
    assert _points(_style(body)["font-size"]) >= 18
    assert _style(body)["color"] == "#000000"
    assert _style(body)["background-color"] == "#ffffff"
    paragraphs = soup.find_all("p")
    assert paragraphs
    for paragraph in paragraphs:
        assert _points(_style(paragraph)["font-size"]) >= 18, paragraph
        assert _style(paragraph)["color"] == "#000000"
    heading = soup.find("h1")
    assert _points(_style(heading)["font-size"]) > _points(_style(paragraphs[0])["font-size"])
    # Plain layout: no tables, images or columns; one heading to start.
    assert not soup.find_all(["table", "img"])
    assert soup.html.get("lang")


def _invite(opportunity, expert):
    with _on_commit(execute=True):
        invitation_send(opportunity=opportunity, profile=expert, invited_by=opportunity.posted_by)


def test_an_invitation_to_someone_who_asked_for_large_print(opportunity, expert):
    factories.PassportFactory(user=expert.user, contact_format="large_print")
    _invite(opportunity, expert)
    [sent] = mail.outbox
    soup = _html(sent)
    _assert_large_print(soup)
    assert LARGE_PRINT_BODY_PT == 18
    assert soup.h1.get_text() == sent.subject
    # The same words as the plain text, which is still there for every other reader.
    assert "Join the short breaks panel" in sent.body
    assert "Join the short breaks panel" in soup.get_text()
    # The one-click unsubscribe link is a real link under its own heading.
    link = soup.find("a", string=re.compile("Stop emails about"))
    assert link["href"] in sent.extra_headers["List-Unsubscribe"]
    assert soup.find("h2").get_text() == "Stop these emails"


def test_a_standard_reader_gets_plain_text_only(opportunity, expert):
    factories.PassportFactory(user=expert.user, contact_format="standard")
    _invite(opportunity, expert)
    [sent] = mail.outbox
    assert sent.alternatives == []


def test_no_passport_means_plain_text(opportunity, expert):
    _invite(opportunity, expert)
    [sent] = mail.outbox
    assert sent.alternatives == []


def test_the_decisions_path_gets_it_too_by_address(expert):
    # Decision notices build their message with email_message and no user (their own batched
    # path): the passport is found by the address.
    factories.PassportFactory(user=expert.user, contact_format="large_print")
    message = email_message(
        kind=Kind.DECISIONS,
        to="PRIYA@example.org",
        subject="Decision published: short breaks",
        body="We decided to fund short breaks.\n\nRead it: https://example.org/decisions/1/",
    )
    soup = _html(message)
    _assert_large_print(soup)
    assert soup.find("a", href="https://example.org/decisions/1/")


def test_every_outbox_email_transactional_ones_too(expert, django_capture_on_commit_callbacks):
    factories.PassportFactory(user=expert.user, contact_format="large_print")
    with django_capture_on_commit_callbacks(execute=True):
        send_email(
            kind=TRANSACTIONAL,
            to=expert.user.email,
            subject="Finish your response",
            body="Your link: https://example.org/r/abc/",
        )
        send_email(
            kind=Kind.CLAIMS,
            to=expert.user.email,
            user=expert.user,
            subject="Your claim needs a change",
            body="Please add the date.",
        )
    assert len(mail.outbox) == 2
    for sent in mail.outbox:
        _assert_large_print(_html(sent))
    # A transactional email has no unsubscribe section.
    assert "Stop these emails" not in _html(mail.outbox[0]).get_text()


def test_words_are_escaped_not_markup(expert):
    factories.PassportFactory(user=expert.user, contact_format="large_print")
    message = email_message(
        kind=Kind.INVITATIONS,
        to=expert.user.email,
        subject="<b>Hi</b>",
        body='Hello <script>alert("x")</script> & welcome',
    )
    soup = _html(message)
    assert not soup.find("script") and not soup.find("b")
    assert '<script>alert("x")</script>' in soup.get_text()


def test_retried_sending_sends_a_large_print_email_once(expert, django_capture_on_commit_callbacks):
    factories.PassportFactory(user=expert.user, contact_format="large_print")
    with django_capture_on_commit_callbacks(execute=True):
        email = send_email(
            kind=Kind.INVITATIONS, to=expert.user.email, subject="Join us", body="Come along."
        )
    send_outgoing_email.call(email_id=email.pk)
    assert len(mail.outbox) == 1
    _assert_large_print(_html(mail.outbox[0]))
