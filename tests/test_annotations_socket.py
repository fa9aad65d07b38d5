"""A note shared live: the recipient's person socket (`/ws/me/`) gets annotation.shared
with the note as they see it, then .updated and .deleted; a page that reconnects gets what
it missed once; someone it was not shared with gets nothing."""

from __future__ import annotations

import uuid

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from annotations import services
from annotations.models import Annotation
from ecabinet.realtime.db import database_call
from notifications.routing import websocket_urlpatterns
from tests.annotations_helpers import HIGHLIGHT, pages_pdf, upload

pytestmark = pytest.mark.django_db(transaction=True)
APP = URLRouter(websocket_urlpatterns)


async def ready(user, after=0):
    page = WebsocketCommunicator(APP, "/ws/me/")
    page.scope["user"] = user
    connected, _ = await page.connect()
    assert connected
    await page.send_json_to({"type": "hello", "after": after})
    frames = []
    while (frame := await page.receive_json_from(timeout=5))["type"] != "ready":
        frames.append(frame)
    return page, frames


@pytest.fixture
def paper(cabinet, meeting):
    data = pages_pdf("Alpha", "Beta")
    return upload(cabinet, meeting, data, item=meeting.items.order_by("order").first())


async def test_a_shared_note_reaches_its_reader_live_and_after_a_reconnect(cabinet, paper):
    author, reader, other = cabinet.minister, cabinet.members[2], cabinet.members[3]
    cid = uuid.uuid4()
    save = database_call(services.annotation_save)
    share = database_call(services.annotation_share)
    await save(
        actor=author,
        client_id=cid,
        paper=paper,
        version_number=1,
        page=1,
        kind="highlight",
        data=HIGHLIGHT,
        text="Số liệu quý III",
    )
    page, _ = await ready(reader)
    bystander, _ = await ready(other)
    await share(actor=author, client_id=cid, visibility="people", shared_with=[reader.pk])
    frame = await page.receive_json_from(timeout=5)
    note = await database_call(Annotation.objects.get)()
    assert frame == {
        "type": "event",
        "seq": 1,
        "event": "annotation.shared",
        "data": {
            "client_id": str(cid),
            "author_id": author.pk,
            "author_name": str(author),
            "paper_id": paper.pk,
            "meeting_id": paper.meeting_id,
            "version": 1,
            "page": 1,
            "kind": "highlight",
            "data": {"rects": HIGHLIGHT["rects"]},
            "text": "Số liệu quý III",
            "colour": "#ffd400",
            "visibility": "people",
            "updated_at": note.updated_at.isoformat(),
        },
    }
    assert await bystander.receive_nothing(timeout=0.3)
    await page.disconnect()  # the tablet drops off the Wi-Fi

    await save(
        actor=author,
        client_id=cid,
        paper=paper,
        version_number=1,
        page=2,
        kind="highlight",
        data=HIGHLIGHT,
        text="Số liệu quý IV",
    )
    await database_call(services.annotation_delete)(actor=author, client_id=cid)
    page, missed = await ready(reader, after=frame["seq"])
    assert [(f["seq"], f["event"]) for f in missed] == [
        (2, "annotation.updated"),
        (3, "annotation.deleted"),
    ]
    assert missed[0]["data"]["page"] == 2 and missed[0]["data"]["text"] == "Số liệu quý IV"
    assert missed[1]["data"] == {
        "client_id": str(cid),
        "author_id": author.pk,
        "paper_id": paper.pk,
        "meeting_id": paper.meeting_id,
        "version": 1,
        "page": 2,
    }
    assert await page.receive_nothing(timeout=0.3)  # nothing twice
    assert await bystander.receive_nothing(timeout=0.3)
    await page.disconnect()
    await bystander.disconnect()
