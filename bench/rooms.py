"""Live-room benchmark: send-to-receipt latency and exactly-once, in-order delivery.

It starts everything it measures on loopback and stops it afterwards: two processes of
production's rooms server (PRODUCTION_SERVER: uvicorn with the sans-I/O protocol) sharing Redis
and one PostgreSQL database (created if missing, migrated). N signed-in members (asyncio
WebSocket clients) join one live session, spread over both processes; ten of them post
contributions at RATE per second in total. Every client records, for every contribution, the
time from its sending to its receipt, and the seq of every event it receives, which must be
gapless from its `welcome` to the end of the log: exactly once, in order. The same load then
runs against a bare consumer that only group_sends what it receives (no database, no auth) on
the same channel layer; ours/bare is the figure to watch.

    python -m bench                 # N = 50, 200, 500 on the pub/sub layer; core layer at N=50
    python -m bench --sizes 50 --duration 10 --layers pubsub
    python -m bench --servers daphne uvicorn-sansio --sizes 50 200 --storm   # server comparison
    python -m bench --sizes 1000 --processes 2 --storm --section n1000        # N = 1,000
    python -m bench --smoke         # seconds: 6 members, storm included, JSON only

`--storm` adds a reconnect storm after each run of the room (reconnect_storm); `--servers`
runs the same application under daphne, uvicorn (two WebSocket implementations) and granian
(SERVER_COMMANDS); `--processes` sets how many server processes share the clients (default two).

Environment: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/coproduce_bench)
and REDIS_URL (default redis://127.0.0.1:6379/0). Writes bench/results.json and the figures
section of docs/benchmarks.md.
"""

import argparse
import asyncio
import contextlib
import json
import math
import os
import platform
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
REPORT = ROOT / "docs" / "benchmarks.md"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/coproduce_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
SENDERS = 10
CONNECT_BATCH = 10
# Reconnect storm: members who are not among the N post while the N are away (each within the
# room's rate limit of 10 messages in 10 s), and how many reconnections are in flight at once.
STORM_WRITERS = 5
STORM_WRITES = 10
STORM_CONCURRENCY = 100
STORM_TIMEOUT = 120
RUN_TIMEOUT = 300  # seconds: no single load run may take longer than this


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, math.ceil(p / 100 * len(ordered)) - 1)
    return ordered[index]


def listening(port: int, process: subprocess.Popen, *, seconds: float) -> bool:
    """Whether `process` listens on loopback `port` within `seconds` (False as soon as it
    exits)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            return True
        time.sleep(0.1)
    return False


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


# --- Environment, database, servers ----------------------------------------------------------


def server_environment(*, database_url: str, redis_url: str, layer: str) -> dict:
    prefix = f"bench-{os.getpid()}-{layer}"
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "SECRET_KEY": os.environ.get("BENCH_SECRET_KEY") or secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": database_url,
        # As in production: kept connections pile up under an ASGI server (bench/ingest.py).
        "DATABASE_CONN_MAX_AGE": "0",
        "REDIS_URL": redis_url,
        "SECURE_SSL_REDIRECT": "false",
        "CHANNEL_LAYER_PREFIX": prefix,
        "CACHE_KEY_PREFIX": prefix,
        "BENCH_CHANNEL_LAYER": layer,
    }


def ensure_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    base, name = database_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def migrate(env: dict) -> None:
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--no-input", "-v", "0"],
        cwd=ROOT,
        env={**os.environ, **env},
        check=True,
    )


# The same application (bench.asgi) under each server; `python -m bench --servers` picks.
# uvicorn's limit on a frame is 1 MiB, as daphne's is and production's unit sets
# (docs/protocol.md relies on it).
def _uvicorn(websocket_protocol: str) -> list[str]:
    return [
        "-m",
        "uvicorn",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--ws",
        websocket_protocol,
        "--ws-max-size",
        "1048576",
        "--lifespan",
        "off",
        "--log-level",
        "warning",
        "--no-access-log",
    ]


SERVER_COMMANDS = {
    "daphne": ["-m", "daphne", "-v", "0", "-b", "127.0.0.1", "-p", "{port}"],
    # uvicorn's legacy protocol (deprecated in uvicorn 0.54), then the websockets library's
    # sans-I/O one, production's.
    "uvicorn": _uvicorn("websockets"),
    "uvicorn-sansio": _uvicorn("websockets-sansio"),
    "granian": [
        "-m",
        "granian",
        "--interface",
        "asginl",
        "--host",
        "127.0.0.1",
        "--port",
        "{port}",
        "--workers",
        "1",
        "--loop",
        "uvloop",
        "--log-level",
        "warning",
        "--no-access-log",
    ],
}


# The rooms' server in production (deploy/coproduce-web@.service, with the same loop, HTTP and
# WebSocket implementations and frame limit); the default here and in the tests that start a
# real server (tests/deliberation/servers.py).
PRODUCTION_SERVER = "uvicorn-sansio"

# Pages only (no WebSockets), over WSGI: production's server for pages, next to the rooms' ASGI
# server (deploy/gunicorn.conf.py, whose settings these take; one worker per process here, as
# `Servers` starts one process per port).
WSGI_SERVER_COMMANDS = {
    "gunicorn": [
        "-m",
        "gunicorn",
        "--config",
        str(ROOT / "deploy" / "gunicorn.conf.py"),
        "--bind",
        "127.0.0.1:{port}",
        "--workers",
        "1",
    ],
}


def server_command(server: str, port: int, package: str = "bench") -> list[str]:
    """The command line that serves `package`'s application on 127.0.0.1:`port` with
    `server`: its `asgi` module under an ASGI server, its `wsgi` one (the pages alone) under a
    WSGI server. By default the benchmark's (bench.asgi, bench.wsgi); "coproduce" for the
    site's own, as production serves it."""
    if server in WSGI_SERVER_COMMANDS:
        args = [part.replace("{port}", str(port)) for part in WSGI_SERVER_COMMANDS[server]]
        return [sys.executable, *args, f"{package}.wsgi:application"]
    args = [part.replace("{port}", str(port)) for part in SERVER_COMMANDS[server]]
    return [sys.executable, *args, f"{package}.asgi:application"]


class Servers:
    """`count` server processes (production's, PRODUCTION_SERVER, unless told) on free loopback
    ports; stopped on exit, whatever happens."""

    def __init__(self, env: dict, count: int = 2, server: str = PRODUCTION_SERVER):
        self.env = {**os.environ, **env}
        self.count = count
        self.server = server
        self.processes: list[subprocess.Popen] = []
        self.urls: list[str] = []
        # A file, not a pipe: a pipe nobody reads would stop a chatty server when it fills.
        # BENCH_SERVER_LOG keeps the servers' own output in a file, to read after a run.
        keep = os.environ.get("BENCH_SERVER_LOG")
        self.log = open(keep, "ab") if keep else tempfile.TemporaryFile()  # noqa: SIM115

    def __enter__(self):
        try:
            for _ in range(self.count):
                port = free_port()
                process = subprocess.Popen(
                    server_command(self.server, port),
                    cwd=ROOT,
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=self.log,
                )
                self.processes.append(process)
                self._wait(port, process)
                self.urls.append(f"127.0.0.1:{port}")
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.stop()

    def _wait(self, port: int, process: subprocess.Popen) -> None:
        if listening(port, process, seconds=30):
            return
        if process.poll() is not None:
            self.log.seek(0)
            raise RuntimeError(f"{self.server} exited: {self.log.read().decode()[-2000:]}")
        raise RuntimeError(f"{self.server} did not start on port {port}")

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.processes.clear()
        self.log.close()


# --- Data: members, a live session, signed-in cookies ---------------------------------------


def setup_django(env: dict) -> None:
    os.environ.update(env)
    import django

    django.setup()


def members_with_cookies(count: int) -> list[tuple[int, str]]:
    """`count` verified members, each with a signed-in session: [(user id, session key)]."""
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore

    User = get_user_model()
    emails = [f"bench-member-{i}@bench.invalid" for i in range(count)]
    existing = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
    User.objects.bulk_create(
        [
            User(email=email, display_name=f"Bench member {i}", password=make_password(None))
            for i, email in enumerate(emails)
            if email not in existing
        ]
    )
    users = {user.email: user for user in User.objects.filter(email__in=emails)}
    result = []
    for email in emails:
        user = users[email]
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        result.append((user.pk, store.session_key))
    return result


def new_live_session(member_ids: list[int], label: str) -> int:
    from django.utils import timezone

    from deliberation.models import AgendaItem, CoproductionGroup, Session

    group, _ = CoproductionGroup.objects.get_or_create(
        slug="bench-room", defaults={"name": "Benchmark group", "purpose": "Load testing."}
    )
    group.members.add(*member_ids)
    session = Session.objects.create(
        group=group, title=label, scheduled_at=timezone.now(), status=Session.Status.LIVE
    )
    AgendaItem.objects.create(session=session, title="Load", sort_order=0)
    return session.pk


def last_seq(session_id: int) -> int:
    from deliberation.models import Session

    return Session.objects.values_list("last_seq", flat=True).get(pk=session_id)


# --- Clients ---------------------------------------------------------------------------------


@dataclass
class Client:
    index: int
    host: str
    path: str
    cookie: str | None
    kind: str  # "ours" or "bare"
    socket: object = None
    start_seq: int = 0
    seqs: list[int] = field(default_factory=list)
    presence_frames: int = 0
    received: dict[int, int] = field(default_factory=dict)  # bench message number -> times
    per_sender: dict[int, list[int]] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    sent_at: dict[str, float] = field(default_factory=dict)
    ack_ms: list[float] = field(default_factory=list)
    reader: asyncio.Task | None = None

    @property
    def seen(self) -> int:
        """The last seq this client has received (its `since` when it reconnects)."""
        return self.seqs[-1] if self.seqs else self.start_seq

    async def open(self, since: int | None = None):
        import websockets

        headers = {"Cookie": f"sessionid={self.cookie}"} if self.cookie else {}
        query = f"?since={since}" if since is not None else ""
        self.socket = await websockets.connect(
            f"ws://{self.host}{self.path}{query}",
            origin=f"http://{self.host}",
            additional_headers=headers,
            compression=None,
            ping_interval=None,
            max_size=2**20,
            max_queue=None,
            open_timeout=60,
        )
        if self.kind == "ours":
            welcome = json.loads(await self.socket.recv())
            assert welcome["type"] == "welcome", welcome
            if since is None:
                self.start_seq = welcome["last_seq"]
            # After a reconnect the backlog after `since`, then live events, follow: they
            # continue `seqs`, which must still run without a gap or a repeat.
        self.reader = asyncio.create_task(self.read())

    async def read(self):
        with contextlib.suppress(Exception):
            async for raw in self.socket:
                now = time.time()
                message = json.loads(raw)
                if self.kind == "ours":
                    kind = message.get("type")
                    if kind == "error":
                        self.errors.append(message.get("code", "?"))
                        continue
                    if kind == "ack":
                        # Server processing alone: validate, check, append, commit (no fan-out).
                        sent = self.sent_at.pop(message.get("client_id"), None)
                        if sent is not None:
                            self.ack_ms.append((now - sent) * 1000)
                        continue
                    if "seq" not in message:
                        # Presence (protocol 3): not logged, no seq; counted apart.
                        self.presence_frames += 1
                        continue
                    self.seqs.append(message["seq"])
                    if kind != "contribution.created":
                        continue
                self._note(message.get("text", ""), now)

    def _note(self, text: str, now: float) -> None:
        if not text.startswith("bench|"):
            return
        _tag, sender, number, sent = text.split("|")
        number = int(number)
        self.received[number] = self.received.get(number, 0) + 1
        self.per_sender.setdefault(int(sender), []).append(number)
        self.latencies.append((now - float(sent)) * 1000)

    async def close(self):
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.socket.close(), 5)
        if self.reader:
            self.reader.cancel()
            await asyncio.wait([self.reader], timeout=1)


async def _wait_until(predicate, timeout: float, interval: float = 0.1) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if await predicate():
            return True
        await asyncio.sleep(interval)
    return await predicate()


async def reconnect_storm(
    clients: list[Client],
    *,
    session_id: int,
    path: str,
    hosts: list[str],
    writer_cookies: list[str],
    concurrency: int = STORM_CONCURRENCY,
) -> tuple[dict, int]:
    """Every client drops at once; while they are away other members post STORM_WRITES
    contributions; then every client reconnects with `since` = the last seq it saw (at most
    `concurrency` handshakes in flight). Returns the figures and the log's last seq, which every
    client must reach: its seqs, before and after, must still be gapless and without repeats."""
    loop = asyncio.get_running_loop()
    await asyncio.gather(*(c.close() for c in clients))
    writers = [
        Client(-1 - i, hosts[i % len(hosts)], path, cookie, "ours")
        for i, cookie in enumerate(writer_cookies)
    ]
    try:
        await asyncio.gather(*(w.open() for w in writers))
        for k in range(STORM_WRITES):
            writer = writers[k % len(writers)]
            writer.sent_at[f"s{k}"] = time.time()
            await writer.socket.send(
                json.dumps({"type": "contribution.create", "client_id": f"s{k}", "text": f"s|{k}"})
            )

        async def acknowledged():
            return sum(len(w.ack_ms) for w in writers) >= STORM_WRITES

        written = await _wait_until(acknowledged, 30)
    finally:
        await asyncio.gather(*(w.close() for w in writers))
    final = await asyncio.to_thread(last_seq, session_id)
    missed = final - min(c.seen for c in clients)
    gate = asyncio.Semaphore(concurrency)

    async def back(client: Client):
        async with gate:
            await client.open(since=client.seen)

    started = loop.time()
    outcomes = await asyncio.gather(*(back(c) for c in clients), return_exceptions=True)
    reconnect_seconds = loop.time() - started

    async def caught_up():
        return all(c.seen >= final for c in clients)

    done = await _wait_until(caught_up, STORM_TIMEOUT, 0.02)
    caught_up_seconds = loop.time() - started
    refused = sum(1 for outcome in outcomes if isinstance(outcome, BaseException))
    return {
        "storm_clients": len(clients),
        "storm_missed_events": missed,
        "storm_written": STORM_WRITES if written else sum(len(w.ack_ms) for w in writers),
        "storm_reconnect_s": round(reconnect_seconds, 2),
        "storm_caught_up_s": round(caught_up_seconds, 2) if done else None,
        "storm_refused": refused,
        "storm_load_average_1min": round(os.getloadavg()[0], 2),
    }, final


async def run_load(
    *,
    kind: str,
    hosts: list[str],
    session_id: int,
    cookies: list[str],
    n: int,
    duration: float,
    rate: float,
    storm_cookies: list[str] | None = None,
) -> dict:
    """One load run; with `storm_cookies` (members outside the N), a reconnect storm after it
    (reconnect_storm), whose events the exactly-once check covers too."""
    path = f"/ws/rooms/{session_id}/" if kind == "ours" else f"/ws/bare/{session_id}/"
    clients = [
        Client(i, hosts[i % len(hosts)], path, cookies[i] if kind == "ours" else None, kind)
        for i in range(n)
    ]
    started = time.monotonic()
    try:
        refused = 0
        for offset in range(0, n, CONNECT_BATCH):
            batch = clients[offset : offset + CONNECT_BATCH]
            outcomes = await asyncio.gather(*(c.open() for c in batch), return_exceptions=True)
            refused += sum(1 for outcome in outcomes if isinstance(outcome, BaseException))
        connect_seconds = time.monotonic() - started
        # A handshake the server dropped (daphne gives the application 5 s to accept) is a
        # failure the report shows; the run goes on with those who got in.
        clients = [c for c in clients if c.reader is not None]
        if len(clients) < 2:
            raise RuntimeError(f"only {len(clients)} of {n} clients could connect")

        if kind == "ours":
            # Let the joins settle before measuring (before protocol 3 each was a logged event
            # to everyone; now presence is batched and not logged, so this returns at once).
            async def joined():
                target = await asyncio.to_thread(last_seq, session_id)
                return all((c.seqs[-1] if c.seqs else c.start_seq) >= target for c in clients)

            await _wait_until(joined, 120, 0.25)
        else:
            await asyncio.sleep(1)

        step = max(1, len(clients) // SENDERS)
        senders = clients[::step][:SENDERS]
        total = int(rate * duration)
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        for k in range(total):
            await asyncio.sleep(max(0.0, t0 + k / rate - loop.time()))
            sender = senders[k % len(senders)]
            now = time.time()
            text = f"bench|{sender.index}|{k}|{now:.6f}"
            sender.sent_at[f"b{k}"] = now
            await sender.socket.send(
                json.dumps({"type": "contribution.create", "client_id": f"b{k}", "text": text})
            )

        async def delivered():
            return all(len(c.received) >= total for c in clients)

        complete = delivered_all = await _wait_until(delivered, 30, 0.02)
        # Deliveries per second over the whole window, from the first send to the moment every
        # client had every contribution (the offered rate times N while the servers keep up).
        window = loop.time() - t0
        final = await asyncio.to_thread(last_seq, session_id) if kind == "ours" else None
        if kind == "ours":

            async def caught_up():
                return all(c.seqs and c.seqs[-1] >= final for c in clients)

            complete = await _wait_until(caught_up, 10) and complete
        storm = {}
        if kind == "ours" and storm_cookies:
            storm, final = await reconnect_storm(
                clients, session_id=session_id, path=path, hosts=hosts, writer_cookies=storm_cookies
            )
            complete = complete and storm["storm_caught_up_s"] is not None
            refused += storm["storm_refused"]
        result = evaluate(kind, clients, total, final, connect_seconds, complete)
        result["deliveries_per_s"] = round(total * len(clients) / window) if delivered_all else None
        result.update(storm)
        result["refused_connections"] = refused
        result["exactly_once_in_order"] = result["exactly_once_in_order"] and not refused
        return result
    finally:
        await asyncio.gather(*(c.close() for c in clients if c.socket))


def evaluate(kind, clients, total, final, connect_seconds, complete) -> dict:
    latencies = [value for c in clients for value in c.latencies]
    acks = [value for c in clients for value in c.ack_ms]
    problems = {"missing": 0, "duplicated": 0, "out_of_order": 0, "errors": 0}
    for c in clients:
        counts = c.received
        problems["missing"] += sum(1 for k in range(total) if counts.get(k, 0) == 0)
        problems["duplicated"] += sum(times - 1 for times in counts.values() if times > 1)
        problems["errors"] += len(c.errors)
        if kind == "ours":
            expected = list(range(c.start_seq + 1, final + 1))
            if c.seqs != expected:
                problems["out_of_order"] += int(c.seqs != sorted(c.seqs))
                problems["duplicated"] += len(c.seqs) - len(set(c.seqs))
                problems["missing"] += len(set(expected) - set(c.seqs))
        else:
            problems["out_of_order"] += sum(
                1 for numbers in c.per_sender.values() if numbers != sorted(numbers)
            )
    exactly_once = complete and not any(problems.values())
    return {
        # The machine's load while measuring: other work on the same CPUs inflates every figure.
        "load_average_1min": round(os.getloadavg()[0], 2),
        "kind": kind,
        "clients": len(clients),
        "messages": total,
        "deliveries": len(latencies),
        "expected_deliveries": total * len(clients),
        "connect_seconds": round(connect_seconds, 2),
        "p50_ms": _round(percentile(latencies, 50)),
        "p95_ms": _round(percentile(latencies, 95)),
        "p99_ms": _round(percentile(latencies, 99)),
        "max_ms": _round(max(latencies) if latencies else None),
        "ack_p50_ms": _round(percentile(acks, 50)),
        "ack_p95_ms": _round(percentile(acks, 95)),
        "exactly_once_in_order": exactly_once,
        "problems": problems,
    }


def _refused(run: dict) -> str:
    refused = run.get("refused_connections")
    return f" ({refused} refused)" if refused else ""


def _round(value):
    return None if value is None else round(value, 1)


# --- Reporting -------------------------------------------------------------------------------


def machine_and_versions(database_url: str, redis_url: str) -> dict:
    from importlib.metadata import version

    import psycopg
    import redis

    cpu = "unknown"
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory = "unknown"
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f"{kib / 1024 / 1024:.1f} GiB"
    with psycopg.connect(database_url) as db:
        postgres = db.execute("SHOW server_version").fetchone()[0]
    redis_version = redis.Redis.from_url(redis_url).info("server")["redis_version"]
    return {
        "machine": {
            "platform": platform.platform(),
            "cpu": cpu,
            "cpus": os.cpu_count(),
            "memory": memory,
        },
        "versions": {
            "python": platform.python_version(),
            **{
                name: version(name)
                for name in (
                    "django",
                    "channels",
                    "channels-redis",
                    "daphne",
                    "uvicorn",
                    "websockets",
                )
            },
            "postgresql": postgres,
            "redis": redis_version,
        },
    }


def _storm(run: dict) -> str:
    if "storm_clients" not in run:
        return "—"
    if run["storm_caught_up_s"] is None:
        return f"not caught up in {STORM_TIMEOUT} s"
    return f"{run['storm_caught_up_s']} ({run['storm_missed_events']} missed)"


def write_report(results: dict, section: str = "bench") -> None:
    """bench/results.json and the `bench` block of docs/benchmarks.md; another `section` (the
    server comparison, a storm run) writes bench/results-<section>.json and its own block, so
    that a run of one part does not rewrite the figures of another."""
    results_path = RESULTS if section == "bench" else RESULTS.with_name(f"results-{section}.json")
    results_path.write_text(json.dumps(results, indent=2) + "\n")
    marker = "bench" if section == "bench" else f"bench-{section}"
    command = results.get("command", "make bench")
    processes = results.get("processes", 2)
    spread = (
        "one server process"
        if processes == 1
        else f"{processes} server processes, clients spread evenly over them"
    )
    lines = [
        f"<!-- {marker}:start (written by `{command}`; edit outside these markers) -->",
        f"Run at {results['finished_at']} on {results['machine']['cpu']} "
        f"({results['machine']['cpus']} CPUs, {results['machine']['memory']}), "
        f"{results['machine']['platform']}.",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in results["versions"].items()) + ".",
        "",
        f"Load: {results['rate']} contributions per second in total from {SENDERS} members, "
        f"for {results['duration']} s, every member connected; {spread}. Reconnect storm "
        f"(where run): every member drops, {STORM_WRITES} contributions are posted meanwhile, "
        f"every member reconnects with `since` ({STORM_CONCURRENCY} handshakes at a time); "
        "seconds from the first reconnection until every member has every event.",
        "",
        "| server | layer | N | consumer | p50 ms | p95 ms | p99 ms | max ms | delivered | "
        "deliveries/s | exactly once, in order | connect s | storm caught up s | load avg |",
        "| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: "
        "| ---: |",
    ]
    for run in results["runs"]:
        server = run.get("server", "daphne")
        if "error" in run:
            lines.append(
                f"| {server} | {run['layer']} | {run['n']} | {run['kind']} | — | — | — | — | — "
                f"| — | did not finish: {run['error']} | — | — | "
                f"{run.get('load_average_1min', '—')} |"
            )
            continue
        lines.append(
            f"| {server} | {run['layer']} | {run['clients']} | {run['kind']} | {run['p50_ms']} | "
            f"{run['p95_ms']} | {run['p99_ms']} | {run['max_ms']} | "
            f"{run['deliveries']}/{run['expected_deliveries']} | "
            f"{run.get('deliveries_per_s', '—')} | "
            f"{'yes' if run['exactly_once_in_order'] else 'NO ' + json.dumps(run['problems'])}"
            f"{_refused(run)}"
            f" | {run['connect_seconds']} | {_storm(run)} | {run.get('load_average_1min', '')} |"
        )
    lines += [
        "",
        "| server | layer | N | p95 ours/bare |",
        "| --- | --- | ---: | ---: |",
    ]
    for ratio in results["ratios"]:
        lines.append(
            f"| {ratio.get('server', 'daphne')} | {ratio['layer']} | {ratio['n']} "
            f"| {ratio['p95_ratio']} |"
        )
    lines.append(f"<!-- {marker}:end -->")
    block = "\n".join(lines)
    text = REPORT.read_text() if REPORT.exists() else "# Benchmarks\n"
    start, end = f"<!-- {marker}:start", f"<!-- {marker}:end -->"
    if start in text and end in text:
        head = text.split(start, 1)[0]
        tail = text.split(end, 1)[1]
        REPORT.write_text(head + block + tail)
    else:
        REPORT.write_text(text.rstrip("\n") + "\n\n" + block + "\n")


# --- Main ------------------------------------------------------------------------------------


def _stop_on_sigterm(*_):
    raise SystemExit(143)


SMOKE = {"sizes": [6], "duration": 2.0, "rate": 2.0, "layers": ["pubsub"], "processes": 1}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--duration", type=float, default=20.0)
    parser.add_argument("--rate", type=float, default=5.0)
    parser.add_argument("--layers", nargs="+", default=["pubsub", "core"])
    parser.add_argument(
        "--core-sizes",
        type=int,
        nargs="+",
        default=[50],
        help="sizes to run on the core RedisChannelLayer (for the choice of layer)",
    )
    parser.add_argument(
        "--servers",
        nargs="+",
        choices=sorted(SERVER_COMMANDS),
        default=[PRODUCTION_SERVER],
        help="ASGI servers to run the same application under, one after the other",
    )
    parser.add_argument(
        "--processes", type=int, default=2, help="server processes, clients spread over them"
    )
    parser.add_argument(
        "--storm",
        action="store_true",
        help="after each run of the room, a reconnect storm (every member drops and comes back "
        "with `since`)",
    )
    parser.add_argument(
        "--no-bare", action="store_true", help="skip the bare consumer (no ours/bare ratio)"
    )
    parser.add_argument(
        "--section",
        default=None,
        help="write bench/results-SECTION.json and its own block of docs/benchmarks.md instead "
        "of the main figures (default: main figures, or 'servers' with more than one server)",
    )
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="a few members for a few seconds, every part once (storm included); writes "
        "only the JSON (--json), not the report",
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=Path(tempfile.gettempdir()) / "coproduce-bench-smoke.json",
        help="where --smoke writes its results",
    )
    parser.add_argument(
        "--no-migrate",
        action="store_true",
        help="the database is migrated already (the smoke tests' test database)",
    )
    args = parser.parse_args(argv)
    if args.smoke:
        for name, value in SMOKE.items():
            setattr(args, name, value)
        args.storm = True
    section = args.section or (
        "smoke" if args.smoke else "servers" if len(args.servers) > 1 else "bench"
    )
    signal.signal(signal.SIGTERM, _stop_on_sigterm)

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    os.environ["BENCH_SECRET_KEY"] = secrets.token_urlsafe(50)
    env = server_environment(database_url=database_url, redis_url=redis_url, layer="pubsub")
    ensure_database(database_url)
    if not args.no_migrate:
        migrate(env)
    setup_django(env)
    largest = max(args.sizes + (args.core_sizes if "core" in args.layers else []))
    people = members_with_cookies(largest + STORM_WRITERS)
    storm_people = people[largest:]
    results = {
        **machine_and_versions(database_url, redis_url),
        "command": "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:]),
        "rate": args.rate,
        "duration": args.duration,
        "processes": args.processes,
        "runs": [],
        "ratios": [],
    }
    kinds = ("ours",) if args.no_bare else ("ours", "bare")
    for server in args.servers:
        for layer in args.layers:
            sizes = args.sizes if layer == "pubsub" else args.core_sizes
            layer_env = server_environment(
                database_url=database_url, redis_url=redis_url, layer=layer
            )
            with Servers(layer_env, count=args.processes, server=server) as servers:
                for n in sizes:
                    by_kind = {}
                    for kind in kinds:
                        members = [pk for pk, _ in people[:n] + storm_people]
                        session_id = new_live_session(
                            members, f"Bench {server} {layer} N={n} {kind}"
                        )
                        print(f"[bench] {server} {layer} N={n} {kind} ...", flush=True)
                        try:
                            run = asyncio.run(
                                asyncio.wait_for(
                                    run_load(
                                        kind=kind,
                                        hosts=servers.urls,
                                        session_id=session_id,
                                        cookies=[cookie for _, cookie in people[:n]],
                                        n=n,
                                        duration=args.duration,
                                        rate=args.rate,
                                        storm_cookies=[c for _, c in storm_people]
                                        if args.storm
                                        else None,
                                    ),
                                    RUN_TIMEOUT,
                                )
                            )
                        except Exception as error:  # noqa: BLE001 - reported, the run goes on
                            run = {
                                "kind": kind,
                                "n": n,
                                "error": type(error).__name__,
                                "load_average_1min": round(os.getloadavg()[0], 2),
                            }
                        run["layer"] = layer
                        run["server"] = server
                        run.setdefault("n", n)
                        by_kind[kind] = run
                        results["runs"].append(run)
                        print(f"[bench]   {json.dumps(run)}", flush=True)
                    ours, bare = by_kind.get("ours", {}), by_kind.get("bare", {})
                    if ours.get("p95_ms") and bare.get("p95_ms"):
                        results["ratios"].append(
                            {
                                "server": server,
                                "layer": layer,
                                "n": n,
                                "p95_ratio": round(ours["p95_ms"] / bare["p95_ms"], 2),
                            }
                        )
    results["finished_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    if args.smoke:
        args.json.write_text(json.dumps(results, indent=2) + "\n")
        print(f"[bench] wrote {args.json}")
    else:
        write_report(results, section)
        print(f"[bench] wrote bench/results*.json and {REPORT.relative_to(ROOT)}")
    failed = [run for run in results["runs"] if not run.get("exactly_once_in_order")]
    return 1 if failed and args.smoke else 0
