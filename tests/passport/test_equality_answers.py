"""The passport's "about you" section (/my/passport/about-you/): the consultations' equality
monitoring questions, kept only under a consent of their own, changed, withdrawn (the answers
are deleted), in "download my data" and erased with the account; bad input is a clear error,
never a 500; nothing that chooses people reads them."""

import json
import re
from pathlib import Path

import pytest

from coproduce import equality
from coproduce.passport.forms import EqualityAnswersForm
from coproduce.passport.models import EQUALITY_FIELDS, EqualityAnswers, Passport
from coproduce.privacy import PRIVACY_NOTICE_VERSION
from engagement.consultations.forms import EqualityMonitoringForm
from engagement.consultations.models import EqualityMonitoring
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/my/passport/about-you/"
ANSWERS = {
    "age_band": "35_49",
    "sex": "female",
    "ethnicity": "black",
    "disability": "prefer_not",
    "carer": "yes",
}


def test_the_questions_and_choices_are_the_consultations_own():
    consultation_form = EqualityMonitoringForm()
    passport_form = EqualityAnswersForm()
    for name in EQUALITY_FIELDS:
        ours, theirs = passport_form.fields[name], consultation_form.fields[name]
        assert str(ours.label) == str(theirs.label)
        assert list(ours.choices) == list(theirs.choices)
        assert ("prefer_not", "Prefer not to say") in [(v, str(t)) for v, t in ours.choices]
    assert EqualityMonitoring.AgeBand is equality.AgeBand
    assert EqualityMonitoring._meta.get_field("ethnicity").choices == (
        EqualityAnswers._meta.get_field("ethnicity").choices
    )


def test_needs_sign_in(client):
    assert client.get(URL).status_code == 302
    assert client.post(URL, {**ANSWERS, "consent": "on"}).status_code == 302
    assert not EqualityAnswers.objects.exists()


def test_without_consent_nothing_is_kept_and_nothing_chosen_is_lost(client, participant):
    client.force_login(participant)
    response = client.post(URL, ANSWERS)
    assert response.status_code == 200
    assert "Tick the box to agree, so we can keep your answers" in response.text
    assert re.search(r'value="black"[^>]*checked', response.text)
    assert not EqualityAnswers.objects.exists()


def test_the_purpose_is_said_before_anything_is_kept(client, participant):
    client.force_login(participant)
    page = client.get(URL).text
    assert "used only for counts of groups of people" in page
    assert "never shown with your" in page
    assert "never used to choose you" in page
    assert "Prefer not to say" in page


def test_keeping_changing_and_withdrawing(client, participant):
    client.force_login(participant)
    response = client.post(URL, {**ANSWERS, "consent": "on"})
    assert response.status_code == 302
    kept = EqualityAnswers.objects.get(user=participant)
    assert {name: getattr(kept, name) for name in EQUALITY_FIELDS} == ANSWERS
    assert kept.privacy_notice_version == PRIVACY_NOTICE_VERSION
    assert kept.consent_given_at is not None
    # A separate consent: no passport of needs is made, and the passport page says so.
    assert not Passport.objects.exists()
    page = client.get("/my/passport/").text
    assert "See or change your answers about you" in page

    # Changing needs no new consent; a question left out is skipped.
    page = client.get(URL).text
    assert 'name="consent"' not in page
    assert "Delete my answers about me" in page
    client.post(URL, {**ANSWERS, "ethnicity": "", "sex": "prefer_not"})
    kept.refresh_from_db()
    assert (kept.ethnicity, kept.sex) == ("", "prefer_not")

    # Withdrawing deletes the answers at once; the next time asks for consent again.
    response = client.post("/my/passport/about-you/delete/")
    assert response.status_code == 302
    assert not EqualityAnswers.objects.exists()
    assert 'name="consent"' in client.get(URL).text


def test_deleting_the_passport_leaves_the_separately_consented_answers(client, participant):
    factories.PassportFactory(user=participant, dietary="Vegan")
    client.force_login(participant)
    client.post(URL, {**ANSWERS, "consent": "on"})
    client.post("/my/passport/delete/")
    assert not Passport.objects.exists()
    assert EqualityAnswers.objects.filter(user=participant).exists()


@pytest.mark.parametrize(
    "bad",
    [
        {"ethnicity": "martian"},
        {"age_band": "'; DROP TABLE x; --"},
        {"sex": "\x00"},
        {"carer": "maybe"},
    ],
)
def test_bad_input_is_a_clear_error_not_a_500(client, participant, bad):
    client.force_login(participant)
    response = client.post(URL, {**ANSWERS, "consent": "on", **bad})
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.text
    assert not EqualityAnswers.objects.exists()


def test_only_get_and_post(client, participant):
    client.force_login(participant)
    assert client.get("/my/passport/about-you/delete/").status_code == 405


def test_in_download_my_data_and_erased_with_the_account(client, participant):
    client.force_login(participant)
    client.post(URL, {**ANSWERS, "consent": "on"})
    data = json.loads(client.get("/my-data/download/").content)
    section = data["equality_monitoring_answers"]
    assert {a["question"]: a["answer"] for a in section["answers"]} == {
        "What is your age?": "35 to 49",
        "What is your sex?": "Female",
        "What is your ethnic group?": "Black, Black British, Caribbean or African",
        "Do you consider yourself to be disabled?": "Prefer not to say",
        "Do you look after someone because of their illness, disability or age?": "Yes",
    }
    assert "never used to choose you" in section["purpose"]
    assert section["privacy_notice_version"] == PRIVACY_NOTICE_VERSION

    client.post("/my-data/delete/", {"confirm": "on"})
    assert not EqualityAnswers.objects.exists()


def test_nothing_that_chooses_people_reads_the_answers():
    """'Never used to choose you': only the passport itself, download and erasure, and the
    group's counts (through the passport's counting selector) name the model or its rows."""
    root = Path(__file__).resolve().parents[2]
    allowed = {
        "coproduce/passport/models.py",
        "coproduce/passport/selectors.py",
        "coproduce/passport/services.py",
        "coproduce/passport/forms.py",
        "coproduce/passport/views.py",
        "engagement/my_data/services.py",
        "engagement/group_representativeness/selectors.py",
        "coproduce/passport/urls.py",  # the person's own page
        "coproduce/equality.py",  # its docstring names where the questions are asked
    }
    found = set()
    for folder in ("coproduce", "engagement", "deliberation"):
        for path in (root / folder).rglob("*.py"):
            relative = path.relative_to(root).as_posix()
            if "/migrations/" in relative:
                continue
            text = path.read_text(encoding="utf-8")
            if re.search(r"EqualityAnswers|equality_answer", text):
                found.add(relative)
    assert found <= allowed, found - allowed
    # The group's page reaches the answers only as counts.
    selectors = (root / "engagement/group_representativeness/selectors.py").read_text()
    assert "EqualityAnswers" not in selectors
    assert "equality_answer_counts" in selectors
