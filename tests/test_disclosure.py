"""Disclosure control (coproduce/disclosure.py): over random tables, many small and zero cells,
skewed rows and one category holding everyone, what is published hides every count of 1 to 4,
shows every other figure truthfully, and leaves every hidden figure a range at least 5 wide
given all that is published, checked by the integer-programming audit in
tests/disclosure_audit.py (not the module's own)."""

import timeit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coproduce.disclosure import (
    DisclosureError,
    PublishedTable,
    Table,
    hidden_positions,
    protect_row,
    protect_table,
)
from engagement.consultations.results import protect_breakdown
from tests.disclosure_audit import (
    answers_seen_alike,
    breakdown_unprotected,
    reader_ranges,
    unprotected,
)

COUNTS = st.one_of(
    st.integers(0, 6),  # mostly small and zero
    st.integers(0, 6),
    st.integers(0, 40),
    st.sampled_from([0, 0, 1, 4, 5]),
)


def _extended(table: Table, published: PublishedTable):
    """(position, true value, published value) for every figure, totals included."""
    n_rows, n_cols = len(table.row_labels), len(table.column_labels)
    row_totals = table.row_totals or [sum(row) for row in table.cells]
    column_totals = table.column_totals or [sum(col) for col in zip(*table.cells, strict=True)]
    grand = sum(column_totals) if table.row_totals_are_sums else sum(row_totals)
    for r in range(n_rows):
        for c in range(n_cols):
            yield (r, c), table.cells[r][c], published.cells[r][c]
        yield (r, n_cols), row_totals[r], published.row_totals[r]
    for c in range(n_cols):
        yield (n_rows, c), column_totals[c], published.column_totals[c]
    yield (n_rows, n_cols), grand, published.grand_total


def _known(table: Table) -> dict:
    truth = {p: v for p, v, _shown in _extended(table, protect_table(table))}
    return {p: truth[p] for p in table.known}


def assert_protected(table: Table) -> PublishedTable:
    published = protect_table(table)
    for position, value, shown in _extended(table, published):
        assert shown is None or shown == value, (position, value, shown)
        assert not (1 <= value <= 4) or shown is None, f"{value} shown at {position}"
    assert unprotected(published.as_dict(), known=_known(table)) == {}, published
    return published


@st.composite
def tables(draw, *, skew=False):
    n_rows = draw(st.integers(1, 6))
    n_cols = draw(st.integers(1, 6))
    cells = [[draw(COUNTS) for _ in range(n_cols)] for _ in range(n_rows)]
    if skew:
        # One category holds everyone (or nearly), the rest zero or tiny.
        full = draw(st.integers(0, n_cols - 1))
        for row in cells:
            for c in range(n_cols):
                row[c] = draw(st.integers(0, 60)) if c == full else draw(st.sampled_from([0, 0, 1]))
    known = draw(st.booleans())
    return Table.of(
        row_labels=[f"r{i}" for i in range(n_rows)],
        column_labels=[f"c{i}" for i in range(n_cols)],
        cells=cells,
        row_totals_known=known,
        grand_total_known=known or draw(st.booleans()),
    )


@st.composite
def multiple_choice_tables(draw):
    """Rows are choices (people may pick several), columns are groups: column totals (people
    in the group who answered) are not sums of the cells."""
    n_rows = draw(st.integers(1, 4))
    n_cols = draw(st.integers(1, 4))
    columns = []
    for _ in range(n_cols):
        people = draw(st.integers(0, 12))
        counts = [0] * n_rows
        for _person in range(people):
            chosen = draw(st.sets(st.integers(0, n_rows - 1), min_size=1))
            for r in chosen:
                counts[r] += 1
        columns.append((counts, people))
    return Table.of(
        row_labels=[f"choice {i}" for i in range(n_rows)],
        column_labels=[f"group {i}" for i in range(n_cols)],
        cells=[[columns[c][0][r] for c in range(n_cols)] for r in range(n_rows)],
        column_totals_are_sums=False,
        column_totals=[people for _counts, people in columns],
        row_totals_known=draw(st.booleans()),
    )


SETTINGS = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(tables())
def test_random_tables_leave_every_hidden_figure_at_least_5_wide(table):
    assert_protected(table)


@SETTINGS
@given(tables(skew=True))
def test_skewed_tables_where_one_category_holds_everyone(table):
    published = assert_protected(table)
    # Nobody reading the table learns that everyone in a line is in one group.
    for r, row in enumerate(published.cells):
        total = published.row_totals[r]
        if total and len(row) > 1:
            assert total not in row or total == 0, (r, published)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(multiple_choice_tables())
def test_multiple_choice_tables(table):
    assert_protected(table)


def test_the_carers_line_hides_a_group_holding_everyone():
    # Caring for someone: Yes = 6 of 6 respondents. Shown beside zeros (or beside hidden cells
    # that must be 0), it tells every reader that all 6 are carers.
    published = protect_row(
        labels=["Yes", "No", "Prefer not to say", "Not given"], counts=[6, 0, 0, 0]
    )
    assert published.cells[0][0] is None
    assert published.grand_total == 6
    ranges = reader_ranges(published.as_dict(), known={(1, 4): 6})
    assert all(high - low >= 5 for low, high in ranges.values())


def test_a_hidden_cell_whose_row_already_adds_up_is_protected_again():
    # Row total 20 public; 3 is small; alone hidden it is 20 - 9 - 8.
    table = Table.of(
        row_labels=["Yes"], column_labels=["a", "b", "c"], cells=[[3, 9, 8]], row_totals_known=True
    )
    published = assert_protected(table)
    assert published.cells[0][0] is None and published.cells[0].count(None) == 2


def test_a_table_of_big_numbers_is_shown_in_full():
    table = Table.of(row_labels=["a", "b"], column_labels=["x", "y"], cells=[[10, 20], [30, 40]])
    assert protect_table(table).hidden_cells == 0


def test_zeros_are_shown():
    table = Table.of(
        row_labels=["a", "b"], column_labels=["x", "y", "z"], cells=[[0, 20, 7], [30, 40, 0]]
    )
    assert protect_table(table).hidden_cells == 0


def test_figures_published_elsewhere_that_bound_a_cell_tightly_are_the_limit():
    # A question 3 people answered, its total on the public results page: a hidden cell can
    # never range 5 wide; it must range over everything the total allows (0 to 3).
    table = Table.of(
        row_labels=["Yes", "No"],
        column_labels=["a", "b", "c"],
        cells=[[3, 0, 0], [10, 7, 9]],
        row_totals_known=True,
        grand_total_known=True,
    )
    published = assert_protected(table)
    low, high = reader_ranges(published.as_dict(), known=_known(table))[(0, 0)]
    assert (low, high) == (0, 3)


def test_bad_tables_get_a_clear_error():
    with pytest.raises(DisclosureError, match="one cell per column"):
        protect_table(Table.of(row_labels=["a"], column_labels=["x", "y"], cells=[[1]]))
    with pytest.raises(DisclosureError, match="negative"):
        protect_table(Table.of(row_labels=["a"], column_labels=["x"], cells=[[-1]]))
    with pytest.raises(DisclosureError, match="must be given"):
        protect_table(
            Table.of(
                row_labels=["a"], column_labels=["x"], cells=[[1]], column_totals_are_sums=False
            )
        )


def test_the_json_form_marks_hidden_figures_null_and_says_what_adds_up():
    published = protect_row(labels=["a", "b", "c"], counts=[2, 30, 40])
    data = published.as_dict()
    assert data["cells"][0][0] is None
    assert data["row_totals_are_sums"] is True and data["column_totals_are_sums"] is True
    assert hidden_positions(published) >= {(0, 0)}


def test_suppression_of_the_biggest_breakdown_takes_milliseconds():
    # 15 groups x 10 rows with many small counts; measured uncached (a fresh table each time).
    import random

    rng = random.Random(7)
    fresh = [
        Table.of(
            row_labels=[f"r{i}" for i in range(10)],
            column_labels=[f"g{i}" for i in range(15)],
            cells=[[rng.choice([0, 0, 1, 3, 5, 8, 20, 60]) for _ in range(15)] for _ in range(10)],
            row_totals_known=True,
            grand_total_known=True,
        )
        for _ in range(5)
    ]
    seconds = timeit.timeit(lambda: protect_table(fresh.pop()), number=5) / 5
    assert seconds < 0.5, f"{seconds * 1000:.0f} ms per table"


@st.composite
def breakdowns(draw):
    """People in groups answering a single-choice question (or skipping it): the sizes and the
    question's table, as a breakdown page publishes them."""
    n_groups = draw(st.integers(2, 5))
    n_choices = draw(st.integers(1, 4))
    skewed = draw(st.booleans())
    people = draw(
        st.lists(
            st.tuples(
                st.integers(0, 0 if skewed else n_groups - 1),
                st.integers(-1, n_choices - 1),  # -1: did not answer
            ),
            max_size=40,
        )
    )
    sizes = [sum(1 for g, _c in people if g == group) for group in range(n_groups)]
    matrix = [
        [sum(1 for g, c in people if g == group and c == choice) for group in range(n_groups)]
        for choice in [*range(n_choices), -1]
    ]
    labels = [f"choice {i}" for i in range(n_choices)] + ["Did not answer"]
    return [f"group {i}" for i in range(n_groups)], sizes, labels, matrix


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(breakdowns())
def test_a_breakdown_hides_groups_alike_in_every_table_and_protects_each(data):
    group_labels, sizes, labels, matrix = data
    respondents, (question,) = protect_breakdown(
        group_labels=group_labels, sizes=sizes, questions=[(labels, matrix, True)]
    )
    hidden_groups = {c for c, v in enumerate(respondents.cells[0]) if v is None}
    assert {c for c, v in enumerate(question.column_totals) if v is None} == hidden_groups
    for c in hidden_groups:
        assert all(row[c] is None for row in question.cells)
    n = len(group_labels)
    assert unprotected(respondents.as_dict(), known={(0, n): sum(sizes), (1, n): sum(sizes)}) == {}
    # A reader knows the question's public results (row totals), the number of respondents and
    # the group sizes the first table shows.
    rows = len(labels)
    known = {(r, n): sum(matrix[r]) for r in range(rows)} | {(rows, n): sum(sizes)}
    known |= {(rows, c): v for c, v in enumerate(respondents.cells[0]) if v is not None}
    assert unprotected(question.as_dict(), known=known) == {}, question
    # And both tables at once, the group sizes shared.
    twin = {"tables": [respondents.as_dict(), question.as_dict()]}
    known_rows = {0: {0: sum(sizes)}, 1: {r: sum(matrix[r]) for r in range(rows)}}
    assert breakdown_unprotected(twin, known_rows=known_rows) == {}


# --- A group holding everyone who answered ---------------------------------------------------
# "Disabled 6, Not disabled 0, Not given 7": without care, each person who answered is seen to
# be disabled. The groups that are not an answer ("Not given", "Prefer not to say") are left out
# of the line: one of the others holding all of it is hidden, and so is enough beside it that a
# reader cannot conclude that everyone who answered gave the same answer.


def _answer_lines(table: Table) -> list[tuple[list[tuple[int, int]], list[int]]]:
    """Per line across the groups: its positions that are answers, and their true values."""
    n_rows, n_cols = len(table.row_labels), len(table.column_labels)
    truth = {p: v for p, v, _shown in _extended(table, protect_table(table))}
    if table.groups_in == "columns":
        groups = [c for c in range(n_cols) if c not in table.not_answers]
        lines = [[(r, c) for c in groups] for r in range(n_rows + 1)]
    else:
        groups = [r for r in range(n_rows) if r not in table.not_answers]
        lines = [[(r, c) for r in groups] for c in range(n_cols + 1)]
    return [(line, [truth[p] for p in line]) for line in lines]


def assert_no_answer_seen_alike(table: Table) -> PublishedTable:
    published = assert_protected(table)
    data, known = published.as_dict(), _known(table)
    for line, values in _answer_lines(table):
        if len(line) < 2 or sum(values) == 0 or max(values) != sum(values):
            continue  # nobody answered, or two answers hold people: nothing to give away
        if answers_seen_alike(data, answers=line, known=known, reveal_only_known=True):
            continue  # the figures published elsewhere already say so (one person answered)
        assert not answers_seen_alike(data, answers=line, known=known), (line, published)
    return published


@st.composite
def tables_with_not_given(draw):
    """Groups in columns, one or two of them not an answer; in most rows one answer holds
    everyone who answered, the others zero."""
    n_rows = draw(st.integers(1, 4))
    n_answers = draw(st.integers(2, 4))
    n_not = draw(st.integers(1, 2))
    cells = []
    for _ in range(n_rows):
        if draw(st.booleans()):
            full = draw(st.integers(0, n_answers - 1))
            answers = [draw(COUNTS) if c == full else 0 for c in range(n_answers)]
        else:
            answers = [draw(COUNTS) for _ in range(n_answers)]
        cells.append(answers + [draw(COUNTS) for _ in range(n_not)])
    known = draw(st.booleans())
    return Table.of(
        row_labels=[f"r{i}" for i in range(n_rows)],
        column_labels=[f"answer {i}" for i in range(n_answers)]
        + [f"not given {i}" for i in range(n_not)],
        cells=cells,
        row_totals_known=known,
        grand_total_known=known or draw(st.booleans()),
        not_answers=range(n_answers, n_answers + n_not),
    )


@st.composite
def answer_columns(draw):
    """The involvement report's and the representativeness page's form: one column, a row per
    answer and the rows that are not an answer last, the total published elsewhere."""
    n_answers = draw(st.integers(2, 6))
    n_not = draw(st.integers(1, 2))
    if draw(st.booleans()):
        full = draw(st.integers(0, n_answers - 1))
        answers = [draw(st.integers(0, 40)) if r == full else 0 for r in range(n_answers)]
    else:
        answers = [draw(COUNTS) for _ in range(n_answers)]
    counts = answers + [draw(COUNTS) for _ in range(n_not)]
    return Table.of(
        row_labels=[f"answer {i}" for i in range(n_answers)]
        + [f"not given {i}" for i in range(n_not)],
        column_labels=["People"],
        cells=[[v] for v in counts],
        column_totals_known=True,
        grand_total_known=True,
        groups_in="rows",
        not_answers=range(n_answers, n_answers + n_not),
    )


# Fewer examples than the tables above: each runs an integer program per line (the suite's time).
NOT_GIVEN_SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@NOT_GIVEN_SETTINGS
@given(tables_with_not_given())
def test_no_line_shows_everyone_who_answered_in_one_group(table):
    assert_no_answer_seen_alike(table)


@NOT_GIVEN_SETTINGS
@given(answer_columns())
def test_no_column_of_answers_shows_everyone_who_answered_in_one_group(table):
    assert_no_answer_seen_alike(table)


def test_disabled_6_not_disabled_0_not_given_7_hides_the_6_and_the_0_beside_it():
    # The involvement report's form: a row per answer, "Not given" last, 13 responses public.
    table = Table.of(
        row_labels=["Disabled", "Not disabled", "Prefer not to say", "Not given"],
        column_labels=["People"],
        cells=[[6], [0], [0], [7]],
        column_totals_known=True,
        grand_total_known=True,
        groups_in="rows",
        not_answers=[2, 3],
    )
    published = assert_no_answer_seen_alike(table)
    # The 6, and the 0 beside it: "Disabled [c], Not disabled 0" would still say that whoever
    # answered is disabled. Together they are 6: either can be anything from 0 to 6.
    assert [row[0] for row in published.cells] == [None, None, 0, 7]
    assert published.grand_total == 13
    ranges = reader_ranges(published.as_dict(), known={(4, 0): 13, (4, 1): 13})
    assert ranges[(0, 0)] == ranges[(1, 0)] == (0, 6)
    # Without the marking, the 6 is shown, as it was before: "Not given" counted in the line.
    unmarked = Table.of(
        row_labels=table.row_labels,
        column_labels=table.column_labels,
        cells=table.cells,
        column_totals_known=True,
        grand_total_known=True,
        groups_in="rows",
    )
    assert protect_table(unmarked).cells[0][0] == 6


def test_the_same_line_as_a_row_of_groups():
    published = protect_row(
        labels=["Disabled", "Not disabled", "Prefer not to say", "Not given"],
        counts=[6, 0, 0, 7],
        not_answers=[2, 3],
    )
    assert published.cells[0] == (None, None, 0, 7)
    assert not answers_seen_alike(
        published.as_dict(), answers=[(0, 0), (0, 1)], known={(0, 4): 13, (1, 4): 13}
    )


def test_one_person_who_answered_is_protected_with_the_rest():
    # Disabled 1, Not disabled 0, Not given 7 of 8: the 1 is small, and the 0 beside it must
    # not say that the one person who answered is disabled.
    published = protect_row(labels=["Disabled", "Not disabled", "Not given"], counts=[1, 0, 7])
    assert published.cells[0][0] is None
    published = protect_row(
        labels=["Disabled", "Not disabled", "Not given"], counts=[1, 0, 7], not_answers=[2]
    )
    assert published.cells[0] == (None, None, None)
    assert not answers_seen_alike(
        published.as_dict(), answers=[(0, 0), (0, 1)], known={(0, 3): 8, (1, 3): 8}
    )


def test_a_bad_not_answers_index_gets_a_clear_error():
    with pytest.raises(DisclosureError, match="not_answers"):
        protect_row(labels=["a", "b"], counts=[6, 7], not_answers=[2])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(breakdowns())
def test_a_breakdown_with_not_given_shows_no_group_holding_everyone_who_answered(data):
    # The last group is "Not given": no line may show another holding everyone who answered.
    group_labels, sizes, labels, matrix = data
    n = len(group_labels)
    respondents, (question,) = protect_breakdown(
        group_labels=group_labels,
        sizes=sizes,
        questions=[(labels, matrix, True)],
        not_answers=[n - 1],
    )
    rows = len(labels)
    known_rows = {0: {0: sum(sizes)}, 1: {r: sum(matrix[r]) for r in range(rows)}}
    twin = {"tables": [respondents.as_dict(), question.as_dict()]}
    assert breakdown_unprotected(twin, known_rows=known_rows) == {}
    known = {(r, n): sum(matrix[r]) for r in range(rows)} | {(rows, n): sum(sizes)}
    known |= {(rows, c): v for c, v in enumerate(respondents.cells[0]) if v is not None}
    lines = [(respondents.as_dict(), 0, sizes, {(0, n): sum(sizes), (1, n): sum(sizes)})]
    lines += [(question.as_dict(), r, matrix[r], known) for r in range(rows)]
    for published, r, values, seen in lines:
        answers = values[: n - 1]
        if n - 1 < 2 or sum(answers) == 0 or max(answers) != sum(answers):
            continue
        line = [(r, c) for c in range(n - 1)]
        if answers_seen_alike(published, answers=line, known=seen, reveal_only_known=True):
            continue
        assert not answers_seen_alike(published, answers=line, known=seen), (r, published)
