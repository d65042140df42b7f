"""Live-room benchmark: send-to-receipt latency and exactly-once, in-order delivery.

It starts everything it measures on loopback and stops it afterwards: two daphne processes
sharing Redis and one PostgreSQL database (created if missing, migrated). N signed-in members
(asyncio WebSocket clients) join one live session, spread over both processes; ten of them post
contributions at RATE per second in total. Every client records, for every contribution, the
time from its sending to its receipt, and the seq of every event it receives, which must be
gapless from its `welcome` to the end of the log: exactly once, in order. The same load then
runs against a bare consumer that only group_sends what it receives (no database, no auth) on
the same channel layer; ours/bare is the figure to watch.

    python -m bench                 # N = 50, 200, 500 on the pub/sub layer; core layer at N=50
    python -m bench --sizes 50 --duration 10 --layers pubsub

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
RUN_TIMEOUT = 300  # seconds: no single load run may take longer than this


def percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    index = max(0, math.ceil(p / 100 * len(ordered)) - 1)
    return ordered[index]


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
        "DATABASE_CONN_MAX_AGE": "60",
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


class Servers:
    """Two daphne processes on free loopback ports; stopped on exit, whatever happens."""

    def __init__(self, env: dict, count: int = 2):
        self.env = {**os.environ, **env}
        self.count = count
        self.processes: list[subprocess.Popen] = []
        self.urls: list[str] = []

    def __enter__(self):
        try:
            for _ in range(self.count):
                port = free_port()
                process = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "daphne",
                        "-v",
                        "0",
                        "-b",
                        "127.0.0.1",
                        "-p",
                        str(port),
                        "bench.asgi:application",
                    ],
                    cwd=ROOT,
                    env=self.env,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
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
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"daphne exited: {process.stderr.read().decode()[-2000:]}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
                return
            time.sleep(0.1)
        raise RuntimeError(f"daphne did not start on port {port}")

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

    async def open(self):
        import websockets

        headers = {"Cookie": f"sessionid={self.cookie}"} if self.cookie else {}
        self.socket = await websockets.connect(
            f"ws://{self.host}{self.path}",
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
            self.start_seq = welcome["last_seq"]
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


async def _wait_until(predicate, timeout: float, interval: float = 0.1) -> bool:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        if await predicate():
            return True
        await asyncio.sleep(interval)
    return await predicate()


async def run_load(
    *,
    kind: str,
    hosts: list[str],
    session_id: int,
    cookies: list[str],
    n: int,
    duration: float,
    rate: float,
) -> dict:
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

        complete = await _wait_until(delivered, 30)
        final = await asyncio.to_thread(last_seq, session_id) if kind == "ours" else None
        if kind == "ours":

            async def caught_up():
                return all(c.seqs and c.seqs[-1] >= final for c in clients)

            complete = await _wait_until(caught_up, 10) and complete
        result = evaluate(kind, clients, total, final, connect_seconds, complete)
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
                for name in ("django", "channels", "channels-redis", "daphne", "websockets")
            },
            "postgresql": postgres,
            "redis": redis_version,
        },
    }


def write_report(results: dict) -> None:
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    lines = [
        "<!-- bench:start (written by `make bench`; edit outside these markers) -->",
        f"Run at {results['finished_at']} on {results['machine']['cpu']} "
        f"({results['machine']['cpus']} CPUs, {results['machine']['memory']}), "
        f"{results['machine']['platform']}.",
        "",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in results["versions"].items()) + ".",
        "",
        f"Load: {results['rate']} contributions per second in total from {SENDERS} members, "
        f"for {results['duration']} s, every member connected; two daphne processes, "
        "clients spread evenly over both.",
        "",
        "| layer | N | consumer | p50 ms | p95 ms | p99 ms | max ms | delivered | "
        "exactly once, in order | connect s | load avg |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |",
    ]
    for run in results["runs"]:
        if "error" in run:
            lines.append(
                f"| {run['layer']} | {run['n']} | {run['kind']} | — | — | — | — | — | "
                f"did not finish: {run['error']} | — | — |"
            )
            continue
        lines.append(
            f"| {run['layer']} | {run['clients']} | {run['kind']} | {run['p50_ms']} | "
            f"{run['p95_ms']} | {run['p99_ms']} | {run['max_ms']} | "
            f"{run['deliveries']}/{run['expected_deliveries']} | "
            f"{'yes' if run['exactly_once_in_order'] else 'NO ' + json.dumps(run['problems'])}"
            f"{_refused(run)}"
            f" | {run['connect_seconds']} | {run.get('load_average_1min', '')} |"
        )
    lines += ["", "| layer | N | p95 ours/bare |", "| --- | ---: | ---: |"]
    for ratio in results["ratios"]:
        lines.append(f"| {ratio['layer']} | {ratio['n']} | {ratio['p95_ratio']} |")
    lines.append("<!-- bench:end -->")
    block = "\n".join(lines)
    if REPORT.exists() and "<!-- bench:start" in REPORT.read_text():
        text = REPORT.read_text()
        head = text.split("<!-- bench:start", 1)[0]
        tail = text.split("<!-- bench:end -->", 1)[1] if "<!-- bench:end -->" in text else ""
        REPORT.write_text(head + block + tail)
    else:
        REPORT.write_text("# Benchmarks\n\n## Live rooms (`make bench`)\n\n" + block + "\n")


# --- Main ------------------------------------------------------------------------------------


def _stop_on_sigterm(*_):
    raise SystemExit(143)


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
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)

    database_url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS_URL
    os.environ["BENCH_SECRET_KEY"] = secrets.token_urlsafe(50)
    env = server_environment(database_url=database_url, redis_url=redis_url, layer="pubsub")
    ensure_database(database_url)
    migrate(env)
    setup_django(env)
    people = members_with_cookies(max(args.sizes + args.core_sizes))
    results = {
        **machine_and_versions(database_url, redis_url),
        "rate": args.rate,
        "duration": args.duration,
        "runs": [],
        "ratios": [],
    }
    for layer in args.layers:
        sizes = args.sizes if layer == "pubsub" else args.core_sizes
        layer_env = server_environment(database_url=database_url, redis_url=redis_url, layer=layer)
        with Servers(layer_env) as servers:
            for n in sizes:
                by_kind = {}
                for kind in ("ours", "bare"):
                    session_id = new_live_session(
                        [pk for pk, _ in people[:n]], f"Bench {layer} N={n} {kind}"
                    )
                    print(f"[bench] {layer} N={n} {kind} ...", flush=True)
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
                                ),
                                RUN_TIMEOUT,
                            )
                        )
                    except Exception as error:  # noqa: BLE001 - reported, and the run goes on
                        run = {"kind": kind, "n": n, "error": type(error).__name__}
                    run["layer"] = layer
                    run.setdefault("n", n)
                    by_kind[kind] = run
                    results["runs"].append(run)
                    print(f"[bench]   {json.dumps(run)}", flush=True)
                ours, bare = by_kind["ours"], by_kind["bare"]
                if ours.get("p95_ms") and bare.get("p95_ms"):
                    results["ratios"].append(
                        {
                            "layer": layer,
                            "n": n,
                            "p95_ratio": round(ours["p95_ms"] / bare["p95_ms"], 2),
                        }
                    )
    results["finished_at"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    write_report(results)
    print(f"[bench] wrote {RESULTS.relative_to(ROOT)} and {REPORT.relative_to(ROOT)}")
    return 0
