"""A Redis cache that fails open: when Redis is away, the site keeps working.

The cache holds nothing that is the record (sessions are in the database; rooms' logs are in
PostgreSQL), so losing it must cost speed, never a page. Every operation that cannot reach
Redis is served instead by a small cache in this process's memory: a read is a miss, a write is
kept locally, and a counter (the per-IP and per-person rate limits) counts in this process
alone — a safe, stricter-per-process fallback while Redis is down. The first failure is logged
as a warning; Redis is then left alone for `RETRY_AFTER` seconds, so a request does not wait for
a connection timeout on every cache call, and tried again after that.

All of that is the process's, not the backend object's. Django makes a cache backend object
per thread and, under an ASGI server, per request (its `caches` is an asgiref `Local`, and each
request is a context of its own): had each object its own Redis connection pool, every request
would open a new connection to Redis (a round trip, and redis-py reading its own version off
the disk), and the fallback's memory and the "Redis is away" mark would last one request. So
every object for one LOCATION and OPTIONS shares one client (its connection pools), one
fallback memory and one mark (`_Shared`)."""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)
RETRY_AFTER = 5.0


class _SharedClient(RedisCacheClient):
    """Django's Redis client, safe to share between threads: its connection pools are made
    under a lock (redis-py's pools and clients are thread-safe themselves)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pools_lock = threading.Lock()
        self._clients = {}

    def _get_connection_pool(self, write):
        index = self._get_connection_pool_index(write)
        if index in self._pools:
            return self._pools[index]
        with self._pools_lock:
            return super()._get_connection_pool(write)

    def get_client(self, key=None, *, write=False):
        """One redis-py client per connection pool, made once: Django's makes a new one for
        every cache operation, which cost about a third of a millisecond each (a room
        message's rate limit, profiled in bench/append_path.py)."""
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients.setdefault(pool, self._client(connection_pool=pool))
        return client


class _Shared:
    """What every backend object for one LOCATION and OPTIONS shares in this process."""

    def __init__(self, name: str, servers, options: dict):
        self.client = _SharedClient(servers, **options)
        self.local = LocMemCache(name, {"OPTIONS": {"MAX_ENTRIES": 10_000}})
        self.down_until = 0.0
        self.lock = threading.Lock()


_shared: dict[str, _Shared] = {}
_shared_lock = threading.Lock()


def _shared_for(servers, options: dict) -> _Shared:
    key = repr((list(servers), sorted(options.items(), key=lambda item: item[0])))
    with _shared_lock:
        if key not in _shared:
            _shared[key] = _Shared(f"fail-open-{len(_shared)}", servers, options)
        return _shared[key]


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
        self._shared = _shared_for(self._servers, self._options)
        self._local = self._shared.local

    @property
    def _cache(self):  # RedisCache makes a client per object; this one is the process's
        return self._shared.client

    def _redis_down(self) -> bool:
        return time.monotonic() < self._shared.down_until

    def _mark_down(self, error: Exception) -> None:
        shared = self._shared
        with shared.lock:
            first = shared.down_until == 0.0 or time.monotonic() >= shared.down_until + 60
            shared.down_until = time.monotonic() + RETRY_AFTER
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
