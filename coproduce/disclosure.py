"""Disclosure control: what of a table of counts of people may be published.

Every table that counts people by an equality-monitoring answer (age, disability, ethnicity,
caring, ...) goes through `protect_table` before anyone sees it: the results breakdowns, the
public involvement report, the exports and the open data. The rule it enforces is stated in
docs/statistics.md; in short:

1. A count of 1 to 4 people is hidden, in a cell or a total (zero may be shown: it counts
   nobody). Where one group holds everyone in a line (all 6 people who said "yes" are carers),
   or everyone in it who gave an answer (disabled 6, not disabled 0, not given 7: the groups
   that are not an answer, `Table.not_answers`, left out), that cell is hidden too, or the
   zeros beside it would say so; and the published figures must leave it possible that
   someone else in the line answered with another group (a zero beside it is hidden too).
2. For every hidden figure, the values consistent with everything published about the table
   (every cell shown, every total, and the totals published elsewhere) span at least
   `PROTECTION` (max - min >= 5), so nobody can pin a small count down. Where the figures
   published elsewhere already bound a cell more tightly (a question 3 people answered), the
   span must be as wide as those figures allow.

How: primary suppression (rule 1), then a quick pass that hides a second figure in every line
whose hidden figures add up to something a reader could work out and is too small, then an
audit that asks a linear program (scipy's HiGHS) for each hidden figure's smallest and largest
possible value, hiding one more figure next to any that fails, until every one passes. This
module imports nothing of the features, so every feature may use it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from math import inf

import numpy as np
from scipy.optimize import linprog

# Counts of 1 to SMALLEST_SHOWN - 1 people are never shown.
SMALLEST_SHOWN = 5
# The smallest width of the range a reader can narrow a hidden figure down to.
PROTECTION = 5
# The mark every hidden figure carries, wherever it is shown, and its footnote.
HIDDEN_MARK = "[c]"
HIDDEN_NOTE = "hidden to protect people's privacy"

# A position in a table extended by its totals: (row, column), where row == len(rows) is the
# line of column totals and column == len(columns) the column of row totals.
Position = tuple[int, int]


def is_hidden(count: int) -> bool:
    """Whether a count of people, published on its own, must be hidden (1 to 4; zero counts
    nobody)."""
    return 0 < count < SMALLEST_SHOWN


def protect_count(count: int | None) -> int | None:
    """A count of people published on its own, not in a table (a session's attendance, a
    group's size, the people who voted): None, shown as the hidden mark, where it is 1 to 4.
    A count that sits in a table with its totals goes through `protect_table` instead."""
    if count is None or is_hidden(count):
        return None
    return count


def count_or_mark(count: int) -> int | str:
    """`protect_count` for templates and JSON that show the mark itself: the number, or "[c]"."""
    protected = protect_count(count)
    return HIDDEN_MARK if protected is None else protected


class DisclosureError(ValueError):
    """A table that cannot be described: ragged cells, negative counts, missing totals."""


@dataclass(frozen=True)
class Table:
    """A table of counts of people, before disclosure control.

    `row_totals_are_sums`: each row's total is the sum of its cells. False where people can be
    in several cells of a row, for example a multiple-choice question's group sizes: then the
    totals must be given, and the other direction's totals are the ones that add up to the
    grand total. Totals that are sums may be left out; they are computed.

    `known`: positions (in the table extended by its totals) whose value is published elsewhere
    in full (a question's overall counts on the public results page): the audit counts them as
    known to every reader even where this table hides them. `hide`: positions hidden whatever
    their value (a group hidden in another table of the same page). `keep`: positions never
    hidden as protection for another figure (their pattern is fixed by another table); a
    count of 1 to 4 among them is still hidden.

    `groups_in`: which lines run across the equality groups ("columns": each row, "rows": each
    column). A line across the groups must not show one group holding everyone in it.

    `not_answers`: the groups (indices of columns where `groups_in` is "columns", of rows where
    it is "rows") that are not an answer: "Not given", "Prefer not to say". A line across the
    groups must not show one of the other groups holding everyone who gave an answer."""

    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[int, ...], ...]
    row_totals_are_sums: bool = True
    column_totals_are_sums: bool = True
    row_totals: tuple[int, ...] | None = None
    column_totals: tuple[int, ...] | None = None
    grand_total: int | None = None
    known: frozenset[Position] = frozenset()
    hide: frozenset[Position] = frozenset()
    keep: frozenset[Position] = frozenset()
    groups_in: str = "columns"
    not_answers: frozenset[int] = frozenset()

    @classmethod
    def of(
        cls,
        *,
        row_labels: Iterable[str],
        column_labels: Iterable[str],
        cells: Iterable[Iterable[int]],
        row_totals_are_sums: bool = True,
        column_totals_are_sums: bool = True,
        row_totals: Iterable[int] | None = None,
        column_totals: Iterable[int] | None = None,
        grand_total: int | None = None,
        row_totals_known: bool = False,
        column_totals_known: bool = False,
        grand_total_known: bool = False,
        known: Iterable[Position] = (),
        hide: Iterable[Position] = (),
        keep: Iterable[Position] = (),
        groups_in: str = "columns",
        not_answers: Iterable[int] = (),
    ) -> Table:
        """Build a table from any iterables; the `*_known` flags mark a whole line of totals
        as published elsewhere."""
        rows = tuple(str(label) for label in row_labels)
        columns = tuple(str(label) for label in column_labels)
        known_set = set(known)
        if row_totals_known:
            known_set |= {(r, len(columns)) for r in range(len(rows))}
        if column_totals_known:
            known_set |= {(len(rows), c) for c in range(len(columns))}
        if grand_total_known:
            known_set.add((len(rows), len(columns)))
        return cls(
            row_labels=rows,
            column_labels=columns,
            cells=tuple(tuple(int(v) for v in row) for row in cells),
            row_totals_are_sums=row_totals_are_sums,
            column_totals_are_sums=column_totals_are_sums,
            row_totals=None if row_totals is None else tuple(int(v) for v in row_totals),
            column_totals=None if column_totals is None else tuple(int(v) for v in column_totals),
            grand_total=grand_total,
            known=frozenset(known_set),
            hide=frozenset(hide),
            keep=frozenset(keep),
            groups_in=groups_in,
            not_answers=frozenset(int(i) for i in not_answers),
        )


@dataclass(frozen=True)
class PublishedTable:
    """What may be published of a table: each figure an int, or None where it is hidden."""

    row_labels: tuple[str, ...]
    column_labels: tuple[str, ...]
    cells: tuple[tuple[int | None, ...], ...]
    row_totals: tuple[int | None, ...]
    column_totals: tuple[int | None, ...]
    grand_total: int | None
    row_totals_are_sums: bool
    column_totals_are_sums: bool
    # Hidden figures whose range is as wide as the figures published elsewhere allow, though
    # narrower than PROTECTION (a question only 3 people answered): position -> width.
    limited: dict[Position, float] = field(default_factory=dict, compare=False)

    @property
    def hidden_cells(self) -> int:
        return sum(value is None for row in self.cells for value in row)

    def as_dict(self) -> dict:
        """The table as plain data: the JSON twin of a page's table, and the exports."""
        return {
            "row_labels": list(self.row_labels),
            "column_labels": list(self.column_labels),
            "cells": [list(row) for row in self.cells],
            "row_totals": list(self.row_totals),
            "column_totals": list(self.column_totals),
            "grand_total": self.grand_total,
            "row_totals_are_sums": self.row_totals_are_sums,
            "column_totals_are_sums": self.column_totals_are_sums,
        }


# --- The table as a linear system --------------------------------------------------------------


@dataclass
class _System:
    """The extended table's values and the linear relations every reader knows between them:
    `equal` lines say total == sum of members, `bounded` pairs say small <= large, `covers`
    lines say total <= sum of members (people can be in several members)."""

    values: dict[Position, int]
    equal: list[tuple[Position, list[Position]]]
    bounded: list[tuple[Position, Position]]
    covers: list[tuple[Position, list[Position]]]
    lines: list[tuple[Position, list[Position]]]  # every line: (its total, its members)
    across_groups: list[tuple[Position, list[Position]]]
    # Per line across the groups, its members that are answers (not "Not given" and the like).
    answers: list[list[Position]] = field(default_factory=list)


def _system(table: Table) -> _System:
    n_rows, n_cols = len(table.row_labels), len(table.column_labels)
    if n_rows == 0 or n_cols == 0:
        raise DisclosureError("A table needs at least one row and one column.")
    if len(table.cells) != n_rows or any(len(row) != n_cols for row in table.cells):
        raise DisclosureError("Every row needs one cell per column.")
    if any(v < 0 for row in table.cells for v in row):
        raise DisclosureError("Counts of people cannot be negative.")
    if not (table.row_totals_are_sums or table.column_totals_are_sums):
        raise DisclosureError("At least one direction's totals must be sums of the cells.")
    row_totals = table.row_totals
    if row_totals is None:
        if not table.row_totals_are_sums:
            raise DisclosureError("Row totals that are not sums must be given.")
        row_totals = tuple(sum(row) for row in table.cells)
    column_totals = table.column_totals
    if column_totals is None:
        if not table.column_totals_are_sums:
            raise DisclosureError("Column totals that are not sums must be given.")
        column_totals = tuple(sum(col) for col in zip(*table.cells, strict=True))
    if len(row_totals) != n_rows or len(column_totals) != n_cols:
        raise DisclosureError("One total per row and one per column.")
    # The totals that add up to the grand total: those of the direction whose lines do not
    # overlap (a multiple-choice table's groups, not its choices).
    grand = sum(column_totals) if table.row_totals_are_sums else sum(row_totals)
    if table.grand_total is not None and table.grand_total != grand:
        raise DisclosureError("The grand total does not agree with the totals.")

    values: dict[Position, int] = {}
    for r, row in enumerate(table.cells):
        for c, v in enumerate(row):
            values[(r, c)] = v
    for r, v in enumerate(row_totals):
        values[(r, n_cols)] = v
    for c, v in enumerate(column_totals):
        values[(n_rows, c)] = v
    values[(n_rows, n_cols)] = grand

    system = _System(values, [], [], [], [], [])
    row_lines = [((r, n_cols), [(r, c) for c in range(n_cols)]) for r in range(n_rows)]
    col_lines = [((n_rows, c), [(r, c) for r in range(n_rows)]) for c in range(n_cols)]
    totals_of_rows = ((n_rows, n_cols), [(r, n_cols) for r in range(n_rows)])
    totals_of_cols = ((n_rows, n_cols), [(n_rows, c) for c in range(n_cols)])

    for lines, sums in (
        (row_lines, table.row_totals_are_sums),
        (col_lines, table.column_totals_are_sums),
    ):
        for total, members in lines:
            if sums:
                if sum(values[m] for m in members) != values[total]:
                    raise DisclosureError("A total said to be a sum is not the sum of its cells.")
                system.equal.append((total, members))
            else:
                system.covers.append((total, members))
                system.bounded.extend((m, total) for m in members)
            system.lines.append((total, members))
    # The grand total: the sum of the non-overlapping direction's totals, and at least as large
    # as each total of the other direction (which may overlap).
    if table.row_totals_are_sums:
        system.equal.append(totals_of_cols)
        if table.column_totals_are_sums:
            system.equal.append(totals_of_rows)
        else:
            system.covers.append(totals_of_rows)
            system.bounded.extend((m, totals_of_rows[0]) for m in totals_of_rows[1])
    else:
        system.equal.append(totals_of_rows)
        system.covers.append(totals_of_cols)
        system.bounded.extend((m, totals_of_cols[0]) for m in totals_of_cols[1])
    system.lines += [totals_of_rows, totals_of_cols]

    if table.groups_in == "columns":
        system.across_groups = [*row_lines, totals_of_cols]
        n_groups, group_of = n_cols, 1
    elif table.groups_in == "rows":
        system.across_groups = [*col_lines, totals_of_rows]
        n_groups, group_of = n_rows, 0
    else:
        raise DisclosureError('groups_in is "columns" or "rows".')
    if any(not 0 <= i < n_groups for i in table.not_answers):
        raise DisclosureError("not_answers names a group the table does not have.")
    system.answers = [
        [m for m in members if m[group_of] not in table.not_answers]
        for _total, members in system.across_groups
    ]
    return system


def _aliases(table: Table) -> list[tuple[Position, Position]]:
    """Figures that are the same number shown twice: in a one-row table each column total is
    its cell, in a one-column table each row total is its cell. They are hidden together."""
    n_rows, n_cols = len(table.row_labels), len(table.column_labels)
    pairs = []
    if n_rows == 1 and table.column_totals_are_sums:
        pairs += [((0, c), (1, c)) for c in range(n_cols)]
        if table.row_totals_are_sums:
            pairs.append(((0, n_cols), (1, n_cols)))
    if n_cols == 1 and table.row_totals_are_sums:
        pairs += [((r, 0), (r, 1)) for r in range(n_rows)]
        if table.column_totals_are_sums:
            pairs.append(((n_rows, 0), (n_rows, 1)))
    return pairs


# --- The audit: how far can a reader narrow each hidden figure down? ----------------------------


def protection_ranges(
    system: _System,
    unknown: set[Position],
    targets: Iterable[Position] | None = None,
    memo: dict | None = None,
) -> dict[Position, tuple[float, float]]:
    """For each target (default: every unknown position), the smallest and largest value it can
    take given every other figure, solving the linear-programming relaxation (people counts are
    non-negative) with HiGHS. Unknown figures that share no relation are solved apart; `memo`
    keeps each group's answers (a group's relations depend only on which figures are in it)."""
    rows_eq, rows_ub = _relations(system, unknown)

    # Connected components: unknown figures linked through a relation.
    parent = {p: p for p in unknown}

    def find(p: Position) -> Position:
        while parent[p] != p:
            parent[p] = parent[parent[p]]
            p = parent[p]
        return p

    for coefficients, _rhs in rows_eq + rows_ub:
        first, *rest = coefficients
        for other in rest:
            parent[find(other)] = find(first)

    wanted = set(unknown if targets is None else targets)
    ranges: dict[Position, tuple[float, float]] = {}
    components: dict[Position, list[Position]] = {}
    for p in sorted(unknown):
        components.setdefault(find(p), []).append(p)
    for members in components.values():
        goals = [p for p in members if p in wanted]
        if not goals:
            continue
        key = frozenset(members)
        if memo is not None and key in memo:
            found = memo[key]
            remaining = [p for p in goals if p not in found]
        else:
            found = memo.setdefault(key, {}) if memo is not None else {}
            remaining = goals
        for p in goals:
            if p in found:
                ranges[p] = found[p]
        if not remaining:
            continue
        index = {p: i for i, p in enumerate(members)}
        member_set = set(members)
        a_eq, b_eq = _matrix(rows_eq, index, member_set)
        a_ub, b_ub = _matrix(rows_ub, index, member_set)
        # Every solution is a table a reader cannot rule out: the true one first. A figure
        # seen at two values PROTECTION apart needs no more solving; the others get an exact
        # smallest and largest value.
        seen_low = np.array([float(system.values[q]) for q in members])
        seen_high = seen_low.copy()
        for p in remaining:
            i = index[p]
            objective = np.zeros(len(members))
            objective[i] = 1.0
            for sign in (-1.0, 1.0):  # largest first, then smallest
                if seen_high[i] - seen_low[i] >= PROTECTION:
                    break
                value, solution = _optimum(sign * objective, a_ub, b_ub, a_eq, b_eq)
                if solution is None:
                    seen_high[i] = inf
                    continue
                np.minimum(seen_low, solution, out=seen_low)
                np.maximum(seen_high, solution, out=seen_high)
                if sign > 0:
                    seen_low[i] = value
                else:
                    seen_high[i] = -value
            ranges[p] = found[p] = (float(seen_low[i]), float(seen_high[i]))
    return ranges


def _relations(system: _System, unknown: set[Position]) -> tuple[list, list]:
    """What a reader knows, as linear rows over the unknown figures: (coefficients, right-hand
    side) for equalities (== rhs) and for inequalities (<= rhs), known figures moved right."""
    values = system.values
    rows_eq: list[tuple[dict[Position, int], float]] = []
    rows_ub: list[tuple[dict[Position, int], float]] = []

    def linear(total: Position, members: list[Position]) -> tuple[dict[Position, int], float]:
        # sum(members) - total, with known figures moved to the right-hand side.
        coefficients: dict[Position, int] = {}
        constant = 0.0
        for position, sign in [(m, 1) for m in members] + [(total, -1)]:
            if position in unknown:
                coefficients[position] = coefficients.get(position, 0) + sign
            else:
                constant -= sign * values[position]
        return coefficients, constant

    for total, members in system.equal:
        coefficients, rhs = linear(total, members)
        if coefficients:
            rows_eq.append((coefficients, rhs))
    for total, members in system.covers:
        # total <= sum(members)  <=>  total - sum(members) <= 0
        coefficients, rhs = linear(total, members)
        if coefficients:
            rows_ub.append(({p: -v for p, v in coefficients.items()}, -rhs))
    for small, large in system.bounded:
        coefficients, rhs = linear(large, [small])  # small - large <= 0
        if coefficients:
            rows_ub.append((coefficients, rhs))
    return rows_eq, rows_ub


def answers_can_differ(
    system: _System, unknown: set[Position], position: Position, others: Iterable[Position]
) -> bool:
    """Whether a reader, given every figure but the `unknown` ones, must allow that `position`
    holds at least one person while `others` (the other answers in its line) hold at least one
    too: if not, the reader learns that everyone in the line who answered gave the same
    answer. A linear program with no objective (HiGHS): is there such a table?"""
    values = system.values
    others = [q for q in others if q != position]
    if position not in unknown and values[position] < 1:
        return False
    if sum(values[q] for q in others if q not in unknown) >= 1:
        return position in unknown or values[position] >= 1
    free = [q for q in others if q in unknown]
    if not free:
        return False
    rows_eq, rows_ub = _relations(system, unknown)
    rows_ub = list(rows_ub)
    rows_ub.append((dict.fromkeys(free, -1), -1.0))  # the others hold at least one person
    if position in unknown:
        rows_ub.append(({position: -1}, -1.0))  # and so does this figure
    members = sorted(unknown)
    index = {p: i for i, p in enumerate(members)}
    a_eq, b_eq = _matrix(rows_eq, index, set(members), every=True)
    a_ub, b_ub = _matrix(rows_ub, index, set(members), every=True)
    result = linprog(
        np.zeros(len(members)),
        A_ub=a_ub,
        b_ub=b_ub,
        A_eq=a_eq,
        b_eq=b_eq,
        bounds=(0, None),
        method="highs",
    )
    if result.status == 2:  # infeasible
        return False
    if result.status != 0:
        raise DisclosureError(f"The audit could not solve a table: {result.message}")
    return True


def _matrix(rows, index, member_set, every=False):
    chosen = [(c, rhs) for c, rhs in rows if every or next(iter(c)) in member_set]
    if not chosen:
        return None, None
    matrix = np.zeros((len(chosen), len(index)))
    for i, (coefficients, _rhs) in enumerate(chosen):
        for p, v in coefficients.items():
            matrix[i, index[p]] = v
    return matrix, np.array([rhs for _c, rhs in chosen])


def _optimum(objective, a_ub, b_ub, a_eq, b_eq) -> tuple[float, np.ndarray | None]:
    """The smallest value of the objective and a solution reaching it; (-inf, None) when there
    is no smallest (the figure can be as large as anyone likes)."""
    result = linprog(
        objective, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=b_eq, bounds=(0, None), method="highs"
    )
    if result.status == 3:
        return -inf, None
    if result.status != 0:
        raise DisclosureError(f"The audit could not solve a table: {result.message}")
    return float(result.fun), result.x


# --- Choosing what to hide ----------------------------------------------------------------------


def _is_small(value: int) -> bool:
    return 0 < value < SMALLEST_SHOWN


def protect_table(table: Table) -> PublishedTable:
    """What of `table` may be published, under the rule in docs/statistics.md. Counts of 1 to 4
    are hidden, then as few other figures as the heuristic finds so that every hidden figure's
    range, given everything published, is at least PROTECTION wide; the audit then proves it.
    Results are cached: the same table always gives the same answer."""
    return _protect(table)


@lru_cache(maxsize=2048)
def _protect(table: Table) -> PublishedTable:
    system = _system(table)
    values = system.values
    n_rows, n_cols = len(table.row_labels), len(table.column_labels)
    aliases = _aliases(table)

    hidden: set[Position] = set(table.hide)
    hidden |= {p for p, v in values.items() if _is_small(v)}
    # One group holding everyone in a line across the groups, beside zeros that say so.
    for total, members in system.across_groups:
        if values[total] > 0 and len(members) > 1:
            full = [m for m in members if values[m] == values[total]]
            if full:
                hidden.add(full[0])
    # One group holding everyone in such a line who gave an answer ("Not given" and the like
    # left out): hidden, and later checked to leave room for an answer in another group.
    alone: list[tuple[Position, list[Position]]] = []
    for answers in system.answers:
        answered = sum(values[m] for m in answers)
        if answered > 0 and len(answers) > 1:
            full = [m for m in answers if values[m] == answered]
            if full:
                hidden.add(full[0])
                alone.append((full[0], answers))

    def sync() -> None:
        for a, b in aliases:
            if a in hidden or b in hidden:
                hidden.update((a, b))

    sync()
    hideable = {p for p in values if p not in table.known and p not in table.keep}

    def unknown() -> set[Position]:
        return {p for p in hidden if p not in table.known}

    # A figure in a line whose total is published as 0, and stays published, is 0 whatever is
    # hidden: hiding it protects nobody.
    zero_lines = [
        members
        for total, members in system.equal
        if values[total] == 0 and total not in hidden and total not in hideable
    ]
    pinned = {m for members in zero_lines for m in members}

    def candidates(
        members: Iterable[Position], *, cells_only: bool, any_zero: bool = False
    ) -> list[Position]:
        found = [
            m
            for m in members
            if m not in hidden
            and m in hideable
            and (any_zero or m not in pinned)
            and (not cells_only or (m[0] < n_rows and m[1] < n_cols))
        ]
        # Smallest first; among equals, one whose other line already hides something, so the
        # hidden figures form a closed pattern.
        return sorted(found, key=lambda m: (values[m], -_crossing_hidden(m), m))

    def _crossing_hidden(position: Position) -> int:
        r, c = position
        return sum((r, k) in hidden for k in range(n_cols + 1)) + sum(
            (k, c) in hidden for k in range(n_rows + 1)
        )

    # Quick pass: a line with a total a reader knows cannot hide one figure alone, nor hidden
    # figures adding up to less than PROTECTION.
    # Lines whose total is not a sum (people in several cells) act as sums here when their
    # cells add up to little more than the total: a hidden cell there can hardly go down.
    tight = [
        (total, members)
        for total, members in system.covers
        if sum(values[m] for m in members) - values[total] < PROTECTION
    ]
    changed = True
    while changed:
        changed = False
        for total, members in system.equal + tight:
            if total in unknown():
                continue
            secret = [m for m in members if m in unknown()]
            if not secret or values[total] == 0:
                continue
            # Hidden figures can add up to no more than the line's total.
            enough_hidden = min(PROTECTION, values[total])
            if len(secret) == 1 or sum(values[m] for m in secret) < enough_hidden:
                options = candidates(members, cells_only=True) or candidates(
                    members, cells_only=False
                )
                if not options:
                    continue
                needed = PROTECTION - sum(values[m] for m in secret)
                enough = [m for m in options if values[m] >= needed]
                hidden.add(enough[0] if enough else options[-1])
                sync()
                changed = True

    # The audit, and one more figure hidden beside each that fails, until all pass.
    limits: dict[Position, float] = {}
    limited: dict[Position, float] = {}
    memo: dict = {}
    # Whether the figures published elsewhere alone leave room for another answer beside a
    # group holding everyone who answered (when they do not, hiding more protects nobody).
    room_alone: dict[Position, bool] = {}
    while True:
        secret = unknown()
        # Most hidden figures sit on a rectangle of hidden figures wide enough to move them
        # by PROTECTION without changing anything published: no linear program needed.
        doubtful = [p for p in secret if _rectangle_width(p, secret, table, values) < PROTECTION]
        ranges = protection_ranges(system, secret, doubtful, memo) if doubtful else {}
        failing = sorted(
            (p for p, (low, high) in ranges.items() if high - low < PROTECTION - 1e-6),
            key=lambda p: (ranges[p][1] - ranges[p][0], p),
        )
        # A figure already as free as the figures published elsewhere allow passes.
        still = []
        for p in failing:
            if p not in limits and not table.known:
                # Nothing published elsewhere: hiding everything leaves every figure unbounded.
                limits[p] = inf
            if p not in limits:
                everything = {
                    q for q in values if q not in table.known and (q in hideable or q in hidden)
                }
                low, high = protection_ranges(system, everything, [p])[p]
                limits[p] = high - low
            width = ranges[p][1] - ranges[p][0]
            if width >= min(PROTECTION, limits[p]) - 1e-6:
                limited[p] = width
            else:
                still.append(p)
        if not still:
            # Every range is wide enough; then a group holding everyone who answered in its
            # line must not be seen to: the other answers beside it must be able to hold
            # someone too, or a reader learns that each person who answered is in it.
            secret = unknown()
            lonely = []
            for p, answers in alone:
                if p in table.known or answers_can_differ(system, secret, p, answers):
                    continue
                if p not in room_alone:
                    everything = {
                        q for q in values if q not in table.known and (q in hideable or q in hidden)
                    }
                    room_alone[p] = answers_can_differ(system, everything, p, answers)
                if room_alone[p]:
                    lonely.append((p, answers))
            if not lonely:
                break
            p, answers = lonely[0]
            options = candidates([q for q in answers if q != p], cells_only=False)
            if options:
                hidden.add(options[0])
                sync()
                continue
            still = [p]
        target = still[0]
        lines = [
            members + [total]
            for total, members in system.lines
            if target in members or target == total
        ]
        near = [m for line in lines for m in line]
        options = candidates(near, cells_only=True) or candidates(near, cells_only=False)
        if not options:
            options = candidates(values, cells_only=True) or candidates(
                values, cells_only=False, any_zero=True
            )
        if not options:  # cannot happen: the limit above is what hiding everything gives
            raise DisclosureError("No pattern of hidden figures protects this table.")
        hidden.add(options[0])
        sync()

    def shown(position: Position) -> int | None:
        return None if position in hidden else values[position]

    return PublishedTable(
        row_labels=table.row_labels,
        column_labels=table.column_labels,
        cells=tuple(tuple(shown((r, c)) for c in range(n_cols)) for r in range(n_rows)),
        row_totals=tuple(shown((r, n_cols)) for r in range(n_rows)),
        column_totals=tuple(shown((n_rows, c)) for c in range(n_cols)),
        grand_total=shown((n_rows, n_cols)),
        row_totals_are_sums=table.row_totals_are_sums,
        column_totals_are_sums=table.column_totals_are_sums,
        limited={p: w for p, w in limited.items() if p in hidden},
    )


def _rectangle_width(position: Position, secret: set[Position], table: Table, values) -> float:
    """A lower bound on how far a hidden figure can move: over rectangles of hidden figures
    with this one at a corner, adding t to two opposite corners and taking it from the other
    two keeps every line's sum, as long as no figure goes below zero. Where all totals are sums,
    totals may be corners too (a total moves with its line, so its sign flips); where a
    direction's totals are not sums (people in several cells), only cells are corners, and no
    cell may rise above its line's total."""
    n_rows, n_cols = len(table.row_labels), len(table.column_labels)
    both_sums = table.row_totals_are_sums and table.column_totals_are_sums
    r1, c1 = position
    if not both_sums and (r1 == n_rows or c1 == n_cols):
        return 0.0
    last_row = n_rows + 1 if both_sums else n_rows
    last_col = n_cols + 1 if both_sums else n_cols

    def room_up(r: int, c: int) -> float:
        room = inf
        if not table.column_totals_are_sums:
            room = min(room, values[(n_rows, c)] - values[(r, c)])
        if not table.row_totals_are_sums:
            room = min(room, values[(r, n_cols)] - values[(r, c)])
        return room

    best = 0.0
    rows = [r for r in range(last_row) if r != r1 and (r, c1) in secret]
    for c2 in range(last_col):
        if c2 == c1 or (r1, c2) not in secret:
            continue
        for r2 in rows:
            if (r2, c2) not in secret:
                continue
            up_room, down_room = inf, inf  # how far t can go above and below zero
            for (r, c), sign in (((r1, c1), 1), ((r1, c2), -1), ((r2, c1), -1), ((r2, c2), 1)):
                flip = -1 if (r == n_rows) != (c == n_cols) else 1
                if sign * flip > 0:
                    up_room = min(up_room, room_up(r, c))
                    down_room = min(down_room, values[(r, c)])
                else:
                    up_room = min(up_room, values[(r, c)])
                    down_room = min(down_room, room_up(r, c))
            best = max(best, up_room + down_room)
            if best >= PROTECTION:
                return best
    return best


def hidden_positions(published: PublishedTable) -> set[Position]:
    """Every hidden position of a published table, totals included."""
    n_rows, n_cols = len(published.row_labels), len(published.column_labels)
    found = {
        (r, c) for r, row in enumerate(published.cells) for c, v in enumerate(row) if v is None
    }
    found |= {(r, n_cols) for r, v in enumerate(published.row_totals) if v is None}
    found |= {(n_rows, c) for c, v in enumerate(published.column_totals) if v is None}
    if published.grand_total is None:
        found.add((n_rows, n_cols))
    return found


def protect_row(
    *,
    labels: Sequence[str],
    counts: Sequence[int],
    label: str = "",
    total_known: bool = True,
    hide: Iterable[int] = (),
    not_answers: Iterable[int] = (),
) -> PublishedTable:
    """A one-line table (how many people are in each group), protected: a shortcut for the
    commonest table. `total_known`: the total is published elsewhere (respondents).
    `not_answers`: the groups that are not an answer ("Not given", "Prefer not to say")."""
    return protect_table(
        Table.of(
            row_labels=[label],
            column_labels=labels,
            cells=[counts],
            grand_total_known=total_known,
            row_totals_known=total_known,
            hide=[(0, c) for c in hide],
            not_answers=not_answers,
        )
    )
