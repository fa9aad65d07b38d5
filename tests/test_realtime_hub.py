"""The process's hub: one subscription per stream however many sockets join at once,
every socket handed each event, a subscription that failed or whose first socket went
away taken over by the next socket instead of leaving the room deaf, and an event that
arrives before an earlier one read from the log once for all the process's sockets."""

from __future__ import annotations

import asyncio
import json

import pytest
from channels.layers import InMemoryChannelLayer

from ecabinet.realtime import hub
from ecabinet.realtime.db import database_call
from ecabinet.realtime.events import message_for
from ecabinet.realtime.models import StoredEvent

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
        self.texts = []

    async def offer(self, message):
        self.got.append(message["seq"])
        self.texts.append(message["text"])


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


@pytest.mark.django_db(transaction=True)
async def test_an_event_ahead_of_an_earlier_one_is_preceded_by_it_from_the_log_once(monkeypatch):
    """Two server processes write to one stream: the second's event may reach this
    process before the first's. The earlier one committed first, so it is in the log."""
    layer = InMemoryChannelLayer()
    monkeypatch.setattr(hub, "get_channel_layer", lambda: layer)
    reads = []
    real_read = hub.live_messages_between

    def read(**kwargs):
        reads.append((kwargs["after"], kwargs["before"]))
        return real_read(**kwargs)

    monkeypatch.setattr(hub, "live_messages_between", read)
    stored = [
        await database_call(StoredEvent.objects.create)(
            stream=KEY, seq=seq, type="attendance.changed", payload={"n": seq}
        )
        for seq in (1, 2, 3, 4)
    ]
    sockets = [Socket() for _ in range(50)]
    for socket in sockets:
        await hub.join(KEY, GROUP, socket)

    await _event(layer, 1, *sockets)
    await _event(layer, 4, *sockets)  # 2 and 3 are still on their way from the other
    await _event(layer, 3)  # late: handed out already
    await _event(layer, 2)
    await _event(layer, 5, *sockets)

    assert {tuple(s.got) for s in sockets} == {(1, 2, 3, 4, 5)}
    assert reads == [(1, 4)]  # one read of the log for the fifty sockets
    from_log = [json.loads(text) for text in sockets[0].texts[1:3]]
    assert from_log == [message_for(stored[1]), message_for(stored[2])]
    for socket in sockets:
        await hub.leave(KEY, socket)


@pytest.mark.django_db(transaction=True)
async def test_events_the_layer_lost_are_read_from_the_log_once_for_all_the_sockets(
    monkeypatch,
):
    """No later event reveals a lost send: the head check tells the hub the committed
    head, and one check later the hub reads what is still missing, once."""
    layer = InMemoryChannelLayer()
    monkeypatch.setattr(hub, "get_channel_layer", lambda: layer)
    reads = []
    real_read = hub.live_messages_between

    def read(**kwargs):
        reads.append((kwargs["after"], kwargs["before"], kwargs["message_type"]))
        return real_read(**kwargs)

    monkeypatch.setattr(hub, "live_messages_between", read)
    for seq in (1, 2, 3):
        await database_call(StoredEvent.objects.create)(
            stream=KEY, seq=seq, type="vote.closed", payload={"n": seq}
        )
    sockets = [Socket() for _ in range(50)]
    for socket in sockets:
        await hub.join(KEY, GROUP, socket)
    await _event(layer, 1, *sockets)

    await hub.head_seen(KEY, 3)  # 2 and 3 committed: most likely on their way
    assert {tuple(s.got) for s in sockets} == {(1,)} and reads == []
    await hub.head_seen(KEY, 3)  # one check later, still not here: lost
    assert {tuple(s.got) for s in sockets} == {(1, 2, 3)}
    assert reads == [(1, 4, "meeting.event")]
    await _event(layer, 3)  # a late copy after all: handed out already
    await _event(layer, 4, *sockets)
    assert {tuple(s.got) for s in sockets} == {(1, 2, 3, 4)}
    await hub.head_seen(KEY, 4)
    await hub.head_seen(KEY, 4)
    assert len(reads) == 1
    for socket in sockets:
        await hub.leave(KEY, socket)


@pytest.mark.django_db(transaction=True)
async def test_an_earlier_event_a_moment_behind_is_waited_for_and_the_log_is_not_read(
    monkeypatch,
):
    """Under a vote storm the two processes' events cross all the time, each a few
    milliseconds behind the other's: reading every such gap from the log put a read on
    the database thread ahead of the casts waiting for it. The hub waits a moment."""
    layer = InMemoryChannelLayer()
    monkeypatch.setattr(hub, "get_channel_layer", lambda: layer)
    reads = []
    monkeypatch.setattr(hub, "live_messages_between", lambda **kwargs: reads.append(kwargs))
    sockets = [Socket() for _ in range(50)]
    for socket in sockets:
        await hub.join(KEY, GROUP, socket)
    await _event(layer, 1, *sockets)

    await layer.group_send(GROUP, {"type": "meeting.event", "seq": 3, "text": "{}"})
    await layer.group_send(GROUP, {"type": "meeting.event", "seq": 4, "text": "{}"})
    await asyncio.sleep(hub.GAP_GRACE_SECONDS / 4)
    assert {tuple(s.got) for s in sockets} == {(1,)}  # 3 and 4 wait for 2
    await _event(layer, 2, *sockets)
    await asyncio.sleep(hub.GAP_GRACE_SECONDS * 2)

    assert {tuple(s.got) for s in sockets} == {(1, 2, 3, 4)}
    assert reads == []
    await _event(layer, 3)  # a copy sent twice is still dropped
    await _event(layer, 5, *sockets)
    assert {tuple(s.got) for s in sockets} == {(1, 2, 3, 4, 5)}
    for socket in sockets:
        await hub.leave(KEY, socket)
