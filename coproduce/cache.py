"""A Redis cache that fails open: when Redis is away, the site keeps working.

The cache holds nothing that is the record (sessions are in the database; rooms' logs are in
PostgreSQL), so losing it must cost speed, never a page. Every operation that cannot reach
Redis is served instead by a small cache in this process's memory: a read is a miss, a write is
kept locally, and a counter (the per-IP and per-person rate limits) counts in this process
alone — a safe, stricter-per-process fallback while Redis is down. The first failure is logged
as a warning; Redis is then left alone for `RETRY_AFTER` seconds, so a request does not wait for
a connection timeout on every cache call, and tried again after that."""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)
RETRY_AFTER = 5.0


def _fail_open(method_name: str):
    def method(self, *args, **kwargs):
        if not self._redis_down():
            try:
                return getattr(RedisCache, method_name)(self, *args, **kwargs)
            except UNREACHABLE as error:
                self._mark_down(error)
        return getattr(self._local, method_name)(*args, **kwargs)

    method.__name__ = method_name
    return method


class FailOpenRedisCache(RedisCache):
    """`django.core.cache.backends.redis.RedisCache`, falling back to local memory (above).
    OPTIONS may set `socket_connect_timeout` and `socket_timeout` (seconds) as for RedisCache;
    settings give both a short default so an outage costs a request milliseconds."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._local = LocMemCache(f"fail-open-{id(self)}", {"OPTIONS": {"MAX_ENTRIES": 10_000}})
        self._down_until = 0.0
        self._lock = threading.Lock()

    def _redis_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _mark_down(self, error: Exception) -> None:
        with self._lock:
            first = self._down_until == 0.0 or time.monotonic() >= self._down_until + 60
            self._down_until = time.monotonic() + RETRY_AFTER
        log = logger.warning if first else logger.info
        log("Cache unreachable, serving from this process's memory: %s", error)

    # Every method RedisCache implements; BaseCache builds the rest (decr, get_or_set, the
    # async ones) from these.
    get = _fail_open("get")
    set = _fail_open("set")
    add = _fail_open("add")
    delete = _fail_open("delete")
    touch = _fail_open("touch")
    incr = _fail_open("incr")
    get_many = _fail_open("get_many")
    has_key = _fail_open("has_key")
    set_many = _fail_open("set_many")
    delete_many = _fail_open("delete_many")
    clear = _fail_open("clear")

    def incr_counting_previous(self, key: str, previous_key: str, timeout: int) -> tuple[int, int]:
        """Add one to the counter `key` (made, to last `timeout` seconds, if new) and read the
        counter `previous_key`: (the new count, the previous count or 0), in one round trip to
        Redis (a pipeline) where `incr`, `add` and `get` take two or three. The room's rate
        limit asks this at every message. Fails open as every method does."""
        if not self._redis_down():
            try:
                current_key = self.make_and_validate_key(key)
                # The write client, Redis's primary, for both: the counter was written there.
                pipeline = self._cache.get_client(current_key, write=True).pipeline(
                    transaction=False
                )
                # Stored as Django's Redis cache stores an int, so `incr` and `get` agree.
                pipeline.set(current_key, 0, ex=timeout, nx=True)
                pipeline.incr(current_key)
                pipeline.get(self.make_and_validate_key(previous_key))
                _made, current, previous = pipeline.execute()
                return current, int(previous or 0)
            except UNREACHABLE as error:
                self._mark_down(error)
        self._local.add(key, 0, timeout=timeout)
        return self._local.incr(key), self._local.get(previous_key, 0)
