"""The results page: who may see it when, what it shows, and a query budget that does not grow
with the number of questions or responses."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories

from .conftest import EVERY_KIND_TEXTS, SINGLE, TEXT

pytestmark = pytest.mark.django_db


def results_url(consultation):
    return reverse("engagement:consultation_results", args=[consultation.pk])


def test_closed_consultation_results_are_public(client, answered):
    response = client.get(results_url(answered))
    assert response.status_code == 200
    html = response.content.decode()
    assert "4 people sent a response." in html
    assert html.count("<h1") == 1
    # Every kind but free text has a chart, each with its table.
    assert html.count('class="coproduce-chart" viewBox') == 5
    assert html.count('<table class="nhsuk-table"') == 5
    assert "More evening sitters, please." in html
    assert "Not finished yet" not in html  # in-progress responses never show


def test_each_chart_has_a_title_and_the_table_holds_its_figures(client, answered):
    html = client.get(results_url(answered)).content.decode()
    assert '<title id="chart-' in html
    assert 'aria-labelledby="chart-' in html
    assert f"Bar chart: {SINGLE}" in html
    assert ">2 (50%)<" in html  # the Weekly bar's value
    assert "50.0%" in html  # and the same figure in the table


def test_open_consultation_results_are_not_public_unless_live(client, open_consultation):
    response = client.get(results_url(open_consultation))
    assert response.status_code == 403
    assert "We will publish the results here when the consultation closes" in (
        response.content.decode()
    )


def test_live_results_are_public_while_open(client):
    consultation = factories.make_consultation(title="Live results", results_visibility="live")
    factories.make_response(consultation, answers={SINGLE: "Monthly"})
    response = client.get(results_url(consultation))
    assert response.status_code == 200
    assert "These are live results" in response.content.decode()


def test_upcoming_consultation_shows_no_results_even_if_live(client):
    now = timezone.now()
    consultation = factories.make_consultation(
        title="Day opportunities",
        results_visibility="live",
        opens_at=now + dt.timedelta(days=3),
        closes_at=now + dt.timedelta(days=30),
    )
    assert client.get(results_url(consultation)).status_code == 403


def test_unpublished_consultation_results_are_not_public(client, answered):
    answered.unpublish()
    assert client.get(results_url(answered)).status_code == 403


@pytest.mark.parametrize("role", ["commissioner", "editor"])
def test_commissioners_and_editors_see_results_before_they_are_public(
    client, open_consultation, request, role
):
    factories.make_response(open_consultation, answers={SINGLE: "Weekly"})
    client.force_login(request.getfixturevalue(role))
    response = client.get(results_url(open_consultation))
    assert response.status_code == 200
    assert "Not public yet" in response.content.decode()


def test_participants_do_not_see_results_before_they_are_public(
    client, open_consultation, participant
):
    client.force_login(participant)
    assert client.get(results_url(open_consultation)).status_code == 403


def test_unknown_consultation_is_404(client, db):
    assert client.get(reverse("engagement:consultation_results", args=[999999])).status_code == 404


def test_commissioner_sees_breakdown_and_export_links_others_do_not(client, answered, commissioner):
    html = client.get(results_url(answered)).content.decode()
    assert "responses.csv" not in html
    client.force_login(commissioner)
    html = client.get(results_url(answered)).content.decode()
    assert reverse("engagement:consultation_breakdown", args=[answered.pk]) in html
    assert "responses.csv" in html


def test_free_text_is_escaped(client, closed_consultation):
    factories.make_response(
        closed_consultation, answers={TEXT: "<script>alert('x')</script> & more"}
    )
    html = client.get(results_url(closed_consultation)).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; more" in html


def _consultation_with(questions_sets: int, responses: int, title: str):
    sections = [
        (f"Part {n}", [(kind, f"{text} ({n})", labels) for kind, text, labels in EVERY_KIND_TEXTS])
        for n in range(questions_sets)
    ]
    now = timezone.now()
    consultation = factories.make_consultation(
        title=title,
        sections=sections,
        opens_at=now - dt.timedelta(days=10),
        closes_at=now - dt.timedelta(hours=1),
    )
    for i in range(responses):
        answers = {}
        for question in consultation.ordered_questions:
            labels = [c.label for c in question.choices.all()]
            answers[question] = {
                "single_choice": labels[i % len(labels)] if labels else None,
                "multiple_choice": labels[: 1 + i % len(labels)] if labels else None,
                "agreement_scale": 1 + i % 5,
                "ranking": labels[i % len(labels) :] + labels[: i % len(labels)]
                if labels
                else None,
                "points": {label: 100 // len(labels) for label in labels} if labels else None,
                "free_text": f"Answer {i}",
            }[question.kind]
        factories.make_response(consultation, answers=answers)
    return consultation


@pytest.mark.parametrize("role", [None, "commissioner"])
def test_results_page_queries_do_not_grow_with_questions_or_responses(
    client, django_assert_num_queries, request, role
):
    small = _consultation_with(questions_sets=1, responses=2, title="Small consultation")
    large = _consultation_with(questions_sets=3, responses=12, title="Large consultation")
    if role:
        client.force_login(request.getfixturevalue(role))
    warm = _consultation_with(questions_sets=1, responses=1, title="Warm-up consultation")
    # Warm per-process caches (site settings, locale) on a third consultation, so the two
    # measured below are both computed, not served from the results cache (results_cache.py).
    client.get(results_url(warm))

    def queries_for(consultation):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(results_url(consultation)).status_code == 200
        return len(captured)

    budget = queries_for(small)
    with django_assert_num_queries(budget):
        response = client.get(results_url(large))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="coproduce-chart" viewBox') == 15
    # Each of the three free-text questions shows its newest answers.
    assert html.count("<blockquote") == 9
    assert html.count("Answer 11<") == 3
    # The fixed budget itself stays small: session, user and groups; the page and whether it is
    # restricted; its results version (results_cache.py); the selector's eight; the site, its
    # settings, menus and breadcrumb.
    assert budget <= 25, budget


def test_results_of_a_private_page_are_not_public(client, answered):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(
        page=answered, restriction_type=PageViewRestriction.PASSWORD, password="carers"
    )
    assert client.get(results_url(answered)).status_code == 403
    assert client.get(f"/api/v1/consultations/{answered.pk}/results").status_code == 403
