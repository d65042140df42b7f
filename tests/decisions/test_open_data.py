"""The Atom feed and the open-data API's decisions (/api/v1/decisions): valid, complete, and
free of personal data. (Every route's headers, paging and problems: tests/test_api_v1.py.)"""

import json
import xml.etree.ElementTree as ET

import pytest

from engagement.models import ConsultationTopic
from tests import factories

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def published(role_user):
    consultation = factories.make_consultation(title="Short breaks for carers")
    person = role_user(email="ruth.kaye@example.org", display_name="Ruth Kaye")
    response = factories.make_response(
        consultation,
        respondent=person,
        email="ruth.kaye@example.org",
        wants_updates=True,
        text="Ruth here: overnight breaks let me sleep.",
    )
    choice_question = consultation.ordered_questions[0]
    for _ in range(3):
        other = factories.make_response(consultation)
        other.answers.create(question=choice_question, choice=choice_question.choices.first())
    topic = ConsultationTopic.objects.create(name="Carers", slug="carers")
    decision = factories.make_decision(
        consultations=[consultation],
        topics=[topic],
        service_name="Overnight short breaks",
        budget="250000.00",
        items=[
            {
                "you_said": "Overnight breaks matter most.",
                "cited_answer": response.answers.get(),
                "outcome": "done",
                "we_did": "We fund 40 more nights a year.",
            }
        ],
    )
    factories.make_decision(title="A draft nobody may see", slug="draft", publish=False)
    return decision, consultation, response


def test_the_atom_feed_parses_and_lists_live_decisions(client, published):
    decision, _consultation, _response = published
    response = client.get("/decisions/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")

    feed = ET.fromstring(response.content)  # noqa: S314 - our own feed, in a test
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [decision.title]
    entry = entries[0]
    assert entry.find(f"{ATOM}link").get("href") == f"http://testserver{decision.url}"
    assert entry.findtext(f"{ATOM}summary") == decision.summary
    assert entry.findtext(f"{ATOM}id").endswith(f":decision/{decision.pk}")
    assert entry.findtext(f"{ATOM}updated")
    assert [c.get("term") for c in entry.findall(f"{ATOM}category")] == ["Carers"]


def test_the_index_page_points_to_the_feed(client, published):
    html = client.get("/decisions/").content.decode()
    assert 'type="application/atom+xml"' in html
    assert 'href="/decisions/feed/"' in html


def test_the_json_api_lists_decisions_with_links_and_the_results_route(client, published):
    decision, consultation, _response = published
    data = client.get("/api/v1/decisions").json()

    assert data["licence"]["name"] == "Open Government Licence v3.0"
    assert data["count"] == 1
    item = data["results"][0]
    assert set(item) == {
        "id",
        "title",
        "url",
        "summary",
        "why",
        "status",
        "dates",
        "commissions",
        "involvement",
        "contests",
        "topics",
        "you_said_we_did",
        "minority_views",
        "consultations",
        "co_production_group",
        "sessions",
        "people_in_sessions",
        "rating",
        "first_published_at",
        "last_published_at",
    }
    assert item["commissions"] == {
        "service": "Overnight short breaks",
        "budget": "250000.00",
        "budget_period": "",
        "starts_on": None,
    }
    assert item["involvement"]["level"] == "consulted"
    assert item["topics"] == ["carers"]
    linked = item["consultations"][0]
    assert (linked["id"], linked["responses"]) == (consultation.pk, 4)
    # The linked consultation's figures are the results route's, counted once, there; that
    # route answers 403 while the results are not public (this one is still open).
    assert linked["results_url"] == (
        f"http://testserver/api/v1/consultations/{consultation.pk}/results"
    )
    assert client.get(linked["results_url"]).status_code == 403
    assert item["you_said_we_did"][0]["outcome"] == "done"
    assert item["you_said_we_did"][0]["source"].startswith("An answer to “What else")


def test_one_decision_and_a_missing_one(client, published):
    decision, _c, _r = published
    one = client.get(f"/api/v1/decisions/{decision.pk}")
    assert one.status_code == 200
    assert one.json()["title"] == decision.title
    missing = client.get("/api/v1/decisions/999999")
    assert missing.status_code == 404
    assert missing["Content-Type"] == "application/problem+json"
    assert missing.json()["detail"] == "There is no published decision with that id."


def test_the_old_urls_redirect_with_a_deprecation_notice(client, published):
    decision, _c, _r = published
    for old, new in [
        ("/api/decisions/", "/api/v1/decisions"),
        (f"/api/decisions/{decision.pk}/", f"/api/v1/decisions/{decision.pk}"),
    ]:
        response = client.get(old)
        assert response.status_code == 308
        assert response["Location"] == f"http://testserver{new}"
        assert response["Deprecation"] == "true"
        assert 'rel="successor-version"' in response["Link"]


def test_nothing_personal_in_the_page_feed_or_api(client, published):
    decision, _consultation, response = published
    outputs = [
        client.get(decision.url).content.decode(),
        client.get("/decisions/feed/").content.decode(),
        json.dumps(client.get("/api/v1/decisions").json(), ensure_ascii=False),
        json.dumps(client.get(f"/api/v1/decisions/{decision.pk}").json(), ensure_ascii=False),
        client.get(f"/decisions/{decision.pk}/involvement-report/").content.decode(),
    ]
    for output in outputs:
        assert "Ruth" not in output
        assert "ruth.kaye@example.org" not in output
        assert response.reference not in output
        # The cited answer is summarised by the commissioner; its raw text is not shown.
        assert "overnight breaks let me sleep" not in output
