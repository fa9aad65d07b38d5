"""The meeting WebSocket: who may connect, the exact events, replay after reconnect,
commands sent once, and bad input refused."""

from __future__ import annotations

import json
import time

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from ecabinet.audit.models import AuditEntry
from ecabinet.realtime.db import database_call
from ecabinet.realtime.events import last_seq
from meetings import services
from meetings.consumers import MeetingConsumer
from meetings.models import Position
from meetings.realtime import access_changed
from meetings.routing import websocket_urlpatterns
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db(transaction=True)
APP = URLRouter(websocket_urlpatterns)


def CLOSED(code):  # noqa: N802  (reads as the frame it stands for)
    return {"type": "websocket.close", "code": code}


async def connect(user, meeting_id, *, hello_after=None):
    communicator = WebsocketCommunicator(APP, f"/ws/meetings/{meeting_id}/")
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    if connected and hello_after is not None:
        await communicator.send_json_to({"type": "hello", "after": hello_after})
    return communicator, connected, code


async def receive_until_ready(communicator):
    messages = []
    while True:
        message = await communicator.receive_json_from(timeout=5)
        messages.append(message)
        if message["type"] == "ready":
            return messages


@pytest.fixture
def live(cabinet):
    return make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)


async def test_an_anonymous_socket_is_closed(live):
    from django.contrib.auth.models import AnonymousUser

    communicator, connected, _ = await connect(AnonymousUser(), live.pk)
    assert connected  # accepted, then closed: the page sees the code, not a failed handshake
    assert await communicator.receive_output(timeout=5) == CLOSED(4401)


async def test_a_person_who_may_not_see_the_meeting_is_refused(cabinet, live):
    for person in [cabinet.outsider, cabinet.auditor]:
        communicator, connected, _ = await connect(person, live.pk)
        assert connected
        assert await communicator.receive_output(timeout=5) == CLOSED(4403)


async def test_a_draft_meeting_is_closed_to_members(cabinet):
    draft = await database_call(make_meeting)(cabinet.body, cabinet.secretary)
    communicator, connected, _ = await connect(cabinet.minister, draft.pk)
    assert connected
    assert await communicator.receive_output(timeout=5) == CLOSED(4403)


async def test_a_wrong_origin_is_refused(cabinet, live):
    from ecabinet.asgi import application

    communicator = WebsocketCommunicator(
        application, f"/ws/meetings/{live.pk}/", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _ = await communicator.connect()
    assert not connected


async def test_hello_replays_the_log_then_a_live_event_arrives_with_its_exact_payload(
    cabinet, live
):
    communicator, connected, _ = await connect(cabinet.minister, live.pk, hello_after=0)
    assert connected
    replayed = await receive_until_ready(communicator)
    assert replayed[0] == {
        "type": "event",
        "seq": 1,
        "event": "meeting.state_changed",
        "data": {"meeting_id": live.pk, "state": "published"},
    }
    assert replayed[-1] == {"type": "ready", "seq": 1}

    await database_call(services.meeting_start)(
        actor=cabinet.chair, meeting=live, override_reason="Kiểm thử"
    )
    assert await communicator.receive_json_from(timeout=5) == {
        "type": "event",
        "seq": 2,
        "event": "meeting.state_changed",
        "data": {"meeting_id": live.pk, "state": "in_progress"},
    }
    await communicator.disconnect()


async def test_a_reconnecting_tablet_receives_only_what_it_missed(cabinet, live):
    first, _, _ = await connect(cabinet.minister, live.pk, hello_after=0)
    await receive_until_ready(first)
    await first.disconnect()
    # While the tablet is away: an item is added, then the meeting starts.
    await database_call(services.item_add)(actor=cabinet.secretary, meeting=live, title="Bổ sung")
    await database_call(services.meeting_start)(
        actor=cabinet.chair, meeting=live, override_reason="Kiểm thử"
    )
    again, _, _ = await connect(cabinet.minister, live.pk, hello_after=1)
    missed = await receive_until_ready(again)
    item_ids = await database_call(
        lambda: list(live.items.order_by("order").values_list("pk", flat=True))
    )()
    assert missed == [
        {
            "type": "event",
            "seq": 2,
            "event": "agenda.changed",
            "data": {"meeting_id": live.pk, "item_ids": item_ids},
        },
        {
            "type": "event",
            "seq": 3,
            "event": "meeting.state_changed",
            "data": {"meeting_id": live.pk, "state": "in_progress"},
        },
        {"type": "ready", "seq": 3},
    ]
    await again.disconnect()


async def test_a_tablet_too_far_behind_is_told_to_reload(cabinet, live, settings):
    settings.REALTIME_REPLAY_LIMIT = 1
    await database_call(services.item_add)(actor=cabinet.secretary, meeting=live, title="Bổ sung")
    await database_call(services.item_add)(actor=cabinet.secretary, meeting=live, title="Bổ sung 2")
    communicator, _, _ = await connect(cabinet.minister, live.pk, hello_after=0)
    messages = await receive_until_ready(communicator)
    assert messages == [{"type": "resync", "seq": 3}, {"type": "ready", "seq": 3}]
    await communicator.disconnect()


async def test_a_command_is_done_once_however_often_it_is_sent(cabinet, live):
    item = await database_call(live.items.first)()
    communicator, _, _ = await connect(cabinet.minister, live.pk, hello_after=0)
    await receive_until_ready(communicator)
    command = {
        "type": "command",
        "client_id": "c0ffee-0001",
        "name": "position.mark",
        "args": {"item_id": item.pk, "stance": "wish_to_speak", "comment": "Xin phát biểu"},
    }
    await communicator.send_json_to(command)
    first = await communicator.receive_json_from(timeout=5)
    await communicator.send_json_to(command)  # the retry after a flaky connection
    second = await communicator.receive_json_from(timeout=5)
    result = {"item_id": item.pk, "stance": "wish_to_speak", "comment": "Xin phát biểu"}
    assert first == {"type": "ack", "client_id": "c0ffee-0001", "result": result, "replayed": False}
    assert second == {**first, "replayed": True}
    count = await database_call(
        lambda: (
            Position.objects.count(),
            AuditEntry.objects.filter(action__startswith="position.").count(),
        )
    )()
    assert count == (1, 1)
    await communicator.disconnect()


@pytest.mark.parametrize(
    ("message", "code"),
    [
        ({"type": "command", "client_id": "x", "name": "position.mark", "args": {}}, "invalid"),
        (
            {"type": "command", "client_id": "abcdefgh12", "name": "vote.steal", "args": {}},
            "not_found",
        ),
        (
            {
                "type": "command",
                "client_id": "abcdefgh12",
                "name": "position.mark",
                "args": {"item_id": 1, "stance": "object", "actor": 3},
            },
            "invalid",
        ),
        (
            {
                "type": "command",
                "client_id": "abcdefgh12",
                "name": "position.mark",
                "args": {"nonsense": 1},
            },
            "invalid",
        ),
        ({"type": "explode"}, "unknown_type"),
        ({"no": "type"}, "bad_message"),
        ({"type": "hello", "after": -1}, "bad_message"),
        ({"type": "hello", "after": "7"}, "bad_message"),
    ],
)
async def test_a_malformed_or_forged_message_gets_an_error_and_changes_nothing(
    cabinet, live, message, code
):
    communicator, _, _ = await connect(cabinet.minister, live.pk)
    await communicator.send_json_to(message)
    reply = await communicator.receive_json_from(timeout=5)
    assert reply["type"] == "error"
    assert reply["code"] == code
    assert await database_call(Position.objects.count)() == 0
    await communicator.disconnect()


async def test_text_that_is_not_json_gets_an_error(cabinet, live):
    communicator, _, _ = await connect(cabinet.minister, live.pk)
    await communicator.send_to(text_data="{not json")
    assert (await communicator.receive_json_from(timeout=5))["code"] == "bad_json"
    await communicator.disconnect()


async def test_an_oversized_message_closes_the_socket(cabinet, live):
    communicator, _, _ = await connect(cabinet.minister, live.pk)
    await communicator.send_to(text_data=json.dumps({"type": "ping", "pad": "x" * 20000}))
    assert (await communicator.receive_output(timeout=5))["code"] == 4413


async def test_a_flood_of_messages_closes_the_socket(cabinet, live):
    communicator, _, _ = await connect(cabinet.minister, live.pk)
    began = time.monotonic()
    for _ in range(40):
        await communicator.send_json_to({"type": "ping"})
    outputs = []
    while True:
        output = await communicator.receive_output(timeout=5)
        outputs.append(output)
        if output["type"] == "websocket.close":
            break
    took = time.monotonic() - began
    assert outputs[-1]["code"] == 4429
    # The bucket holds 30 and refills at 5 a second while the pings are being answered.
    rate = MeetingConsumer.rate_capacity + int(took * MeetingConsumer.rate_per_second) + 1
    answered = sum(1 for o in outputs if o["type"] == "websocket.send")
    assert answered <= min(rate, 39)


async def test_signing_out_closes_the_users_sockets(cabinet, live):
    communicator, _, _ = await connect(cabinet.minister, live.pk, hello_after=0)
    await receive_until_ready(communicator)
    await database_call(access_changed)(user_id=cabinet.minister.pk, logout=True)
    assert (await communicator.receive_output(timeout=5))["code"] == 4403


async def test_a_guest_removed_from_the_meeting_is_disconnected(cabinet, live):
    item = await database_call(live.items.first)()
    participant = await database_call(services.guest_invite)(
        actor=cabinet.secretary, meeting=live, user=cabinet.guest, items=[item]
    )
    communicator, connected, _ = await connect(cabinet.guest, live.pk, hello_after=0)
    assert connected
    await receive_until_ready(communicator)
    await database_call(services.participant_remove)(
        actor=cabinet.secretary, participant=participant
    )
    assert (await communicator.receive_output(timeout=5))["code"] == 4403


async def test_the_log_numbers_events_without_gaps(cabinet, live):
    for n in range(3):
        await database_call(services.item_add)(
            actor=cabinet.secretary, meeting=live, title=f"Thêm {n}"
        )
    assert await database_call(last_seq)(meeting_id=live.pk) == 4


async def test_a_guest_invited_to_one_more_item_while_connected_sees_it_at_once(cabinet, live):
    first, second = await database_call(lambda: list(live.items.all()))()
    await database_call(services.guest_invite)(
        actor=cabinet.secretary, meeting=live, user=cabinet.guest, items=[first]
    )
    communicator, connected, _ = await connect(cabinet.guest, live.pk, hello_after=0)
    assert connected
    await receive_until_ready(communicator)
    await database_call(services.guest_invite)(
        actor=cabinet.secretary, meeting=live, user=cabinet.guest, items=[second]
    )
    meeting = await database_call(services.meeting_start)(
        actor=cabinet.chair, meeting=live, override_reason="Kiểm thử"
    )
    from meetings import live as live_services

    await database_call(live_services.item_open)(actor=cabinet.chair, item=second)
    seen = []
    while not seen or seen[-1].get("event") != "item.opened":
        seen.append(await communicator.receive_json_from(timeout=5))
        assert seen[-1]["type"] != "skip", seen
    assert seen[-1]["data"]["agenda_item_id"] == second.pk
    assert meeting.pk == live.pk
    await communicator.disconnect()


async def test_a_guest_removed_while_connected_sees_nothing_of_their_item_after(cabinet, live):
    """The removal's notice to the socket and the item's next event may arrive in either
    order: the event is still not shown."""
    from meetings import live as live_services
    from meetings.models import Participant

    first = await database_call(lambda: live.items.order_by("order").first())()
    await database_call(services.guest_invite)(
        actor=cabinet.secretary, meeting=live, user=cabinet.guest, items=[first]
    )
    communicator, connected, _ = await connect(cabinet.guest, live.pk, hello_after=0)
    assert connected
    await receive_until_ready(communicator)
    participant = await database_call(Participant.objects.get)(meeting=live, user=cabinet.guest)
    await database_call(services.participant_remove)(
        actor=cabinet.secretary, participant=participant
    )
    await database_call(services.meeting_start)(
        actor=cabinet.chair, meeting=live, override_reason="Kiểm thử"
    )
    await database_call(live_services.item_open)(actor=cabinet.chair, item=first)
    outputs = []
    while not outputs or outputs[-1]["type"] != "websocket.close":
        outputs.append(await communicator.receive_output(timeout=5))
    assert outputs[-1]["code"] == 4403
    frames = [json.loads(o["text"]) for o in outputs if o["type"] == "websocket.send"]
    assert not [f for f in frames if f.get("event") == "item.opened"], frames
