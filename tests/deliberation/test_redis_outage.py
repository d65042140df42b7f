"""A room through a Redis outage: a writer's contribution is stored and acknowledged while the
channel layer and the cache are away, the connection stays open, listeners get it as soon as
Redis is back, and the room recovers without a server restart. The test starts and stops a
Redis of its own."""

import shutil

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers
from django.test import override_settings

from coproduce import cache as fail_open
from deliberation.models import RoomEvent
from tests.own_redis import OwnRedis

pytestmark = [
    pytest.mark.asyncio,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


@pytest.fixture
def own_redis(monkeypatch):
    server = OwnRedis()
    server.start()
    url = f"redis://127.0.0.1:{server.port}/0"
    monkeypatch.setattr(fail_open, "RETRY_AFTER", 0.2)
    outage_settings = override_settings(
        CHANNEL_LAYERS={
            "default": {
                "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
                "CONFIG": {"hosts": [url], "prefix": "outage-test"},
            }
        },
        CACHES={
            "default": {
                "BACKEND": "coproduce.cache.FailOpenRedisCache",
                "LOCATION": url,
                "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
            }
        },
    )
    outage_settings.enable()
    channel_layers.backends.clear()
    try:
        yield server
    finally:
        server.stop()
        # The real settings come back before the layer is forgotten, so nothing still running
        # (a consumer's cleanup) can build a layer on this Redis for the tests that follow.
        outage_settings.disable()
        channel_layers.backends.clear()


async def _contributions() -> list[str]:
    return await database_sync_to_async(
        lambda: list(
            RoomEvent.objects.filter(type="contribution.created").values_list(
                "payload__text", flat=True
            )
        )
    )()


async def test_a_writer_is_acknowledged_during_an_outage_and_the_room_recovers(
    own_redis, room, connect
):
    # own_redis first: it is torn down last, after the clients have disconnected.
    writer = await connect(room.member, room.session)
    listener = await connect(room.other_member, room.session)

    own_redis.stop()
    await writer.send(type="contribution.create", client_id="during", text="Said while down")
    ack = await writer.receive_type("ack", "error", timeout=10)
    assert ack["type"] == "ack" and ack["client_id"] == "during"
    assert ack["live_updates_paused"] is True  # the room can say so
    assert await _contributions() == ["Said while down"]  # the log is the record

    own_redis.start()
    # The listener who stayed connected hears it as soon as Redis is back, with no further
    # event to carry it: the writer's process sends it again.
    heard = await listener.receive_type("contribution.created", timeout=15)
    assert heard["text"] == "Said while down"
    # Someone joining after the outage gets everything from the log, with no server restart.
    late = await connect(room.facilitator, room.session, since=0)
    replayed = await late.receive_type("contribution.created", timeout=5)
    assert replayed["text"] == "Said while down" and replayed["seq"] == heard["seq"]
    # The writer is still connected and can go on.
    await writer.send(type="contribution.create", client_id="after", text="And after")
    ack = await writer.receive_type("ack", timeout=10)
    assert ack["client_id"] == "after" and "live_updates_paused" not in ack
    # And then the next one, once: the repeats of the recovered one are dropped by seq.
    following = await listener.receive_type("contribution.created", timeout=10)
    assert following["text"] == "And after" and following["seq"] == heard["seq"] + 1
