"""Benchmark: opinion-group analysis (deliberation/opinions/analysis.py) at conversation scale.

    python -m bench.opinions [--runs N] [--write]

For each size (1,000 people × 300 statements, about 150,000 votes; 5,000 × 500, about 750,000
votes) it makes a planted-structure conversation (three camps, each person voting on about half
of the statements, in a random order), then times building the matrix from three vote arrays and
`analyse` (PCA, k-means for k = 2..5 with silhouette, repness, consensus, divisive statements).
Reports min/median/max over the runs and the load average before and after. Targets (issue 13):
under 1 s and under 10 s. No database: the analysis is pure. `--write` rewrites the section of
docs/benchmarks.md between the opinions markers.

`--room` also measures the live room while analyses run: it runs the room benchmark
(`bench/rooms.py`, N = 50, pubsub layer) twice, once plain and once with each server process
also analysing a 1,000 × 300 conversation every second on a thread of its own (as the throttled
recompute does, at a far larger size than a room), and reports the room's send-to-receipt
latencies side by side. The room benchmark's own figures (docs/benchmarks.md, results.json)
are put back afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deliberation.opinions.analysis import VoteMatrix, analyse  # noqa: E402

BENCHMARKS_MD = ROOT / "docs" / "benchmarks.md"
SECTION_START = "<!-- opinions:start -->"
SECTION_END = "<!-- opinions:end -->"
SIZES = ((1000, 300, 1.0), (5000, 500, 10.0))


def conversation(people: int, statements: int, *, seen: float = 0.5, seed: int = 0):
    """Three camps with their own leanings on every statement; each person sees a random
    `seen` share of the statements. Returns three parallel arrays."""
    rng = np.random.default_rng(seed)
    camps = rng.integers(0, 3, size=people)
    leaning = rng.uniform(-1, 1, size=(3, statements))
    shown = rng.random((people, statements)) < seen
    draw = rng.random((people, statements))
    p_agree = (1 + leaning[camps]) / 2 * 0.8
    votes = np.where(draw < p_agree, 1, np.where(draw < p_agree + 0.15, 0, -1))
    rows, cols = np.nonzero(shown)
    return rows, cols, votes[rows, cols]


def measure(people: int, statements: int, runs: int) -> dict:
    rows, cols, votes = conversation(people, statements)
    build, analysis = [], []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        matrix = VoteMatrix.from_arrays(rows, cols, votes)
        built = time.perf_counter()
        result = analyse(matrix)
        done = time.perf_counter()
        build.append(built - start)
        analysis.append(done - built)
    return {
        "people": people,
        "statements": statements,
        "votes": len(votes),
        "build": build,
        "analyse": analysis,
        "k": result.k,
        "clustered": result.participants_clustered,
    }


def summary(times: list[float]) -> str:
    return f"{min(times):.3f} / {statistics.median(times):.3f} / {max(times):.3f}"


def room_latency(duration: float) -> list[str]:
    """The room's p50/p95/p99 at N = 50 without and with analyses running in the servers; each
    configuration is a separate `python -m bench` run."""
    report = ROOT / "docs" / "benchmarks.md"
    results = ROOT / "bench" / "results.json"
    saved = {path: path.read_bytes() for path in (report, results)}
    rows = []
    try:
        for every in (None, "1"):
            env = {k: v for k, v in os.environ.items() if k != "BENCH_OPINIONS_EVERY"}
            if every is not None:
                env["BENCH_OPINIONS_EVERY"] = every
            load = os.getloadavg()[0]
            subprocess.run(
                [sys.executable, "-m", "bench", "--sizes", "50", "--duration", str(duration)]
                + ["--layers", "pubsub"],
                cwd=ROOT,
                env=env,
                check=True,
                timeout=600,
            )
            runs = json.loads(results.read_text())["runs"]
            run = next(r for r in runs if r.get("kind") == "ours" and r.get("n") == 50)
            bare = next(r for r in runs if r.get("kind") == "bare" and r.get("n") == 50)
            label = "no analysis" if every is None else "1,000 × 300 analysis every 1 s"
            rows.append(
                f"| {label} | {run.get('p50_ms')} | {run.get('p95_ms')} | {run.get('p99_ms')} "
                f"| {run.get('ack_p95_ms')} | {bare.get('p95_ms')} | {run.get('deliveries')}/"
                f"{run.get('expected_deliveries')} | {run.get('exactly_once_in_order')} "
                f"| {load:.2f} / {run.get('load_average_1min')} |"
            )
    finally:
        for path, content in saved.items():
            path.write_bytes(content)
    return [
        "",
        f"Live room (N = 50, 5 contributions per second for {duration:g} s, two daphne "
        "processes) without and with analyses running in both server processes:",
        "",
        "| servers | p50 ms | p95 ms | p99 ms | ack p95 ms | bare p95 ms | delivered "
        "| exactly once, in order | load avg start / end |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
        *rows,
    ]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="rewrite docs/benchmarks.md")
    parser.add_argument("--room", action="store_true", help="also measure the live room")
    parser.add_argument("--room-duration", type=float, default=20.0)
    args = parser.parse_args(argv)

    load_before = os.getloadavg()
    results = [measure(p, s, args.runs) for p, s, _target in SIZES]
    load_after = os.getloadavg()

    lines = [
        f"Run at {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on "
        f"{platform.processor() or platform.machine()}"
        f" ({os.cpu_count()} CPUs), python {platform.python_version()}; {args.runs} runs each.",
        f"Load average before {load_before[0]:.2f} / {load_before[1]:.2f} / {load_before[2]:.2f}, "
        f"after {load_after[0]:.2f} / {load_after[1]:.2f} / {load_after[2]:.2f}.",
        "",
        "| people | statements | votes | build matrix s (min / median / max) "
        "| analyse s (min / median / max) | target | k | clustered |",
        "| ---: | ---: | ---: | --- | --- | ---: | ---: | ---: |",
    ]
    for result, (_p, _s, target) in zip(results, SIZES, strict=True):
        lines.append(
            f"| {result['people']:,} | {result['statements']:,} | {result['votes']:,} "
            f"| {summary(result['build'])} | {summary(result['analyse'])} | < {target:g} s "
            f"| {result['k']} | {result['clustered']:,} |"
        )
    if args.room:
        lines += room_latency(args.room_duration)
    text = "\n".join(lines)
    print(text)
    if args.write:
        current = BENCHMARKS_MD.read_text()
        block = f"{SECTION_START}\n{text}\n{SECTION_END}"
        if SECTION_START in current:
            before, rest = current.split(SECTION_START, 1)
            after = rest.split(SECTION_END, 1)[1]
            current = before + block + after
        else:
            current = (
                current.rstrip("\n")
                + "\n\n## Opinion groups (`python -m bench.opinions`)\n\n"
                + block
                + "\n"
            )
        BENCHMARKS_MD.write_text(current)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
