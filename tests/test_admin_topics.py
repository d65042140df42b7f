"""In the admin, a decision's topics (and a consultation's) are checkboxes, one per topic with
its name as the label, not a multi-select that needs Ctrl-click."""

import pytest

from coproduce.accounts import roles
from engagement.models import ConsultationTopic
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["decision", "consultation"])
def test_topics_are_checkboxes_with_the_chosen_ones_ticked(client, role_user, home_page, kind):
    carers = ConsultationTopic.objects.create(name="Carers", slug="carers")
    ConsultationTopic.objects.create(name="Mental health", slug="mental-health")
    if kind == "decision":
        page = factories.make_decision(topics=[carers])
    else:
        page = factories.make_consultation()
        page.topics.set([carers])
        page.save_revision()
    client.force_login(role_user(roles.EDITOR))
    html = client.get(f"/admin/pages/{page.pk}/edit/").content.decode()

    assert '<select name="topics"' not in html
    boxes = [line for line in html.splitlines() if 'type="checkbox" name="topics"' in line]
    assert len(boxes) == 2
    assert [" checked" in box for box in boxes] == [True, False]
    for box in boxes:
        box_id = box.split('id="', 1)[1].split('"', 1)[0]
        assert f'for="{box_id}"' in html
    assert 'for="id_topics_0">Carers</label>' in html
