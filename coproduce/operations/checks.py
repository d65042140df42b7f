"""Readiness checks django-health-check does not ship: migrations applied, the channel layer
answering, and background tasks not piling up; and which of the library's checks fits the
cache. (The database, cache and Redis checks themselves are the library's.)"""

import asyncio
import contextlib
import dataclasses
import datetime

from channels.layers import DEFAULT_CHANNEL_LAYER, get_channel_layer
from django.conf import settings
from django.core.cache.backends.redis import RedisCache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db import Error as DatabaseError
from django.db.migrations.executor import MigrationExecutor
from django.db.models import Case, F, When
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult, get_date_max
from health_check.base import HealthCheck
from health_check.checks import Cache
from health_check.contrib.redis import Redis
from health_check.exceptions import ServiceUnavailable
from redis.asyncio import Redis as RedisClient

TASKS_DATABASE_BACKEND = "django_tasks_db.DatabaseBackend"


def cache_check(alias: str = "default") -> HealthCheck:
    """The cache's check. A Redis cache is pinged directly (the library's Redis check): a cache
    that serves from memory while Redis is away would pass a write-and-read probe, and this
    check is there to say that Redis is away. Any other cache gets the write-and-read probe."""
    config = settings.CACHES[alias]
    if issubclass(import_string(config["BACKEND"]), RedisCache):
        location = config["LOCATION"]
        url = location[0] if isinstance(location, (list, tuple)) else location.split(",")[0]
        return Redis(
            client_factory=lambda: RedisClient.from_url(
                url, socket_connect_timeout=2, socket_timeout=2
            )
        )
    return Cache(alias=alias)


@dataclasses.dataclass
class MigrationsApplied(HealthCheck):
    """Every migration the code has is applied: a process of a newer release waits for
    `manage.py migrate` before it takes traffic."""

    alias: str = DEFAULT_DB_ALIAS

    def run(self):
        connection = connections[self.alias]
        try:
            # Opens its own connection and closes it again: checks run on worker threads.
            with connection.temporary_connection():
                executor = MigrationExecutor(connection)
                plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as error:
            raise ServiceUnavailable("database unreachable") from error
        if plan:
            raise ServiceUnavailable(f"{len(plan)} migration(s) not applied")


@dataclasses.dataclass
class ChannelLayer(HealthCheck):
    """A message sent through the channel layer comes back: live rooms can broadcast.

    Uses the process's own layer (a new layer per probe would leave one behind each time) and
    leaves nothing subscribed: the probe's channel is released the way a consumer's is when it
    disconnects, by cancelling a pending receive."""

    alias: str = DEFAULT_CHANNEL_LAYER
    timeout: datetime.timedelta = dataclasses.field(
        default=datetime.timedelta(seconds=3), repr=False
    )

    async def run(self):
        layer = get_channel_layer(self.alias)
        try:
            channel = await layer.new_channel()
            await layer.send(channel, {"type": "health.ping"})
            # On a timeout, wait_for cancels the receive, which releases the channel.
            message = await asyncio.wait_for(layer.receive(channel), self.timeout.total_seconds())
        except TimeoutError as error:
            raise ServiceUnavailable("no answer through the channel layer") from error
        except Exception as error:  # redis-py's connection errors are not OSErrors
            reason = f"channel layer unreachable ({type(error).__name__})"
            raise ServiceUnavailable(reason) from error
        await _release(layer, channel)
        if message.get("type") != "health.ping":
            raise ServiceUnavailable("channel layer returned another message")


async def _release(layer, channel: str) -> None:
    waiter = asyncio.ensure_future(layer.receive(channel))
    await asyncio.sleep(0)
    waiter.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await waiter


def oldest_ready_task_age(*, alias: str = DEFAULT_DB_ALIAS) -> datetime.timedelta | None:
    """How long the oldest task that could run now has been waiting, or None if none waits.

    A task's wait starts when it was queued, or at its `run_after` if it was deferred."""
    oldest = (
        DBTaskResult.objects.using(alias)
        .ready()
        .annotate(
            ready_since=Case(
                When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after")
            )
        )
        .order_by("ready_since")
        .values_list("ready_since", flat=True)
        .first()
    )
    return None if oldest is None else timezone.now() - oldest


@dataclasses.dataclass
class TaskBacklog(HealthCheck):
    """The oldest task ready to run is younger than HEALTH_TASK_MAX_AGE seconds: a worker
    (`manage.py db_worker`) is running and keeping up."""

    alias: str = DEFAULT_DB_ALIAS

    def run(self):
        backend = settings.TASKS.get("default", {}).get("BACKEND")
        if backend != TASKS_DATABASE_BACKEND:
            return  # tasks run in the request (tests, a developer's machine): no backlog
        limit = datetime.timedelta(seconds=settings.HEALTH_TASK_MAX_AGE)
        connection = connections[self.alias]
        try:
            with connection.temporary_connection():
                age = oldest_ready_task_age(alias=self.alias)
        except DatabaseError as error:
            raise ServiceUnavailable("database unreachable") from error
        if age is not None and age > limit:
            raise ServiceUnavailable(
                f"oldest ready task has waited {int(age.total_seconds())} s "
                f"(limit {int(limit.total_seconds())} s): is the db_worker running?"
            )
