"""How events reach an open socket: after commit, in order, and with a lost one filled in
from the log; and a socket that acts only with the roles its user still holds."""

from __future__ import annotations

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from ecabinet.realtime import events as realtime_events
from ecabinet.realtime.db import database_call
from ecabinet.realtime.events import last_seq
from meetings import live, services
from meetings.models import LiveState
from meetings.routing import websocket_urlpatterns
from people.models import Membership, Role
from people.services import membership_revoke

pytestmark = pytest.mark.django_db(transaction=True)
APP = URLRouter(websocket_urlpatterns)
db = database_call


async def connect(user, meeting_id):
    communicator = WebsocketCommunicator(APP, f"/ws/meetings/{meeting_id}/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    after = await db(last_seq)(meeting_id=meeting_id)
    await communicator.send_json_to({"type": "hello", "after": after})
    while (await communicator.receive_json_from(timeout=5))["type"] != "ready":
        pass
    return communicator, after


def start(cabinet, meeting):
    return services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")


async def test_an_event_the_layer_lost_is_sent_from_the_log_before_the_next_one(
    cabinet, meeting, monkeypatch
):
    meeting = await db(start)(cabinet, meeting)
    tablet, after = await connect(cabinet.minister, meeting.pk)
    dropped = []
    real_send = realtime_events.send_after_commit

    def lossy_send(group, message):
        if not dropped:  # the channel layer is at-most-once: this one never arrives
            dropped.append(message["seq"])
            return
        real_send(group, message)

    monkeypatch.setattr(realtime_events, "send_after_commit", lossy_send)
    await db(live.attendance_check_in)(actor=cabinet.members[2], meeting=meeting)
    await db(live.attendance_check_in)(actor=cabinet.members[3], meeting=meeting)

    first = await tablet.receive_json_from(timeout=5)
    second = await tablet.receive_json_from(timeout=5)
    assert dropped == [after + 1]
    assert (first["seq"], first["event"]) == (after + 1, "attendance.changed")
    assert first["data"]["attendee"]["user_id"] == cabinet.members[2].pk
    assert (second["seq"], second["event"]) == (after + 2, "attendance.changed")
    assert second["data"]["attendee"]["user_id"] == cabinet.members[3].pk
    assert await tablet.receive_nothing(timeout=0.2)
    await tablet.disconnect()


async def test_events_reach_the_socket_in_the_order_they_committed(cabinet, meeting):
    meeting = await db(start)(cabinet, meeting)
    tablet, after = await connect(cabinet.minister, meeting.pk)
    for person in cabinet.members[:5]:
        await db(live.attendance_check_in)(actor=person, meeting=meeting)
    received = [await tablet.receive_json_from(timeout=5) for _ in range(5)]
    assert [m["seq"] for m in received] == list(range(after + 1, after + 6))
    assert [m["data"]["attendee"]["user_id"] for m in received] == [
        p.pk for p in cabinet.members[:5]
    ]
    await tablet.disconnect()


async def test_a_chair_whose_role_was_taken_away_can_no_longer_act_on_an_open_socket(
    cabinet, meeting
):
    meeting = await db(start)(cabinet, meeting)
    chair, _ = await connect(cabinet.chair, meeting.pk)
    await chair.send_json_to(
        {"type": "command", "client_id": "pause-000001", "name": "meeting.pause", "args": {}}
    )
    while (answer := await chair.receive_json_from(timeout=5))["type"] == "event":
        pass
    assert answer["type"] == "ack"
    await chair.send_json_to(
        {"type": "command", "client_id": "resume-00001", "name": "meeting.resume", "args": {}}
    )
    while (answer := await chair.receive_json_from(timeout=5))["type"] == "event":
        pass
    assert answer["type"] == "ack"

    membership = await db(Membership.objects.get)(
        user=cabinet.chair, body=cabinet.body, role=Role.CHAIR
    )
    await db(membership_revoke)(actor=cabinet.secretary, membership=membership)
    await chair.send_json_to(
        {"type": "command", "client_id": "pause-000002", "name": "meeting.pause", "args": {}}
    )
    while (answer := await chair.receive_json_from(timeout=5))["type"] == "event":
        pass  # the resume's own event may come after its acknowledgement
    assert answer["type"] == "error"
    assert answer["client_id"] == "pause-000002"
    assert answer["code"] == "forbidden"
    state = await db(LiveState.objects.get)(meeting=meeting)
    assert state.paused is False
    await chair.disconnect()


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ([(b"accept-language", b"vi-VN,vi;q=0.9,en;q=0.5")], "Không nhận dạng được lệnh."),
        ([(b"accept-language", b"en-GB,en;q=0.8")], "Unknown command."),
        (
            [(b"cookie", b"django_language=vi"), (b"accept-language", b"en")],
            "Không nhận dạng được lệnh.",
        ),
    ],
)
async def test_a_refusal_on_the_socket_speaks_the_language_of_the_tablets_page(
    cabinet, meeting, headers, detail
):
    from channels.auth import AuthMiddlewareStack  # parses the cookie header like Daphne's stack

    communicator = WebsocketCommunicator(
        AuthMiddlewareStack(APP), f"/ws/meetings/{meeting.pk}/", headers=headers
    )
    communicator.scope["user"] = cabinet.minister
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to(
        {"type": "command", "client_id": "unknown-0001", "name": "no.such", "args": {}}
    )
    answer = await communicator.receive_json_from(timeout=5)
    assert (answer["type"], answer["code"], answer["detail"]) == ("error", "not_found", detail)
    await communicator.disconnect()


def test_an_event_committed_under_a_foreign_running_loop_still_reaches_the_group(
    cabinet, meeting, monkeypatch
):
    """Synchronous code run on a thread whose event loop belongs to someone else (a
    browser driver, a notebook) commits a change: the event is sent, not dropped."""
    import asyncio

    from channels.layers import get_channel_layer
    from django.db import connections

    from ecabinet.realtime import sender
    from ecabinet.realtime.events import meeting_group

    monkeypatch.setattr(sender, "_loop", None)  # no server loop of ours in this process
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # what such drivers set
    meeting = start(cabinet, meeting)
    layer = get_channel_layer()

    async def scenario():
        channel = await layer.new_channel()
        await layer.group_add(meeting_group(meeting.pk), channel)
        # Straight from the loop's own thread, as synchronous code under that loop does.
        try:
            live.attendance_check_in(actor=cabinet.members[2], meeting=meeting)
        finally:
            connections.close_all()  # this context's own connection, not the test's
        return await asyncio.wait_for(layer.receive(channel), timeout=5)

    message = asyncio.run(scenario())
    assert message["type"] == "meeting.event"
    assert message["seq"] == last_seq(meeting_id=meeting.pk)


async def test_a_process_follows_a_meeting_once_and_hands_each_event_to_every_socket(
    cabinet, meeting
):
    """However many tablets of the room one server process holds, it is one member of
    the meeting's group: each event crosses the channel layer once per process, and
    every socket gets it, a guest a `skip` for an item they are not invited to."""
    from channels.layers import InMemoryChannelLayer, get_channel_layer

    from ecabinet.realtime import hub
    from ecabinet.realtime.events import meeting_group, meeting_stream

    first, second = await db(lambda: list(meeting.items.order_by("order")))()
    await db(services.guest_invite)(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[first]
    )
    meeting = await db(start)(cabinet, meeting)
    tablets = [
        (await connect(user, meeting.pk))[0]
        for user in (cabinet.minister, cabinet.members[2], cabinet.guest)
    ]
    layer = get_channel_layer()
    assert hub.sockets_in(meeting_stream(meeting.pk)) == 3
    if isinstance(layer, InMemoryChannelLayer):
        assert len(layer.groups[meeting_group(meeting.pk)]) == 1

    await db(live.item_open)(actor=cabinet.chair, item=second)
    seq = await db(last_seq)(meeting_id=meeting.pk)
    frames = [await tablet.receive_json_from(timeout=5) for tablet in tablets]
    assert [frame["seq"] for frame in frames] == [seq, seq, seq]
    assert frames[0] == frames[1] and frames[0]["event"] == "item.opened"
    assert frames[2] == {"type": "skip", "seq": seq}

    for tablet in tablets:
        await tablet.disconnect()
    assert hub.sockets_in(meeting_stream(meeting.pk)) == 0
    if isinstance(layer, InMemoryChannelLayer):
        assert not layer.groups.get(meeting_group(meeting.pk))
