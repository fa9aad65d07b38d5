"""The process's hub: one subscription per stream however many sockets join at once,
every socket handed each event, and a subscription that failed or whose first socket
went away taken over by the next socket instead of leaving the room deaf."""

from __future__ import annotations

import asyncio

import pytest
from channels.layers import InMemoryChannelLayer

from ecabinet.realtime import hub

GROUP, KEY = "meeting.990001", "meeting:990001"


class SlowLayer(InMemoryChannelLayer):
    """The in-memory layer, with a subscription that takes a moment (as Redis's does)
    and can be made to fail once."""

    def __init__(self):
        super().__init__()
        self.failures = 0

    async def group_add(self, group, channel):
        await asyncio.sleep(0.05)
        if self.failures:
            self.failures -= 1
            raise ConnectionError("Redis is restarting")
        await super().group_add(group, channel)


class Socket:
    def __init__(self):
        self.got = []

    async def offer(self, message):
        self.got.append(message["seq"])


async def _event(layer, seq, *receivers):
    await layer.group_send(GROUP, {"type": "meeting.event", "seq": seq, "text": "{}"})
    for _ in range(200):
        if all(seq in r.got for r in receivers):
            return
        await asyncio.sleep(0.01)


async def test_sockets_joining_at_once_share_one_subscription(monkeypatch):
    layer = SlowLayer()
    monkeypatch.setattr(hub, "get_channel_layer", lambda: layer)
    sockets = [Socket() for _ in range(3)]
    await asyncio.gather(*(hub.join(KEY, GROUP, s) for s in sockets))
    assert len(layer.groups[GROUP]) == 1 and hub.sockets_in(KEY) == 3
    await _event(layer, 7, *sockets)
    assert [s.got for s in sockets] == [[7], [7], [7]]
    for s in sockets:
        await hub.leave(KEY, s)
    assert not layer.groups.get(GROUP) and hub.sockets_in(KEY) == 0


async def test_when_the_first_socket_goes_away_while_subscribing_the_next_subscribes(
    monkeypatch,
):
    layer = SlowLayer()
    monkeypatch.setattr(hub, "get_channel_layer", lambda: layer)
    first, second = Socket(), Socket()
    subscribing = asyncio.ensure_future(hub.join(KEY, GROUP, first))
    await asyncio.sleep(0.01)
    waiting = asyncio.ensure_future(hub.join(KEY, GROUP, second))
    await asyncio.sleep(0.01)
    subscribing.cancel()  # the tablet closed its socket during the handshake
    await asyncio.wait_for(waiting, timeout=2)
    assert subscribing.cancelled() and hub.sockets_in(KEY) == 1
    await _event(layer, 3, second)
    assert (first.got, second.got) == ([], [3])
    await hub.leave(KEY, second)


async def test_a_subscription_that_failed_is_tried_again_by_the_next_socket(monkeypatch):
    layer = SlowLayer()
    layer.failures = 1
    monkeypatch.setattr(hub, "get_channel_layer", lambda: layer)
    refused, admitted = Socket(), Socket()
    with pytest.raises(ConnectionError):  # the socket is closed with 4503 (outage.py)
        await hub.join(KEY, GROUP, refused)
    assert hub.sockets_in(KEY) == 0
    await hub.join(KEY, GROUP, admitted)
    await _event(layer, 1, admitted)
    assert (refused.got, admitted.got) == ([], [1])
    await hub.leave(KEY, admitted)
