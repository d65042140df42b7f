"""Commissioners draft decisions in the Wagtail admin and send them to the co-produced sign-off
from there; nobody gets a "Publish" button for a decision."""

import pytest
from wagtail.models import TaskState
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from tests import factories

pytestmark = pytest.mark.django_db


def test_a_commissioner_can_open_the_new_decision_form_without_a_publish_button(
    client, commissioner
):
    index = factories.decision_index()
    client.force_login(commissioner)
    response = client.get(f"/admin/pages/add/engagement/decisionpage/{index.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Level of involvement" in html
    assert "You said, we did" in html
    assert 'name="action-publish"' not in html


def test_a_commissioner_sends_a_draft_to_sign_off_from_the_admin(client, commissioner):
    draft = factories.make_decision(publish=False)
    client.force_login(commissioner)
    data = nested_form_data(
        {
            "title": draft.title,
            "slug": draft.slug,
            "summary": draft.summary,
            "why": draft.why,
            "status": "decided",
            "involvement_level": "consulted",
            "involvement_justification": draft.involvement_justification,
            "you_said_items": inline_formset([]),
            "minority_views": inline_formset([]),
            "comments": inline_formset([]),
        }
    )
    data["action-submit"] = "Submit to Co-produced sign-off"
    response = client.post(f"/admin/pages/{draft.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert draft.workflow_in_progress
    assert draft.current_workflow_task_state.status == TaskState.STATUS_IN_PROGRESS
    assert not draft.live
