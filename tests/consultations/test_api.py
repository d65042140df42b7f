"""The open-data API's consultation results (/api/v1/consultations/<id>/results): aggregate
results as JSON, only once they are public. (Every route's headers, paging and problems:
tests/test_api_v1.py.)"""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

from .conftest import POINTS, RANKING, SCALE, SINGLE, TEXT

pytestmark = pytest.mark.django_db


def api_url(consultation_or_id):
    pk = getattr(consultation_or_id, "pk", consultation_or_id)
    return reverse("api_v1:consultation_results", kwargs={"consultation_id": pk})


def test_public_results_are_open_data(client, answered):
    response = client.get(api_url(answered))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Cache-Control"] == "public, max-age=300"
    data = response.json()
    assert data["consultation"]["title"] == "Short breaks for carers"
    assert data["consultation"]["status"] == "closed"
    assert data["respondents"] == 4
    questions = {q["text"]: q for q in data["questions"]}
    assert [(c["label"], c["count"], c["percent"]) for c in questions[SINGLE]["choices"]] == [
        ("Weekly", 2, 50.0),
        ("Monthly", 1, 25.0),
        ("Rarely", 1, 25.0),
    ]
    assert questions[SCALE]["mean"] == 3.67
    assert [d["count"] for d in questions[SCALE]["distribution"]] == [0, 1, 0, 1, 1]
    assert questions[RANKING]["choices"][0] | {"id": None} == {
        "id": None,
        "label": "Cost",
        "count": 3,
        "percent": 100.0,
        "borda_score": 5,
        "mean_position": 1.33,
    }
    assert questions[POINTS]["points_to_share"] == 100
    assert questions[TEXT] == {
        "id": questions[TEXT]["id"],
        "section": "Priorities",
        "text": TEXT,
        "kind": "free_text",
        "answered": 2,
        "answers_shown": 2,
    }


def test_the_api_shares_no_free_text_and_no_equality_monitoring(client, answered):
    factories.make_response(
        answered, answers={SINGLE: "Weekly"}, equality={"age_band": "80_plus", "carer": "yes"}
    )
    text = client.get(api_url(answered)).content.decode()
    assert "More evening sitters" not in text
    assert "80_plus" not in text
    assert '"carer"' not in text


def test_results_not_yet_public_are_refused(client, open_consultation, commissioner):
    client.force_login(commissioner)  # even for staff: the API is for public results only
    response = client.get(api_url(open_consultation))
    assert response.status_code == 403
    assert response["Content-Type"] == "application/problem+json"
    assert response.json() == {
        "type": "http://testserver/api/v1/docs#problem-results-not-public",
        "title": "Results not public",
        "status": 403,
        "detail": "The results of this consultation are not public yet.",
        "instance": api_url(open_consultation),
    }


def test_live_results_are_open_data_while_open(client):
    consultation = factories.make_consultation(title="Live one", results_visibility="live")
    assert client.get(api_url(consultation)).status_code == 200


def test_upcoming_unpublished_and_unknown_consultations(client, answered):
    now = timezone.now()
    upcoming = factories.make_consultation(
        title="Upcoming one",
        results_visibility="live",
        opens_at=now + dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=9),
    )
    assert client.get(api_url(upcoming)).status_code == 403
    answered.unpublish()
    assert client.get(api_url(answered)).status_code == 404
    assert client.get(api_url(987654)).status_code == 404


def test_the_api_is_read_only(client, answered):
    assert client.post(api_url(answered)).status_code == 405


def test_the_old_url_redirects_here_with_a_deprecation_notice(client, answered):
    response = client.get(f"/api/consultations/{answered.pk}/results/")
    assert response.status_code == 308
    assert response["Location"] == f"http://testserver{api_url(answered)}"
    assert response["Deprecation"] == "true"
    assert client.get(response["Location"]).json()["respondents"] == 4


def test_api_queries_do_not_grow_with_responses(client, answered, exact_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from engagement.consultations import results_cache

    # Computed each time (a new results version), as the first request after any change is.
    client.get(api_url(answered))
    results_cache.bump(answered.pk)
    with exact_queries("api: consultation results"):
        client.get(api_url(answered))
    for _n in range(10):
        factories.make_response(answered, answers={SINGLE: "Weekly", SCALE: 4})
    results_cache.bump(answered.pk)  # the factory goes behind the services' back
    with exact_queries("api: consultation results"):
        assert client.get(api_url(answered)).json()["respondents"] == 14
    # Then served from the cache (closed consultation): fewer queries still.
    with CaptureQueriesContext(connection) as cached:
        assert client.get(api_url(answered)).json()["respondents"] == 14
    assert len(cached) < 13 - 5, len(cached)
