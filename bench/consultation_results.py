"""Benchmark: the results page of a consultation with 100,000 submitted responses.

    DATABASE_URL=postgres://user@host:5432/name python -m bench.consultation_results

Makes a throwaway database next to the one DATABASE_URL names (Django's test-database
machinery: `test_<name>`, migrated, dropped at the end), creates a consultation with one
question of every kind, bulk-loads the responses with PostgreSQL's COPY (about ten answer rows
each, with equality monitoring for most), then renders the results page through the Django test
client several times and reports min/median/max and the number of queries. It also times the
breakdown page, the open-data API and the full CSV export, and the slowest SQL statements of
the results page (the profile). Writes bench/results-consultations.json and a section of
docs/benchmarks.md.

Options: --responses N (default 100000), --runs N (default 7), --seed N, --keep (keep the
database for a look afterwards)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_JSON = ROOT / "bench" / "results-consultations.json"
BENCHMARKS_MD = ROOT / "docs" / "benchmarks.md"
SECTION_START = "<!-- consultation-results:start -->"
SECTION_END = "<!-- consultation-results:end -->"

TEXTS = [
    "The sitting service let me see my own GP for the first time in a year.",
    "Evening cover matters most: that is when things go wrong.",
    "Please make the booking line work for people who cannot use the phone.",
    "Respite should be closer to home; the drive to the centre takes an hour.",
    "Staff who know my son make all the difference.",
    "I did not know short breaks existed until my social worker told me.",
]


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "coproduce.settings.test")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    count = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def load(consultation, *, responses: int, seed: int) -> dict:
    """COPY `responses` submitted responses with their answers and equality monitoring."""
    from django.db import connection

    from engagement.consultations.models import EqualityMonitoring, Question, QuestionKind

    rng = random.Random(seed)
    questions = list(
        Question.objects.filter(section__page=consultation).prefetch_related("choices")
    )
    by_kind = {q.kind: (q, [c.pk for c in q.choices.all()]) for q in questions}
    now = dt.datetime.now(dt.UTC)
    first_id = (
        1
        + (
            connection.cursor().execute("SELECT coalesce(max(id), 0) FROM engagement_response")
        ).fetchone()[0]
    )
    ids = range(first_id, first_id + responses)

    def response_rows():
        for n, pk in enumerate(ids):
            at = now - dt.timedelta(seconds=n * 7)
            yield (
                pk,
                consultation.pk,
                f"B{pk:014d}",
                None,
                "",
                "submitted",
                0,
                "",
                False,
                None,
                "",
                False,
                at,
                at,
                at,
                "{}",
            )

    def answer_rows():
        for pk in ids:
            question, choices = by_kind[QuestionKind.SINGLE_CHOICE]
            yield (pk, question.pk, rng.choice(choices), None, "", False, "", None, None)
            question, choices = by_kind[QuestionKind.MULTIPLE_CHOICE]
            for choice in rng.sample(choices, rng.randint(1, 3)):
                yield (pk, question.pk, choice, None, "", False, "", None, None)
            question, _ = by_kind[QuestionKind.AGREEMENT_SCALE]
            if rng.random() < 0.9:
                yield (pk, question.pk, None, rng.randint(1, 5), "", False, "", None, None)
            question, choices = by_kind[QuestionKind.RANKING]
            for position, choice in enumerate(rng.sample(choices, len(choices)), start=1):
                yield (pk, question.pk, choice, position, "", False, "", None, None)
            question, choices = by_kind[QuestionKind.POINTS]
            first = rng.randint(0, 100)
            second = rng.randint(0, 100 - first)
            for choice, points in zip(choices, [first, second, 100 - first - second], strict=True):
                yield (pk, question.pk, choice, points, "", False, "", None, None)
            question, _ = by_kind[QuestionKind.FREE_TEXT]
            if rng.random() < 0.3:
                yield (pk, question.pk, None, None, rng.choice(TEXTS), False, "", None, None)

    ages = [v for v, _ in EqualityMonitoring.AgeBand.choices]
    yes_no = [v for v, _ in EqualityMonitoring.YesNo.choices]
    ethnicities = [v for v, _ in EqualityMonitoring.Ethnicity.choices]
    sexes = [v for v, _ in EqualityMonitoring.Sex.choices]

    def equality_rows():
        for pk in ids:
            if rng.random() < 0.7:
                yield (
                    pk,
                    rng.choice(ages),
                    rng.choice(yes_no),
                    rng.choice(yes_no),
                    rng.choice(yes_no),
                    rng.choice(ethnicities),
                    rng.choice(sexes),
                )

    started = time.perf_counter()
    with connection.cursor() as cursor:
        raw = cursor.cursor
        counts = {
            "responses": copy_rows(
                raw,
                "engagement_response",
                [
                    "id",
                    "consultation_id",
                    "reference",
                    "respondent_id",
                    "browser_key",
                    "status",
                    "current_section",
                    "email",
                    "wants_updates",
                    "entered_by_id",
                    "assistance",
                    "consent_recorded",
                    "started_at",
                    "updated_at",
                    "submitted_at",
                    "unfinished_answers",
                ],
                response_rows(),
            ),
            "answers": copy_rows(
                raw,
                "engagement_answer",
                [
                    "response_id",
                    "question_id",
                    "choice_id",
                    "number",
                    "text",
                    "hidden",
                    "hidden_reason",
                    "hidden_by_id",
                    "hidden_at",
                ],
                answer_rows(),
            ),
            "equality_monitoring": copy_rows(
                raw,
                "engagement_equalitymonitoring",
                [
                    "response_id",
                    "age_band",
                    "disability",
                    "long_term_condition",
                    "carer",
                    "ethnicity",
                    "sex",
                ],
                equality_rows(),
            ),
        }
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('engagement_response', 'id'), "
            "(SELECT max(id) FROM engagement_response))"
        )
        # What autovacuum does soon after a bulk load in production: statistics for the planner,
        # and the visibility map that lets index-only scans skip the table.
        for table in ["engagement_response", "engagement_answer", "engagement_equalitymonitoring"]:
            cursor.execute(f"VACUUM ANALYZE {table}")
    counts["load_seconds"] = round(time.perf_counter() - started, 1)
    return counts


def time_get(client, url: str, runs: int) -> dict:
    """Render `url` once to warm up, then `runs` times; seconds and the query count."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    timings = []
    for _ in range(runs):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            content = (
                b"".join(response.streaming_content) if response.streaming else response.content
            )
            timings.append(time.perf_counter() - started)
        assert response.status_code == 200
    slowest = sorted(captured.captured_queries, key=lambda q: -float(q["time"]))[:3]
    return {
        "url": url,
        "runs": runs,
        "min_ms": round(min(timings) * 1000, 1),
        "median_ms": round(statistics.median(timings) * 1000, 1),
        "max_ms": round(max(timings) * 1000, 1),
        "queries": len(captured),
        "sql_ms_last_run": round(sum(float(q["time"]) for q in captured.captured_queries) * 1000),
        "bytes": len(content),
        "slowest_queries": [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:160]} for q in slowest
        ],
    }


def machine() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import django
    import wagtail

    return {
        "cpu": cpu,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "wagtail": wagtail.__version__,
        "postgresql": postgres,
        "os": f"{platform.system()} {platform.release()}",
        # The machine may be shared: the load average says how busy it was during the run.
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
    }


def write_markdown(report: dict) -> None:
    m = report["machine"]
    rows = "\n".join(
        f"| {name} | {r['min_ms']} | {r['median_ms']} | {r['max_ms']} | {r['queries']} |"
        f" {r['sql_ms_last_run']} |"
        for name, r in report["pages"].items()
    )
    slow = "\n".join(
        f"- {q['ms']} ms: `{q['sql'][:110]}…`"
        for q in report["pages"]["results page"]["slowest_queries"]
    )
    section = f"""{SECTION_START}
## Consultation results with {report["data"]["responses"]:,} responses

`python -m bench.consultation_results` ({report["date"]}): one consultation with a question of
every kind, {report["data"]["responses"]:,} submitted responses, {report["data"]["answers"]:,}
answer rows and {report["data"]["equality_monitoring"]:,} equality-monitoring rows, loaded with
COPY in {report["data"]["load_seconds"]} s. Each page rendered through the Django test client
once to warm up, then {report["runs"]} times (milliseconds, whole request including the
template):

| page | min | median | max | queries | of which SQL (last run) |
| --- | --- | --- | --- | --- | --- |
{rows}

The slowest statements of one results-page render (the profile):

{slow}

How it got here: the first version took about 3 s per results page at this size, 2.9 s of it
in one `COUNT(DISTINCT response_id)` per question over every answer joined to its response
(a sort spilling to disk). Now (`engagement/selectors/results.py`): the grouped figures are
taken over the answers to the consultation's questions without joining responses, and the
answers of responses not yet submitted (few) are taken away in two small queries; people who
answered are counted from rows where each person has exactly one (single choice, scale, free
text, first places of a ranking), leaving `COUNT(DISTINCT)` to multiple choice and points,
which an index on (question, response) serves by an index-only scan (migration 0003).

Machine: {m["cpu"]} ({m["cpus"]} CPUs), {m["os"]}; Python {m["python"]}, Django {m["django"]},
Wagtail {m["wagtail"]}, PostgreSQL {m["postgresql"]} on the same machine, default settings. Load
average at the end of the run: {", ".join(str(x) for x in m["load_average_1_5_15"])} (a shared
machine: other work was running, so these figures are pessimistic). Raw figures in
`bench/results-consultations.json`.
{SECTION_END}"""
    text = BENCHMARKS_MD.read_text() if BENCHMARKS_MD.exists() else "# Benchmarks\n"
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        after = rest.split(SECTION_END, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    BENCHMARKS_MD.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args(argv)

    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        print("Set DATABASE_URL to a PostgreSQL database: the figure is for PostgreSQL.")
        return 2
    setup_django()
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse

    from coproduce.accounts import roles
    from tests import factories

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        now = dt.datetime.now(dt.UTC)
        consultation = factories.make_consultation(
            title="Short breaks for carers",
            opens_at=now - dt.timedelta(days=60),
            closes_at=now - dt.timedelta(days=1),
        )
        print(f"Loading {args.responses:,} responses…", flush=True)
        data = load(consultation, responses=args.responses, seed=args.seed)
        print(f"  {data}", flush=True)

        anonymous = Client()
        commissioner_client = Client()
        commissioner = factories.UserFactory(email="bench-commissioner@example.org")
        commissioner.groups.add(Group.objects.get(name=roles.COMMISSIONER))
        commissioner_client.force_login(commissioner)

        pk = consultation.pk
        pages = {}
        plan = [
            ("results page", anonymous, reverse("engagement:consultation_results", args=[pk])),
            (
                "results page (commissioner)",
                commissioner_client,
                reverse("engagement:consultation_results", args=[pk]),
            ),
            (
                "breakdown by age band",
                commissioner_client,
                reverse("engagement:consultation_breakdown", args=[pk]) + "?by=age_band",
            ),
            (
                "open-data API",
                anonymous,
                reverse("api_v1:consultation_results", kwargs={"consultation_id": pk}),
            ),
            (
                "free text, first page",
                anonymous,
                reverse(
                    "engagement:consultation_free_text",
                    args=[pk, consultation.ordered_questions[-1].pk],
                ),
            ),
        ]
        for name, client, url in plan:
            pages[name] = time_get(client, url, args.runs)
            print(
                f"{name}: min {pages[name]['min_ms']} ms, median {pages[name]['median_ms']} ms,"
                f" max {pages[name]['max_ms']} ms, {pages[name]['queries']} queries",
                flush=True,
            )
        pages["responses CSV export (streamed)"] = time_get(
            commissioner_client,
            reverse("engagement:consultation_responses_export", args=[pk, "csv"]),
            1,
        )
        print(f"CSV export: {pages['responses CSV export (streamed)']['median_ms']} ms")

        report = {
            "benchmark": "consultation_results",
            "date": dt.date.today().isoformat(),
            "runs": args.runs,
            "data": data,
            "pages": pages,
            "machine": machine(),
            "git": subprocess.run(
                ["git", "rev-parse", "--short", "HEAD"],
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=False,
            ).stdout.strip(),
        }
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    RESULTS_JSON.write_text(json.dumps(report, indent=2) + "\n")
    write_markdown(report)
    print(f"Wrote {RESULTS_JSON.relative_to(ROOT)} and {BENCHMARKS_MD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
