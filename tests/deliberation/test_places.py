"""Sessions people can get to: a venue and/or an online link (shown only to people with a
place), registration with a capacity and a waiting list, and the place offered to the first
person waiting when one frees."""

import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import close_old_connections
from django.urls import reverse
from django.utils import timezone

from coproduce.accounts import roles
from deliberation.models import Session, SessionAttendance
from deliberation.services import session_attendance_save, session_registration_sync
from tests import factories

pytestmark = pytest.mark.django_db

LINK = "https://meet.example.org/phb-secret-room"


@pytest.fixture
def group(role_user):
    return factories.CoproductionGroupFactory(facilitators=[role_user(roles.FACILITATOR)])


def _member(group, role_user, name):
    user = role_user(roles.EXPERT, display_name=name, email=f"{name.lower()}@example.org")
    group.members.add(user)
    return user


def _session(group, **fields):
    return factories.SessionFactory(
        group=group,
        status="scheduled",
        scheduled_at=timezone.now() + timedelta(days=3),
        venue_name="Town Hall",
        venue_address="1 High Street\nNorthshire NS1 1AA",
        access_information="Step-free entrance on Mill Lane; hearing loop in room 2.",
        online_link=LINK,
        **fields,
    )


def _answer(client, session, user, attending=True):
    client.force_login(user)
    return client.post(
        reverse("deliberation:session_attendance", args=[session.pk]),
        {"attending": "yes" if attending else "no"},
    )


def _register(session, user, attending=True):
    session_attendance_save(
        session=session,
        user=user,
        attending=attending,
    )
    return session_registration_sync(session=session, user=user)


def test_the_online_link_is_shown_only_to_people_with_a_place(client, group, role_user):
    session = _session(group, capacity=1)
    asha, ben = _member(group, role_user, "Asha"), _member(group, role_user, "Ben")
    page = reverse("deliberation:session_room", args=[session.pk])

    client.force_login(asha)
    before = client.get(page).content.decode()
    assert LINK not in before
    assert "Town Hall" in before and "hearing loop" in before
    assert "shown here to people with a place" in before

    _answer(client, session, asha)
    assert LINK in client.get(page).content.decode()

    _answer(client, session, ben)  # full: waiting list, so no link
    client.force_login(ben)
    assert LINK not in client.get(page).content.decode()
    assert (
        LINK
        not in client.get(
            reverse("deliberation:session_calendar", args=[session.pk])
        ).content.decode()
    )


def test_the_online_link_is_not_in_the_transcript(client, group, role_user):
    session = _session(group)
    asha = _member(group, role_user, "Asha")
    _register(session, asha)
    Session.objects.filter(pk=session.pk).update(status="ended", ended_at=timezone.now())
    client.force_login(asha)
    for name in ("session_transcript", "session_transcript_html", "session_transcript_csv"):
        body = client.get(reverse(f"deliberation:{name}", args=[session.pk])).content.decode()
        assert LINK not in body, name


def test_without_a_capacity_everyone_coming_has_a_place(group, role_user):
    session = _session(group)
    people = [_member(group, role_user, name) for name in ("Asha", "Ben", "Cora")]
    places = {_register(session, person).place for person in people}
    assert places == {SessionAttendance.Place.CONFIRMED}


def test_capacity_then_the_waiting_list_then_a_freed_place(
    client, group, role_user, django_capture_on_commit_callbacks
):
    session = _session(group, capacity=2)
    asha, ben, cora, dev = (_member(group, role_user, n) for n in ("Asha", "Ben", "Cora", "Dev"))
    with django_capture_on_commit_callbacks(execute=True):
        for person in (asha, ben, cora, dev):
            _answer(client, session, person)
    place = dict(SessionAttendance.objects.values_list("user__display_name", "place"))
    assert place == {"Asha": "confirmed", "Ben": "confirmed", "Cora": "waiting", "Dev": "waiting"}
    assert {m.to[0] for m in mail.outbox if "waiting list" in m.subject} == {
        "cora@example.org",
        "dev@example.org",
    }

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = _answer(client, session, ben, attending=False)  # Ben cannot come now
    assert response.status_code == 302
    place = dict(SessionAttendance.objects.values_list("user__display_name", "place"))
    assert place == {"Asha": "confirmed", "Ben": "", "Cora": "confirmed", "Dev": "waiting"}
    [told] = mail.outbox  # the first person waiting is given the place and told
    assert told.to == ["cora@example.org"]
    assert "A place has come up" in told.subject
    assert LINK in told.body
    assert told.attachments[0][0].endswith(".ics")
    assert "List-Unsubscribe" in told.extra_headers


def test_saying_yes_twice_keeps_the_place_and_the_queue_position(group, role_user):
    session = _session(group, capacity=1)
    asha, ben = _member(group, role_user, "Asha"), _member(group, role_user, "Ben")
    _register(session, asha)
    first = _register(session, ben)
    again = _register(session, ben)
    assert first.place == again.place == "waiting"
    assert first.waiting_since == again.waiting_since


@pytest.mark.django_db(transaction=True)
def test_racing_for_the_last_place_gives_it_to_one_person(postgres, role_user):
    """Eight people say yes at once for three places, each on their own connection."""
    group = factories.CoproductionGroupFactory()
    session = _session(group, capacity=3)
    people = [_member(group, role_user, f"Person{i}") for i in range(8)]
    barrier = threading.Barrier(len(people))
    errors = []

    def register(person):
        try:
            barrier.wait()
            _register(session, person)
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=register, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    places = list(SessionAttendance.objects.values_list("place", flat=True))
    assert places.count("confirmed") == 3
    assert places.count("waiting") == 5


def test_a_facilitator_sets_places_and_a_venue_in_the_admin(client, group, role_user):
    facilitator = group.facilitators.get()
    client.force_login(facilitator)
    url = "/admin/snippets/deliberation/session/add/"
    response = client.post(
        url,
        {
            "group": group.pk,
            "title": "Hybrid session",
            "scheduled_at": "2027-03-01 10:00",
            "duration_minutes": "90",
            "status": "scheduled",
            "venue_name": "Town Hall",
            "venue_address": "1 High Street",
            "online_link": LINK,
            "capacity": "12",
            "agenda_items-TOTAL_FORMS": "0",
            "agenda_items-INITIAL_FORMS": "0",
            "agenda_items-MIN_NUM_FORMS": "0",
            "agenda_items-MAX_NUM_FORMS": "1000",
        },
    )
    assert response.status_code == 302
    session = Session.objects.get(title="Hybrid session")
    assert (session.capacity, session.venue_name, session.online_link) == (12, "Town Hall", LINK)
