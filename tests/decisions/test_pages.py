"""The decision log, a decision page, the involvement report and "your notifications": what
people see, filters, and query budgets that do not grow with the data."""

import datetime as dt
import json

import pytest

from engagement.decisions.selectors import equality_summary
from engagement.models import ConsultationTopic, Notification, YouSaidItem
from tests import factories
from tests.disclosure_audit import answers_seen_alike, unprotected

pytestmark = pytest.mark.django_db


def _decision_with_everything(n: int, consultation, topic, role_user):
    answer_response = factories.make_response(consultation, text=f"Point number {n}")
    decision = factories.make_decision(
        title=f"Decision {n}",
        slug=f"decision-{n}",
        consultations=[consultation],
        topics=[topic],
        status="decided" if n % 2 else "implementing",
        decided_on=dt.date(2026, 1, 1) + dt.timedelta(days=30 * n),
        items=[
            {
                "you_said": f"Point {n}",
                "cited_answer": answer_response.answers.get(),
                "outcome": "done",
                "we_did": "Done.",
            },
            {"you_said": f"Another point {n}", "outcome": "not_done", "we_did": "No money."},
        ],
        minority_views=[{"view": "Keep the old service.", "response": "We could not."}],
    )
    from engagement.decisions.services import decision_rate

    decision_rate(decision=decision, user=role_user(), score=4)
    return decision


@pytest.fixture
def topic(db):
    return ConsultationTopic.objects.create(name="Carers", slug="carers")


def test_the_decision_page_shows_what_why_status_involvement_and_minority_views(client, topic):
    consultation = factories.make_consultation()
    for _ in range(3):
        factories.make_response(consultation)
    factories.make_response(consultation, submitted=False)
    decision = factories.make_decision(
        consultations=[consultation],
        involvement_level="co_produced",
        involvement_justification="Carers shaped the three options with us over four meetings.",
        service_name="Overnight short breaks",
        budget="250000",
        budget_period="a year",
        service_starts_on=dt.date(2026, 6, 1),
        minority_views=[
            {
                "view": "Day services should have come first.",
                "held_by": "some carers",
                "response": "We will look at day services next year.",
            }
        ],
    )
    html = client.get(decision.url).content.decode()
    assert html.count("<h1") == 1
    assert "Co-produced" in html
    assert "Carers shaped the three options with us over four meetings." in html
    assert "Overnight short breaks" in html
    assert "£250,000 a year" in html
    assert "1 June 2026" in html
    assert "3 responses" in html  # sent responses only
    assert "Day services should have come first." in html
    assert f"/decisions/{decision.pk}/involvement-report/" in html


def test_the_log_filters_by_topic_status_and_date(client, topic, role_user):
    consultation = factories.make_consultation()
    for n in range(1, 5):
        _decision_with_everything(n, consultation, topic, role_user)
    other = factories.make_decision(title="Mental health crisis cafe", slug="crisis")
    factories.make_decision(title="A draft", slug="draft", publish=False)

    everything = client.get("/decisions/").content.decode()
    assert "5 decisions" in everything
    assert "A draft" not in everything

    by_topic = client.get("/decisions/", {"topic": "carers"}).content.decode()
    assert "4 decisions" in by_topic and other.title not in by_topic

    by_status = client.get("/decisions/", {"status": "implementing"}).content.decode()
    assert "2 decisions" in by_status

    by_date = client.get(
        "/decisions/", {"decided_from": "2026-02-01", "decided_to": "2026-04-30"}
    ).content.decode()
    # Decided on 31 January, 2 March, 1 April and 1 May.
    assert "Decision 2" in by_date and "Decision 3" in by_date
    assert "Decision 1" not in by_date and "Decision 4" not in by_date

    british = client.get("/decisions/", {"decided_from": "1/2/2026", "decided_to": "30/4/2026"})
    # Decisions 2 and 3, and the crisis cafe (decided on 2 March).
    assert "3 decisions" in british.content.decode()

    nonsense = client.get("/decisions/", {"decided_from": "next Tuesday"})
    assert nonsense.status_code == 200
    assert "Enter a date like 31/3/2026." in nonsense.content.decode()

    bad = client.get("/decisions/", {"decided_from": "2026-05-01", "decided_to": "2026-01-01"})
    assert bad.status_code == 200
    assert "The end date must be on or after the start date." in bad.content.decode()


def test_query_counts_do_not_grow_with_the_number_of_decisions(
    client, topic, role_user, django_assert_max_num_queries
):
    consultation = factories.make_consultation()
    _decision_with_everything(1, consultation, topic, role_user)
    client.get("/decisions/")  # warm Wagtail's site and settings caches

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get("/decisions/")
    budget = len(one.captured_queries)  # before the next request empties the log
    for n in range(2, 7):
        _decision_with_everything(n, consultation, topic, role_user)
    client.get("/decisions/")  # pages changed: the header's links are read again, once
    with django_assert_max_num_queries(budget):
        response = client.get("/decisions/")
    assert "6 decisions" in response.content.decode()


def test_decision_page_queries_do_not_grow_with_points_responses_or_ratings(
    client, topic, role_user, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    consultation = factories.make_consultation()
    small = _decision_with_everything(1, consultation, topic, role_user)
    client.get(small.url)
    with CaptureQueriesContext(connection) as baseline:
        client.get(small.url)

    budget = len(baseline.captured_queries)  # before the next request empties the log
    big = _decision_with_everything(2, consultation, topic, role_user)
    for n in range(10):
        answer = factories.make_response(consultation, text=f"More {n}").answers.get()
        item = YouSaidItem.objects.create(
            decision=big, you_said=f"Extra {n}", outcome="partly", we_did="Some."
        )
        item.cited_answers.add(answer)
        item.save()
        from engagement.decisions.services import decision_rate

        decision_rate(decision=big, user=role_user(), score=3)
    client.get(big.url)  # pages changed: the header's links are read again, once
    with django_assert_max_num_queries(budget):
        client.get(big.url)
    with CaptureQueriesContext(connection) as report_small:
        client.get(f"/decisions/{small.pk}/involvement-report/")
    with django_assert_max_num_queries(len(report_small.captured_queries)):
        client.get(f"/decisions/{big.pk}/involvement-report/")


def test_regression_report_hidden_count_does_not_follow_from_the_total(client):
    # 6 carers and 2 not: with only the 2 hidden, 8 responses - 6 gave it away.
    consultation = factories.make_consultation()
    for _ in range(6):
        factories.make_response(consultation, equality={"carer": "yes", "disability": "yes"})
    for _ in range(2):
        factories.make_response(consultation, equality={"carer": "no", "disability": "yes"})
    decision = factories.make_decision(consultations=[consultation])

    carer = next(t for t in equality_summary(decision=decision) if t["name"] == "carer")
    rows = {str(r["label"]): r for r in carer["rows"]}
    assert rows["No"]["count"] is None and rows["No"]["hidden"]
    assert rows["Yes"]["count"] is None  # else 8 - 6 = 2
    assert carer["total"] == 8

    html = client.get(f"/decisions/{decision.pk}/involvement-report/").content.decode()
    assert "fewer than" not in html.lower()
    assert "[c] hidden to protect people&#x27;s privacy" in html
    assert ">2<" not in html
    twin_url = f"/decisions/{decision.pk}/involvement-report/figures.json"
    assert f'<link rel="alternate" type="application/json" href="{twin_url}">' in html

    data = client.get(twin_url).json()
    assert "fewer than" not in json.dumps(data).lower()
    for table in data["tables"]:
        assert table["grand_total"] == 8
        assert table["column_totals_are_sums"] and table["row_totals_are_sums"]
        n = len(table["row_labels"])
        # The number of responses is published above the tables.
        assert unprotected(table, known={(n, 0): 8, (n, 1): 8}) == {}, table
        shown = [row[0] for row in table["cells"] if row[0] is not None]
        assert not [v for v in shown if 1 <= v <= 4]


def test_the_report_never_shows_everyone_who_answered_in_one_group(client):
    # Disabled 6, Not disabled 0, Prefer not to say 0, Not given 7: once published as it stood,
    # telling every reader that each of the 6 who answered is disabled.
    consultation = factories.make_consultation()
    for _ in range(6):
        factories.make_response(consultation, equality={"disability": "yes"})
    for _ in range(7):
        factories.make_response(consultation)
    decision = factories.make_decision(consultations=[consultation])
    data = client.get(f"/decisions/{decision.pk}/involvement-report/figures.json").json()
    table = next(t for t in data["tables"] if t["id"] == "disability")
    assert table["row_labels"] == ["Yes", "No", "Prefer not to say", "Not given"]
    assert [row[0] for row in table["cells"]] == [None, None, 0, 7]
    assert table["grand_total"] == 13
    known = {(4, 0): 13, (4, 1): 13}
    assert not answers_seen_alike(table, answers=[(0, 0), (1, 0)], known=known)
    assert unprotected(table, known=known) == {}


def test_the_report_s_json_twin_has_the_report_s_permission(client, commissioner, participant):
    draft = factories.make_decision(title="A draft", slug="draft", publish=False)
    url = f"/decisions/{draft.pk}/involvement-report/figures.json"
    assert client.get(url).status_code == 404
    client.force_login(participant)
    assert client.get(url).status_code == 404
    client.force_login(commissioner)
    assert client.get(url).status_code == 200


def test_the_report_of_a_draft_is_for_staff_only(client, commissioner, participant):
    draft = factories.make_decision(title="A draft", slug="draft", publish=False)
    url = f"/decisions/{draft.pk}/involvement-report/"
    assert client.get(url).status_code == 404
    client.force_login(participant)
    assert client.get(url).status_code == 404
    client.force_login(commissioner)
    assert client.get(url).status_code == 200


def test_your_notifications_lists_only_your_own_and_marks_them_read(client, role_user):
    me, someone_else = role_user(), role_user()
    mine = Notification.objects.create(user=me, kind="decision_published", title="Mine", url="/")
    Notification.objects.create(user=someone_else, kind="decision_published", title="Theirs")
    client.force_login(me)

    html = client.get("/notifications/").content.decode()
    assert "Mine" in html and "Theirs" not in html

    client.post("/notifications/read/", {"notification": str(mine.pk)})
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert Notification.objects.get(title="Theirs").read_at is None


def test_notifications_need_an_account(client):
    assert client.get("/notifications/").status_code == 302


def test_the_log_shows_twenty_decisions_a_page_and_keeps_the_filters_across_pages(client, topic):
    for n in range(25):
        factories.make_decision(
            title=f"Paged decision {n:02}",
            slug=f"paged-{n:02}",
            decided_on=dt.date(2026, 1, 1) + dt.timedelta(days=n),
            topics=[topic] if n % 2 == 0 else [],
        )
    factories.make_decision(title="Off topic", slug="off-topic", decided_on=dt.date(2025, 6, 1))

    first = client.get("/decisions/").content.decode()
    assert "26 decisions" in first
    assert first.count("nhsuk-card__link") == 20
    assert "Paged decision 05" in first and "Paged decision 04" not in first  # newest first
    assert 'href="?page=2"' in first and "nhsuk-pagination__link--prev" not in first

    last = client.get("/decisions/", {"page": 2}).content.decode()
    assert last.count("nhsuk-card__link") == 6
    assert "Paged decision 00" in last and 'href="?page=1"' in last

    # 13 on the topic: one page. 25 decided from 1 January: two, the filter kept in the links.
    on_topic = client.get("/decisions/", {"topic": "carers", "status": ""}).content.decode()
    assert "13 decisions" in on_topic and on_topic.count("nhsuk-card__link") == 13
    assert "nhsuk-pagination" not in on_topic
    by_date = client.get("/decisions/", {"decided_from": "1/1/2026"}).content.decode()
    assert "25 decisions" in by_date
    assert 'href="?decided_from=1%2F1%2F2026&amp;page=2"' in by_date

    # A page past the end, or not a number, shows a page rather than an error.
    assert client.get("/decisions/", {"page": 99}).status_code == 200
    assert "Paged decision 00" in client.get("/decisions/", {"page": 99}).content.decode()
    assert client.get("/decisions/", {"page": "last; DROP"}).status_code == 200
