"""The WebSocket stack before rooms exist: connect, round-trip through the channel layer,
foreign origins refused. Runs through the in-memory layer, and through Redis when it is there."""

import pytest
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from coproduce.asgi import application

IN_MEMORY = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


def redis_layer(url: str, prefix: str) -> dict:
    return {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [url], "prefix": prefix},
        }
    }


def _health_socket(origin: bytes = b"http://localhost") -> WebsocketCommunicator:
    return WebsocketCommunicator(
        application, "/ws/health/", headers=[(b"origin", origin), (b"host", b"localhost")]
    )


async def _ping_pong():
    communicator = _health_socket()
    connected, _ = await communicator.connect()
    try:
        assert connected
        hello = await communicator.receive_json_from()
        await communicator.send_json_to({"type": "ping", "sent": 42})
        pong = await communicator.receive_json_from(timeout=5)
        return hello, pong
    finally:
        await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_health_round_trip_through_the_in_memory_layer():
    from channels.layers import channel_layers

    with override_settings(CHANNEL_LAYERS=IN_MEMORY):
        channel_layers.backends.clear()
        hello, pong = await _ping_pong()
    assert hello["layer"] == "InMemoryChannelLayer"
    assert pong == {"type": "pong", "sent": 42, "at": pong["at"]}


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_health_round_trip_through_redis(redis_url):
    from channels.layers import channel_layers

    with override_settings(CHANNEL_LAYERS=redis_layer(redis_url, "test-health")):
        channel_layers.backends.clear()
        hello, pong = await _ping_pong()
        await channel_layers["default"].flush()
    assert hello["layer"] == "RedisPubSubChannelLayer"
    assert pong["sent"] == 42


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_websocket_from_a_foreign_origin_is_refused():
    communicator = _health_socket(origin=b"https://evil.example.com")
    connected, _ = await communicator.connect()
    assert not connected
    await communicator.disconnect()


@pytest.mark.asyncio
@pytest.mark.django_db(transaction=True)
async def test_a_bad_message_gets_an_error_and_the_connection_stays_open():
    communicator = _health_socket()
    await communicator.connect()
    await communicator.receive_json_from()
    await communicator.send_to(text_data="not json")
    assert (await communicator.receive_json_from())["code"] == "bad_request"
    await communicator.send_json_to({"type": "ping", "sent": 1})
    assert (await communicator.receive_json_from())["type"] == "pong"
    await communicator.disconnect()
