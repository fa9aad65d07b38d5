"""While Redis cannot be reached (a restart), the room's sockets stay usable: an open
socket keeps answering even though the per-person message window (kept in the Redis
cache) cannot be counted, and a socket opened while the channel layer's Redis is down is
told to try again (accepted, then closed with 4503) instead of an HTTP 500 at the
handshake. Redis here is a real client talking to a port where nothing listens."""

from __future__ import annotations

import logging
import socket

import pytest
from channels.testing import WebsocketCommunicator

from ecabinet.asgi import application  # set up before the tests: it configures logging
from ecabinet.realtime.db import database_call
from tests.factories import make_meeting
from tests.realtime_helpers import ready_socket, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dead_redis() -> str:
    """A Redis URL where nothing listens (a Redis that is restarting)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"redis://127.0.0.1:{port}/0"


@pytest.fixture
def live(cabinet):
    return make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)


async def test_an_open_socket_keeps_answering_while_the_rate_window_cannot_be_counted(
    cabinet, live, settings, dead_redis, caplog
):
    page, seq = await ready_socket(cabinet.minister, live.pk)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": dead_redis,
        }
    }
    with caplog.at_level(logging.WARNING, logger="ecabinet.realtime.limits"):
        for _ in range(3):
            await page.send_json_to({"type": "ping"})
            pong = await page.receive_json_from(timeout=10)
            assert pong == {"type": "pong", "seq": seq, "head": seq}
    # Tried once, then left alone for a moment: the next messages do not wait for it.
    assert caplog.text.count("the per-person message window is not counted") == 1
    await page.disconnect()


async def test_a_handshake_while_the_layer_s_redis_is_down_is_accepted_then_closed_4503(
    cabinet, live, settings, dead_redis, caplog
):
    cookie = await database_call(session_cookie)(cabinet.minister)
    headers = [(b"origin", b"http://testserver"), (b"cookie", cookie)]
    healthy = settings.CHANNEL_LAYERS
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": dead_redis}]},
        }
    }
    page = WebsocketCommunicator(application, f"/ws/meetings/{live.pk}/", headers=headers)
    with caplog.at_level(logging.WARNING, logger="ecabinet.realtime.outage"):
        connected, _ = await page.connect(timeout=10)
        assert connected
        assert await page.receive_output(timeout=10) == {"type": "websocket.close", "code": 4503}
    assert "the channel layer is unreachable" in caplog.text

    # Once the layer answers, the same cookie is admitted.
    settings.CHANNEL_LAYERS = healthy
    page = WebsocketCommunicator(application, f"/ws/meetings/{live.pk}/", headers=headers)
    connected, _ = await page.connect(timeout=10)
    assert connected
    await page.send_json_to({"type": "ping"})
    assert (await page.receive_json_from(timeout=10))["type"] == "pong"
    await page.disconnect()
