"""'Are you coming?' reads the person's involvement passport; for each session they choose what
its facilitators see (nothing until they tick it), and the preparation list reads the passport
through those choices, with what needs arranging as counts and a to-do list."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.passport.models import NEEDS
from deliberation import services
from deliberation.models import Session, SessionAttendance
from tests import factories

pytestmark = pytest.mark.django_db

WORDS = "My carer Jo will come with me; Jo uses a wheelchair too."


@pytest.fixture
def scheduled(room):
    Session.objects.filter(pk=room.session.pk).update(status="scheduled")
    room.session.refresh_from_db()
    return room


def _attendance_url(room):
    return reverse("deliberation:session_attendance", args=[room.session.pk])


def _preparation(client, room):
    client.force_login(room.facilitator)
    return client.get(reverse("deliberation:session_preparation", args=[room.session.pk])).text


def test_the_form_offers_the_passport_needs_and_ticks_none(client, scheduled):
    factories.PassportFactory(
        user=scheduled.member,
        bsl_interpreter=True,
        hearing_loop=True,
        other_needs=WORDS,
    )
    client.force_login(scheduled.member)
    page = client.get(_attendance_url(scheduled)).text
    assert "British Sign Language (BSL) interpreter" in page
    assert "A hearing loop" in page
    assert "My carer Jo will come with me" in page
    assert 'name="shared_needs"' in page
    assert "checked" not in page.split('name="shared_needs"', 1)[1].split("</fieldset>", 1)[0]
    # Needs the passport does not record are not offered.
    assert "Live captions" not in page


def test_without_a_passport_the_form_links_to_it(client, scheduled):
    client.force_login(scheduled.member)
    page = client.get(_attendance_url(scheduled)).text
    assert "Fill in your involvement passport" in page
    assert f"/my/passport/?next={_attendance_url(scheduled)}" in page.replace("%2F", "/")


def test_coming_without_ticking_shares_nothing(client, scheduled):
    factories.PassportFactory(user=scheduled.member, hearing_loop=True, other_needs=WORDS)
    client.force_login(scheduled.member)
    assert client.post(_attendance_url(scheduled), {"attending": "yes"}).status_code == 302
    attendance = SessionAttendance.objects.get(user=scheduled.member)
    assert attendance.attending and attendance.shared_needs == []
    page = _preparation(client, scheduled)
    assert "Sam" in page and "None shared" in page
    assert "hearing loop" not in page and "Jo will come" not in page


def test_what_is_ticked_is_shared_with_this_sessions_facilitators_only(client, scheduled):
    factories.PassportFactory(
        user=scheduled.member, hearing_loop=True, live_captions=True, other_needs=WORDS
    )
    client.force_login(scheduled.member)
    client.post(
        _attendance_url(scheduled),
        {"attending": "yes", "shared_needs": ["hearing_loop", "other_needs"]},
    )
    attendance = SessionAttendance.objects.get(user=scheduled.member)
    assert attendance.shared_needs == ["hearing_loop", "other_needs"]
    # The form shows the choice again, ticked.
    page = client.get(_attendance_url(scheduled)).text
    assert 'value="hearing_loop" checked' in page.replace('" id', '"').replace(
        'value="hearing_loop" id', 'value="hearing_loop"'
    ) or ('value="hearing_loop"' in page and "checked" in page)
    # Members may not see the preparation list.
    url = reverse("deliberation:session_preparation", args=[scheduled.session.pk])
    assert client.get(url).status_code == 403
    page = _preparation(client, scheduled)
    assert "A hearing loop" in page and "Jo will come with me" in page
    assert "Live captions" not in page  # in the passport, not shared
    # Another session of the same group sees nothing of it.
    other = factories.SessionFactory(group=scheduled.session.group, status="scheduled")
    client.force_login(scheduled.facilitator)
    other_page = client.get(reverse("deliberation:session_preparation", args=[other.pk])).text
    assert "hearing loop" not in other_page.lower() and "Jo will come" not in other_page


def test_a_need_not_in_the_passport_cannot_be_shared(client, scheduled):
    factories.PassportFactory(user=scheduled.member, hearing_loop=True)
    client.force_login(scheduled.member)
    response = client.post(
        _attendance_url(scheduled), {"attending": "yes", "shared_needs": ["bsl_interpreter"]}
    )
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.text
    assert not SessionAttendance.objects.exists()


def test_the_list_follows_the_passport_and_forgets_when_it_is_deleted(client, scheduled):
    passport = factories.PassportFactory(user=scheduled.member, dietary="Vegan")
    services.session_attendance_save(
        session=scheduled.session, user=scheduled.member, attending=True, shared_needs=["dietary"]
    )
    assert "Dietary needs: Vegan" in _preparation(client, scheduled)
    passport.dietary = "Vegan, and no nuts"
    passport.save()
    assert "Dietary needs: Vegan, and no nuts" in _preparation(client, scheduled)
    client.force_login(scheduled.member)
    client.post(reverse("passport:delete"))
    assert SessionAttendance.objects.get(user=scheduled.member).shared_needs == []
    assert "Vegan" not in _preparation(client, scheduled)


def test_the_preparation_list_counts_what_needs_arranging(client, scheduled, role_user):
    group = scheduled.session.group
    people = [scheduled.member, scheduled.other_member]
    people += [role_user("Expert by experience", display_name=f"P{n}") for n in range(3)]
    group.members.add(*people)
    specs = [
        {"bsl_interpreter": True, "hearing_loop": True},
        {"bsl_interpreter": True},
        {"interpreter": True, "interpreter_language": "Polish", "hearing_loop": True},
        {"interpreter": True, "interpreter_language": "Polish"},
        {"bsl_interpreter": True, "step_free_access": True},
    ]
    for person, spec in zip(people, specs, strict=True):
        factories.PassportFactory(user=person, **spec)
        services.session_attendance_save(
            session=scheduled.session, user=person, attending=True, shared_needs=list(spec)
        )
    # The fifth person is not coming after all: their needs are not counted.
    SessionAttendance.objects.filter(user=people[4]).update(attending=False)
    page = _preparation(client, scheduled)
    todo = page.split('coproduce-preparation-todo">', 1)[1].split("</ul>", 1)[0]
    items = [item.split("</li>")[0].strip() for item in todo.split("<li>")[1:]]
    assert items == [
        "2 BSL interpreters (British Sign Language)",
        "2 interpreters (Polish)",
        "1 hearing loop (2 people use it)",
    ]
    assert "4 people coming" in page


def test_one_hearing_loop(client, scheduled):
    factories.PassportFactory(user=scheduled.member, hearing_loop=True)
    services.session_attendance_save(
        session=scheduled.session,
        user=scheduled.member,
        attending=True,
        shared_needs=["hearing_loop"],
    )
    assert "<li>1 hearing loop</li>" in _preparation(client, scheduled)


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    recorded=st.sets(st.sampled_from([n.key for n in NEEDS if not n.is_text])),
    asked=st.lists(st.sampled_from([n.key for n in NEEDS] + ["nonsense", ""])),
)
def test_only_what_the_passport_holds_and_the_person_chose_is_shared(scheduled, recorded, asked):
    SessionAttendance.objects.all().delete()
    factories.PassportFactory.reset_sequence()
    from coproduce.passport.models import Passport

    Passport.objects.filter(user=scheduled.member).delete()
    factories.PassportFactory(user=scheduled.member, **dict.fromkeys(recorded, True))
    attendance = services.session_attendance_save(
        session=scheduled.session, user=scheduled.member, attending=True, shared_needs=asked
    )
    assert set(attendance.shared_needs) == recorded & set(asked)
