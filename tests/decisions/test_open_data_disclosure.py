"""Counts of people about decisions, wherever they are published, go through disclosure
control (coproduce/disclosure.py): the open data under /api/v1/, the decision page, the
decision log, the evidence pack and its JSON. A session that 3 people took part in, or a
decision rated by 3 people, shows "[c]" (null in JSON), never 3; and a small group of ratings
cannot be worked out by taking the other group from the total."""

import json

import pytest

from deliberation.models import SessionParticipant
from engagement.decisions.services import decision_rate
from tests import factories

pytestmark = pytest.mark.django_db


def _session_with(people, title):
    session = factories.SessionFactory(title=title)
    SessionParticipant.objects.bulk_create(
        [SessionParticipant(session=session, user=person) for person in people]
    )
    return session


@pytest.fixture
def people(role_user):
    return [role_user(email=f"person{n}@example.org") for n in range(9)]


@pytest.fixture
def decision(people):
    small = _session_with(people[:3], "Small session")
    large = _session_with(people[:6], "Large session")
    return factories.make_decision(sessions=[small, large])


def _api(client, decision):
    response = client.get(f"/api/v1/decisions/{decision.pk}")
    assert response.status_code == 200
    return response.json()


def test_the_open_data_hides_a_session_that_1_to_4_people_took_part_in(client, decision):
    data = _api(client, decision)
    by_title = {s["title"]: s["people_took_part"] for s in data["sessions"]}
    assert by_title == {"Small session": None, "Large session": 6}
    assert data["people_in_sessions"] == 6
    # The same figures, the same way, in the evidence and in the list route.
    evidence = {
        s["title"]: s["people_took_part"] for s in data["involvement"]["evidence"]["sessions"]
    }
    assert evidence == by_title
    listed = client.get("/api/v1/decisions").json()["results"][0]
    assert {s["title"]: s["people_took_part"] for s in listed["sessions"]} == by_title


def test_fewer_than_five_people_in_all_sessions_is_hidden_too(client, people):
    decision = factories.make_decision(
        title="Only a few", sessions=[_session_with(people[:2], "Two people")]
    )
    data = _api(client, decision)
    assert data["sessions"][0]["people_took_part"] is None
    assert data["people_in_sessions"] is None
    report = client.get(f"/decisions/{decision.pk}/involvement-report/").content.decode()
    assert ">None<" not in report
    pack = json.loads(client.get(f"/decisions/{decision.pk}/involvement-report.json").content)
    assert pack["who_took_part"]["people_in_sessions"] is None


def test_a_decision_rated_by_3_people_hides_the_number_and_the_average(client, decision, people):
    for person, score in zip(people[:3], (5, 1, 1), strict=True):
        decision_rate(decision=decision, user=person, score=score)
    data = _api(client, decision)
    assert data["rating"] == {"average": None, "count": None}
    page = client.get(decision.url).content.decode()
    assert "Rated by [c] people" in page
    assert "2.3 out of 5" not in page
    log = client.get(decision.get_parent().url).content.decode()
    assert "Rated by [c] people" in log
    assert "(3 ratings)" not in log
    report = client.get(f"/decisions/{decision.pk}/involvement-report/").content.decode()
    assert "Rated by [c] people" in report
    assert "(3 ratings)" not in report


def test_a_small_group_of_ratings_is_not_the_total_less_the_other_group(
    client, decision, people, role_user
):
    # 6 took part (in the large session); 2 others. Total 8 is published, so showing the 6
    # would give the 2 away: both groups are hidden.
    for person in people[:6]:
        decision_rate(decision=decision, user=person, score=4)
    for _ in range(2):
        decision_rate(decision=decision, user=role_user(), score=1)
    data = _api(client, decision)
    assert data["rating"]["count"] == 8
    pack = json.loads(client.get(f"/decisions/{decision.pk}/involvement-report.json").content)
    assert pack["ratings"]["took_part"] == {"count": None, "average": None}
    assert pack["ratings"]["everyone_else"] == {"count": None, "average": None}
    page = client.get(decision.url).content.decode()
    assert "Rated 3.2 out of 5 by 8 people." in page
    assert ">6<" not in page and ">2<" not in page


def test_both_groups_shown_when_neither_is_small(client, decision, people, role_user):
    for person in people[:6]:
        decision_rate(decision=decision, user=person, score=4)
    for _ in range(5):
        decision_rate(decision=decision, user=role_user(), score=2)
    pack = json.loads(client.get(f"/decisions/{decision.pk}/involvement-report.json").content)
    assert pack["ratings"]["took_part"] == {"count": 6, "average": 4.0}
    assert pack["ratings"]["everyone_else"] == {"count": 5, "average": 2.0}
