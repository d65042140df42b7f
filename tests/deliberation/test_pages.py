"""The server-rendered pages: group pages, the room without JavaScript, who is coming, the
transcript and its exports. Who may see each, and that queries do not grow with the log."""

import csv
import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from deliberation import services
from deliberation.models import CoproductionGroup, RoomEvent, Session, SessionAttendance
from tests import factories

pytestmark = pytest.mark.django_db


def _say(session, person, text, n):
    return services.contribution_create(
        session=session, author=person, text=text, client_id=f"t-{n}"
    )


def test_group_pages_are_public_but_the_member_list_is_for_the_group(client, room):
    group = room.session.group
    listing = client.get(reverse("deliberation:group_list"))
    assert group.name in listing.text
    detail = client.get(group.get_absolute_url())
    assert detail.status_code == 200
    assert room.session.title in detail.text
    assert "Who is in the group" not in detail.text
    client.force_login(room.member)
    assert "Who is in the group" in client.get(group.get_absolute_url()).text


def test_room_needs_sign_in_and_membership(client, room):
    url = room.session.get_absolute_url()
    assert client.get(url).status_code == 302
    client.force_login(room.outsider)
    assert client.get(url).status_code == 403
    client.force_login(room.member)
    assert client.get(url).status_code == 200


def test_room_without_javascript_shows_agenda_and_transcript_so_far(client, room):
    _say(room.session, room.member, "Repairs take <b>months</b>: see https://example.org", 1)
    removed = _say(room.session, room.other_member, "Something to remove", 2)
    services.contribution_remove(
        session=room.session, facilitator=room.facilitator, seq=removed.event.seq, reason="x"
    )
    client.force_login(room.member)
    page = client.get(room.session.get_absolute_url()).text
    assert "What matters to you" in page
    assert "Repairs take &lt;b&gt;months&lt;/b&gt;" in page
    assert 'href="https://example.org" rel="nofollow noopener"' in page
    assert "Something to remove" not in page
    assert "Removed by facilitator" in page
    assert 'role="log"' in page and 'aria-live="polite"' in page
    assert "Facilitator controls" not in page


def test_facilitator_sees_the_controls(client, room):
    client.force_login(room.facilitator)
    page = client.get(room.session.get_absolute_url()).text
    assert "Facilitator controls" in page
    assert "Mute Sam" in page


@pytest.mark.parametrize("contributions", [3, 30])
def test_room_page_queries_do_not_grow_with_the_log(client, room, contributions, exact_queries):
    for n in range(contributions):
        _say(room.session, room.member if n % 2 else room.other_member, f"point {n}", n)
    client.force_login(room.facilitator)
    with exact_queries("room page (facilitator)"):
        response = client.get(room.session.get_absolute_url())
    assert response.text.count('class="coproduce-contribution" id=') == contributions


@pytest.mark.parametrize("contributions", [3, 30])
def test_transcript_queries_do_not_grow_with_the_log(client, room, contributions, exact_queries):
    for n in range(contributions):
        _say(room.session, room.member, f"point {n}", n)
    client.force_login(room.member)
    with exact_queries("transcript"):
        response = client.get(reverse("deliberation:session_transcript", args=[room.session.pk]))
    assert response.text.count("point ") == contributions


def test_attendance_form_errors_are_shown_and_nothing_is_stored(client, room):
    client.force_login(room.member)
    response = client.post(
        reverse("deliberation:session_attendance", args=[room.session.pk]), {"attending": ""}
    )
    assert response.status_code == 200
    assert "nhsuk-error-summary" in response.text
    assert not SessionAttendance.objects.exists()


def test_outsiders_cannot_register_attendance(client, room):
    client.force_login(room.outsider)
    url = reverse("deliberation:session_attendance", args=[room.session.pk])
    assert client.post(url, {"attending": "yes"}).status_code == 403


def test_facilitator_starts_a_scheduled_session(client, room):
    Session.objects.filter(pk=room.session.pk).update(status="scheduled")
    url = reverse("deliberation:session_start", args=[room.session.pk])
    client.force_login(room.member)
    assert client.post(url).status_code == 403
    client.force_login(room.facilitator)
    assert client.post(url).status_code == 302
    room.session.refresh_from_db()
    assert room.session.status == "live"
    assert room.session.current_item.title == "Welcome"
    assert RoomEvent.objects.get(session=room.session).type == "session.started"


def _ended_session_with_record(room):
    _say(room.session, room.member, '=HYPERLINK("http://evil")', 1)
    _say(room.session, room.other_member, "We need repairs paid for", 2)
    gone = _say(room.session, room.member, "A private detail", 3)
    services.contribution_remove(
        session=room.session, facilitator=room.facilitator, seq=gone.event.seq, reason="Private"
    )
    poll = services.poll_open(
        session=room.session,
        facilitator=room.facilitator,
        question="First priority?",
        choices=["Repairs", "Information"],
        client_id="p",
    )
    services.poll_vote(
        session=room.session,
        voter=room.member,
        poll_id=poll.event.payload["poll"],
        choice=0,
        client_id="v",
    )
    services.poll_close(
        session=room.session, facilitator=room.facilitator, poll_id=poll.event.payload["poll"]
    )
    services.session_end(session=room.session, facilitator=room.facilitator)


def test_transcript_shows_the_record_and_the_facilitator_writes_the_summary(client, room):
    _ended_session_with_record(room)
    transcript = reverse("deliberation:session_transcript", args=[room.session.pk])
    summary = reverse("deliberation:session_summary", args=[room.session.pk])
    client.force_login(room.member)
    assert client.get(summary).status_code == 403
    page = client.get(transcript).text
    assert "We need repairs paid for" in page
    assert "A private detail" not in page
    assert "Removed by facilitator" in page
    assert "Poll result:" in page
    client.force_login(room.facilitator)
    response = client.post(
        summary, {"summary": "We chose repairs.", "agreed_actions": "Rina: book a room\nMo: data"}
    )
    assert response.status_code == 302
    page = client.get(transcript).text
    assert "We chose repairs." in page
    assert "<li>Rina: book a room</li>" in page


def test_transcript_is_linked_from_the_group_page(client, room):
    _ended_session_with_record(room)
    page = client.get(room.session.group.get_absolute_url()).text
    assert reverse("deliberation:session_transcript", args=[room.session.pk]) in page


def test_transcript_exports_csv_and_html(client, room):
    _ended_session_with_record(room)
    client.force_login(room.member)
    response = client.get(reverse("deliberation:session_transcript_csv", args=[room.session.pk]))
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["seq", "time", "event", "person", "text", "detail"]
    texts = [row[4] for row in rows[1:]]
    assert "We need repairs paid for" in texts
    assert '\'=HYPERLINK("http://evil")' in texts  # never a live formula
    assert "A private detail" not in response.content.decode()
    assert any("Repairs: 1" in text for text in texts)
    html = client.get(reverse("deliberation:session_transcript_html", args=[room.session.pk]))
    assert "attachment" in html["Content-Disposition"]
    assert "We need repairs paid for" in html.text and "A private detail" not in html.text
    assert "<h1>Transcript:" in html.text


def test_transcript_is_private_to_the_group_and_those_who_cite_it(client, room, commissioner):
    url = reverse("deliberation:session_transcript", args=[room.session.pk])
    client.force_login(room.outsider)
    assert client.get(url).status_code == 403
    assert client.get(url.replace("transcript/", "transcript.csv")).status_code == 403
    client.force_login(commissioner)
    assert client.get(url).status_code == 200


def test_unknown_session_is_404(client, room):
    client.force_login(room.member)
    assert client.get(reverse("deliberation:session_room", args=[999999])).status_code == 404


def test_seed_demo_makes_the_group_a_live_session_and_a_transcript():
    call_command("seed_demo", password="demo password")
    group = CoproductionGroup.objects.get(name="Personal health budgets co-production group")
    assert group.facilitators.filter(email="facilitator@example.org").exists()
    assert group.members.filter(email="expert@example.org").exists()
    assert group.sessions.filter(status="live").exists()
    ended = group.sessions.get(status="ended")
    assert ended.summary and ended.agreed_actions
    assert ended.events.filter(type="contribution.created").count() >= 3
    seqs = list(ended.events.values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


def test_facilitator_admin_lists_only_their_own_groups(client, room, role_user):
    from coproduce.accounts import roles

    other = factories.CoproductionGroupFactory(name="Carers short breaks group")
    client.force_login(room.facilitator)
    listing = client.get("/admin/snippets/deliberation/coproductiongroup/")
    assert listing.status_code == 200
    assert room.session.group.name in listing.text
    assert "Carers short breaks group" not in listing.text
    edit = f"/admin/snippets/deliberation/coproductiongroup/edit/{other.pk}/"
    assert client.get(edit).status_code in (302, 403)
    own = f"/admin/snippets/deliberation/coproductiongroup/edit/{room.session.group.pk}/"
    assert client.get(own).status_code == 200
    client.force_login(role_user(roles.EDITOR))
    assert (
        "Carers short breaks group"
        in client.get("/admin/snippets/deliberation/coproductiongroup/").text
    )


def test_facilitator_can_add_sessions_only_to_their_own_groups(client, room):
    other = factories.CoproductionGroupFactory(name="Carers short breaks group")
    client.force_login(room.facilitator)
    assert client.get("/admin/snippets/deliberation/session/add/").status_code == 200
    form = {
        "title": "Sneaky session",
        "scheduled_at": "2026-12-01 10:00",
        "duration_minutes": "120",  # the admin form shows the default
        "status": "scheduled",
        "agenda_items-TOTAL_FORMS": "0",
        "agenda_items-INITIAL_FORMS": "0",
        "agenda_items-MIN_NUM_FORMS": "0",
        "agenda_items-MAX_NUM_FORMS": "1000",
    }
    url = "/admin/snippets/deliberation/session/add/"
    response = client.post(url, {**form, "group": other.pk})
    assert response.status_code == 200  # the form comes back with an error
    assert not Session.objects.filter(title="Sneaky session").exists()
    response = client.post(url, {**form, "group": room.session.group.pk, "title": "Next one"})
    assert response.status_code == 302
    assert Session.objects.filter(title="Next one", group=room.session.group).exists()
