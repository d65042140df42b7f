"""With Redis away, the site keeps answering: the cache fails open to this process's memory.
The test starts and stops a Redis of its own; the shared one is never touched."""

import shutil
import time
import urllib.request

import pytest
import redis
from django.core.cache import caches
from django.test import Client

from coproduce import cache as fail_open
from tests import factories
from tests.deliberation.servers import real_servers
from tests.own_redis import OwnRedis

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


@pytest.fixture
def own_redis(settings, monkeypatch):
    server = OwnRedis()
    server.start()
    monkeypatch.setattr(fail_open, "RETRY_AFTER", 0.2)
    settings.CACHES = {
        "default": {
            "BACKEND": "coproduce.cache.FailOpenRedisCache",
            "LOCATION": f"redis://127.0.0.1:{server.port}/0",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    yield server
    server.stop()
    caches["default"].close()


def test_cache_reads_miss_and_writes_stay_local_while_redis_is_down(own_redis):
    cache = caches["default"]
    cache.set("before", "kept in redis")
    assert cache.get("before") == "kept in redis"
    own_redis.stop()
    assert cache.get("before") is None  # a miss, not an error
    cache.set("during", 1)
    assert cache.get("during") == 1
    assert cache.add("counter", 0) and cache.incr("counter") == 1  # rate limits still count
    own_redis.start()
    time.sleep(0.3)  # past RETRY_AFTER: Redis is tried again
    cache.set("after", "back in redis")
    assert redis.Redis(port=own_redis.port).keys("*after*")


def test_the_rooms_message_counter_is_one_round_trip_and_counts_on_while_redis_is_down(
    own_redis,
):
    """The room's rate limit counts a message and reads the last window's count in one
    pipeline; the counter is an ordinary cache entry that expires, and counting goes on in this
    process's memory while Redis is away."""
    cache = caches["default"]
    server = redis.Redis(port=own_redis.port)
    cache.set("rate:earlier", 7)
    assert cache.incr_counting_previous("rate:now", "rate:earlier", 21) == (1, 7)
    assert cache.incr_counting_previous("rate:now", "rate:earlier", 21) == (2, 7)
    assert cache.incr_counting_previous("rate:new", "rate:nothing", 21) == (1, 0)
    assert cache.get("rate:now") == 2 and cache.incr("rate:now") == 3
    (stored,) = server.keys("*rate:now")
    assert 0 < server.ttl(stored) <= 21
    own_redis.stop()
    assert cache.incr_counting_previous("rate:now", "rate:earlier", 21) == (1, 0)
    assert cache.incr_counting_previous("rate:now", "rate:earlier", 21) == (2, 0)


def test_every_kind_of_page_answers_while_redis_is_down(own_redis):
    factories.make_consultation()
    factories.make_decision()
    own_redis.stop()
    client = Client()
    for path in ["/", "/consultations/", "/decisions/", "/search/?q=carers", "/groups/"]:
        started = time.monotonic()
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        assert time.monotonic() - started < 5, f"{path} waited on the dead cache"


def test_what_one_request_learns_every_request_of_the_process_shares(own_redis):
    """Django makes the cache backend afresh for each request under an ASGI server (each is a
    context of its own). The fallback memory and the mark that Redis is away belong to the
    process: a value kept while Redis is down, and a rate limit's count, carry from one
    request to the next."""
    one, other = caches.create_connection("default"), caches.create_connection("default")
    assert one is not other
    own_redis.stop()
    one.set("kept", "in this process")
    assert other.get("kept") == "in this process"
    assert one.add("count", 0) and one.incr("count") == 1
    assert other.incr("count") == 2


def test_a_server_process_keeps_its_redis_connections_from_request_to_request(own_redis):
    """Every request used to open a connection to Redis of its own (and redis-py read its
    version off the disk for each). A server process now keeps a few open for all of them."""
    server = redis.Redis(port=own_redis.port)

    def fetch(url: str) -> None:
        with urllib.request.urlopen(url, timeout=20) as response:  # noqa: S310 - loopback
            assert response.status == 200
            response.read()

    with real_servers(1, redis_url=f"redis://127.0.0.1:{own_redis.port}/0") as urls:
        for _ in range(3):  # warm: the pools are made on first use
            fetch(urls[0] + "/")
        before = server.info("stats")["total_connections_received"]
        for _ in range(30):
            fetch(urls[0] + "/")
        opened = server.info("stats")["total_connections_received"] - before
    assert opened <= 2, f"{opened} connections to Redis for 30 pages"
