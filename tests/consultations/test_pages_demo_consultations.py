"""`seed_demo` gains the consultations: an open one, a closed one with a few hundred responses
made through the services, and an upcoming one from the outcomes template."""

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from engagement.consultations.results import (
    breakdown_fields,
    consultation_breakdown,
    consultation_results,
)
from engagement.models import ConsultationPage, Response, ResponseStatus
from tests.consultations.test_breakdown import assert_twin_is_protected

pytestmark = pytest.mark.django_db


def test_demo_consultations_are_realistic_and_reachable(client):
    call_command("seed_demo", password="demo password")
    pages = {page.slug: page for page in ConsultationPage.objects.live()}
    assert pages["short-breaks-for-carers"].status == "open"
    assert pages["personal-wheelchair-budgets"].status == "closed"
    assert pages["personal-budgets-what-difference-2027"].status == "upcoming"
    wheelchairs = Response.objects.filter(consultation=pages["personal-wheelchair-budgets"])
    assert wheelchairs.count() == 300
    sent = wheelchairs.filter(status=ResponseStatus.SUBMITTED)
    assert 250 < sent.count() < 300
    assert wheelchairs.exclude(assistance="").exists()
    assert len(pages["personal-budgets-what-difference-2027"].ordered_questions) > 10
    for path in ["/consultations/", *(page.url for page in pages.values())]:
        assert client.get(path).status_code == 200, path

    # Demo data that could be real (one seeding for both: it takes a while). Responses dated
    # within each consultation's open period (never after it closed, never in the future);
    # every sent response has answers, the required one included; a results page's counts
    # agree with each other; and every breakdown of the demo passes the audit.
    now = timezone.now()
    for page in ConsultationPage.objects.live():
        end = min(page.closes_at, now)
        responses = Response.objects.filter(consultation=page)
        assert not responses.filter(started_at__lt=page.opens_at).exists(), page.slug
        assert not responses.filter(started_at__gt=end).exists(), page.slug
        sent = responses.filter(status=ResponseStatus.SUBMITTED)
        assert not sent.filter(submitted_at__lt=page.opens_at).exists(), page.slug
        assert not sent.filter(submitted_at__gt=end).exists(), page.slug
        assert not sent.annotate(n=Count("answers")).filter(n=0).exists(), page.slug
        for question in page.ordered_questions:
            if question.required:
                unanswered = sent.exclude(answers__question=question)
                assert not unanswered.exists(), (page.slug, question.text)

        if not sent.exists():
            continue
        results = consultation_results(consultation=page)
        assert results.respondents == sent.count()
        for result in results.questions:
            assert 0 < result.answered <= results.respondents, result.question.text
        for field_name, _label in breakdown_fields():
            breakdown = consultation_breakdown(consultation=page, field_name=field_name)
            assert breakdown.group_sizes.total.value == results.respondents
            assert_twin_is_protected(page, breakdown.as_dict())

    open_one = ConsultationPage.objects.get(slug="short-breaks-for-carers")
    html = client.get(f"/consultations/{open_one.pk}/results/").content.decode()
    sent = Response.objects.filter(consultation=open_one, status=ResponseStatus.SUBMITTED)
    assert f"{sent.count()} people sent a response" in html
