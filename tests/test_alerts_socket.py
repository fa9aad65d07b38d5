"""The person's socket (`/ws/me/`) and the vote and floor alerts: the exact payloads,
only the people they are for, replay after a reconnect, and messages that are refused."""

# ruff: noqa: F811
from __future__ import annotations

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from ecabinet.realtime.db import database_call
from ecabinet.realtime.events import last_seq
from ecabinet.realtime.models import StoredEvent
from meetings import live, live_speakers
from meetings import services as meetings
from meetings.realtime import access_changed
from meetings.realtime import user_group as meetings_user_group
from notifications.alerts import person_stream
from notifications.consumers import user_group
from notifications.routing import websocket_urlpatterns
from people.models import Role
from tests.factories import UserFactory, grant, make_meeting
from voting import services as voting

pytestmark = pytest.mark.django_db(transaction=True)
APP = URLRouter(websocket_urlpatterns)


async def connect(user, *, hello_after=None, path="/ws/me/"):
    communicator = WebsocketCommunicator(APP, path)
    communicator.scope["user"] = user
    connected, code = await communicator.connect()
    if connected and hello_after is not None:
        await communicator.send_json_to({"type": "hello", "after": hello_after})
    return communicator, connected, code


async def until_ready(communicator):
    frames = []
    while True:
        frame = await communicator.receive_json_from(timeout=5)
        frames.append(frame)
        if frame["type"] == "ready":
            return frames


def alerts_of(user) -> list[tuple[str, dict]]:
    key = person_stream(user.pk).key
    return [(e.type, e.payload) for e in StoredEvent.objects.filter(stream=key).order_by("seq")]


def start_room(cabinet):
    """A running meeting: a guest invited to item 2 only, members[5] on leave with a
    deputy allowed to vote, the first item under discussion."""
    meeting = make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)
    first, second = meeting.items.order_by("order")
    meetings.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[second]
    )
    away = cabinet.members[5]
    away.organisation = "Bộ Tài chính"
    away.save(update_fields=["organisation"])
    deputy = grant(
        UserFactory(username="deputy5", full_name="Lê Văn Phó", organisation="Bộ Tài chính"),
        cabinet.body,
        Role.DEPUTY,
    )
    leave = meetings.leave_request(actor=away, meeting=meeting, reason="Công tác", deputy=deputy)
    meetings.leave_decide(actor=cabinet.chair, leave=leave, approve=True, deputy_may_vote=True)
    for person in [*cabinet.members[:5], deputy]:
        live.attendance_mark(
            actor=cabinet.secretary, meeting=meeting, user_id=person.pk, present=True
        )
    meeting = meetings.meeting_start(actor=cabinet.chair, meeting=meeting)
    live.item_open(actor=cabinet.chair, item=first)
    return meeting, first, deputy


@pytest.fixture
def room(cabinet):
    return start_room(cabinet)


async def test_the_socket_needs_a_signed_in_person_and_names_nobody(cabinet):
    page, connected, _ = await connect(AnonymousUser())
    assert connected  # accepted, then closed with the code the page can read
    assert await page.receive_output(timeout=2) == {"type": "websocket.close", "code": 4401}
    # There is no way to name another person's stream: /ws/me/ is always one's own.
    with pytest.raises(ValueError, match="No route"):
        await connect(cabinet.minister, path=f"/ws/me/{cabinet.chair.pk}/")
    assert user_group(7) == meetings_user_group(7)  # sign-outs reach this socket too


async def test_a_vote_opening_reaches_every_seat_and_the_deputy_allowed_to_vote(cabinet, room):
    meeting, item, deputy = room
    minister, _, _ = await connect(cabinet.minister, hello_after=0)
    assert await until_ready(minister) == [{"type": "ready", "seq": 0}]

    vote = await database_call(voting.vote_open)(
        actor=cabinet.chair, item=item, question="Tán thành dự thảo Nghị định?"
    )
    frame = await minister.receive_json_from(timeout=5)
    assert frame == {
        "type": "event",
        "seq": 1,
        "event": "alert.vote_opened",
        "data": {
            "key": f"vote:{vote.pk}",
            "vote_id": vote.pk,
            "meeting_id": meeting.pk,
            "meeting_title": meeting.title,
            "question": "Tán thành dự thảo Nghị định?",
            "url": f"/meetings/{meeting.pk}/room/?vote={vote.pk}#room-vote",
        },
    }

    def receivers():
        return {
            person.username
            for person in [
                *cabinet.members,
                deputy,
                cabinet.secretary,
                cabinet.guest,
                cabinet.observer,
                cabinet.assistant,
                cabinet.archivist,
                cabinet.outsider,
            ]
            if alerts_of(person)
        }

    expected = {m.username for m in cabinet.members} | {"deputy5"}
    assert await database_call(receivers)() == expected

    await database_call(voting.vote_close)(actor=cabinet.chair, vote_id=vote.pk)
    frame = await minister.receive_json_from(timeout=5)
    assert frame == {
        "type": "event",
        "seq": 2,
        "event": "alert.vote_closed",
        "data": {"key": f"vote:{vote.pk}", "vote_id": vote.pk, "meeting_id": meeting.pk},
    }
    assert await database_call(receivers)() == expected
    await minister.disconnect()


async def test_a_deputy_not_allowed_to_vote_is_not_called_to_vote(cabinet):
    def setup():
        meeting, item, deputy = start_room(cabinet)
        meeting.participants.filter(user=deputy).update(may_vote=False)
        voting.vote_open(actor=cabinet.chair, item=item, question="Tán thành?")
        return deputy

    deputy = await database_call(setup)()
    assert await database_call(alerts_of)(deputy) == []


async def test_the_floor_alerts_the_speaker_alone_and_ends_when_taken_back(cabinet, room):
    meeting, item, _ = room
    speaker, _, _ = await connect(cabinet.minister, hello_after=0)
    await until_ready(speaker)
    other, _, _ = await connect(cabinet.members[2], hello_after=0)
    await until_ready(other)

    def give():
        request = live_speakers.speaker_request(actor=cabinet.minister, item=item)
        live_speakers.speaker_next(actor=cabinet.chair, meeting=meeting)
        return request

    request = await database_call(give)()
    assert await speaker.receive_json_from(timeout=5) == {
        "type": "event",
        "seq": 1,
        "event": "alert.floor_given",
        "data": {
            "key": f"floor:{request.pk}",
            "request_id": request.pk,
            "meeting_id": meeting.pk,
            "meeting_title": meeting.title,
            "item_title": item.title,
            "url": f"/meetings/{meeting.pk}/room/",
        },
    }
    await database_call(live_speakers.speaker_finish)(actor=cabinet.chair, meeting=meeting)
    assert await speaker.receive_json_from(timeout=5) == {
        "type": "event",
        "seq": 2,
        "event": "alert.floor_ended",
        "data": {"key": f"floor:{request.pk}", "request_id": request.pk, "meeting_id": meeting.pk},
    }
    assert await other.receive_nothing(timeout=0.3)
    await speaker.disconnect()
    await other.disconnect()


async def test_a_reconnecting_page_gets_what_it_missed_once(cabinet, room):
    meeting, item, _ = room
    page, _, _ = await connect(cabinet.minister, hello_after=0)
    await until_ready(page)
    vote = await database_call(voting.vote_open)(
        actor=cabinet.chair, item=item, question="Tán thành?"
    )
    first = await page.receive_json_from(timeout=5)
    assert first["seq"] == 1
    await page.disconnect()  # the tablet drops off the Wi-Fi

    await database_call(voting.vote_close)(actor=cabinet.chair, vote_id=vote.pk)
    again = await database_call(voting.vote_open)(
        actor=cabinet.chair, item=item, question="Biểu quyết lại?"
    )
    page, _, _ = await connect(cabinet.minister, hello_after=first["seq"])
    frames = await until_ready(page)
    assert [(f["type"], f.get("seq"), f.get("event")) for f in frames] == [
        ("event", 2, "alert.vote_closed"),
        ("event", 3, "alert.vote_opened"),
        ("ready", 3, None),
    ]
    assert frames[1]["data"]["vote_id"] == again.pk
    assert await page.receive_nothing(timeout=0.3)  # nothing twice
    await page.disconnect()

    # A fresh page starts from the stream's last number: no old alert is shown again.
    seq = await database_call(last_seq)(stream=person_stream(cabinet.minister.pk))
    page, _, _ = await connect(cabinet.minister, hello_after=seq)
    assert await until_ready(page) == [{"type": "ready", "seq": 3}]
    await page.disconnect()


async def test_one_persons_alerts_never_reach_another(cabinet, room):
    meeting, item, _ = room
    guest, _, _ = await connect(cabinet.guest, hello_after=0)
    observer, _, _ = await connect(cabinet.observer, hello_after=0)
    outsider, _, _ = await connect(cabinet.outsider, hello_after=0)
    for page in (guest, observer, outsider):
        await until_ready(page)
    await database_call(voting.vote_open)(actor=cabinet.chair, item=item, question="Tán thành?")
    for page in (guest, observer, outsider):
        assert await page.receive_nothing(timeout=0.3)
        await page.send_json_to({"type": "hello", "after": 0})  # the log holds nothing either
        assert await until_ready(page) == [{"type": "ready", "seq": 0}]
        await page.disconnect()


async def test_malformed_and_forged_messages_are_refused(cabinet):
    page, connected, _ = await connect(cabinet.minister)
    assert connected
    await page.send_to(text_data="{not json")
    assert (await page.receive_json_from())["code"] == "bad_json"
    await page.send_json_to(["hello"])
    assert (await page.receive_json_from())["code"] == "bad_message"
    for after in ("5", -1, True, None):
        await page.send_json_to({"type": "hello", "after": after})
        assert (await page.receive_json_from())["code"] == "bad_message"
    # A page cannot raise an alert or act: the socket takes no commands and no events.
    for forged in (
        {"type": "event", "event": "alert.vote_opened", "data": {"key": "vote:1"}},
        {"type": "command", "client_id": "abcdefgh", "name": "vote.cast", "args": {}},
    ):
        await page.send_json_to(forged)
        assert (await page.receive_json_from())["code"] == "unknown_type"
    assert await database_call(alerts_of)(cabinet.minister) == []
    await page.send_to(text_data="x" * 5000)
    assert (await page.receive_output(timeout=1))["code"] == 4413


async def test_too_many_messages_close_the_socket(cabinet):
    page, _, _ = await connect(cabinet.minister)
    for _ in range(11):
        await page.send_json_to({"type": "ping"})
    frames = [await page.receive_output(timeout=1) for _ in range(11)]
    assert frames[-1] == {"type": "websocket.close", "code": 4429}


async def test_signing_out_closes_the_socket(cabinet):
    page, _, _ = await connect(cabinet.minister, hello_after=0)
    await until_ready(page)
    await database_call(access_changed)(user_id=cabinet.minister.pk, logout=True)
    assert (await page.receive_output(timeout=2))["code"] == 4401
