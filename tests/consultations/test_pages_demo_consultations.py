"""`seed_demo` gains the consultations: an open one, a closed one with a few hundred responses
made through the services, and an upcoming one from the outcomes template."""

import pytest
from django.core.management import call_command

from engagement.models import ConsultationPage, Response, ResponseStatus

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
