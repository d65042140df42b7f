"""Breakdown by an equality-monitoring field: Commissioners only, every cell under 5 people
suppressed, and no suppressed cell recoverable by subtraction from a row or column."""

import pytest
from django.urls import reverse

from engagement.consultations.results import consultation_breakdown, suppress_small_numbers
from engagement.models import ConsultationPage
from tests import factories

from .conftest import EVERY_ROLE, MULTIPLE, POINTS, RANKING, SCALE, SINGLE

pytestmark = pytest.mark.django_db


# --- The suppression rule on its own -----------------------------------------------------------


def test_cells_under_five_are_suppressed_zero_included():
    assert suppress_small_numbers([[0, 4, 5, 6]], threshold=5)[0][:2] == [True, True]


def test_a_lone_suppressed_cell_in_a_row_takes_the_smallest_other_with_it():
    # Row total 3 + 9 + 20 is public: with only the 3 hidden, 32 - 9 - 20 gives it away.
    assert suppress_small_numbers([[3, 9, 20]]) == [[True, True, False]]


def test_a_row_with_nothing_small_is_shown_in_full():
    assert suppress_small_numbers([[5, 9, 20]]) == [[False, False, False]]


def test_secondary_suppression_covers_rows_and_columns():
    matrix = [
        [12, 7, 30],  # answered, by group
        [10, 2, 25],  # chose A: the 2 is small
        [2, 5, 5],  # chose B: the 2 is small
    ]
    hidden = suppress_small_numbers(matrix)
    for line in [*hidden, *zip(*hidden, strict=True)]:
        assert sum(line) != 1, hidden
    assert hidden[1][1] and hidden[2][0]


def _backs_out(matrix, hidden):
    """Any row or column with exactly one hidden cell lets a reader recover it."""
    lines = [list(row) for row in hidden] + [list(col) for col in zip(*hidden, strict=True)]
    return any(sum(line) == 1 for line in lines)


@pytest.mark.parametrize("seed", range(30))
def test_no_row_or_column_ever_has_exactly_one_hidden_cell(seed):
    import random

    rng = random.Random(seed)
    matrix = [[rng.choice([0, 1, 3, 4, 5, 8, 12, 40]) for _ in range(5)] for _ in range(4)]
    hidden = suppress_small_numbers(matrix)
    assert not _backs_out(matrix, hidden)
    for r, row in enumerate(matrix):
        for c, value in enumerate(row):
            if value < 5:
                assert hidden[r][c]


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


def test_breakdown_counts_and_suppression(by_carer):
    breakdown = consultation_breakdown(consultation=by_carer, field_name="carer")
    assert [label for _v, label in breakdown.groups] == [
        "Yes",
        "No",
        "Prefer not to say",
        "Not given",
    ]
    # 2 and 3 are small; nothing else in the row can stay shown alone with them hidden.
    assert [c.value for c in breakdown.group_sizes.cells] == [13, 7, None, None]

    single = _table(breakdown, SINGLE)
    assert [c.value for c in single.answered.cells] == [13, 7, None, None]
    rows = {row.label: [c.value for c in row.cells] for row in single.rows}
    # Weekly: 11 carers, 0 non-carers, 2 prefer not, 0 not given. Monthly: 2 carers.
    # Rarely: 0 carers, 7 not carers, 0, 3. The small cells are hidden, and so is every
    # cell that would give one of them away.
    assert rows["Weekly"][1] is None and rows["Weekly"][2] is None
    assert rows["Monthly"] == [None, None, None, None]
    assert rows["Rarely"][0] is None and rows["Rarely"][3] is None
    assert rows["Rarely"][1] == 7


def test_scale_and_points_breakdown(by_carer):
    breakdown = consultation_breakdown(consultation=by_carer, field_name="carer")
    scale = {row.label: [c.value for c in row.cells] for row in _table(breakdown, SCALE).rows}
    assert scale["Strongly agree"][0] == 13
    assert scale["Disagree"][1] == 7
    points = _table(breakdown, POINTS)
    assert points.measure == "mean points"
    means = {row.label: [c.value for c in row.cells] for row in points.rows}
    assert means["Evenings"][:2] == [60.0, 10.0]
    assert means["Weekends"][:2] == [40.0, 90.0]
    # No one in the small groups answered: their means are hidden, never shown as 0.
    assert means["Evenings"][2:] == [None, None]


def test_ranking_breakdown_counts_first_places(by_carer):
    breakdown = consultation_breakdown(consultation=by_carer, field_name="carer")
    ranking = _table(breakdown, RANKING)
    assert ranking.measure == "ranked first"
    first = {row.label: row.cells[0].value for row in ranking.rows}
    assert first["Cost"] == 13


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


def test_breakdown_page_shows_fewer_than_5(client, by_carer, commissioner):
    client.force_login(commissioner)
    html = client.get(breakdown_url(by_carer, "carer")).content.decode()
    assert "Results by caring for someone" in html
    assert "fewer than 5" in html
    assert html.count("<h1") == 1


def test_breakdown_page_refuses_an_unknown_field_with_a_clear_error(client, by_carer, commissioner):
    client.force_login(commissioner)
    response = client.get(breakdown_url(by_carer, "email"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "nhsuk-error-summary" in html
    assert "Select a valid choice" in html
