"""Never stale through a Redis restart: a Redis of the test's own (on a free port, in a
temporary directory, no persistence) is restarted under a connected tablet and under
the sender's pooled connection. The next event still reaches the tablet within 2 s of
Redis answering again, with no later event; an event published while Redis is down is
logged and counted as a lost send, and the tablet has it from the log all the same."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import socket
import subprocess
import time

import pytest
from channels.layers import get_channel_layer

from ecabinet.realtime import sender
from ecabinet.realtime.db import database_call
from ecabinet.realtime.events import last_seq
from meetings import services
from tests.factories import make_meeting
from tests.realtime_helpers import ready_socket
from voting.services import vote_open

pytestmark = [
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
    pytest.mark.django_db(transaction=True),
]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class OwnRedis:
    def __init__(self, port: int, directory) -> None:
        self.port, self.directory, self.process = port, directory, None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]
            + ["--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as probe,
            ):
                probe.sendall(b"PING\r\n")
                if probe.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def own_redis(tmp_path, settings):
    redis = OwnRedis(free_port(), tmp_path)
    redis.start()
    settings.CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [{"address": f"redis://127.0.0.1:{redis.port}/0"}],
                "prefix": "stale-test",
            },
        }
    }
    try:
        yield redis
    finally:
        redis.stop()


@pytest.fixture
def live(cabinet):
    return make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)


async def restart(redis: OwnRedis) -> float:
    """Stop and start the test's Redis; the moment it answers again."""
    await asyncio.to_thread(redis.stop)
    await asyncio.to_thread(redis.start)
    return time.monotonic()


async def next_frame(page) -> dict:
    return await page.receive_json_from(timeout=5)


async def test_a_tablet_converges_within_2_s_of_a_redis_restart_with_no_later_event(
    cabinet, live, own_redis, caplog
):
    caplog.set_level(logging.INFO, logger="ecabinet.realtime")
    page, seq = await ready_socket(cabinet.minister, live.pk)
    layer = get_channel_layer()
    try:
        # A first event through Redis: the sender's pooled connection is now open.
        await database_call(services.item_add)(
            actor=cabinet.secretary, meeting=live, title="Bổ sung"
        )
        assert (await next_frame(page))["seq"] == seq + 1

        # Redis restarts under the pooled connection and the tablet's subscription;
        # the very next event is the meeting starting, and nothing follows it.
        back = await restart(own_redis)
        await database_call(services.meeting_start)(
            actor=cabinet.chair, meeting=live, override_reason="Kiểm thử"
        )
        frame = await next_frame(page)
        converged = time.monotonic() - back
        assert frame["seq"] == seq + 2
        assert frame["data"]["state"] == "in_progress"
        assert converged < 2, f"converged {converged:.2f} s after Redis answered"
        print(f"after the restart: converged {converged:.2f} s after Redis answered")

        # Redis down: the send is tried twice, then logged and counted as lost; the
        # tablet reads the event from the log (which Redis is no part of).
        lost_before = sender.lost_sends
        await asyncio.to_thread(own_redis.stop)
        down = time.monotonic()
        item = await database_call(lambda: live.items.order_by("order").first())()
        await database_call(vote_open)(
            actor=cabinet.chair, item=item, question="Tán thành dự thảo?"
        )
        head = await database_call(last_seq)(meeting_id=live.pk)
        frames = [await next_frame(page) for _ in range(head - (seq + 2))]
        assert [f["seq"] for f in frames] == list(range(seq + 3, head + 1))
        assert "vote.opened" in [f.get("event") for f in frames]
        from_log = time.monotonic() - down
        assert from_log < 5
        print(f"Redis down: the tablet had the event from the log after {from_log:.2f} s")
        for _ in range(100):  # the sender gives up after redis-py's own retries
            if sender.lost_sends >= lost_before + head - (seq + 2):
                break
            await asyncio.sleep(0.1)
        assert sender.lost_sends >= lost_before + 1
        assert "lost send of vote.opened #" in caplog.text
    finally:
        if own_redis.process is None:
            await asyncio.to_thread(own_redis.start)
        await page.disconnect()
        await layer.flush()
