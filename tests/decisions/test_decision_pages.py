"""A consultation says 'Decision published' once it has closed and a published decision links
to it: on its own page and in the consultation list."""

import datetime

import pytest
from django.utils import timezone

from engagement.models import ConsultationStatus
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed_consultation():
    now = timezone.now()
    return factories.make_consultation(
        title="Wheelchair budgets",
        opens_at=now - datetime.timedelta(days=60),
        closes_at=now - datetime.timedelta(days=30),
    )


def test_closed_until_a_published_decision_links_to_it(client, closed_consultation):
    assert closed_consultation.status == ConsultationStatus.CLOSED
    factories.make_decision(consultations=[closed_consultation], publish=False)
    assert closed_consultation.status == ConsultationStatus.CLOSED

    factories.make_decision(title="Faster wheelchair budgets", consultations=[closed_consultation])

    assert closed_consultation.status == ConsultationStatus.DECISION_PUBLISHED
    assert "Decision published" in client.get(closed_consultation.url).content.decode()
    listing = client.get(closed_consultation.get_parent().url).content.decode()
    assert "Decision published" in listing


def test_a_closed_consultation_links_to_its_results_and_its_decisions(client, closed_consultation):
    decision = factories.make_decision(
        title="Faster wheelchair budgets", consultations=[closed_consultation]
    )
    html = client.get(closed_consultation.url).content.decode()
    assert f'href="/consultations/{closed_consultation.pk}/results/"' in html
    assert f'href="{decision.url}"' in html


def test_an_open_consultation_keeps_its_results_to_commissioners(client, role_user):
    from coproduce.accounts import roles

    consultation = factories.make_consultation(title="Crisis support")
    results_link = f'href="/consultations/{consultation.pk}/results/"'
    assert results_link not in client.get(consultation.url).content.decode()
    client.force_login(role_user(roles.COMMISSIONER))
    assert results_link in client.get(consultation.url).content.decode()
