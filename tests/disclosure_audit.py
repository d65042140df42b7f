"""An audit of published tables, written apart from coproduce/disclosure.py so that it checks
the module rather than trusting it: from what a reader has (every figure published, and the
totals published elsewhere), an integer program (scipy's milp) finds each hidden figure's
smallest and largest possible value. The rule (docs/statistics.md) needs max - min >= 5, or as
wide as the figures published elsewhere allow when those alone bound it more tightly."""

from __future__ import annotations

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

PROTECTION = 5
# HiGHS's presolve off: with it, scipy 1.17.1's milp returned a wrong optimum for a
# multiple-choice table (the smallest value 1 where 0 satisfies every constraint; found by
# hypothesis in tests/test_disclosure.py::test_multiple_choice_tables, and checked by hand).
MILP_OPTIONS = {"presolve": False}


def reader_ranges(
    published: dict,
    *,
    known: dict[tuple[int, int], int] | None = None,
    reveal_only_known: bool = False,
) -> dict[tuple[int, int], tuple[float, float]]:
    """For each hidden figure of a published table (its JSON form), the range a reader can pin
    it to. Positions: (row, column) in the table extended by its totals, so (r, n_cols) is row
    r's total, (n_rows, c) column c's, (n_rows, n_cols) the grand total. `known`: figures the
    reader has from elsewhere. `reveal_only_known`: pretend everything but `known` is hidden
    (what the figures published elsewhere allow on their own)."""
    system = _reader_system(published, known=known, reveal_only_known=reveal_only_known)
    if system is None:
        return {}
    unknown, index, constraints = system
    integrality = np.ones(len(unknown))
    bounds = Bounds(0, np.inf)
    ranges = {}
    for position in unknown:
        objective = np.zeros(len(unknown))
        objective[index[position]] = 1
        ends = []
        for sign in (1, -1):
            result = milp(
                sign * objective,
                constraints=constraints,
                integrality=integrality,
                bounds=bounds,
                options=MILP_OPTIONS,
            )
            if result.status == 0:
                ends.append(sign * result.fun)
            elif sign == -1:  # no largest value: unbounded
                ends.append(np.inf)
            else:
                raise AssertionError(f"The published figures admit no table: {result.message}")
        ranges[position] = (ends[0], ends[1])
    return ranges


def _shown(
    published: dict, *, known=None, reveal_only_known=False
) -> dict[tuple[int, int], int | None]:
    """Every position of the table with its totals (row totals in the last column, column
    totals in the last row), as the reader sees it: its figure, or None where hidden."""
    n_rows = len(published["row_labels"])
    n_cols = len(published["column_labels"])
    grid: dict[tuple[int, int], int | None] = {}
    for r in range(n_rows):
        for c in range(n_cols):
            grid[(r, c)] = published["cells"][r][c]
        grid[(r, n_cols)] = published["row_totals"][r]
    for c in range(n_cols):
        grid[(n_rows, c)] = published["column_totals"][c]
    grid[(n_rows, n_cols)] = published["grand_total"]
    if reveal_only_known:
        grid = dict.fromkeys(grid)
    grid.update(known or {})
    return grid


def _reader_system(published: dict, *, known=None, reveal_only_known=False):
    """The hidden figures, their indices and the linear constraints a reader has: None when
    nothing is hidden."""
    n_rows = len(published["row_labels"])
    n_cols = len(published["column_labels"])
    grid = _shown(published, known=known, reveal_only_known=reveal_only_known)
    unknown = sorted(p for p, v in grid.items() if v is None)
    if not unknown:
        return None
    index = {p: i for i, p in enumerate(unknown)}

    rows: list[tuple[dict, float, float]] = []  # (coefficients, low, high)

    def add(terms: list[tuple[tuple[int, int], int]], low: float, high: float) -> None:
        coefficients: dict[int, float] = {}
        for position, sign in terms:
            value = grid[position]
            if value is None:
                coefficients[index[position]] = coefficients.get(index[position], 0) + sign
            else:
                low -= sign * value
                high -= sign * value
        if coefficients:
            rows.append((coefficients, low, high))

    row_sums = published["row_totals_are_sums"]
    col_sums = published["column_totals_are_sums"]
    lines = []
    for r in range(n_rows):
        lines.append(([(r, c) for c in range(n_cols)], (r, n_cols), row_sums))
    for c in range(n_cols):
        lines.append(([(r, c) for r in range(n_rows)], (n_rows, c), col_sums))
    grand = (n_rows, n_cols)
    # The grand total is the sum of the totals of the direction whose lines do not overlap.
    lines.append(([(n_rows, c) for c in range(n_cols)], grand, row_sums))
    lines.append(([(r, n_cols) for r in range(n_rows)], grand, col_sums))
    for members, total, sums in lines:
        if sums:
            add([(m, 1) for m in members] + [(total, -1)], 0, 0)
        else:
            # People may sit in several members: each member <= total <= their sum.
            add([(m, 1) for m in members] + [(total, -1)], 0, np.inf)
            for m in members:
                add([(m, 1), (total, -1)], -np.inf, 0)

    matrix = np.zeros((len(rows), len(unknown)))
    for i, (coefficients, _low, _high) in enumerate(rows):
        for j, v in coefficients.items():
            matrix[i, j] = v
    constraints = (
        [LinearConstraint(matrix, [r[1] for r in rows], [r[2] for r in rows])] if rows else []
    )
    return unknown, index, constraints


def answers_seen_alike(
    published: dict,
    *,
    answers: list[tuple[int, int]],
    known: dict[tuple[int, int], int] | None = None,
    reveal_only_known: bool = False,
) -> bool:
    """Whether a reader of the published table can conclude that, of the positions `answers`
    (the groups of one line that are answers, "Not given" and the like left out), at most one
    holds anybody: that everyone in the line who answered gave the same answer. True when no
    table of whole numbers consistent with what is published puts a person in two of them.
    Tried pair by pair, each an integer program (scipy's milp)."""
    system = _reader_system(published, known=known, reveal_only_known=reveal_only_known)
    shown = _shown(published, known=known, reveal_only_known=reveal_only_known)
    for i, first in enumerate(answers):
        for second in answers[i + 1 :]:
            if any(shown[p] == 0 for p in (first, second)):
                continue
            free = [p for p in (first, second) if shown[p] is None]
            if not free:
                return False  # two answers shown holding people
            unknown, index, constraints = system
            at_least = np.zeros((len(free), len(unknown)))
            for k, p in enumerate(free):
                at_least[k, index[p]] = 1
            result = milp(
                np.zeros(len(unknown)),
                constraints=[*constraints, LinearConstraint(at_least, 1, np.inf)],
                integrality=np.ones(len(unknown)),
                bounds=Bounds(0, np.inf),
                options=MILP_OPTIONS,
            )
            if result.status == 0:
                return False
    return True


def unprotected(published: dict, *, known: dict[tuple[int, int], int] | None = None) -> dict:
    """The hidden figures a reader can pin down to a range narrower than the rule allows:
    {position: (low, high)}. Empty when the table passes."""
    known = known or {}
    ranges = reader_ranges(published, known=known)
    failing = {}
    for position, (low, high) in ranges.items():
        if high - low >= PROTECTION:
            continue
        if known:
            # Narrower than 5 passes only where the figures published elsewhere allow no more.
            low0, high0 = reader_ranges(published, known=known, reveal_only_known=True)[position]
            if high - low >= min(PROTECTION, high0 - low0):
                continue
        failing[position] = (low, high)
    return failing


def breakdown_unprotected(twin: dict, *, known_rows: dict[int, dict[int, int]]) -> dict:
    """The audit over a whole breakdown at once, as a reader sees it: the "Who responded" table
    and every question table, whose column totals are the same group sizes (one unknown each,
    shared by every table), with each question's public row totals known (`known_rows`: table
    index -> {row: total}). Returns {(table, row, column): (low, high)} for hidden figures whose
    joint range is under PROTECTION, or under the limit the public figures alone allow."""
    tables = twin["tables"]
    sizes = tables[0]
    n_cols = len(sizes["column_labels"])

    def canonical(t: int, r: int, c: int) -> tuple[int, int, int]:
        n_rows = len(tables[t]["row_labels"])
        if t > 0 and r == n_rows:  # a question table's column totals are the group sizes
            return (0, 0, c) if c < n_cols else (0, 0, n_cols)
        if t == 0 and r == 1:  # the one-row table's column totals are its cells
            return (0, 0, c)
        return (t, r, c)

    grid: dict[tuple[int, int, int], int | None] = {}
    lines = []  # (members, total, sums)
    for t, table in enumerate(tables):
        n_rows = len(table["row_labels"])
        for r in range(n_rows):
            for c in range(n_cols):
                grid.setdefault(canonical(t, r, c), table["cells"][r][c])
            grid.setdefault(canonical(t, r, n_cols), table["row_totals"][r])
        for c in range(n_cols):
            grid.setdefault(canonical(t, n_rows, c), table["column_totals"][c])
        grid.setdefault(canonical(t, n_rows, n_cols), table["grand_total"])
        for r, total in known_rows.get(t, {}).items():
            grid[canonical(t, r, n_cols)] = total
        row_sums, col_sums = table["row_totals_are_sums"], table["column_totals_are_sums"]
        for r in range(n_rows):
            members = [canonical(t, r, c) for c in range(n_cols)]
            lines.append((members, canonical(t, r, n_cols), row_sums))
        for c in range(n_cols):
            members = [canonical(t, r, c) for r in range(n_rows)]
            lines.append((members, canonical(t, n_rows, c), col_sums))
        grand = canonical(t, n_rows, n_cols)
        lines.append(([canonical(t, n_rows, c) for c in range(n_cols)], grand, row_sums))
        lines.append(([canonical(t, r, n_cols) for r in range(n_rows)], grand, col_sums))
    lines = [(m, total, sums) for m, total, sums in lines if total not in m]
    failing = {}
    for position, (low, top) in _joint_ranges(grid, lines).items():
        if top - low >= PROTECTION:
            continue
        if top == 0 and any(
            position in members and grid[total] == 0 for members, total, _sums in lines
        ):
            continue  # a group published as nobody: the hidden figure counts nobody
        # Narrower passes only where the figures published apart from this table allow no
        # more: the public results, and for a question's table the group sizes shown.
        t = position[0]
        apart = dict.fromkeys(grid)
        for table_index, totals in known_rows.items():
            for r, total in totals.items():
                apart[canonical(table_index, r, n_cols)] = total
        if t > 0:
            for c, v in enumerate(sizes["cells"][0]):
                apart[(0, 0, c)] = v
        low0, top0 = _joint_ranges(apart, lines, [position])[position]
        if top - low >= min(PROTECTION, top0 - low0):
            continue
        failing[position] = (low, top)
    return failing


def _joint_ranges(grid: dict, lines: list, targets=None) -> dict:
    """Smallest and largest value of each unknown (None) figure of `grid` (or of `targets`),
    by integer programming over the lines' relations."""
    unknown = sorted(p for p, v in grid.items() if v is None)
    if not unknown:
        return {}
    index = {p: i for i, p in enumerate(unknown)}
    rows = []
    for members, total, sums in lines:
        coefficients: dict[int, float] = {}
        constant = 0.0
        for position, sign in [(m, 1) for m in members] + [(total, -1)]:
            if grid[position] is None:
                coefficients[index[position]] = coefficients.get(index[position], 0) + sign
            else:
                constant += sign * grid[position]
        if not coefficients:
            continue
        if sums:
            rows.append((coefficients, -constant, -constant))
        else:
            rows.append((coefficients, -constant, np.inf))
            for m in members:
                pair = {}
                bound = 0.0
                for position, sign in ((m, 1), (total, -1)):
                    if grid[position] is None:
                        pair[index[position]] = pair.get(index[position], 0) + sign
                    else:
                        bound -= sign * grid[position]
                if pair:
                    rows.append((pair, -np.inf, bound))
    matrix = np.zeros((len(rows), len(unknown)))
    for i, (coefficients, _low, _high) in enumerate(rows):
        for j, v in coefficients.items():
            matrix[i, j] = v
    constraints = [LinearConstraint(matrix, [r[1] for r in rows], [r[2] for r in rows])]
    integrality = np.ones(len(unknown))
    bounds = Bounds(0, np.inf)
    ranges = {}
    for position in unknown if targets is None else targets:
        objective = np.zeros(len(unknown))
        objective[index[position]] = 1
        low = milp(
            objective,
            constraints=constraints,
            integrality=integrality,
            bounds=bounds,
            options=MILP_OPTIONS,
        )
        high = milp(
            -objective,
            constraints=constraints,
            integrality=integrality,
            bounds=bounds,
            options=MILP_OPTIONS,
        )
        assert low.status == 0, low.message
        ranges[position] = (low.fun, np.inf if high.status != 0 else -high.fun)
    return ranges
