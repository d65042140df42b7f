"""The cached figures of a closed consultation (engagement/consultations/results_cache.py): the
second visit costs fewer queries, and every change that affects the figures shows at once."""

import datetime as dt
import json
import re

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from engagement.consultations import moderation
from engagement.consultations import results as selectors
from engagement.consultations.models import Answer, QuestionKind, Response
from tests import factories

from .conftest import SINGLE, TEXT

pytestmark = pytest.mark.django_db


def results_url(consultation):
    return reverse("engagement:consultation_results", args=[consultation.pk])


def api_url(consultation):
    return reverse("api_v1:consultation_results", kwargs={"consultation_id": consultation.pk})


def breakdown_json_url(consultation, by="carer"):
    url = reverse("engagement:consultation_breakdown_export", args=[consultation.pk, "json"])
    return f"{url}?by={by}"


def queries(client, url) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return len(captured), response.content.decode()


def api_respondents(client, consultation) -> int:
    return client.get(api_url(consultation)).json()["respondents"]


def test_second_visit_to_closed_results_costs_fewer_queries(client, answered):
    other = factories.make_consultation(
        title="Another", closes_at=timezone.now() - dt.timedelta(days=1)
    )
    client.get(results_url(other))  # warm per-process caches (site settings, locale)
    first, html = queries(client, results_url(answered))
    second, again = queries(client, results_url(answered))
    assert "4 people sent a response." in html
    assert again == html
    # The selector's eight queries are replaced by one (the version).
    assert second <= first - 5, (first, second)


def test_open_consultation_results_are_not_cached(client):
    consultation = factories.make_consultation(results_visibility="live")
    factories.make_response(consultation, answers={SINGLE: "Weekly"})
    assert "1 person sent a response." in client.get(results_url(consultation)).content.decode()
    factories.make_response(consultation, answers={SINGLE: "Weekly"})
    assert "2 people sent a response." in client.get(results_url(consultation)).content.decode()


def test_deleting_a_submitted_response_shows_at_once(client, answered):
    assert "4 people sent a response." in client.get(results_url(answered)).content.decode()
    assert api_respondents(client, answered) == 4
    answered.known_responses[0].delete()  # e.g. erasure at the person's request
    assert "3 people sent a response." in client.get(results_url(answered)).content.decode()
    assert api_respondents(client, answered) == 3


def _text_answer(consultation, text):
    return Answer.objects.get(
        response__consultation=consultation, question__kind=QuestionKind.FREE_TEXT, text=text
    )


def test_hiding_and_showing_an_answer_shows_at_once(client, answered, commissioner):
    text = "More evening sitters, please."
    assert text in client.get(results_url(answered)).content.decode()
    answer = _text_answer(answered, text)
    moderation.answer_hide(answer_id=answer.pk, moderator=commissioner, reason="Names a person")
    html = client.get(results_url(answered)).content.decode()
    assert text not in html
    assert "1 answer" in html or "1 person" in html  # the count of free text went down too
    moderation.answer_unhide(answer_id=answer.pk, moderator=commissioner)
    assert text in client.get(results_url(answered)).content.decode()


def test_publishing_the_page_again_shows_at_once(client, answered):
    """Publishing the consultation (new dates, results settings; its answered questions cannot
    change, see test_admin_questionnaire) gives it a new results version. Shown here with a
    response stored behind the services' back, which only a new version can bring in."""
    assert api_respondents(client, answered) == 4
    factories.make_response(answered, answers={SINGLE: "Weekly"})
    assert api_respondents(client, answered) == 4  # cached: nothing said anything changed
    answered.get_latest_revision_as_object().save_revision().publish()
    assert api_respondents(client, answered) == 5


def test_reopening_and_closing_again_counts_the_new_responses(client, answered):
    assert api_respondents(client, answered) == 4
    now = timezone.now()
    draft = answered.get_latest_revision_as_object()
    draft.closes_at = now + dt.timedelta(days=1)
    draft.results_visibility = "live"
    draft.save_revision().publish()
    factories.make_response(answered, answers={SINGLE: "Weekly"})
    assert api_respondents(client, answered) == 5  # open: never cached
    draft = answered.get_latest_revision_as_object()
    draft.closes_at = now - dt.timedelta(hours=1)
    draft.save_revision().publish()
    assert api_respondents(client, answered) == 5


def test_late_assisted_entry_bumps_the_figures(client, answered):
    """A paper response entered by staff goes through `response_enter_assisted`, which gives
    the consultation a new results version; here its effect is checked directly."""
    from engagement.consultations import results_cache

    assert api_respondents(client, answered) == 4
    factories.make_response(answered, answers={SINGLE: "Weekly"})
    assert api_respondents(client, answered) == 4  # cached, and nobody said anything changed
    results_cache.bump(answered.pk)
    assert api_respondents(client, answered) == 5


def test_anonymous_and_staff_views_do_not_leak_into_each_other(client, answered, commissioner):
    breakdown_link = reverse("engagement:consultation_breakdown", args=[answered.pk])
    anonymous = client.get(results_url(answered)).content.decode()
    assert breakdown_link not in anonymous
    client.force_login(commissioner)
    staff = client.get(results_url(answered)).content.decode()
    assert breakdown_link in staff
    # A moderator's free-text page shows hidden answers; the results page never does, for
    # anyone, cached or not.
    answer = _text_answer(answered, "More evening sitters, please.")
    moderation.answer_hide(answer_id=answer.pk, moderator=commissioner, reason="Names a person")
    assert "More evening sitters" not in client.get(results_url(answered)).content.decode()
    client.logout()
    anonymous = client.get(results_url(answered)).content.decode()
    assert breakdown_link not in anonymous
    assert "More evening sitters" not in anonymous


def test_the_cached_breakdown_is_the_fresh_one_after_a_deletion(
    client, closed_consultation, commissioner
):
    responses = [
        factories.make_response(
            closed_consultation, answers={SINGLE: "Weekly"}, equality={"carer": carer}
        )
        for carer in ["yes"] * 7 + ["no"] * 6
    ]
    client.force_login(commissioner)
    first = client.get(breakdown_json_url(closed_consultation)).json()
    assert client.get(breakdown_json_url(closed_consultation)).json() == first
    responses[0].delete()
    after = client.get(breakdown_json_url(closed_consultation)).json()
    fresh = selectors.consultation_breakdown(consultation=closed_consultation, field_name="carer")
    assert after != first
    assert after == json.loads(json.dumps(fresh.as_dict(), cls=DjangoJSONEncoder))


def test_cached_results_are_the_fresh_results(client, answered):
    cached_json = client.get(api_url(answered)).json()
    again = client.get(api_url(answered)).json()
    assert again == cached_json
    fresh = selectors.consultation_results(consultation=answered)
    assert again["respondents"] == fresh.respondents
    assert Response.objects.filter(consultation=answered).count() == 5
    assert TEXT  # the free-text question exists and is left out of the open data


# --- The breakdown's tables, kept rendered (results_cache.breakdown_tables) -------------------


def breakdown_page_url(consultation, by="carer"):
    url = reverse("engagement:consultation_breakdown", args=[consultation.pk])
    return f"{url}?by={by}"


def _tables(html: str) -> str:
    """The part of the page that is kept rendered: from the tables to the downloads."""
    start = html.index('<div class="coproduce-breakdown"')
    return html[start : html.index("</a></p>", start)]


def _fresh_tables(consultation, by="carer") -> str:
    from engagement.consultations.views.results import _render_breakdown_tables

    breakdown = selectors.consultation_breakdown(consultation=consultation, field_name=by)
    breakdown.consultation = consultation
    return _tables(_render_breakdown_tables(breakdown))


@pytest.fixture
def by_carer_responses(closed_consultation):
    return [
        factories.make_response(
            closed_consultation, answers={SINGLE: "Weekly"}, equality={"carer": carer}
        )
        for carer in ["yes"] * 7 + ["no"] * 6
    ]


def test_the_breakdown_s_tables_come_rendered_on_the_second_visit(
    client, closed_consultation, by_carer_responses, commissioner, monkeypatch
):
    client.force_login(commissioner)
    first = client.get(breakdown_page_url(closed_consultation)).content.decode()
    assert _tables(first) == _fresh_tables(closed_consultation)

    def not_again(**kwargs):
        raise AssertionError("the figures were computed again")

    monkeypatch.setattr(selectors, "consultation_breakdown", not_again)
    monkeypatch.setattr(
        "engagement.consultations.views.results._render_breakdown_tables", not_again
    )
    second = client.get(breakdown_page_url(closed_consultation)).content.decode()
    assert _tables(second) == _tables(first)
    # Each field has its own tables.
    monkeypatch.undo()
    age = client.get(breakdown_page_url(closed_consultation, "age_band")).content.decode()
    assert "Results by age" in age and _tables(age) != _tables(first)


def test_the_breakdown_page_shows_a_deletion_and_a_late_response_at_once(
    client, closed_consultation, by_carer_responses, commissioner
):
    from engagement.consultations import results_cache

    client.force_login(commissioner)
    before = _tables(client.get(breakdown_page_url(closed_consultation)).content.decode())
    assert re.search(r'numeric">\s*7\s*</td>', before)  # the carers
    by_carer_responses[0].delete()  # a carer's response, erased at their request
    after = _tables(client.get(breakdown_page_url(closed_consultation)).content.decode())
    assert after != before and after == _fresh_tables(closed_consultation)
    assert not re.search(r'numeric">\s*7\s*</td>', after)  # 6 carers now
    # A response entered late (staff entering a paper response bump the version).
    factories.make_response(
        closed_consultation, answers={SINGLE: "Weekly"}, equality={"carer": "no"}
    )
    results_cache.bump(closed_consultation.pk)
    late = _tables(client.get(breakdown_page_url(closed_consultation)).content.decode())
    assert late != after and late == _fresh_tables(closed_consultation)


@pytest.mark.parametrize("role", ["anonymous", "participant", "expert", "facilitator", "editor"])
def test_kept_breakdown_tables_never_reach_someone_who_may_not_see_them(
    client, closed_consultation, by_carer_responses, commissioner, role, request
):
    client.force_login(commissioner)
    kept = _tables(client.get(breakdown_page_url(closed_consultation)).content.decode())
    assert 'class="coproduce-breakdown"' in kept
    client.logout()
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    for url in (breakdown_page_url(closed_consultation), breakdown_json_url(closed_consultation)):
        response = client.get(url)
        assert response.status_code == (302 if role == "anonymous" else 403)
        html = response.content.decode()
        assert "coproduce-breakdown" not in html and "nhsuk-table__cell" not in html


def test_kept_breakdown_tables_hold_nothing_of_the_viewer(
    client, closed_consultation, by_carer_responses, commissioner, superuser
):
    """The tables are rendered without the request: the second viewer's page has their own
    header and CSRF token, and the tables of the first are byte for byte the same."""
    client.force_login(commissioner)
    first = client.get(breakdown_page_url(closed_consultation)).content.decode()
    client.force_login(superuser)
    second = client.get(breakdown_page_url(closed_consultation)).content.decode()
    assert _tables(first) == _tables(second)
    assert "csrfmiddlewaretoken" not in _tables(first)
    assert commissioner.email not in _tables(first)
