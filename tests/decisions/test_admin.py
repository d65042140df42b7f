"""Commissioners draft decisions in the Wagtail admin and send them to the co-produced sign-off
from there; nobody gets a "Publish" button for a decision."""

import datetime as dt

import pytest
from django.utils import timezone
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


def _form(draft, **fields):
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
            **fields,
        }
    )
    data["action-submit"] = "Submit to Co-produced sign-off"
    return data


def test_a_commissioner_sends_a_draft_to_sign_off_from_the_admin(client, commissioner):
    consultation = factories.make_consultation(
        opens_at=timezone.now() - dt.timedelta(days=30),
        closes_at=timezone.now() - dt.timedelta(days=1),
    )
    factories.make_response(consultation)
    draft = factories.make_decision(publish=False)
    client.force_login(commissioner)
    data = _form(draft)
    data["consultations"] = [consultation.pk]
    response = client.post(f"/admin/pages/{draft.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert draft.workflow_in_progress
    assert draft.current_workflow_task_state.status == TaskState.STATUS_IN_PROGRESS
    assert not draft.live


def test_the_admin_refuses_to_submit_a_level_the_record_does_not_support(client, commissioner):
    draft = factories.make_decision(publish=False)
    client.force_login(commissioner)
    response = client.post(
        f"/admin/pages/{draft.pk}/edit/", _form(draft, involvement_level="co_produced")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The record does not support “Co-produced” yet" in html
    assert "No co-production group is linked." in html
    draft.refresh_from_db()
    assert not draft.workflow_in_progress


def test_the_admin_states_the_rules_beside_the_links(client, commissioner):
    draft = factories.make_decision(publish=False)
    client.force_login(commissioner)
    html = client.get(f"/admin/pages/{draft.pk}/edit/").content.decode()
    assert "What the record must show for each level" in html
    assert "At least one linked consultation that has closed, with responses." in html
