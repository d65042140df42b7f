"""/my/passport/: a person keeps their involvement passport with their consent, changes it, and
deletes it; bad input is a clear error that loses nothing typed."""

import pytest
from django.urls import reverse

from coproduce.passport.models import Passport
from coproduce.privacy import PRIVACY_NOTICE_VERSION
from tests import factories

pytestmark = pytest.mark.django_db

URL = "/my/passport/"


def _data(**overrides):
    data = {
        "needs": ["bsl_interpreter", "hearing_loop", "step_free_access"],
        "interpreter_language": "",
        "dietary": "Vegetarian",
        "other_needs": "A chair with arms, please.",
        "contact_method": "text",
        "contact_format": "easy_read",
        "payment_preference": "voucher",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_needs_sign_in(client):
    assert client.get(URL).status_code == 302
    assert client.post(URL, _data()).status_code == 302
    assert not Passport.objects.exists()


def test_keeping_a_passport_records_consent_and_everything(client, participant):
    client.force_login(participant)
    page = client.get(URL).text
    assert "Payments can affect some welfare benefits" in page  # the claim form's warning
    response = client.post(URL, _data())
    assert response.status_code == 302
    passport = Passport.objects.get(user=participant)
    assert passport.bsl_interpreter and passport.hearing_loop and passport.step_free_access
    assert not passport.live_captions
    assert passport.dietary == "Vegetarian"
    assert passport.other_needs == "A chair with arms, please."
    assert (passport.contact_method, passport.contact_format) == ("text", "easy_read")
    assert passport.payment_preference == "voucher"
    assert passport.privacy_notice_version == PRIVACY_NOTICE_VERSION
    assert passport.consent_given_at is not None
    page = client.get(URL).text
    assert 'value="Vegetarian"' in page
    assert "consent" not in page.split("<form", 1)[1].split("</form>", 1)[0].split("name=")[-1]


def test_without_consent_nothing_is_kept_and_nothing_typed_is_lost(client, participant):
    client.force_login(participant)
    data = _data()
    del data["consent"]
    response = client.post(URL, data)
    assert response.status_code == 200
    assert "Tick the box to agree, so we can keep your passport" in response.text
    assert "A chair with arms, please." in response.text
    assert not Passport.objects.exists()


def test_another_interpreter_needs_a_language(client, participant):
    client.force_login(participant)
    response = client.post(URL, _data(needs=["interpreter"]))
    assert "Say which language the interpreter should speak" in response.text
    assert not Passport.objects.exists()
    client.post(URL, _data(needs=["interpreter"], interpreter_language="Polish"))
    assert Passport.objects.get().interpreter_language == "Polish"
    # Unticking the interpreter forgets the language.
    client.post(URL, _data(needs=[], interpreter_language="Polish"))
    assert Passport.objects.get().interpreter_language == ""


@pytest.mark.parametrize(
    "bad",
    [
        {"contact_method": "pigeon"},
        {"payment_preference": "cash"},
        {"needs": ["teleport"]},
        {"other_needs": "x" * 2001},
        {"dietary": "no\x00nuts"},
    ],
)
def test_bad_input_is_a_form_error_and_nothing_is_stored(client, participant, bad):
    client.force_login(participant)
    response = client.post(URL, _data(**bad))
    assert response.status_code == 200
    assert "There is a problem" in response.text
    assert not Passport.objects.exists()


def test_changing_it_later_keeps_the_first_consent(client, participant):
    passport = factories.PassportFactory(user=participant, hearing_loop=True)
    client.force_login(participant)
    data = _data(needs=["quiet_space"])
    del data["consent"]
    assert client.post(URL, data).status_code == 302
    passport.refresh_from_db()
    assert passport.quiet_space and not passport.hearing_loop
    assert Passport.objects.count() == 1


def test_back_to_where_they_came_from_but_only_on_this_site(client, participant):
    client.force_login(participant)
    response = client.post(URL, _data(next="/groups/"))
    assert response["Location"] == "/groups/"
    response = client.post(URL, _data(next="https://evil.example/"))
    assert response["Location"] == URL


def test_deleting_it(client, participant):
    factories.PassportFactory(user=participant, other_needs="Secret words")
    client.force_login(participant)
    assert client.get(reverse("passport:delete")).status_code == 405
    assert client.post(reverse("passport:delete")).status_code == 302
    assert not Passport.objects.exists()
    assert "Secret words" not in client.get(URL).text


def test_a_person_sees_only_their_own(client, participant, expert):
    factories.PassportFactory(user=expert, other_needs="Expert's own words")
    client.force_login(participant)
    assert "Expert's own words" not in client.get(URL).text
