"""Answers saved for later that do not fit yet are the person's data: in their download, gone
when they erase their account, and never in anyone's results."""

import pytest
from django.urls import reverse

from engagement.models import Response
from engagement.my_data.services import person_erase, person_export
from tests.consultations.test_answering_journey import _unfinished_section_two
from tests.factories import make_consultation

pytestmark = pytest.mark.django_db


def test_unfinished_answers_are_downloaded_and_erased(client, participant):
    consultation = make_consultation()
    client.force_login(participant)
    data, ranking, _points = _unfinished_section_two(consultation)
    client.post(
        reverse("engagement:answer_section", args=[consultation.pk, 2]), {**data, "action": "save"}
    )

    (exported,) = person_export(user=participant)["consultation_responses"]
    assert str(ranking.pk) in exported["unfinished_answers"]

    person_erase(user=participant)
    assert Response.objects.get().unfinished_answers == {}
