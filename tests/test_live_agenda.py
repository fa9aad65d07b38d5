"""An agenda item added while tablets are in the room is named on them at once: the
snapshot that `agenda.changed` makes them fetch carries each item's title and order. A
guest learns the new item's id from that event (it is about the whole agenda) but never
its title: their snapshot lists only the items they are invited to."""

from __future__ import annotations

import json

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from ecabinet.realtime.db import database_call
from meetings import services
from meetings.access import meeting_access
from meetings.routing import websocket_urlpatterns
from meetings.selectors import live_state
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db(transaction=True)
APP = URLRouter(websocket_urlpatterns)
TITLE = "Bổ sung: Dự án Luật Đất đai (sửa đổi)"


async def tablet(user, meeting_id, after):
    communicator = WebsocketCommunicator(APP, f"/ws/meetings/{meeting_id}/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "hello", "after": after})
    while (await communicator.receive_json_from(timeout=5))["type"] != "ready":
        pass
    return communicator


def snapshot(user, meeting):
    return live_state(access=meeting_access(user=user, meeting=meeting))


def set_up(cabinet):
    meeting = make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)
    first = meeting.items.order_by("order").first()
    services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[first]
    )
    return meeting


async def test_an_item_added_in_the_room_is_named_by_the_next_snapshot(cabinet):
    meeting = await database_call(set_up)(cabinet)
    before = await database_call(snapshot)(cabinet.minister, meeting)
    minister = await tablet(cabinet.minister, meeting.pk, before["seq"])
    guest = await tablet(cabinet.guest, meeting.pk, before["seq"])

    item = await database_call(services.item_add)(
        actor=cabinet.secretary, meeting=meeting, title=TITLE
    )
    told = await minister.receive_json_from(timeout=5)
    assert told["event"] == "agenda.changed" and item.pk in told["data"]["item_ids"]
    fresh = await database_call(snapshot)(cabinet.minister, meeting)
    assert fresh["items"][-1] == {
        "id": item.pk,
        "order": 3,
        "title": TITLE,
        "state": "pending",
        "conclusion": "",
        "queue": [],
        "speaker": None,
    }

    # The guest's copy of the event has no title, nor has their snapshot.
    guest_told = await guest.receive_json_from(timeout=5)
    assert guest_told["seq"] == told["seq"]
    assert TITLE not in json.dumps(guest_told, ensure_ascii=False)
    guest_view = await database_call(snapshot)(cabinet.guest, meeting)
    assert [i["title"] for i in guest_view["items"]] == ["Nội dung 1"]
    assert TITLE not in json.dumps(guest_view, ensure_ascii=False)
    for communicator in (minister, guest):
        await communicator.disconnect()


def test_a_renamed_item_is_renamed_in_the_snapshot(cabinet):
    meeting = set_up(cabinet)
    second = meeting.items.order_by("order").last()
    services.item_update(actor=cabinet.secretary, item=second, title="Tên mới")
    assert [(i["order"], i["title"]) for i in snapshot(cabinet.minister, meeting)["items"]] == [
        (1, "Nội dung 1"),
        (2, "Tên mới"),
    ]
