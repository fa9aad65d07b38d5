"""Never stale: a tablet whose event the channel layer lost receives it from the log
within a heartbeat, with no later event needed to reveal the gap; a send that fails is
tried once more, and one finally lost is logged and counted."""

from __future__ import annotations

import logging
import time

import pytest
import redis.exceptions
from channels.layers import get_channel_layer
from channels.testing import WebsocketCommunicator
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError

from ecabinet.asgi import application  # set up before the tests: it configures logging
from ecabinet.realtime import consumers, heads, sender
from ecabinet.realtime.db import database_call
from ecabinet.realtime.events import last_seq
from ecabinet.realtime.models import ClientCommand
from meetings import consumers as meeting_consumers
from meetings import services
from meetings.models import Position
from tests.factories import make_meeting
from tests.realtime_helpers import ready_socket, session_cookie

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def live(cabinet):
    return make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)


def started(meeting_id, seq):
    return {
        "type": "event",
        "seq": seq,
        "event": "meeting.state_changed",
        "data": {"meeting_id": meeting_id, "state": "in_progress"},
    }


def break_layer(monkeypatch, failures):
    """The layer's connection is broken for the next `failures` sends (as a pooled Redis
    connection is after a restart); the sends it is asked for are recorded."""
    layer = get_channel_layer()
    real = layer.group_send
    tried = []

    async def group_send(group, message):
        tried.append(message.get("seq"))
        if len(tried) <= failures:
            raise redis.exceptions.ConnectionError("Connection closed by server.")
        await real(group, message)

    monkeypatch.setattr(layer, "group_send", group_send)
    return tried


async def test_a_lost_send_reaches_the_socket_from_the_log_with_no_later_event(
    cabinet, live, monkeypatch, caplog
):
    page, seq = await ready_socket(cabinet.minister, live.pk)
    tried = break_layer(monkeypatch, failures=2)
    lost_before = sender.lost_sends
    caplog.set_level(logging.WARNING, logger="ecabinet.realtime.sender")

    begun = time.monotonic()
    await database_call(services.meeting_start)(
        actor=cabinet.chair, meeting=live, override_reason="Kiểm thử"
    )
    # Nothing else happens in the meeting: the heartbeat alone reveals the gap.
    assert await page.receive_json_from(timeout=5) == started(live.pk, seq + 1)
    assert time.monotonic() - begun < 2
    assert tried == [seq + 1, seq + 1]  # tried, and once more
    assert sender.lost_sends == lost_before + 1
    assert f"lost send of meeting.state_changed #{seq + 1} to meeting.{live.pk}" in caplog.text
    assert await page.receive_nothing(timeout=1)  # once, not again
    await page.disconnect()


async def test_a_send_on_a_broken_connection_is_retried_and_arrives_live(
    cabinet, live, monkeypatch, settings
):
    settings.REALTIME_HEAD_CHECK_SECONDS = 60  # only the retry can bring it
    page, seq = await ready_socket(cabinet.minister, live.pk)
    tried = break_layer(monkeypatch, failures=1)
    lost_before = sender.lost_sends

    await database_call(services.meeting_start)(
        actor=cabinet.chair, meeting=live, override_reason="Kiểm thử"
    )
    assert await page.receive_json_from(timeout=2) == started(live.pk, seq + 1)
    assert tried == [seq + 1, seq + 1]
    assert sender.lost_sends == lost_before
    await page.disconnect()


async def test_pong_carries_the_committed_head_and_what_was_missed_comes_first(
    cabinet, live, monkeypatch, settings
):
    settings.REALTIME_HEAD_CHECK_SECONDS = 60  # only the ping can reveal it
    page, seq = await ready_socket(cabinet.minister, live.pk)
    await page.send_json_to({"type": "ping"})
    assert await page.receive_json_from(timeout=5) == {"type": "pong", "seq": seq, "head": seq}

    break_layer(monkeypatch, failures=2)
    await database_call(services.meeting_start)(
        actor=cabinet.chair, meeting=live, override_reason="Kiểm thử"
    )
    assert await page.receive_nothing(timeout=1)  # lost, and no heartbeat yet
    await page.send_json_to({"type": "ping"})
    assert await page.receive_json_from(timeout=5) == started(live.pk, seq + 1)
    assert await page.receive_json_from(timeout=5) == {
        "type": "pong",
        "seq": seq + 1,
        "head": seq + 1,
    }
    await page.disconnect()


async def test_a_command_during_a_database_outage_is_answered_unavailable_on_an_open_socket(
    cabinet, live, monkeypatch
):
    # A socket that closed on every outage made a whole room reconnect at once, each
    # handshake waiting for the database, while the page's back-off grew: at 200
    # tablets a PostgreSQL restart left the room stale for over 5 s. The socket stays
    # open: the page sends the same command again after `retry_after`.
    page, _ = await ready_socket(cabinet.minister, live.pk)
    real_run = meeting_consumers.command_run

    def unreachable(**kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    monkeypatch.setattr(meeting_consumers, "command_run", unreachable)
    item_id = await database_call(lambda: live.items.first().pk)()
    command = {
        "type": "command",
        "client_id": "abcdefgh01",
        "name": "position.mark",
        "args": {"item_id": item_id, "stance": "no_objection"},
    }
    await page.send_json_to(command)
    error = await page.receive_json_from(timeout=5)
    assert error == {
        "type": "error",
        "code": "unavailable",
        "detail": "The server cannot reach its database.",
        "retry_after": 0.5,
    }
    assert await page.receive_nothing(timeout=0.3)  # no close

    # A ping meanwhile is answered with the socket's own number only.
    await page.send_json_to({"type": "ping"})
    monkeypatch.setattr(meeting_consumers, "command_run", real_run)
    pong = await page.receive_json_from(timeout=5)
    assert pong["type"] == "pong"

    # The database answers again: the same command on the same socket runs, once.
    await page.send_json_to(command)
    ack = await page.receive_json_from(timeout=5)
    assert ack["type"] == "ack" and ack["client_id"] == "abcdefgh01"
    assert ack["replayed"] is False
    kept = ClientCommand.objects.filter(client_id="abcdefgh01")
    assert await database_call(kept.count)() == 1
    assert (
        await database_call(
            lambda: Position.objects.filter(member=cabinet.minister, item_id=item_id).count()
        )()
        == 1
    )
    await page.disconnect()


async def test_a_hello_during_a_database_outage_gets_an_error_and_close_4503(
    cabinet, live, monkeypatch
):
    # Its replay needs the log: without it the socket cannot be followed.
    page, _ = await ready_socket(cabinet.minister, live.pk)

    def unreachable(**kwargs):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    monkeypatch.setattr(consumers, "events_after", unreachable)
    await page.send_json_to({"type": "hello", "after": 0})
    error = await page.receive_json_from(timeout=5)
    assert error == {
        "type": "error",
        "code": "unavailable",
        "detail": "The server cannot reach its database.",
    }
    assert await page.receive_output(timeout=5) == {"type": "websocket.close", "code": 4503}


def test_the_heads_of_every_followed_stream_are_one_query(cabinet, django_assert_num_queries):
    meetings = [make_meeting(cabinet.body, cabinet.secretary, publish=True) for _ in range(3)]
    keys = [f"meeting:{m.pk}" for m in meetings] + ["person:999999"]
    with django_assert_num_queries(1):
        read = heads._read_heads(keys)
    assert read == {f"meeting:{m.pk}": last_seq(meeting_id=m.pk) for m in meetings}
    assert all(head >= 1 for head in read.values())


async def test_a_handshake_during_a_database_outage_is_accepted_then_closed_4503(
    cabinet, live, monkeypatch, caplog
):
    # Through the whole server stack: the session cookie is read from the database before
    # any consumer runs, so that is where an outage meets a tablet that reconnects. The
    # page must learn "try again" (4503), not see an HTTP 500 that looks like a dropped
    # network.
    cookie = await database_call(session_cookie)(cabinet.minister)

    def unreachable(self):
        raise OperationalError("connection to server at 127.0.0.1, port 5432 failed")

    monkeypatch.setattr(SessionStore, "_get_session_from_db", unreachable)
    headers = [(b"origin", b"http://testserver"), (b"cookie", cookie)]
    page = WebsocketCommunicator(application, f"/ws/meetings/{live.pk}/", headers=headers)
    with caplog.at_level(logging.WARNING, logger="ecabinet.realtime.outage"):
        connected, _ = await page.connect(timeout=5)
        assert connected
        assert await page.receive_output(timeout=5) == {"type": "websocket.close", "code": 4503}
    assert "the database is unreachable" in caplog.text

    # Once the database answers, the same cookie is admitted.
    monkeypatch.undo()
    page = WebsocketCommunicator(application, f"/ws/meetings/{live.pk}/", headers=headers)
    connected, _ = await page.connect(timeout=5)
    assert connected
    await page.send_json_to({"type": "ping"})
    assert (await page.receive_json_from(timeout=5))["type"] == "pong"
    await page.disconnect()
