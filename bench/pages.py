"""Benchmark: the public pages against the ceiling of the stack (issue #17, "Pages against the
ceiling").

    DATABASE_URL=postgres://user@host:5432/name python -m bench.pages [--full]

Makes a throwaway database next to the one DATABASE_URL names (`test_<name>`, migrated, dropped
at the end), seeds a closed consultation with responses (bench/consultation_results.py's COPY
loader), expert profiles, published decisions and co-production groups, then starts one daphne
process (as deploy/coproduce-web@.service runs it; `--server gunicorn`: one gunicorn process
with one worker and deploy/gunicorn.conf.py's threads, as deploy/coproduce-pages.service runs
the pages in production) with production settings (bench/settings.py,
whose URLs add a minimal Django view: the ceiling) on loopback, and for each page runs
`--concurrency` clients (default 16) for `--seconds` each, reporting requests per second and
p50/p95 latency. Before that it counts each page's database queries at two data sizes (the
seed, then again after adding as much once more): the counts must not grow.

The load generator is wrk (Debian's package `wrk`; one thread, `--concurrency` connections,
its Lua `done` hook reporting p50/p95 and the non-2xx answers) where it is installed: written in
C, it leaves the cores it shares with the server to the server, which matters on a 2-core
machine where the pages answer 100-200 KB each. Without wrk (or with `--client httpx`) it is
an asyncio loop over httpx in this process (`--concurrency` tasks sharing a connection pool),
which costs the server a share of the cores and so understates what it serves. locust (its own
web UI, gevent, a worker per core) is heavier still. Every run is bounded by `--seconds` (and,
with httpx, by `--max-requests`) and talks only to 127.0.0.1.

Production settings keep public pages for readers not signed in for 5 s
(coproduce/operations/page_cache.py); `ANONYMOUS_PAGE_CACHE_SECONDS=0` in the environment
measures the pages without. The ceiling's minimal view is never kept.

`--processes N` (N > 1) starts N server processes behind nginx (Debian's package), as
deploy/nginx.conf balances them (an upstream with keepalive connections; plain HTTP here, the
TLS of production left out on loopback): the ceiling is then measured through nginx too.

`--only NAME …` runs only the pages named (as in the report; the ceiling always runs) and
`--py-spy DIR` samples the server's busy thread with py-spy while each page is under load,
writing DIR/<page>.txt (collapsed stacks) and printing where the time goes; either leaves the
report alone, as the figures are partial or the sampling costs the server.

Default scale: 20,000 responses, 200 profiles, 20 decisions, 5 groups. `--full` is the issue's:
100,000 responses, 2,000 profiles, 200 decisions, 50 groups. Writes bench/results-pages.json
(bench/results.json is the rooms benchmark's) and a section of docs/benchmarks.md."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench.consultation_results import load, machine, setup_django
from bench.rooms import Servers, percentile

ROOT = Path(__file__).resolve().parent.parent
RESULTS_JSON = ROOT / "bench" / "results-pages.json"
BENCHMARKS_MD = ROOT / "docs" / "benchmarks.md"
SECTION_START = "<!-- pages:start -->"
SECTION_END = "<!-- pages:end -->"


def seed(*, responses: int, profiles: int, decisions: int, groups: int, seed_n: int, batch: int):
    """Add this much data; returns the consultation (the first batch makes it)."""
    from engagement.consultations.models import ConsultationPage
    from tests import factories

    now = dt.datetime.now(dt.UTC)
    consultation = ConsultationPage.objects.filter(title="Short breaks for carers").first()
    if consultation is None:
        consultation = factories.make_consultation(
            title="Short breaks for carers",
            opens_at=now - dt.timedelta(days=60),
            closes_at=now - dt.timedelta(days=1),
        )
    load(consultation, responses=responses, seed=seed_n + batch)
    factories.ExpertProfileFactory.create_batch(profiles)
    for i in range(decisions):
        factories.make_decision(title=f"Decision {batch}-{i}", consultations=[consultation])
    factories.CoproductionGroupFactory.create_batch(groups)
    from engagement.consultations import results_cache

    results_cache.bump(consultation.pk)  # COPY goes behind the services' back
    return consultation


PAGES = (
    "minimal Django view (ceiling)",
    "home",
    "consultation",
    "results",
    "breakdown (commissioner)",
    "profile directory (commissioner)",
    "decision",
    "decision log",
)


def page_urls(consultation) -> dict[str, tuple[str, bool]]:
    """name -> (path, signed in as a commissioner)."""
    from django.urls import reverse

    from engagement.decisions.models import DecisionPage

    decision = DecisionPage.objects.live().order_by("pk").first()
    pk = consultation.pk
    paths = [
        ("/bench/minimal/", False),
        ("/", False),
        (consultation.url, False),
        (reverse("engagement:consultation_results", args=[pk]), False),
        (reverse("engagement:consultation_breakdown", args=[pk]) + "?by=age_band", True),
        (reverse("engagement:directory"), True),
        (decision.url, False),
        (decision.get_parent().url, False),
    ]
    return dict(zip(PAGES, paths, strict=True))


def query_counts(urls: dict, client, staff_client) -> dict[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for name, (url, staff) in urls.items():
        if url.startswith("/bench/"):
            continue
        browser = staff_client if staff else client
        browser.get(url)  # warm: per-process caches, and the results cache
        with CaptureQueriesContext(connection) as captured:
            status = browser.get(url).status_code
        counts[name] = len(captured) if status == 200 else f"HTTP {status}"
    return counts


async def hammer(base: str, path: str, cookie: str | None, *, concurrency, seconds, cap) -> dict:
    import logging

    import httpx

    # The test settings log each request of httpx's at INFO: in the load generator's own process
    # that is work per request, taken from the server it shares the cores with.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    latencies: list[float] = []
    errors = 0
    statuses: dict[str, int] = {}  # what the failures were, to say why
    cookies = {"sessionid": cookie} if cookie else None
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(
        base_url=base, cookies=cookies, limits=limits, timeout=15, trust_env=False
    ) as client:
        for _ in range(2):  # warm
            await client.get(path)
        deadline = time.monotonic() + seconds

        async def worker():
            nonlocal errors
            while time.monotonic() < deadline and len(latencies) + errors < cap:
                start = time.perf_counter()
                try:
                    response = await client.get(path)
                    ok = response.status_code == 200
                    what = str(response.status_code)
                except httpx.HTTPError as error:  # a timeout or refusal is counted, not raised
                    ok, what = False, type(error).__name__
                if not ok:
                    statuses[what] = statuses.get(what, 0) + 1
                if ok:
                    latencies.append((time.perf_counter() - start) * 1000)
                else:
                    errors += 1

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        elapsed = time.monotonic() - started
    return {
        "requests": len(latencies),
        "errors": errors,
        "failures": statuses,
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "p95_ms": round(percentile(latencies, 95), 1) if latencies else None,
    }


# wrk's Lua hook: one line of JSON after the run (latencies in microseconds; `status` counts
# answers of 400 and above, the others failed connections, reads, writes and timeouts).
WRK_REPORT = """
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "status_errors": %d, "socket_errors": %d, "duration_us": %d,'
    .. ' "p50_us": %d, "p95_us": %d}\\n',
    summary.requests, e.status, e.connect + e.read + e.write + e.timeout, summary.duration,
    latency:percentile(50), latency:percentile(95)))
end
"""


# The servers `--server` picks (bench/rooms.py has their command lines).
SERVER_NAMES = {"daphne": "daphne (ASGI)", "gunicorn": "gunicorn (WSGI, gthread)"}

CLIENTS = {
    "wrk": "wrk, one thread, in a process of its own",
    "httpx": "an asyncio httpx loop in a second process",
}


def hammer_wrk(base: str, path: str, cookie: str | None, *, concurrency, seconds) -> dict:
    """The same measure as `hammer`, made by wrk in a process of its own (see the docstring)."""
    import httpx

    headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
    for _ in range(2):  # warm, and a failing page fails here with its status
        httpx.get(base + path, headers=headers, timeout=15, trust_env=False).raise_for_status()
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as script:
        script.write(WRK_REPORT)
        script.flush()
        command = ["wrk", "-t", "1", "-c", str(concurrency), "-d", f"{max(1, round(seconds))}s"]
        command += ["--timeout", "15s", "-s", script.name]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        command.append(base + path)
        output = subprocess.run(
            command, capture_output=True, text=True, check=True, timeout=seconds + 60
        ).stdout
    line = next(line for line in output.splitlines() if line.startswith("WRK "))
    figures = json.loads(line[4:])
    errors = figures["status_errors"] + figures["socket_errors"]
    failures = {}
    if figures["status_errors"]:
        failures["HTTP 4xx/5xx"] = figures["status_errors"]
    if figures["socket_errors"]:
        failures["socket"] = figures["socket_errors"]
    ok = figures["requests"] - figures["status_errors"]
    return {
        "requests": ok,
        "errors": errors,
        "failures": failures,
        "rps": round(ok / (figures["duration_us"] / 1e6), 1),
        "p50_ms": round(figures["p50_us"] / 1000, 1),
        "p95_ms": round(figures["p95_us"] / 1000, 1),
    }


NGINX_CONF = """daemon off;
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    upstream coproduce_web {{
{servers}
        keepalive 32;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://coproduce_web;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_set_header X-Forwarded-For $remote_addr;
            proxy_set_header X-Forwarded-Proto $scheme;
        }}
    }}
}}
"""


@contextlib.contextmanager
def balanced(urls: list[str]):
    """The base URL to load: the one server's own, or nginx's in front of several."""
    if len(urls) == 1:
        yield f"http://{urls[0]}"
        return
    from bench.rooms import free_port, listening

    with tempfile.TemporaryDirectory(prefix="bench-nginx-") as directory:
        port = free_port()
        servers = "\n".join(f"        server {url} max_fails=0;" for url in urls)
        conf = Path(directory) / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=directory, servers=servers, port=port))
        process = subprocess.Popen(
            ["nginx", "-c", str(conf), "-p", directory], stderr=subprocess.DEVNULL
        )
        try:
            if not listening(port, process, seconds=10):
                error_log = Path(directory) / "error.log"
                error = error_log.read_text()[-2000:] if error_log.exists() else ""
                raise RuntimeError(f"nginx did not start: {error}")
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=10)


def _servers(processes: int, server: str = "daphne") -> str:
    name = SERVER_NAMES[server]
    if processes == 1:
        return f"one {name} process"
    return f"{processes} {name} processes behind nginx"


def start_sampler(directory: Path, page: str, pid: int, seconds: float):
    """py-spy sampling the server `pid` for the length of one page's run."""
    directory.mkdir(parents=True, exist_ok=True)
    output = directory / (re.sub(r"[^a-z0-9]+", "-", page.lower()).strip("-") + ".txt")
    command = ["py-spy", "record", "--pid", str(pid), "--duration", str(max(1, round(seconds)))]
    # --gil: only the thread holding the interpreter, i.e. where the process's one core goes;
    # --subprocesses: gunicorn serves from a worker its first process starts.
    command += ["--rate", "250", "--format", "raw", "--nonblocking", "--gil", "--subprocesses"]
    command += ["--output", str(output)]
    executable = Path(sys.executable).with_name("py-spy")
    command[0] = str(executable) if executable.exists() else "py-spy"
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return process, output


def finish_sampler(sampler, top: int = 25) -> str:
    """Wait for py-spy, then say where its samples were (`summarise_stacks`)."""
    process, output = sampler
    process.wait(timeout=120)
    if not output.exists():
        return f"py-spy wrote nothing ({output})"
    return summarise_stacks(output.read_text(), top=top) + f"\n(stacks in {output})"


def summarise_stacks(text: str, top: int = 25) -> str:
    """Collapsed stacks ("frame;frame;frame count" lines) to a table of inclusive shares."""
    inclusive: dict[str, int] = {}
    self_time: dict[str, int] = {}
    total = 0
    for line in text.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = stack.split(";")
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + samples
        self_time[frames[-1]] = self_time.get(frames[-1], 0) + samples
    if not total:
        return "no samples"
    lines = [f"{total} samples; inclusive share, then self share, of the busiest frames:"]
    for frame, samples in sorted(inclusive.items(), key=lambda item: -item[1])[:top]:
        lines.append(f"  {samples / total:6.1%}  {frame}")
    lines.append("self:")
    for frame, samples in sorted(self_time.items(), key=lambda item: -item[1])[:top]:
        lines.append(f"  {samples / total:6.1%}  {frame}")
    return "\n".join(lines)


def _loads(loads) -> str:
    return ", ".join(f"{value:.2f}" for value in loads)


def _busy(report: dict) -> str:
    """A warning where other work shared the machine (the one-minute load before the run above
    the number of CPUs)."""
    if report["load_before"][0] <= report["machine"].get("cpus", 1):
        return ""
    return ": **other work was running**; rerun on an idle machine before reading these as capacity"


def write_markdown(report: dict) -> None:
    ceiling = report["pages"]["minimal Django view (ceiling)"]["rps"] or 1.0
    servers = _servers(report.get("processes", 1), report.get("server", "daphne"))
    rows = []
    for name, run in report["pages"].items():
        small, large = (
            report["queries"]["small"].get(name, "–"),
            report["queries"]["large"].get(name, "–"),
        )
        rows.append(
            f"| {name} | {run['rps']} | {round(run['rps'] / ceiling * 100)}% | {run['p50_ms']} |"
            f" {run['p95_ms']} | {run['errors']} | {small} | {large} |"
        )
    data = report["data"]
    section = f"""{SECTION_START}
## Pages against the ceiling

`python -m bench.pages{" --full" if report["full"] else ""}` on {report["date"]} (commit
{report["git"]}): {servers}, production settings,
{report["concurrency"]} concurrent clients for {report["seconds"]} s per page on loopback
({CLIENTS[report["client"]]}).
Data: {data["responses"]:,} responses to one closed consultation, {data["profiles"]}
profiles, {data["decisions"]} decisions, {data["groups"]} groups; query counts at that size
and at half of it. Load average {_loads(report["load_before"])} before (the data load's own)
and {_loads(report["load_after"])} after, on {report["machine"].get("cpus", "?")} CPUs (the
server and the load generator share them){_busy(report)}.

| Page | Requests/s | Of ceiling | p50 ms | p95 ms | Errors | Queries (half) | Queries (full) |
|---|---|---|---|---|---|---|---|
{chr(10).join(rows)}

The ceiling is the higher of two runs of the minimal view, before and after the pages
({" and ".join(str(r) for r in report["pages"][PAGES[0]].get("runs_rps", []))} requests/s).
The targets (issue #17): every public page at least half the ceiling's requests per second;
results and breakdown p95 under 300 ms at 100,000 responses; the same number of queries at
both sizes. The results page, its breakdown and the open-data results of a closed
consultation are served from the cache (engagement/consultations/results_cache.py) after the
first request, so their figures here are the cached ones.
{SECTION_END}"""
    text = BENCHMARKS_MD.read_text()
    if SECTION_START in text and SECTION_END in text:
        before, rest = text.split(SECTION_START, 1)
        text = before + section + rest.split(SECTION_END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    BENCHMARKS_MD.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--full", action="store_true", help="the issue's full scale")
    parser.add_argument("--responses", type=int)
    parser.add_argument("--profiles", type=int)
    parser.add_argument("--decisions", type=int)
    parser.add_argument("--groups", type=int)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--max-requests", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--client",
        choices=("wrk", "httpx"),
        default="wrk" if shutil.which("wrk") else "httpx",
        help="the load generator (wrk where installed)",
    )
    parser.add_argument(
        "--processes", type=int, default=1, help="daphne processes (behind nginx when > 1)"
    )
    parser.add_argument(
        "--server",
        choices=tuple(SERVER_NAMES),
        default="daphne",
        help="the server of the pages: daphne (ASGI) or gunicorn (WSGI, threads)",
    )
    parser.add_argument("--only", nargs="+", metavar="NAME", help="run only these pages")
    parser.add_argument("--py-spy", type=Path, metavar="DIR", help="profile each page's run")
    args = parser.parse_args(argv)
    if args.processes > 1 and not shutil.which("nginx"):
        parser.error("--processes above 1 needs nginx (Debian's package) in front")
    if args.only and set(args.only) - set(PAGES):
        parser.error(f"no such page: {sorted(set(args.only) - set(PAGES))}; pages: {list(PAGES)}")
    scale = (100_000, 2_000, 200, 50) if args.full else (20_000, 200, 20, 5)
    sizes = {
        "responses": args.responses or scale[0],
        "profiles": args.profiles or scale[1],
        "decisions": args.decisions or scale[2],
        "groups": args.groups or scale[3],
    }
    database_url = os.environ.get("DATABASE_URL", "")
    if not database_url.startswith(("postgres://", "postgresql://")):
        print("Set DATABASE_URL to a PostgreSQL database: the figures are for PostgreSQL.")
        return 2
    load_before = os.getloadavg()
    server_key = secrets.token_urlsafe(50)
    setup_django()
    from django.conf import settings
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    from coproduce.accounts import roles
    from tests import factories

    setup_test_environment()
    settings.SECRET_KEY = server_key  # the session's auth hash must match the server's
    old_name = connection.settings_dict["NAME"]
    # Its own name, so a test run on the same database server is left alone.
    connection.settings_dict["TEST"]["NAME"] = f"bench_pages_{old_name}"
    test_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, keepdb=False)
    try:
        half = {k: v // 2 for k, v in sizes.items()}
        print(f"Seeding {half}…", flush=True)
        consultation = seed(**half, seed_n=args.seed, batch=0)
        commissioner = factories.UserFactory(email="bench-commissioner@example.org")
        commissioner.groups.add(Group.objects.get(name=roles.COMMISSIONER))
        anonymous, staff = Client(), Client()
        staff.force_login(commissioner)
        urls = page_urls(consultation)
        if args.only:
            urls = {
                name: url for name, url in urls.items() if name in args.only or name == PAGES[0]
            }
        queries = {"small": query_counts(urls, anonymous, staff)}
        print(f"Seeding {half} more…", flush=True)
        seed(**half, seed_n=args.seed, batch=1)
        queries["large"] = query_counts(urls, anonymous, staff)
        print(f"Queries: {queries}", flush=True)
        # The freshly loaded tables analysed now, not by autovacuum in the middle of a page's
        # run (it did, under the first page measured: the ceiling).
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")

        base_url = database_url.rsplit("/", 1)[0]
        env = {
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "SECRET_KEY": server_key,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "DATABASE_URL": f"{base_url}/{test_name}",
            # As in production: kept connections pile up under an ASGI server (bench/ingest.py).
            "DATABASE_CONN_MAX_AGE": "0",
            "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
            "SECURE_SSL_REDIRECT": "false",
            "CACHE_KEY_PREFIX": f"bench-pages-{os.getpid()}",
            "CHANNEL_LAYER_PREFIX": f"bench-pages-{os.getpid()}",
        }
        # Production settings serve static files through a manifest, as a deploy does after
        # collectstatic: without one every page is a 500.
        env["STATIC_ROOT"] = str(ROOT / "staticfiles-bench")
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
            cwd=ROOT,
            env={**os.environ, **env},
            check=True,
        )
        cookie = staff.cookies[settings.SESSION_COOKIE_NAME].value
        connection.close()  # nothing of this process's may hold a lock the server waits on
        pages = {}
        with (
            Servers(env, count=args.processes, server=args.server) as servers,
            balanced(servers.urls) as base,
        ):
            # Where Servers keeps the server's stderr in a pipe, drain it, or a page that logs
            # fills the pipe and the server blocks writing to it (it now writes to a file).
            for process in servers.processes:
                if process.stderr is not None:
                    threading.Thread(
                        target=lambda stream=process.stderr: [None for _line in stream],
                        daemon=True,
                    ).start()
            # The ceiling again at the end: the higher of its two runs is the one pages are
            # compared with, so a slow moment under one run cannot flatter them.
            order = [*urls.items(), ("ceiling, again", urls[PAGES[0]])]
            for name, (path, signed_in) in order:
                session = cookie if signed_in else None
                sampler = None
                if args.py_spy:
                    sampler = start_sampler(
                        args.py_spy, name, servers.processes[0].pid, args.seconds
                    )
                try:
                    if args.client == "wrk":
                        run = hammer_wrk(
                            base, path, session, concurrency=args.concurrency, seconds=args.seconds
                        )
                    else:
                        run = asyncio.run(
                            hammer(
                                base,
                                path,
                                session,
                                concurrency=args.concurrency,
                                seconds=args.seconds,
                                cap=args.max_requests,
                            )
                        )
                except Exception as error:  # noqa: BLE001 - reported, and the run goes on
                    run = {"requests": 0, "errors": repr(error)[:200], "rps": 0.0}
                    run |= {"p50_ms": None, "p95_ms": None}
                if sampler is not None:
                    print(finish_sampler(sampler), flush=True)
                print(f"{name}: {json.dumps(run)}", flush=True)
                if name == "ceiling, again":
                    first = pages[PAGES[0]]
                    best = max(first, run, key=lambda measured: measured["rps"])
                    pages[PAGES[0]] = best | {"runs_rps": [first["rps"], run["rps"]]}
                else:
                    pages[name] = run
        data = {k: v // 2 * 2 for k, v in sizes.items()}
        report = {
            "benchmark": "pages",
            "date": dt.date.today().isoformat(),
            "full": args.full,
            "concurrency": args.concurrency,
            "client": args.client,
            "processes": args.processes,
            "server": args.server,
            "seconds": args.seconds,
            "data": data,
            "queries": queries,
            "pages": pages,
            "load_before": [round(x, 2) for x in load_before],
            "load_after": [round(x, 2) for x in os.getloadavg()],
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
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
    if args.only or args.py_spy:
        print("Partial or profiled run: the report is left as it was.")
        return 0
    RESULTS_JSON.write_text(json.dumps(report, indent=2) + "\n")
    write_markdown(report)
    print(f"Wrote {RESULTS_JSON.relative_to(ROOT)} and {BENCHMARKS_MD.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
