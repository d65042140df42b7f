"""Answer ingest: many people submitting a full questionnaire at once, over HTTP, to a real
server process (issue 17, "Answer ingest").

    python -m bench.ingest                      # 400 responses, 16 at a time, one daphne
    python -m bench.ingest --responses 1000 --concurrency 32 --server uvicorn
    python -m bench.ingest --smoke              # 12 responses, 4 at a time (seconds)

It starts what it measures on loopback and stops it afterwards: one server process (daphne by
default; `--server uvicorn|granian` for the others, bench/rooms.py SERVER_COMMANDS) with the
production settings (bench/settings.py) on the benchmark database (BENCH_DATABASE_URL, created
and migrated if missing) and Redis (REDIS_URL). A new open consultation with a question of
every kind in two sections and the equality questions is published for each run. Each simulated
person is an HTTP client with a cookie jar of its own who goes through the real journey:
section 1 (its first GET sets the CSRF cookie), section 2, "about you", then "check your
answers" and send; the redirect to the "sent" page is the acknowledgement. `--concurrency`
people are in the journey at once, each starting the next person when one finishes.

The per-IP limit on new open responses is configured for the run (every client is 127.0.0.1):
BENCH_OPEN_RESPONSES_PER_HOUR is set to the number of responses (plus a margin), so the limit
is there and counting, as in production, and a run that exceeded it would show 429s.

Reported: responses and answers stored per second, p50/p95/p99 of one POST and of a whole
journey, the failures by status, and the check that matters: the responses stored as submitted
(and their answers) equal those acknowledged. Writes bench/results-ingest.json and a section
of docs/benchmarks.md (not in smoke mode).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from bench.rooms import (
    DEFAULT_DATABASE_URL,
    DEFAULT_REDIS_URL,
    SERVER_COMMANDS,
    Servers,
    ensure_database,
    machine_and_versions,
    migrate,
    percentile,
    server_environment,
    setup_django,
)

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results-ingest.json"
REPORT = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- ingest:start -->", "<!-- ingest:end -->"
RUN_TIMEOUT = 600
SMOKE = {"responses": 12, "concurrency": 4}
# Every answer one full response stores: single 1, multiple 2, scale 1, ranking 3, points 3,
# free text 1 (tests/consultations/test_answering_journey.py counts the same).
ANSWERS_PER_RESPONSE = 11
COLUMNS = [
    ("server", "---"),
    ("responses", "---:"),
    ("at once", "---:"),
    ("responses/s", "---:"),
    ("answers/s", "---:"),
    ("POST p50 ms", "---:"),
    ("POST p95 ms", "---:"),
    ("POST p99 ms", "---:"),
    ("journey p95 ms", "---:"),
    ("acknowledged", "---:"),
    ("stored", "---"),
    ("stored = acknowledged", "---"),
    ("failures", "---"),
    ("load avg before / after", "---:"),
]
HEADER = (
    "| " + " | ".join(name for name, _ in COLUMNS) + " |\n"
    "| " + " | ".join(align for _, align in COLUMNS) + " |"
)


# --- Data ------------------------------------------------------------------------------------


def new_consultation() -> dict:
    """A new open consultation (every kind of question, equality questions asked) and the form
    data of a full response to it."""
    from engagement.models import AnswerMode
    from tests.factories import make_consultation

    label = f"Bench ingest {secrets.token_hex(4)}"
    consultation = make_consultation(
        title=label,
        slug=label.lower().replace(" ", "-"),
        answer_mode=AnswerMode.OPEN,
        required=True,
        ask_equality_monitoring=True,
    )
    questions = {q.text: q for q in consultation.ordered_questions}

    def choice(question, label):
        return str(next(c.pk for c in question.choices.all() if c.label == label))

    often = questions["How often do you get a short break?"]
    kinds = questions["Which kinds of break would help?"]
    scale = questions["Short breaks help me keep caring."]
    ranking = questions["Put these in order of importance."]
    points = questions["Share 100 points between these."]
    free = questions["What else should we know?"]
    one = [
        (f"q{often.pk}", choice(often, "Monthly")),
        (f"q{kinds.pk}", choice(kinds, "Overnight")),
        (f"q{kinds.pk}", choice(kinds, "Holiday")),
        (f"q{scale.pk}", "4"),
        ("action", "continue"),
    ]
    two = [
        *(
            (f"q{ranking.pk}_{i}", choice(ranking, label))
            for i, label in enumerate(["Staff", "Cost", "Distance"])
        ),
        *((f"q{points.pk}_{i}", str(share)) for i, share in enumerate([50, 30, 20])),
        (f"q{free.pk}", "More evening cover, please."),
        ("action", "continue"),
    ]
    return {
        "id": consultation.pk,
        "sections": [one, two],
        "about_you": [("age_band", "35_49"), ("carer", "yes")],
    }


def stored(consultation_id: int) -> dict:
    from engagement.models import Answer, Response, ResponseStatus

    responses = Response.objects.filter(
        consultation_id=consultation_id, status=ResponseStatus.SUBMITTED
    )
    return {
        "responses": responses.count(),
        "answers": Answer.objects.filter(response__in=responses).count(),
        "started_not_sent": Response.objects.filter(consultation_id=consultation_id)
        .exclude(status=ResponseStatus.SUBMITTED)
        .count(),
    }


# --- One person's journey --------------------------------------------------------------------


class Person:
    """A browser: its own cookies (the production cookies are Secure, which an HTTP client's
    jar would not send back over plain HTTP on loopback, so they are kept here by hand)."""

    def __init__(self, client, base: str):
        self.client = client
        self.base = base
        self.cookies: dict[str, str] = {}
        self.post_ms: list[float] = []

    def _keep(self, response) -> None:
        for header in response.headers.get_list("set-cookie"):
            jar = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                self.cookies[name] = morsel.value

    def _headers(self) -> dict:
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Cookie": cookie, "Origin": self.base, "Referer": self.base + "/"}

    async def get(self, path: str):
        response = await self.client.get(path, headers=self._headers())
        self._keep(response)
        return response

    async def post(self, path: str, data: list[tuple[str, str]]):
        token = self.cookies.get("csrftoken", "")
        started = time.perf_counter()
        body = urlencode([*data, ("csrfmiddlewaretoken", token)])
        headers = {**self._headers(), "Content-Type": "application/x-www-form-urlencoded"}
        response = await self.client.post(path, content=body, headers=headers)
        self.post_ms.append((time.perf_counter() - started) * 1000)
        self._keep(response)
        return response


async def journey(client, base: str, form: dict) -> tuple[str, list[float], float]:
    """One full response; returns ("ok" or what went wrong, POST times, whole journey ms)."""
    person = Person(client, base)
    pk = form["id"]
    started = time.perf_counter()
    steps = [
        (f"/consultations/{pk}/answer/section/1/", form["sections"][0], "/answer/section/2/"),
        (f"/consultations/{pk}/answer/section/2/", form["sections"][1], "/answer/about-you/"),
        (f"/consultations/{pk}/answer/about-you/", form["about_you"], "/answer/check/"),
        (f"/consultations/{pk}/answer/check/", [], "/answer/sent/"),
    ]
    first = await person.get(steps[0][0])
    if first.status_code != 200:
        return f"GET section 1: {first.status_code}", person.post_ms, 0.0
    for path, data, expected in steps:
        reply = await person.post(path, data)
        location = reply.headers.get("location", "")
        if reply.status_code != 302 or not location.endswith(expected):
            return f"POST {path.rsplit('/answer/', 1)[1]}: {reply.status_code}", person.post_ms, 0
    return "ok", person.post_ms, (time.perf_counter() - started) * 1000


async def run(base: str, form: dict, *, responses: int, concurrency: int) -> dict:
    import httpx

    outcomes: dict[str, int] = {}
    post_ms: list[float] = []
    journey_ms: list[float] = []
    remaining = iter(range(responses))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base, limits=limits, timeout=60, trust_env=False, follow_redirects=False
    ) as client:

        async def worker():
            for _ in remaining:
                try:
                    outcome, posts, whole = await journey(client, base, form)
                except httpx.HTTPError as error:  # counted, not raised
                    outcome, posts, whole = type(error).__name__, [], 0.0
                outcomes[outcome] = outcomes.get(outcome, 0) + 1
                post_ms.extend(posts)
                if outcome == "ok":
                    journey_ms.append(whole)

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    acknowledged = outcomes.get("ok", 0)
    return {
        "responses": responses,
        "concurrency": concurrency,
        "seconds": round(elapsed, 2),
        "acknowledged": acknowledged,
        "failures": {k: v for k, v in outcomes.items() if k != "ok"},
        "responses_per_s": round(acknowledged / elapsed, 2),
        "answers_per_s": round(acknowledged * ANSWERS_PER_RESPONSE / elapsed, 1),
        "post_p50_ms": _round(percentile(post_ms, 50)),
        "post_p95_ms": _round(percentile(post_ms, 95)),
        "post_p99_ms": _round(percentile(post_ms, 99)),
        "journey_p50_ms": _round(percentile(journey_ms, 50)),
        "journey_p95_ms": _round(percentile(journey_ms, 95)),
    }


def _round(value):
    return None if value is None else round(value, 1)


# --- Report ----------------------------------------------------------------------------------


def write_report(results: dict) -> None:
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    rows = []
    for r in results["runs"]:
        same = "yes" if r["stored_equals_acknowledged"] else "NO"
        failures = ", ".join(f"{k}: {v}" for k, v in r["failures"].items()) or "none"
        rows.append(
            f"| {r['server']} | {r['responses']} | {r['concurrency']} | {r['responses_per_s']} | "
            f"{r['answers_per_s']} | {r['post_p50_ms']} | {r['post_p95_ms']} | "
            f"{r['post_p99_ms']} | {r['journey_p95_ms']} | {r['acknowledged']} | "
            f"{r['stored']['responses']} ({r['stored']['answers']} answers) | {same} | "
            f"{failures} | {r['load_average'][0]} / {r['load_average_after'][0]} |"
        )
    versions = ", ".join(f"{k} {v}" for k, v in results["versions"].items())
    section = f"""{START}
## Answer ingest (`python -m bench.ingest`)

Run at {results["finished_at"]} on {results["machine"]["cpu"]} ({results["machine"]["cpus"]}
CPUs), `{results["command"]}`. Versions: {versions}.

Each person: GET section 1, POST section 1, section 2, "about you", and "check your answers"
(send), with the CSRF token and cookies of a browser of their own; {ANSWERS_PER_RESPONSE}
answers and one equality record per response. One server process, production settings, the
per-IP limit on new open responses set to {results["per_ip_limit"]} an hour for the run (every
client is 127.0.0.1). The acknowledgement is the redirect to the "sent" page; stored is the
count of submitted responses (and their answers) in PostgreSQL afterwards. The load average
(1 min, before / after) is in the last column: the server and the load generator share the
machine, so up to about 2 on two CPUs is the run's own.

{HEADER}
{chr(10).join(rows)}
{END}"""
    text = REPORT.read_text()
    if START in text and END in text:
        before, rest = text.split(START, 1)
        text = before + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    REPORT.write_text(text)


# --- Main ------------------------------------------------------------------------------------


def _stop_on_sigterm(*_):
    raise SystemExit(143)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.ingest", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--responses", type=int, default=400)
    parser.add_argument("--concurrency", type=int, nargs="+", default=[16])
    parser.add_argument("--servers", nargs="+", choices=sorted(SERVER_COMMANDS), default=["daphne"])
    parser.add_argument(
        "--smoke", action="store_true", help="12 responses, 4 at a time; the JSON only (--json)"
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=Path(tempfile.gettempdir()) / "coproduce-bench-ingest-smoke.json",
        help="where --smoke writes its results",
    )
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="the database is migrated already (the smoke tests' test database)",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.responses, args.concurrency = SMOKE["responses"], [SMOKE["concurrency"]]
    signal.signal(signal.SIGTERM, _stop_on_sigterm)

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    os.environ["BENCH_SECRET_KEY"] = secrets.token_urlsafe(50)
    # Room for every run's responses in the hour's window, with a margin: the limit stays on.
    per_ip = args.responses * len(args.concurrency) * len(args.servers) + 50
    env = {
        **server_environment(database_url=database_url, redis_url=redis_url, layer="pubsub"),
        "BENCH_OPEN_RESPONSES_PER_HOUR": str(per_ip),
        # Production's default (deploy/coproduce.env.example). With persistent connections
        # (the rooms benchmark's 60 s) each HTTP request under ASGI runs in a thread of its own
        # and keeps its connection: 16 people at once took one daphne process past 90
        # connections and PostgreSQL's limit of 100 (500s), measured 2026-11-30.
        "DATABASE_CONN_MAX_AGE": "0",
    }
    if args.smoke:
        env["BENCH_PLAIN_STATIC"] = "1"
    else:
        # Production settings serve static URLs through a manifest, as a deploy does after
        # collectstatic: without one every page is a 500 (bench/pages.py does the same).
        env["STATIC_ROOT"] = str(ROOT / "staticfiles-bench")
    ensure_database(database_url)
    if not args.no_migrate:
        migrate(env)
    if not args.smoke:
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=ROOT,
            env={**os.environ, **env},
            check=True,
        )
    setup_django(env)
    # The window's count lives in the shared cache: start each benchmark with an empty one.
    from django.core.cache import cache

    cache.delete("engagement:open-response:127.0.0.1")
    results = {
        **machine_and_versions(database_url, redis_url),
        "command": "python -m bench.ingest " + " ".join(argv if argv is not None else sys.argv[1:]),
        "per_ip_limit": per_ip,
        "runs": [],
    }
    for server in args.servers:
        with Servers(env, count=1, server=server) as servers:
            base = f"http://{servers.urls[0]}"
            for concurrency in args.concurrency:
                form = new_consultation()
                load_before = [round(x, 2) for x in os.getloadavg()]
                print(
                    f"[ingest] {server} {args.responses} responses, {concurrency} at once",
                    flush=True,
                )
                result = asyncio.run(
                    asyncio.wait_for(
                        run(base, form, responses=args.responses, concurrency=concurrency),
                        RUN_TIMEOUT,
                    )
                )
                result["stored"] = stored(form["id"])
                result["stored_equals_acknowledged"] = (
                    result["stored"]["responses"] == result["acknowledged"]
                    and result["stored"]["answers"] == result["acknowledged"] * ANSWERS_PER_RESPONSE
                )
                result["server"] = server
                result["load_average"] = load_before
                result["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
                results["runs"].append(result)
                print(f"[ingest]   {json.dumps(result)}", flush=True)
    results["finished_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    if args.smoke:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
    else:
        write_report(results)
    bad = [r for r in results["runs"] if not r["stored_equals_acknowledged"] or r["failures"]]
    return 1 if bad and args.smoke else 0


if __name__ == "__main__":
    sys.exit(main())
