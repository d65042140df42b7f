"""The one open-data API, /api/v1/: every endpoint's body and headers, paging, problems,
private results kept private, the description and its docs page, and the old URLs'
deprecation. (Results' figures: tests/consultations/test_api.py; decisions' fields and the
feed: tests/decisions/test_open_data.py; generated requests: tests/test_api_v1_schemathesis.py.)"""

import datetime as dt
import json
import re

import jsonschema_rs
import pytest
from django.test import Client
from django.utils import timezone
from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR
from wagtail.models import PageViewRestriction

from engagement.models import ConsultationTopic
from tests import factories

pytestmark = pytest.mark.django_db

OGL = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
}
OPEN_DATA_HEADERS = {
    "Access-Control-Allow-Origin": "*",
    "Cache-Control": "public, max-age=300",
}


def seed_open_data():
    """A few consultations (closed with results, open, upcoming, private) and decisions."""
    now = timezone.now()
    carers = ConsultationTopic.objects.create(name="Carers", slug="carers")
    wheelchairs = ConsultationTopic.objects.create(name="Wheelchairs", slug="wheelchairs")
    closed = factories.make_consultation(
        title="Short breaks for carers",
        opens_at=now - dt.timedelta(days=30),
        closes_at=now - dt.timedelta(days=2),
        topics=[carers],
    )
    for label in ("Weekly", "Weekly", "Monthly"):
        factories.make_response(
            closed,
            answers={"How often do you get a short break?": label},
            equality={"age_band": "80_plus", "carer": "yes"},
        )
    open_now = factories.make_consultation(
        title="Wheelchair budgets", closes_at=now + dt.timedelta(days=5), topics=[wheelchairs]
    )
    upcoming = factories.make_consultation(
        title="Day opportunities",
        opens_at=now + dt.timedelta(days=3),
        closes_at=now + dt.timedelta(days=40),
    )
    private = factories.make_consultation(
        title="Staff only survey",
        opens_at=now - dt.timedelta(days=30),
        closes_at=now - dt.timedelta(days=1),
    )
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    decided = factories.make_decision(
        title="More overnight short breaks",
        slug="overnight",
        consultations=[closed],
        topics=[carers],
        status="decided",
        decided_on=dt.date(2026, 3, 2),
        service_name="Overnight short breaks",
        budget="250000.00",
    )
    reviewed = factories.make_decision(
        title="Wheelchair repairs within a week",
        slug="repairs",
        topics=[wheelchairs],
        status="reviewed",
        decided_on=dt.date(2025, 11, 20),
    )
    proposed = factories.make_decision(
        title="Crisis café in Ashby", slug="crisis-cafe", status="proposed", decided_on=None
    )
    factories.make_decision(title="A draft nobody may see", slug="draft", publish=False)
    return {
        "closed": closed,
        "open": open_now,
        "upcoming": upcoming,
        "private": private,
        "decided": decided,
        "reviewed": reviewed,
        "proposed": proposed,
    }


@pytest.fixture
def seeded(db):
    return seed_open_data()


def assert_open_data_headers(response):
    for name, value in OPEN_DATA_HEADERS.items():
        assert response[name] == value, name


def assert_problem(response, status, type_="about:blank"):
    assert response.status_code == status
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["type"].endswith(type_)
    assert body["title"] and body["detail"]
    return body


# --- Consultations -----------------------------------------------------------------------------


def test_the_consultation_list_is_public_consultations_with_status_dates_and_topics(client, seeded):
    response = client.get("/api/v1/consultations")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert_open_data_headers(response)
    body = response.json()
    assert body["licence"] == OGL
    assert body["count"] == 3
    by_title = {c["title"]: c for c in body["results"]}
    # The private page is not listed at all.
    assert set(by_title) == {"Short breaks for carers", "Wheelchair budgets", "Day opportunities"}
    # Open first, then upcoming, then closed, as on the consultations page.
    assert [c["title"] for c in body["results"]] == [
        "Wheelchair budgets",
        "Day opportunities",
        "Short breaks for carers",
    ]
    closed = by_title["Short breaks for carers"]
    assert closed["status"] == "decision_published"  # a live decision links to it
    assert closed["topics"] == [{"slug": "carers", "name": "Carers"}]
    assert closed["url"] == seeded["closed"].full_url  # the site's own address
    assert closed["results_url"] == (
        f"http://testserver/api/v1/consultations/{seeded['closed'].pk}/results"
    )
    closes_at = dt.datetime.fromisoformat(closed["closes_at"])  # ISO 8601, to the millisecond
    assert abs(closes_at - seeded["closed"].closes_at) < dt.timedelta(milliseconds=1)
    assert by_title["Wheelchair budgets"]["status"] == "open"
    assert by_title["Day opportunities"]["status"] == "upcoming"


CONSULTATION_FILTERS = [
    ("status=open", ["Wheelchair budgets"]),
    ("status=upcoming", ["Day opportunities"]),
    ("status=closed", ["Short breaks for carers"]),
    ("topic=carers", ["Short breaks for carers"]),
    ("topic=carers&status=open", []),
    ("topic=no-such-topic", []),
]


def test_the_consultation_list_filters_by_status_and_topic(client, seeded):
    for query, titles in CONSULTATION_FILTERS:
        body = client.get(f"/api/v1/consultations?{query}").json()
        assert [c["title"] for c in body["results"]] == titles, query
        assert body["count"] == len(titles), query


def test_paging_gives_counts_and_links_that_keep_the_filters(client, seeded):
    first = client.get("/api/v1/consultations?page_size=2").json()
    assert (first["count"], first["page"], first["page_size"], first["pages"]) == (3, 1, 2, 2)
    assert len(first["results"]) == 2
    base = "http://testserver/api/v1/consultations?page_size=2&page="
    assert first["links"] == {
        "self": base + "1",
        "first": base + "1",
        "last": base + "2",
        "next": base + "2",
        "prev": None,
    }
    second = client.get(first["links"]["next"]).json()
    assert len(second["results"]) == 1
    assert second["links"]["next"] is None
    assert second["links"]["prev"] == base + "1"
    seen = [c["id"] for c in first["results"] + second["results"]]
    assert len(set(seen)) == 3

    filtered = client.get("/api/v1/decisions?status=decided&page_size=1").json()
    assert filtered["links"]["self"] == (
        "http://testserver/api/v1/decisions?status=decided&page_size=1&page=1"
    )


def test_the_consultation_list_costs_the_same_queries_for_more_consultations(
    client, seeded, exact_queries
):
    client.get("/api/v1/consultations")
    with exact_queries("api: consultations"):
        client.get("/api/v1/consultations")
    for n in range(4):
        factories.make_consultation(title=f"Another consultation {n}")
    with exact_queries("api: consultations"):
        assert client.get("/api/v1/consultations").json()["count"] == 7


def test_a_page_past_the_last_is_a_404_problem_and_an_empty_list_has_one_page(client, seeded):
    body = assert_problem(
        client.get("/api/v1/consultations?page=3&page_size=2"), 404, "#problem-page-not-found"
    )
    assert body["detail"] == "There is no page 3: the last page is 2."
    empty = client.get("/api/v1/decisions?topic=nothing-here").json()
    assert (empty["count"], empty["pages"], empty["results"]) == (0, 1, [])
    assert empty["links"]["last"].endswith("page=1")


# --- Results: the same rule as the results page ------------------------------------------------


def test_public_results_carry_the_licence_and_the_open_data_headers(client, seeded):
    response = client.get(f"/api/v1/consultations/{seeded['closed'].pk}/results")
    assert response.status_code == 200
    assert_open_data_headers(response)
    body = response.json()
    assert body["licence"] == OGL
    assert body["respondents"] == 3
    single = body["questions"][0]
    assert [(c["label"], c["count"]) for c in single["choices"]] == [
        ("Weekly", 2),
        ("Monthly", 1),
        ("Rarely", 0),
    ]


def test_results_that_are_not_public_stay_private(client, seeded, commissioner):
    client.force_login(commissioner)  # even staff: the API shows public results only
    for which in ["open", "upcoming", "private"]:
        url = f"/api/v1/consultations/{seeded[which].pk}/results"
        response = client.get(url)
        body = assert_problem(response, 403, "#problem-results-not-public")
        assert body == {
            "type": "http://testserver/api/v1/docs#problem-results-not-public",
            "title": "Results not public",
            "status": 403,
            "detail": "The results of this consultation are not public yet.",
            "instance": url,
        }, which
        assert_open_data_headers(response)


def test_no_equality_monitoring_and_no_free_text_anywhere_in_the_api(client, seeded):
    factories.make_response(
        seeded["closed"],
        answers={"What else should we know?": "Ruth here: I care for my mum in Ashby."},
        equality={"age_band": "80_plus", "carer": "yes"},
    )
    decided = seeded["decided"]
    for url in [
        "/api/v1/consultations",
        f"/api/v1/consultations/{seeded['closed'].pk}/results",
        "/api/v1/decisions",
        f"/api/v1/decisions/{decided.pk}",
    ]:
        text = client.get(url).content.decode()
        assert "80_plus" not in text
        assert "age_band" not in text
        assert '"carer"' not in text
        assert "Ruth" not in text


# --- Decisions ---------------------------------------------------------------------------------


def test_the_decision_list_links_the_feed_and_pages_in_the_logs_order(client, seeded):
    response = client.get("/api/v1/decisions")
    assert response.status_code == 200
    assert_open_data_headers(response)
    body = response.json()
    assert body["licence"] == OGL
    assert body["count"] == 3  # the draft is never listed
    assert body["links"]["feed"] == "http://testserver/decisions/feed/"
    assert client.get("/decisions/feed/")["Content-Type"].startswith("application/atom+xml")
    # As the decision log: not yet decided first, then the latest decided.
    assert [d["title"] for d in body["results"]] == [
        "Crisis café in Ashby",
        "More overnight short breaks",
        "Wheelchair repairs within a week",
    ]
    decided = body["results"][1]
    assert decided["commissions"]["budget"] == "250000.00"
    assert decided["dates"]["decided"] == "2026-03-02"
    linked = decided["consultations"][0]
    assert linked["responses"] == 3
    assert linked["results_url"] == (
        f"http://testserver/api/v1/consultations/{seeded['closed'].pk}/results"
    )
    assert "results" not in linked  # counted once, by the results route


def test_the_log_page_and_the_api_agree_on_the_order_and_pages_never_repeat_or_skip(client, seeded):
    from engagement.models import DecisionPage

    # Three decided on the same day as the overnight breaks, two of them published at the same
    # moment too: only the page's id tells those two apart.
    for n in range(3):
        factories.make_decision(
            title=f"Same day {n}", slug=f"same-day-{n}", decided_on=dt.date(2026, 3, 2)
        )
    DecisionPage.objects.filter(slug__in=["same-day-0", "same-day-1"]).update(
        first_published_at=timezone.now()
    )
    everything = client.get("/api/v1/decisions", {"page_size": 50}).json()["results"]
    titles = [d["title"] for d in everything]
    assert titles[0] == "Crisis café in Ashby"  # not yet decided: first, on every database
    assert titles.index("Same day 1") < titles.index("Same day 0")  # the newer page first
    paged = [
        d["title"]
        for page in (1, 2, 3)  # six decisions
        for d in client.get("/api/v1/decisions", {"page": page, "page_size": 2}).json()["results"]
    ]
    assert paged == titles
    log = client.get("/decisions/").content.decode()
    assert [log.index(f">{title}<") for title in titles] == sorted(
        log.index(f">{title}<") for title in titles
    )


DECISION_FILTERS = [
    ("topic=carers", ["More overnight short breaks"]),
    ("status=reviewed", ["Wheelchair repairs within a week"]),
    ("decided_from=2026-01-01", ["More overnight short breaks"]),
    ("decided_to=2025-12-31", ["Wheelchair repairs within a week"]),
    (
        "decided_from=2025-01-01&decided_to=2026-12-31",
        ["More overnight short breaks", "Wheelchair repairs within a week"],
    ),
    ("topic=wheelchairs&status=decided", []),
]


def test_the_decision_list_filters(client, seeded):
    for query, titles in DECISION_FILTERS:
        body = client.get(f"/api/v1/decisions?{query}").json()
        assert [d["title"] for d in body["results"]] == titles, query
        assert body["count"] == len(titles), query


def test_one_decision(client, seeded):
    decision = seeded["reviewed"]
    response = client.get(f"/api/v1/decisions/{decision.pk}")
    assert response.status_code == 200
    assert_open_data_headers(response)
    body = response.json()
    assert body["licence"] == OGL
    assert (body["id"], body["title"], body["status"]) == (
        decision.pk,
        "Wheelchair repairs within a week",
        "reviewed",
    )
    assert body["topics"] == ["wheelchairs"]


def test_the_decision_list_costs_the_same_queries_for_more_decisions(client, seeded, exact_queries):
    client.get("/api/v1/decisions")
    with exact_queries("api: decisions"):
        client.get("/api/v1/decisions")
    for n in range(5):
        factories.make_decision(title=f"Another decision {n}", slug=f"another-{n}")
    with exact_queries("api: decisions"):
        assert client.get("/api/v1/decisions").json()["count"] == 8


# --- Problems ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/decisions/987654",
        "/api/v1/consultations/987654/results",
        "/api/v1/decisions/99999999999",  # beyond any id: not a database error
        "/api/v1/decisions/0",
        "/api/v1/decisions/not-a-number",
        "/api/v1/no-such-thing",
        "/api/v1/consultations/",
        "/api/v1/no-such%0Athing",  # a line break (Schemathesis found one)
    ],
)
def test_unknown_ids_and_addresses_are_404_problems(client, db, url):
    response = client.get(url)
    assert_problem(response, 404)
    assert_open_data_headers(response)


def test_drafts_and_unpublished_pages_are_404_problems(client, seeded):
    draft = factories.make_decision(title="Another draft", slug="another-draft", publish=False)
    assert_problem(client.get(f"/api/v1/decisions/{draft.pk}"), 404)
    seeded["closed"].unpublish()
    assert_problem(client.get(f"/api/v1/consultations/{seeded['closed'].pk}/results"), 404)


@pytest.mark.parametrize(
    ("url", "parameter"),
    [
        ("/api/v1/consultations?status=archived", "status"),
        ("/api/v1/consultations?page=0", "page"),
        ("/api/v1/consultations?page_size=1000", "page_size"),
        ("/api/v1/consultations?page=two", "page"),
        ("/api/v1/consultations?topic=%00", "topic"),  # PostgreSQL refuses NUL: not a 500
        ("/api/v1/decisions?topic=short%20breaks", "topic"),
        ("/api/v1/decisions?status=maybe", "status"),
        ("/api/v1/decisions?decided_from=31/3/2026", "decided_from"),
        ("/api/v1/decisions?decided_to=2026-02-30", "decided_to"),
    ],
)
def test_bad_query_parameters_are_400_problems_naming_the_parameter(client, seeded, url, parameter):
    response = client.get(url)
    body = assert_problem(response, 400, "#problem-invalid-parameters")
    assert [(e["parameter"], e["location"]) for e in body["errors"]] == [(parameter, "query")]
    assert body["errors"][0]["detail"]
    assert_open_data_headers(response)


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(db, method):
    # As a script sends it: no CSRF token, so a 405 problem rather than the CSRF page. (The
    # method is refused before anything is looked up.)
    client = Client(enforce_csrf_checks=True)
    for url in [
        "/api/v1/decisions",
        "/api/v1/consultations/12/results",
        "/api/v1/no-such-thing",
        "/api/decisions/",
    ]:
        response = getattr(client, method)(url)
        body = assert_problem(response, 405)
        assert body["title"] == "Method Not Allowed"
        assert response["Allow"] == "GET, HEAD, OPTIONS"


def test_head_and_a_cors_preflight(client, seeded):
    head = client.head("/api/v1/decisions")
    assert head.status_code == 200
    assert head.content == b""
    assert_open_data_headers(head)
    preflight = client.options(
        "/api/v1/decisions",
        headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert "GET" in preflight["Access-Control-Allow-Methods"]


def test_a_failure_is_a_500_problem_without_cache_or_cors_and_is_logged(
    seeded, monkeypatch, caplog
):
    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr("engagement.decisions.api.decisions_for_api", broken)
    # The test client would re-raise the signalled exception; a browser sees the answer.
    response = Client(raise_request_exception=False).get("/api/v1/decisions")
    body = assert_problem(response, 500)
    assert "database" not in body["detail"]  # nothing of the cause leaks
    assert "Cache-Control" not in response or "max-age=300" not in response["Cache-Control"]
    assert "Access-Control-Allow-Origin" not in response
    assert "the database went away" in caplog.text


# --- The description and its docs page -----------------------------------------------------------


def test_the_description_is_valid_openapi_3_1_with_the_licence_and_problem_types(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert_open_data_headers(response)
    schema = response.json()
    assert schema["openapi"].startswith("3.1")
    # The OpenAPI 3.1 meta-schema (as schemathesis ships it), and every body schema against
    # JSON Schema 2020-12's own.
    OPENAPI_31_VALIDATOR.validate(schema)
    for component in schema["components"]["schemas"].values():
        jsonschema_rs.meta.validate(component)
    assert schema["info"]["license"] == OGL
    assert set(schema["paths"]) == {
        "/api/v1/consultations",
        "/api/v1/consultations/{consultation_id}/representativeness",
        "/api/v1/consultations/{consultation_id}/results",
        "/api/v1/consultations/{consultation_id}/statements",
        "/api/v1/decisions",
        "/api/v1/decisions/{decision_id}",
        "/api/v1/groups/{slug}/representativeness/{year}",
        "/api/v1/series/{series_key}",
        "/api/v1/series/{series_key}/by/{field}",
    }
    for operations in schema["paths"].values():
        for status, described in operations["get"]["responses"].items():
            expected = "application/json" if status == "200" else "application/problem+json"
            assert list(described["content"]) == [expected]
            assert described["headers"]["Access-Control-Allow-Origin"]["required"]


def test_the_docs_page_lists_every_endpoint_parameter_and_field_without_script(client, db):
    response = client.get("/api/v1/docs")
    assert response.status_code == 200
    assert "Content-Security-Policy" in response
    html = response.content.decode()
    schema = client.get("/api/v1/openapi.json").json()
    for route, operations in schema["paths"].items():
        assert route in html
        for parameter in operations["get"].get("parameters", []):
            assert f"<code>{parameter['name']}</code>" in html
    for field in ["results_url", "you_said_we_did", "people_in_sessions", "borda_score"]:
        assert f"<code>{field}</code>" in html
    assert "Open Government Licence v3.0" in html
    assert 'id="problem-results-not-public"' in html
    # Only the site's own module script: nothing inline, nothing from elsewhere.
    scripts = re.findall(r"<script[^>]*>", html)
    assert all('src="/static/' in tag for tag in scripts)
    assert " style=" not in html
    assert "<style" not in html


# --- The old URLs --------------------------------------------------------------------------------


def test_the_old_urls_redirect_to_their_successors_with_a_deprecation_notice(client, seeded):
    closed, decision = seeded["closed"], seeded["decided"]
    for old, new in [
        (
            f"/api/consultations/{closed.pk}/results/",
            f"/api/v1/consultations/{closed.pk}/results",
        ),
        ("/api/decisions/", "/api/v1/decisions"),
        (f"/api/decisions/{decision.pk}/", f"/api/v1/decisions/{decision.pk}"),
    ]:
        response = client.get(old)
        assert response.status_code == 308
        assert response["Location"] == f"http://testserver{new}"
        assert response["Deprecation"] == "true"
        assert response["Sunset"].endswith("GMT")
        assert f'<http://testserver{new}>; rel="successor-version"' in response["Link"]
        assert_open_data_headers(response)
        followed = client.get(old, follow=True)
        assert followed.status_code == 200
        assert followed.json()["licence"] == OGL
        assert_problem(client.post(old), 405)


def test_the_pages_link_to_the_new_api(client, seeded):
    decisions = client.get("/decisions/").content.decode()
    assert 'href="/api/v1/decisions"' in decisions
    results = client.get(f"/consultations/{seeded['closed'].pk}/results/").content.decode()
    assert f'href="/api/v1/consultations/{seeded["closed"].pk}/results"' in results


def test_every_old_url_is_named_in_the_docs(client, db):
    html = client.get("/api/v1/docs").content.decode()
    assert "/api/consultations/&lt;id&gt;/results/" in html
    assert "/api/decisions/&lt;id&gt;/" in html
    assert json.dumps("308")[1:-1] in html
