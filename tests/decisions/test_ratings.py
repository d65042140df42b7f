"""Ratings: "Does this reflect what people said?" 1-5, optional comment, one per person,
changeable; the average and count are shown on the decision."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from engagement.decisions.services import decision_rate
from engagement.models import DecisionRating
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def decision(db):
    return factories.make_decision()


def test_rating_through_the_page_then_changing_it(client, decision, participant):
    client.force_login(participant)
    sent = client.post(
        f"/decisions/{decision.pk}/rate/", {"score": "2", "comment": "Carers were ignored."}
    )
    assert sent.status_code == 302
    assert sent.url == f"{decision.url}#rating"

    changed = client.post(f"/decisions/{decision.pk}/rate/", {"score": "4", "comment": ""})
    assert changed.status_code == 302

    rating = DecisionRating.objects.get()
    assert (rating.user, rating.score, rating.comment) == (participant, 4, "")
    html = client.get(decision.url).content.decode()
    # One rating: its number and average are hidden (a count of people of 1 to 4).
    assert "Rated by [c] people" in html
    assert "Your rating is 4 out of 5" in html


def test_the_average_and_count_of_everyone_s_ratings_are_shown(client, decision, role_user):
    for score in (5, 4, 2, 4, 4):
        decision_rate(decision=decision, user=role_user(), score=score)
    html = client.get(decision.url).content.decode()
    assert "Rated 3.8 out of 5 by 5 people." in html


def test_a_rating_out_of_range_is_refused_and_nothing_is_lost(client, decision, participant):
    decision_rate(decision=decision, user=participant, score=3, comment="Fair enough.")
    client.force_login(participant)

    refused = client.post(f"/decisions/{decision.pk}/rate/", {"score": "9", "comment": "x"})

    assert refused.status_code == 400
    assert "nhsuk-error-summary" in refused.content.decode()
    rating = DecisionRating.objects.get()
    assert (rating.score, rating.comment) == (3, "Fair enough.")
    with pytest.raises(ValidationError):
        decision_rate(decision=decision, user=participant, score=0)


def test_signed_out_people_are_asked_to_sign_in(client, decision):
    page = client.get(decision.url).content.decode()
    assert "Sign in to rate this decision" in page
    response = client.post(f"/decisions/{decision.pk}/rate/", {"score": "5"})
    assert response.status_code == 302
    assert "/accounts/login/" in response.url
    assert not DecisionRating.objects.exists()


def test_a_draft_decision_cannot_be_rated(client, participant):
    draft = factories.make_decision(title="Not yet published", publish=False)
    client.force_login(participant)
    assert client.post(f"/decisions/{draft.pk}/rate/", {"score": "5"}).status_code == 404
    with pytest.raises(PermissionDenied):
        decision_rate(decision=draft, user=participant, score=5)


def test_the_database_allows_one_rating_per_person(decision, participant):
    from django.db import IntegrityError, transaction

    DecisionRating.objects.create(decision=decision, user=participant, score=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionRating.objects.create(decision=decision, user=participant, score=4)
