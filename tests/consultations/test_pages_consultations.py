"""The consultation index and consultation pages: status from the dates, filters, pagination,
easy read, documents, another format, and query counts that do not grow with the data."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from engagement.consultations.services import response_start
from engagement.models import ConsultationTopic
from tests.factories import consultation_index, make_consultation

pytestmark = pytest.mark.django_db


def _dated(title, opens_days, closes_days, topics=()):
    now = timezone.now()
    page = make_consultation(
        title=title,
        slug=title.lower().replace(" ", "-"),
        opens_at=now + dt.timedelta(days=opens_days),
        closes_at=now + dt.timedelta(days=closes_days),
    )
    if topics:
        page.topics.set(topics)
        page.save_revision().publish()
    return page


@pytest.fixture
def topics():
    return {
        slug: ConsultationTopic.objects.create(name=name, slug=slug)
        for slug, name in [("carers", "Carers"), ("mental-health", "Mental health")]
    }


@pytest.fixture
def three(topics):
    return [
        _dated("Crisis support", -30, -2, [topics["mental-health"]]),
        _dated("Short breaks", -5, 20, [topics["carers"]]),
        _dated("Wheelchair budgets", 10, 40, [topics["carers"]]),
    ]


def _titles(reply):
    return [c.title for c in reply.context["consultations"]]


def test_index_lists_open_then_upcoming_then_closed_with_status_tags(client, three):
    reply = client.get("/consultations/")
    assert _titles(reply) == ["Short breaks", "Wheelchair budgets", "Crisis support"]
    body = reply.content.decode()
    assert "nhsuk-tag--green" in body and "Opening soon" in body and "nhsuk-tag--grey" in body


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?topic=carers", ["Short breaks", "Wheelchair budgets"]),
        ("?topic=mental-health", ["Crisis support"]),
        ("?status=open", ["Short breaks"]),
        ("?status=upcoming", ["Wheelchair budgets"]),
        ("?status=closed", ["Crisis support"]),
        ("?topic=carers&status=closed", []),
        ("?topic=no-such-topic", ["Short breaks", "Wheelchair budgets", "Crisis support"]),
    ],
)
def test_index_filters_by_topic_and_status(client, three, query, expected):
    reply = client.get(f"/consultations/{query}")
    assert reply.status_code == 200
    assert _titles(reply) == expected


def test_index_is_paginated_and_keeps_the_filters(client, topics):
    for n in range(12):
        _dated(f"Consultation {n:02d}", -1, 10 + n, [topics["carers"]])
    first = client.get("/consultations/?topic=carers")
    assert len(first.context["consultations"]) == 10
    assert "?topic=carers&amp;page=2" in first.content.decode()
    second = client.get("/consultations/?topic=carers&page=2")
    assert _titles(second) == ["Consultation 10", "Consultation 11"]
    assert client.get("/consultations/?page=99").status_code == 200


def test_index_query_count_does_not_grow_with_consultations(client, topics, exact_queries):
    _dated("First", -1, 10, [topics["carers"]])
    client.get("/consultations/")  # warm the site and settings caches
    with exact_queries("consultation index"):
        client.get("/consultations/")
    for n in range(9):
        _dated(f"More {n}", -1, 10, list(topics.values()))
    client.get("/consultations/")  # pages changed: the header's links are read again, once
    with exact_queries("consultation index"):
        reply = client.get("/consultations/")
    assert len(reply.context["consultations"]) == 10


def test_consultation_page_shows_what_people_need(client, topics):
    page = _dated("Short breaks", -5, 20, [topics["carers"]])
    page.body = [("paragraph", "<p>We want to hear from carers.</p>")]
    page.easy_read = [("paragraph", "<p>We want to know what helps you.</p>")]
    page.contact_name = "Involvement team"
    page.contact_email = "involve@northshire.example.org"
    page.save_revision().publish()
    body = client.get(page.url).content.decode()
    assert "We want to hear from carers." in body
    assert "Carers in Northshire." in body
    assert "Start now" in body and reverse("engagement:answer", args=[page.pk]) in body
    assert reverse("engagement:format_request", args=[page.pk]) in body
    assert "involve@northshire.example.org" in body
    assert "We want to know what helps you." not in body
    easy = client.get(f"{page.url}?format=easy-read").content.decode()
    assert "We want to know what helps you." in easy
    assert "We want to hear from carers." not in easy


def test_consultation_page_says_when_it_is_closed_or_upcoming(client):
    closed = _dated("Crisis support", -30, -2)
    upcoming = _dated("Wheelchair budgets", 10, 40)
    assert "This consultation closed on" in client.get(closed.url).content.decode()
    assert "Start now" not in client.get(closed.url).content.decode()
    assert "This consultation opens on" in client.get(upcoming.url).content.decode()


def test_consultation_page_offers_to_continue_a_started_response(client, participant):
    page = make_consultation()
    response_start(consultation=page, respondent=participant)
    client.force_login(participant)
    assert "Continue your response" in client.get(page.url).content.decode()


def test_support_workers_see_the_assisted_entry_link(client, role_user):
    from coproduce.accounts import roles

    page = make_consultation()
    link = reverse("engagement:assisted_response", args=[page.pk])
    client.force_login(role_user(roles.PARTICIPANT))
    assert link not in client.get(page.url).content.decode()
    client.force_login(role_user(roles.SUPPORT_WORKER))
    assert link in client.get(page.url).content.decode()


def test_consultation_page_query_count_does_not_grow_with_documents_or_topics(
    client, topics, exact_queries
):
    from wagtail.documents.models import Document

    from engagement.models import ConsultationDocument

    page = make_consultation()
    client.get(page.url)
    with exact_queries("consultation page"):
        client.get(page.url)
    for n in range(5):
        document = Document.objects.create(title=f"Document {n}", file=f"documents/d{n}.pdf")
        ConsultationDocument.objects.create(page=page, document=document, sort_order=n)
    page.topics.set(topics.values())
    page.save_revision().publish()
    client.get(page.url)  # a page changed: the header's links are read again, once
    with exact_queries("consultation page"):
        body = client.get(page.url).content.decode()
    assert "Document 4" in body


def test_answering_pages_query_count_does_not_grow_with_questions(client, exact_queries):
    small = make_consultation(title="Small", slug="small")
    big_sections = [
        (
            f"Part {s}",
            [("single_choice", f"Question {s}.{n}", ["Yes", "No", "Maybe"]) for n in range(8)],
        )
        for s in range(3)
    ]
    big = make_consultation(title="Big", slug="big", sections=big_sections)
    client.get(reverse("engagement:answer_section", args=[small.pk, 1]))
    with exact_queries("answering section"):
        client.get(reverse("engagement:answer_section", args=[small.pk, 1]))
    with exact_queries("answering section"):
        client.get(reverse("engagement:answer_section", args=[big.pk, 1]))


def test_index_page_is_the_one_from_the_factory(client):
    index = consultation_index()
    assert client.get(index.url).status_code == 200


def test_the_decisions_a_consultation_lists_do_not_each_ask_the_cache_for_the_site(
    client, monkeypatch
):
    """Each decision that cites a consultation is linked from its page. Linking a page with
    `.url` asks the cache for the site's root paths once a link (at 200 decisions, half the
    page's time on Redis); `{% pageurl %}` asks once a request. The count stays the same
    whatever the number of decisions."""
    from wagtail.models import Site

    from tests.factories import make_decision

    asked = []
    real = Site.get_site_root_paths
    monkeypatch.setattr(Site, "get_site_root_paths", lambda: asked.append(1) or real())
    consultation = make_consultation(title="Cited", slug="cited")

    def times_asked() -> int:
        client.get(consultation.url)  # warm
        asked.clear()
        assert client.get(consultation.url).status_code == 200
        return len(asked)

    make_decision(title="Decision one", slug="decision-one", consultations=[consultation])
    once = times_asked()
    for n in range(2, 7):
        make_decision(title=f"Decision {n}", slug=f"decision-{n}", consultations=[consultation])
    body = client.get(consultation.url).text
    assert all(f"/decision-{n}/" in body for n in range(2, 7))
    assert times_asked() == once
