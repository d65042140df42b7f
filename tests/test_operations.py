"""Operating the site: health endpoints, request ids in logs and on the error page, the page
people get while the database is unreachable, error reports with personal data removed, and
the static files build.

Outages are made without touching the shared services: the database connection is pointed at
a closed port for the length of a test, and Redis is a server the test starts and stops itself.
"""

import contextlib
import datetime
import io
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sentry_sdk
from asgiref.sync import async_to_sync
from django.core import mail
from django.db import connections
from django.test import AsyncClient, Client, RequestFactory, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from sentry_sdk.transport import Transport

from coproduce.operations.log_format import JsonFormatter
from coproduce.operations.request_id import RequestIdFilter, RequestIdMiddleware
from coproduce.operations.sentry import init_sentry, scrub_event, slow_transactions_only
from coproduce.operations.views import server_error
from tests.conftest import require

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.django_db(transaction=True)


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def database_unreachable():
    """Point the default database at a port nobody listens on; put it back afterwards."""
    connection = connections["default"]
    require(connection.vendor == "postgresql", "needs PostgreSQL (set DATABASE_URL)")
    connection.close()
    saved = {key: connection.settings_dict[key] for key in ("HOST", "PORT")}
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(closed_port()))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


@contextlib.contextmanager
def own_redis():
    """A Redis server of this test's own, on a free port; yields its URL and the process."""
    server = shutil.which("redis-server")
    require(server is not None, "needs redis-server")
    port = closed_port()
    process = subprocess.Popen(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
                break
            time.sleep(0.05)
        else:
            pytest.fail("redis-server did not start")
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        process.terminate()
        process.wait(timeout=10)


def redis_settings(url: str) -> dict:
    return {
        "CACHES": {
            "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
        },
        "CHANNEL_LAYERS": {
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [url], "prefix": "test-health"},
            }
        },
    }


def ready(client: Client):
    response = client.get("/health/ready/")
    return response.status_code, response.json()


# Health ------------------------------------------------------------------------------------


def test_live_answers_while_the_database_is_unreachable(client):
    with database_unreachable():
        response = client.get("/health/live/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_ready_with_everything_up_then_redis_stopped():
    client = Client()
    with own_redis() as (url, process), override_settings(**redis_settings(url)):
        status, body = ready(client)
        assert (status, body["status"]) == (200, "ok"), body
        assert body["checks"] == {
            "database": "ok",
            "migrations": "ok",
            "cache": "ok",
            "channel_layer": "ok",
            "task_backlog": "ok",
        }

        process.terminate()
        process.wait(timeout=10)
        status, body = ready(client)
        strict = client.get("/health/ready/?strict=1")
    # Redis is shared by every process and pages fail open without it: taking every process
    # out of the load balancer would turn a degraded site into none. A monitor still sees it.
    assert status == 200
    assert body["status"] == "degraded"
    failing = {name for name, value in body["checks"].items() if value != "ok"}
    assert failing == {"cache", "channel_layer"}
    assert "unreachable" in body["checks"]["channel_layer"]
    assert strict.status_code == 503
    assert strict.json()["status"] == "unavailable"


def test_ready_names_the_database_when_it_is_unreachable(client):
    with database_unreachable():
        status, body = ready(client)
    assert status == 503
    failing = {name for name, value in body["checks"].items() if value != "ok"}
    assert {"database", "migrations"} <= failing
    assert "cache" not in failing


def test_ready_fails_while_a_migration_is_not_applied(client):
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT id, app, name, applied FROM django_migrations WHERE app = 'deliberation' "
            "ORDER BY name DESC LIMIT 1"
        )
        row = cursor.fetchone()
        cursor.execute("DELETE FROM django_migrations WHERE id = %s", [row[0]])
    try:
        status, body = ready(client)
    finally:
        with connections["default"].cursor() as cursor:
            cursor.execute(
                "INSERT INTO django_migrations (id, app, name, applied) VALUES (%s, %s, %s, %s)",
                row,
            )
    assert status == 503
    assert body["checks"]["migrations"] == "Unavailable: 1 migration(s) not applied"
    assert body["checks"]["database"] == "ok"
    assert ready(client)[0] == 200


def _ready_task(waited: datetime.timedelta) -> DBTaskResult:
    result = DBTaskResult.objects.create(
        args_kwargs={"args": [1], "kwargs": {}},
        task_path="engagement.decisions.tasks.notify_decision_round",
        backend_name="default",
        run_after=get_date_max(),
    )
    DBTaskResult.objects.filter(pk=result.pk).update(enqueued_at=timezone.now() - waited)
    return result


@override_settings(
    TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}, HEALTH_TASK_MAX_AGE=600
)
def test_ready_fails_when_background_tasks_are_stuck(client):
    _ready_task(datetime.timedelta(minutes=2))
    status, body = ready(client)
    assert (status, body["checks"]["task_backlog"]) == (200, "ok")

    _ready_task(datetime.timedelta(minutes=30))
    status, body = ready(client)
    # A stuck worker is every process's problem, not this one's: degraded, still in service.
    assert (status, body["status"]) == (200, "degraded")
    assert "db_worker" in body["checks"]["task_backlog"]
    assert body["checks"]["database"] == "ok"
    assert client.get("/health/ready/?strict=1").status_code == 503


# The error page, request ids, logs --------------------------------------------------------


def test_a_database_outage_gets_the_sites_own_page_with_the_reference():
    client = Client(raise_request_exception=False)
    with database_unreachable():
        response = client.get("/", headers={"X-Request-ID": "edge-0123456789abcdef"})
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert response["X-Request-ID"] == "edge-0123456789abcdef"
    page = response.content.decode()
    assert "Sorry, there is a problem with the service" in page
    assert "Try again in a minute" in page
    assert "quote this reference: <strong>edge-0123456789abcdef</strong>" in page


def test_a_database_outage_gets_the_same_page_through_the_async_handler():
    # An ASGI server (uvicorn: the rooms, and nginx's backup for pages) runs Django's async
    # handler, where the error page is rendered on another thread.
    client = AsyncClient(raise_request_exception=False)
    with database_unreachable():
        response = async_to_sync(client.get)("/", headers={"X-Request-ID": "async-0123456789"})
    assert response.status_code == 503
    page = response.content.decode()
    assert "Try again in a minute" in page
    assert "quote this reference: <strong>async-0123456789</strong>" in page


def test_a_request_without_an_id_gets_a_new_one_on_the_error_page():
    client = Client(raise_request_exception=False)
    with database_unreachable():
        response = client.post("/accounts/login/", {"login": "sam@example.org"})
    reference = response["X-Request-ID"]
    assert len(reference) == 32
    assert f"quote this reference: <strong>{reference}</strong>" in response.content.decode()


def test_an_unforged_id_is_kept_and_a_strange_one_replaced(client):
    kept = client.get("/health/live/", headers={"X-Request-ID": "abc123-def456"})
    assert kept["X-Request-ID"] == "abc123-def456"
    replaced = client.get("/health/live/", headers={"X-Request-ID": "<script>\n"})
    assert replaced["X-Request-ID"] != "<script>\n"
    assert len(replaced["X-Request-ID"]) == 32


def test_other_errors_get_a_500_with_the_reference_and_no_retry_message():
    request = RequestFactory().get("/")
    request.request_id = "ref-42424242"
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        response = server_error(request)
    assert response.status_code == 500
    page = response.content.decode()
    assert "quote this reference: <strong>ref-42424242</strong>" in page
    assert "Try again in a minute" not in page


@override_settings(ADMINS=[("Ops", "ops@example.org")])
def test_admins_are_emailed_about_a_500_without_what_was_typed():
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "a-session-key-0123456789"
    with database_unreachable():
        client.post(
            "/accounts/login/?next=/search/%3Fq%3Dmy-condition",
            {"login": "pat.private@example.org", "password": "my private words"},
            headers={"X-Request-ID": "mail-0123456789", "Referer": "https://x/?q=my-condition"},
        )
    assert [message.to for message in mail.outbox] == [["ops@example.org"]]
    body = mail.outbox[0].body
    assert "OperationalError" in body
    assert "/accounts/login/" in body
    for private in ("pat.private", "my private words", "my-condition", "a-session-key"):
        assert private not in body


def test_log_lines_are_json_with_the_request_id():
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("coproduce.test_operations")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)

    def view(request):
        logger.info("answer saved", extra={"status_code": 201})
        try:
            raise ValueError("bad")
        except ValueError:
            logger.exception("it failed")
        from django.http import HttpResponse

        return HttpResponse()

    try:
        request = RequestFactory().get("/", headers={"X-Request-ID": "log-0123456789"})
        RequestIdMiddleware(view)(request)
        logger.info("outside a request")
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["request_id"] for line in lines] == ["log-0123456789", "log-0123456789", "-"]
    assert lines[0]["message"] == "answer saved"
    assert lines[0]["status_code"] == 201
    assert lines[0]["level"] == "INFO"
    assert "ValueError: bad" in lines[1]["exception"]


# Sentry ------------------------------------------------------------------------------------


class CapturingTransport(Transport):
    def __init__(self, options=None):
        super().__init__(options)
        self.envelopes = []

    def capture_envelope(self, envelope):
        self.envelopes.append(envelope)


def test_error_reports_carry_no_personal_data(participant):
    transport = CapturingTransport()
    participant.email = "pat.private@example.org"
    participant.save()
    init_sentry(
        dsn="https://key@sentry.invalid/1",
        environment="test",
        release=None,
        traces_sample_rate=0.0,
        slow_after=datetime.timedelta(seconds=1),
        transport=transport,
    )
    try:
        client = Client(raise_request_exception=False)
        client.force_login(participant)
        with database_unreachable():
            client.post(
                "/accounts/login/?next=/me",
                {"login": "pat.private@example.org", "note": "my private words"},
                headers={"X-Request-ID": "sentry-0123456789"},
            )
        sentry_sdk.flush()
    finally:
        sentry_sdk.get_client().close()
        sentry_sdk.init()
    events = [
        item.payload.json
        for envelope in transport.envelopes
        for item in envelope.items
        if item.type == "event"
    ]
    assert events, "the error was reported"
    sent = json.dumps(events, default=str)
    assert "OperationalError" in sent
    assert "pat.private" not in sent
    assert "my private words" not in sent
    assert "sessionid" not in sent
    assert events[0]["tags"]["request_id"] == "sentry-0123456789"


def test_scrub_event_removes_bodies_cookies_user_details_and_emails():
    event = {
        "request": {
            "url": "https://site/search/?q=my+condition",
            "data": {"text": "free text"},
            "cookies": {"sessionid": "s"},
            "query_string": "q=my+condition",
            "headers": {"Cookie": "sessionid=s", "User-Agent": "UA", "Authorization": "x"},
        },
        "user": {"id": 7, "email": "a@b.org", "username": "a@b.org", "ip_address": "1.2.3.4"},
        "exception": {"values": [{"value": "duplicate key (email)=(a@b.org)"}]},
        "logentry": {"message": "saved %s", "params": ["my words"]},
        "extra": {"access_needs": "wheelchair", "count": 3},
    }
    scrubbed = json.dumps(scrub_event(event), default=str)
    for secret in ("free text", "sessionid", "a@b.org", "1.2.3.4", "my words", "wheelchair"):
        assert secret not in scrubbed
    assert event["user"] == {"id": 7}
    assert event["request"]["url"] == "https://site/search/"
    assert event["request"]["headers"] == {"User-Agent": "UA"}
    assert event["extra"]["count"] == 3


def test_only_slow_transactions_are_sent_and_they_are_scrubbed():
    send = slow_transactions_only(datetime.timedelta(seconds=1))
    start = datetime.datetime(2026, 11, 30, 10, 0, tzinfo=datetime.UTC)

    def transaction(seconds: float) -> dict:
        return {
            "type": "transaction",
            "start_timestamp": start,
            "timestamp": start + datetime.timedelta(seconds=seconds),
            "request": {"url": "https://site/consultations/?q=x", "cookies": {"a": "b"}},
            "user": {"id": 3, "email": "a@b.org"},
        }

    assert send(transaction(0.4), {}) is None
    slow = send(transaction(2.5), {})
    assert slow["request"] == {"url": "https://site/consultations/", "headers": {}}
    assert slow["user"] == {"id": 3}


# Static files ------------------------------------------------------------------------------


def test_collectstatic_under_production_settings_hashes_everything(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "SENTRY_DSN"}
    }
    env.update(
        DJANGO_SETTINGS_MODULE="coproduce.settings.production",
        SECRET_KEY="x" * 64,
        STATIC_ROOT=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    css = manifest["wagtailnhsukfrontend/css/nhsuk-frontend-10.4.2.min.css"]
    hashed = (tmp_path / css).read_text()
    assert "sourceMappingURL" not in hashed  # the map it named is not shipped
    assert "coproduce/js/init.js" in manifest


# The operator's files ----------------------------------------------------------------------


def test_the_environment_template_lists_every_variable_the_settings_read():
    read = set()
    for path in (ROOT / "coproduce" / "settings").glob("*.py"):
        if path.name == "test.py":
            continue
        read |= set(
            re.findall(
                r"""(?:os\.environ(?:\.get)?\(|env_bool\(|env_list\()\s*["']([A-Z_]+)["']""",
                path.read_text(),
            )
        )
    template = (ROOT / "deploy" / "coproduce.env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z_]+)=", template, flags=re.MULTILINE))
    assert {"SECRET_KEY", "SENTRY_DSN", "HEALTH_TASK_MAX_AGE"} <= read
    assert read - listed == set()


def test_the_tests_run_the_rooms_server_production_runs():
    """The server the real-server tests and the benchmark start (bench/rooms.py's
    PRODUCTION_SERVER) is the one deploy/coproduce-web@.service runs, with the same event loop,
    HTTP parser, WebSocket protocol and frame limit: what they pass is what production serves."""
    from bench.rooms import PRODUCTION_SERVER, server_command

    unit = (ROOT / "deploy" / "coproduce-web@.service").read_text()
    production = re.search(r"^ExecStart=(.*)$", unit, flags=re.MULTILINE).group(1).split()
    tested = server_command(PRODUCTION_SERVER, 8001, package="coproduce")

    def options(command: list[str]) -> dict[str, str]:
        return {
            flag: value
            for flag, value in zip(command, [*command[1:], ""], strict=True)
            if flag in ("--loop", "--http", "--ws", "--ws-max-size", "--lifespan")
        }

    assert Path(production[0]).name == tested[2] == "uvicorn"
    assert options(production) == options(tested)
    assert len(options(production)) == 5
    assert production[-1] == tested[-1] == "coproduce.asgi:application"
