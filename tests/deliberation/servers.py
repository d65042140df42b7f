"""Real server processes on loopback ports, serving the test database, for tests that need a
server a browser or a separate WebSocket client can reach. Each is stopped when the block ends.

The server is production's (bench/rooms.py's PRODUCTION_SERVER: uvicorn with websockets'
sans-I/O protocol) unless `ROOM_TEST_SERVER` names another one the benchmark compares (daphne,
uvicorn with the legacy protocol or granian, run as bench/rooms.py's SERVER_COMMANDS run them):
`ROOM_TEST_SERVER=daphne pytest ...` runs every real-server test under daphne."""

import os
import signal
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager, suppress
from pathlib import Path

from django.db import connection

from bench.rooms import PRODUCTION_SERVER, SERVER_COMMANDS, WSGI_SERVER_COMMANDS, server_command
from tests.conftest import require

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def room_test_server() -> str:
    """The server this run's real-server tests start: `ROOM_TEST_SERVER`, production's by
    default."""
    server = os.environ.get("ROOM_TEST_SERVER", "").strip() or PRODUCTION_SERVER
    if server not in SERVER_COMMANDS:
        raise ValueError(
            f"ROOM_TEST_SERVER={server!r}: expected one of {', '.join(SERVER_COMMANDS)}"
        )
    return server


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_database_url() -> str:
    """The database this test run created, as a DATABASE_URL for another process."""
    settings = connection.settings_dict
    if connection.vendor == "postgresql":
        auth = settings["USER"] or ""
        if settings.get("PASSWORD"):
            auth += f":{settings['PASSWORD']}"
        host = settings.get("HOST") or "127.0.0.1"
        port = settings.get("PORT") or 5432
        return f"postgres://{auth}@{host}:{port}/{settings['NAME']}"
    name = str(settings["NAME"])
    require(
        name and "memory" not in name and not name.startswith("file:"),
        "a server process cannot share an in-memory SQLite test database: set "
        "TEST_SQLITE_NAME to a file path, or DATABASE_URL to PostgreSQL",
    )
    return f"sqlite:///{name}"


def _wait_for(port: int, process: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited early:\n{log.read_text()[-3000:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not start on port {port}:\n{log.read_text()[-3000:]}")


class Servers(list):
    """The base URLs (http://127.0.0.1:port), with `processes` in the same order (a test may
    kill one)."""

    processes: list[subprocess.Popen]

    def kill(self, index: int) -> None:
        """`kill -9` server `index`: every process of it. granian serves from a worker process
        its first one starts, and a worker outlives a supervisor killed alone, still serving
        its connections."""
        _signal_group(self.processes[index], signal.SIGKILL)
        self.processes[index].wait()


def _signal_group(process: subprocess.Popen, signum: int) -> None:
    """Send `signum` to the process group `process` leads (each server starts its own)."""
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signum)


@contextmanager
def real_servers(
    count: int = 1,
    *,
    redis_url: str | None = None,
    prefix: str = "test",
    extra_env: dict[str, str] | None = None,
    server: str | None = None,
):
    """Start `count` processes of `server` (by default room_test_server(): production's unless
    `ROOM_TEST_SERVER` names another, run as bench/rooms.py runs them for the server comparison
    of docs/benchmarks.md); yield their base URLs (http://127.0.0.1:port).
    `server="gunicorn"` serves the pages as production does (coproduce/wsgi.py, no WebSockets)."""
    server = server or room_test_server()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "coproduce.settings.test", **(extra_env or {})}
    env["DATABASE_URL"] = test_database_url()
    # As in production (settings/production.py): a pool of open PostgreSQL connections, for
    # gunicorn one per thread (docs/deployment.md), so no thread waits for a connection.
    threads = env.setdefault("WEB_THREADS", "8")
    env.setdefault("DATABASE_POOL_MAX_SIZE", threads if server in WSGI_SERVER_COMMANDS else "4")
    env.pop("REDIS_URL", None)
    if redis_url:
        env.update(REDIS_URL=redis_url, CHANNEL_LAYER_PREFIX=prefix, CACHE_KEY_PREFIX=prefix)
    processes = []
    logs = tempfile.TemporaryDirectory(prefix="server-logs-")
    try:
        urls = Servers()
        urls.processes = processes
        for index in range(count):
            port = free_port()
            log = Path(logs.name) / f"{server}-{index}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    server_command(server, port, "coproduce"),
                    cwd=BASE_DIR,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            processes.append(process)
            _wait_for(port, process, log)
            urls.append(f"http://127.0.0.1:{port}")
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            # Whatever of it is left (a granian worker whose supervisor was killed).
            _signal_group(process, signal.SIGKILL)
        logs.cleanup()
