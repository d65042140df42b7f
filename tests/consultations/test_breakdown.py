"""Breakdown by an equality-monitoring field: Commissioners only; every table goes through the
one disclosure control, so every count of 1 to 4 is hidden, every hidden figure carries the
same neutral mark, and no hidden figure can be narrowed below a range of 5 from everything the
page, its JSON twin, its CSV export and the public results publish (checked by the audit in
tests/disclosure_audit.py)."""

import csv
import io
import re

import pytest
from django.urls import reverse

from coproduce.accounts import roles
from engagement.consultations.exports import aggregates_as_dict
from engagement.consultations.results import consultation_breakdown, consultation_results
from engagement.models import Answer, ConsultationPage
from tests import factories
from tests.disclosure_audit import breakdown_unprotected, unprotected

from .conftest import EVERY_ROLE, MULTIPLE, POINTS, RANKING, SCALE, SINGLE

pytestmark = pytest.mark.django_db


# --- On real responses -------------------------------------------------------------------------


@pytest.fixture
def by_carer(closed_consultation):
    """13 carers (yes), 7 not carers (no), 2 who preferred not to say, 3 who skipped."""
    for n in range(13):
        factories.make_response(
            closed_consultation,
            answers={
                SINGLE: "Weekly" if n < 11 else "Monthly",
                MULTIPLE: ["Day care"],
                SCALE: 5,
                RANKING: ["Cost", "Distance", "Staff"],
                POINTS: {"Evenings": 60, "Weekends": 40},
            },
            equality={"carer": "yes", "age_band": "50_64"},
        )
    for _n in range(7):
        factories.make_response(
            closed_consultation,
            answers={SINGLE: "Rarely", SCALE: 2, POINTS: {"Evenings": 10, "Weekends": 90}},
            equality={"carer": "no"},
        )
    for _n in range(2):
        factories.make_response(
            closed_consultation, answers={SINGLE: "Weekly"}, equality={"carer": "prefer_not"}
        )
    for _n in range(3):
        factories.make_response(closed_consultation, answers={SINGLE: "Rarely"})
    return closed_consultation


def _table(breakdown, text):
    item = next(q for q in breakdown.questions if q.question.text == text)
    return item


def public_row_totals(consultation, table: dict) -> dict:
    """What every reader knows about a question table's rows without the breakdown: the
    public results (people per choice or scale point, people who answered, respondents), and
    for rankings the people who put each choice first, counted here from the answers (not
    published, so taking them as known only makes the audit stricter)."""
    results = aggregates_as_dict(consultation_results(consultation=consultation))
    n_rows, n_cols = len(table["row_labels"]), len(table["column_labels"])
    known = {(n_rows, n_cols): results["respondents"]}
    if table["id"] == "respondents":
        known[(0, n_cols)] = results["respondents"]
        return known
    question = next(q for q in results["questions"] if q["id"] == table["question"]["id"])
    if question["kind"] == "points":
        counts = [question["answered"], results["respondents"] - question["answered"]]
    else:
        if question["kind"] == "agreement_scale":
            by_label = {p["label"]: p["count"] for p in question["distribution"]}
        elif question["kind"] == "ranking":
            by_label = {
                c["label"]: Answer.objects.filter(
                    question_id=question["id"],
                    choice_id=c["id"],
                    number=1,
                    response__status="submitted",
                ).count()
                for c in question["choices"]
            }
        else:
            by_label = {c["label"]: c["count"] for c in question["choices"]}
        counts = [by_label[label] for label in table["row_labels"][:-1]]
        counts.append(results["respondents"] - question["answered"])
    known |= {(r, n_cols): count for r, count in enumerate(counts)}
    return known


def assert_twin_is_protected(consultation, twin: dict) -> None:
    sizes = twin["tables"][0]["cells"][0]
    # All the tables at once: the group sizes are one set of unknowns shared by every table.
    known_rows = {}
    for t, table in enumerate(twin["tables"]):
        n_rows, n_cols = len(table["row_labels"]), len(table["column_labels"])
        known = public_row_totals(consultation, table)
        known_rows[t] = {r: known[(r, n_cols)] for r in range(n_rows) if (r, n_cols) in known}
    assert breakdown_unprotected(twin, known_rows=known_rows) == {}
    for table in twin["tables"]:
        known = public_row_totals(consultation, table)
        # Every question table's column totals are the group sizes of the first table.
        n_rows = len(table["row_labels"])
        known |= {(n_rows, c): v for c, v in enumerate(sizes) if v is not None}
        assert unprotected(table, known=known) == {}, table
        shown = [v for row in table["cells"] for v in row if v is not None]
        shown += [v for v in table["column_totals"] if v is not None]
        assert not [v for v in shown if 1 <= v <= 4], table


def test_breakdown_counts_and_protection(by_carer):
    breakdown = consultation_breakdown(consultation=by_carer, field_name="carer")
    assert [label for _v, label in breakdown.groups] == [
        "Yes",
        "No",
        "Prefer not to say",
        "Not given",
    ]
    # 2 and 3 are small; hidden together they could be 0 to 5 each.
    assert [c.value for c in breakdown.group_sizes.cells] == [13, 7, None, None]
    assert breakdown.group_sizes.total.value == 25

    single = _table(breakdown, SINGLE)
    rows = {row.label: [c.value for c in row.cells] for row in single.rows}
    assert list(rows) == ["Weekly", "Monthly", "Rarely", "Did not answer"]
    # The groups hidden in the first table are hidden, every cell, in every table.
    assert all(values[2:] == [None, None] for values in rows.values())
    # Monthly: 2 carers. Hidden, with as much else as keeps it from being worked out.
    assert rows["Monthly"][0] is None
    # Every figure shown is true.
    truth = {"Weekly": [11, 0], "Monthly": [2, 0], "Rarely": [0, 7], "Did not answer": [0, 0]}
    for label, values in rows.items():
        for shown, true in zip(values[:2], truth[label], strict=True):
            assert shown is None or shown == true
    assert_twin_is_protected(by_carer, breakdown.as_dict())


def test_scale_and_points_breakdown(by_carer):
    breakdown = consultation_breakdown(consultation=by_carer, field_name="carer")
    scale = {row.label: [c.value for c in row.cells] for row in _table(breakdown, SCALE).rows}
    assert scale["Strongly agree"][0] in (13, None)
    assert scale["Disagree"][1] in (7, None)
    points = _table(breakdown, POINTS)
    assert points.measure == "answered"
    answered = [c.value for c in points.rows[0].cells]
    means = {row.label: [c.value for c in row.cells] for row in points.means}
    for column, count in enumerate(answered):
        if count is None:
            # The group's count is hidden: so is its mean, never shown as 0.
            assert means["Evenings"][column] is None
    if answered[0] is not None:
        assert means["Evenings"][0] == 60.0 and means["Weekends"][0] == 40.0


def test_ranking_breakdown_counts_first_places(by_carer):
    breakdown = consultation_breakdown(consultation=by_carer, field_name="carer")
    ranking = _table(breakdown, RANKING)
    assert ranking.measure == "ranked first"
    first = {row.label: row.cells[0].value for row in ranking.rows}
    assert first["Cost"] in (13, None)
    assert ranking.table.row_totals[0] == 13  # Cost, public: 13 people put it first


def test_free_text_is_never_broken_down(by_carer):
    breakdown = consultation_breakdown(consultation=by_carer, field_name="carer")
    assert all(q.question.kind != "free_text" for q in breakdown.questions)


def test_unknown_field_is_refused(by_carer):
    with pytest.raises(ValueError):
        consultation_breakdown(consultation=by_carer, field_name="email")


def test_breakdown_queries_do_not_grow_with_responses(by_carer, django_assert_num_queries):
    fresh = ConsultationPage.objects.get(pk=by_carer.pk)
    with django_assert_num_queries(5):  # questions, choices, group sizes, answered, cells
        consultation_breakdown(consultation=fresh, field_name="age_band")
    for _n in range(10):
        factories.make_response(
            by_carer, answers={SINGLE: "Weekly", SCALE: 3}, equality={"age_band": "80_plus"}
        )
    fresh = ConsultationPage.objects.get(pk=by_carer.pk)
    with django_assert_num_queries(5):
        consultation_breakdown(consultation=fresh, field_name="age_band")


# --- The page ----------------------------------------------------------------------------------


def breakdown_url(consultation, by=None):
    url = reverse("engagement:consultation_breakdown", args=[consultation.pk])
    return f"{url}?by={by}" if by else url


@pytest.mark.parametrize("person", EVERY_ROLE, indirect=True)
def test_breakdown_page_is_for_commissioners_only(client, by_carer, person, request):
    response = client.get(breakdown_url(by_carer, "carer"))
    role = request.node.callspec.params["person"]
    if role in {"commissioner", "superuser"}:
        assert response.status_code == 200
    elif role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == 403


def twin_url(consultation, by, fmt="json"):
    url = reverse("engagement:consultation_breakdown_export", args=[consultation.pk, fmt])
    return f"{url}?by={by}"


def test_breakdown_page_marks_every_hidden_figure_alike_and_links_its_json_twin(
    client, by_carer, commissioner
):
    client.force_login(commissioner)
    html = client.get(breakdown_url(by_carer, "carer")).content.decode()
    assert "Results by caring for someone" in html
    assert "fewer than" not in html.lower()
    assert "[c]" in html and "[c] hidden to protect people&#x27;s privacy" in html
    assert html.count("<h1") == 1
    link = f'<link rel="alternate" type="application/json" href="{twin_url(by_carer, "carer")}">'
    assert link in html
    twin = client.get(twin_url(by_carer, "carer"))
    assert twin.status_code == 200 and twin["Content-Type"] == "application/json"
    data = twin.json()
    assert data["breakdown_by"] == "carer" and data["hidden_mark"] == "[c]"
    respondents = data["tables"][0]
    assert respondents["cells"] == [[13, 7, None, None]]
    assert respondents["row_totals_are_sums"] and respondents["column_totals_are_sums"]
    multiple = next(t for t in data["tables"] if t.get("question", {}).get("text") == MULTIPLE)
    assert multiple["row_totals_are_sums"] and not multiple["column_totals_are_sums"]
    assert_twin_is_protected(by_carer, data)


@pytest.mark.parametrize("person", EVERY_ROLE, indirect=True)
def test_the_json_twin_and_csv_have_the_page_s_permission(client, by_carer, person, request):
    role = request.node.callspec.params["person"]
    for fmt in ("json", "csv"):
        response = client.get(twin_url(by_carer, "carer", fmt))
        if role in {"commissioner", "superuser"}:
            assert response.status_code == 200
        elif role == "anonymous":
            assert response.status_code == 302
        else:
            assert response.status_code == 403


def test_the_json_twin_without_a_field_says_what_to_send(client, by_carer, commissioner):
    client.force_login(commissioner)
    url = reverse("engagement:consultation_breakdown_export", args=[by_carer.pk, "json"])
    response = client.get(url + "?by=email")
    assert response.status_code == 400
    assert "?by=" in response.json()["error"] and "carer" in response.json()["error"]


def test_the_csv_export_publishes_the_same_figures_as_the_page(client, by_carer, commissioner):
    client.force_login(commissioner)
    twin = client.get(twin_url(by_carer, "carer")).json()
    response = client.get(twin_url(by_carer, "carer", "csv"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    body = response.content.decode("utf-8-sig")
    assert "fewer than" not in body.lower()
    rows = list(csv.reader(io.StringIO(body)))
    assert rows[0][:3] == ["table", "question_id", "row"]
    assert rows[1] == ["Who responded", "", "Respondents", "13", "7", "[c]", "[c]", "25"]
    assert rows[-1] == ["[c]", "", "hidden to protect people's privacy"]
    single = next(t for t in twin["tables"] if t.get("question", {}).get("text") == SINGLE)
    lines = [row for row in rows if row[1] == str(single["question"]["id"])]
    for line, cells, total in zip(lines, single["cells"], single["row_totals"], strict=False):
        assert line[3:-1] == ["[c]" if v is None else str(v) for v in cells]
        assert line[-1] == ("[c]" if total is None else str(total))


# --- The three cases from the report that found the leaks --------------------------------------


def _people(consultation, n, *, answers=None, **equality):
    for _ in range(n):
        factories.make_response(consultation, answers=answers or {}, equality=equality)


def test_regression_carers_line_whose_shown_cell_equals_the_row_total(
    client, closed_consultation, commissioner
):
    # "Caring for someone: Yes = 6 of 6 respondents": shown beside cells that must be 0, it
    # told every reader that all 6 are carers.
    _people(closed_consultation, 6, answers={SINGLE: "Weekly"}, carer="yes")
    client.force_login(commissioner)
    data = client.get(twin_url(closed_consultation, "carer")).json()
    respondents = data["tables"][0]
    assert respondents["cells"][0][0] is None  # Yes: hidden
    assert respondents["grand_total"] == 6
    assert_twin_is_protected(closed_consultation, data)
    html = client.get(breakdown_url(closed_consultation, "carer")).content.decode()
    assert "fewer than" not in html.lower()
    csv_body = client.get(twin_url(closed_consultation, "carer", "csv")).content.decode("utf-8-sig")
    assert csv_body.splitlines()[1].split(",")[3] == "[c]"


def test_regression_a_cell_holding_19_hidden_to_protect_another_says_only_c(
    client, closed_consultation, commissioner
):
    # 19 people aged 25-34 and 3 aged 35-49: the 3 is hidden, and the 19 with it (anything
    # smaller would give the 3 away). The old label said "fewer than 5" on the 19.
    _people(closed_consultation, 19, answers={SINGLE: "Weekly"}, age_band="25_34")
    _people(closed_consultation, 3, answers={SINGLE: "Weekly"}, age_band="35_49")
    breakdown = consultation_breakdown(consultation=closed_consultation, field_name="age_band")
    labels = [label for _v, label in breakdown.groups]
    sizes = dict(zip(labels, breakdown.group_sizes.cells, strict=True))
    assert sizes["25 to 34"].hidden and sizes["35 to 49"].hidden
    client.force_login(commissioner)
    html = client.get(breakdown_url(closed_consultation, "age_band")).content.decode()
    assert "fewer than" not in html.lower()
    assert ">19<" not in html
    data = client.get(twin_url(closed_consultation, "age_band")).json()
    assert_twin_is_protected(closed_consultation, data)
    body = client.get(twin_url(closed_consultation, "age_band", "csv")).content.decode("utf-8-sig")
    assert "fewer than" not in body.lower() and ",19," not in body


def test_breakdown_page_refuses_an_unknown_field_with_a_clear_error(client, by_carer, commissioner):
    client.force_login(commissioner)
    response = client.get(breakdown_url(by_carer, "email"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    assert "Select a valid choice" in html


# --- Valid markup (issue 12) -------------------------------------------------------------------


@pytest.mark.parametrize("by", ["", "?by=carer", "?by=age_band"])
def test_the_breakdown_page_has_no_empty_form_action_and_no_doubled_full_stops(
    client, role_user, by_carer, closed_consultation, by
):
    client.force_login(role_user(roles.COMMISSIONER))
    path = reverse("engagement:consultation_breakdown", args=[closed_consultation.pk])
    html = client.get(path + by).content.decode()
    assert 'action=""' not in html
    assert f'<form method="get" action="{path}"' in html
    text = re.sub(r"<[^>]+>", " ", html)
    assert not re.findall(r"[.?!][”\"’)]?\s*\.(?!\.)", text.replace("...", "…"))
