"""Drawing a panel by lottery with the Sortition Foundation's `sortition-algorithms`: no
selection is written here. Imports nothing of Django or the project, and nothing in the
project imports it: it runs in a child process (`python -m engagement.profiles.lottery_draw`,
JSON in on stdin, JSON out on stdout).

Why a child process: the library keeps its random source in a module-level global, and builds
sets of panels whose order follows Python's string hashing, which differs between processes
unless PYTHONHASHSEED is fixed. The draw runs with PYTHONHASHSEED=0 and the stored seed, so the
same inputs give the same panel on any run of the same software, and a concurrent draw in
another thread cannot disturb it.

The algorithm: LEXIMIN (each person's chance as equal as the quotas allow, maximising the
smallest chance, then the next smallest...) needs the commercial Gurobi solver; without it the
library runs MAXIMIN with the open-source HiGHS solver, which maximises the smallest chance
only. The draw records which one ran."""

from __future__ import annotations

import json
import os
import sys

from sortition_algorithms import Settings, read_in_features, read_in_people, run_stratification
from sortition_algorithms.committee_generation import GUROBI_AVAILABLE
from sortition_algorithms.errors import SortitionBaseError

FEATURES = ("age_band", "disability", "ethnicity", "area")
WANTED_ALGORITHM = "leximin"


def draw_panel(*, pool: list[dict], quotas: dict, panel_size: int, seed: int) -> dict:
    """Select `panel_size` of `pool` ([{"id", "age_band", "disability", "ethnicity", "area"}])
    meeting `quotas` ({feature: {value: [min, max]}}). Returns {"ok", "selected" (ids),
    "algorithm" (what ran), "report" (the library's text), "error" (for people, or "")}."""
    algorithm = WANTED_ALGORITHM if GUROBI_AVAILABLE else "maximin"
    rows = [
        {"feature": feature, "value": value, "min": str(bounds[0]), "max": str(bounds[1])}
        for feature in FEATURES
        for value, bounds in sorted(quotas.get(feature, {}).items())
    ]
    settings = Settings(
        id_column="id",
        columns_to_keep=[],
        selection_algorithm=algorithm,
        random_number_seed=seed,
    )
    try:
        features, _, _ = read_in_features(["feature", "value", "min", "max"], rows, panel_size)
        people, _ = read_in_people(["id", *FEATURES], pool, features, settings)
        ok, committees, report = run_stratification(features, people, panel_size, settings)
    except (SortitionBaseError, ValueError) as error:
        return {
            "ok": False,
            "selected": [],
            "algorithm": algorithm,
            "report": "",
            "error": str(error),
        }
    error = report.last_error()
    return {
        "ok": bool(ok and committees),
        "selected": sorted(committees[0]) if ok and committees else [],
        "algorithm": algorithm,
        "report": report.as_text(include_logged=False),
        "error": str(error) if error and not ok else "",
    }


def main() -> None:
    request = json.load(sys.stdin)
    # The solver writes its banner to file descriptor 1: send it to stderr while drawing, so
    # stdout carries only the result.
    sys.stdout.flush()
    real_stdout = os.dup(1)
    os.dup2(2, 1)
    try:
        result = draw_panel(
            pool=request["pool"],
            quotas=request["quotas"],
            panel_size=request["panel_size"],
            seed=request["seed"],
        )
    finally:
        sys.stdout.flush()
        os.dup2(real_stdout, 1)
    json.dump(result, sys.stdout)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
