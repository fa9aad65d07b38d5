"""Every live-room event over the meeting socket: its exact payload, its replay after a
reconnect, and a snapshot that equals an older snapshot with the events applied."""

from __future__ import annotations

import copy

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from ecabinet.realtime.db import database_call
from ecabinet.realtime.events import last_seq
from meetings import live, services
from meetings.access import meeting_access
from meetings.models import LiveState, SpeakerRequest
from meetings.routing import websocket_urlpatterns
from meetings.selectors import attendance_list, live_state, meeting_quorum, speaker_entry
from tests.factories import NamedBytes, make_meeting, pdf_bytes

pytestmark = pytest.mark.django_db(transaction=True)
APP = URLRouter(websocket_urlpatterns)


async def connect(user, meeting_id, after):
    communicator = WebsocketCommunicator(APP, f"/ws/meetings/{meeting_id}/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "hello", "after": after})
    return communicator


async def until_ready(communicator):
    messages = []
    while True:
        message = await communicator.receive_json_from(timeout=5)
        messages.append(message)
        if message["type"] == "ready":
            return messages


def check_in(cabinet, meeting, people):
    for person in people:
        live.attendance_mark(
            actor=cabinet.secretary, meeting=meeting, user_id=person.pk, present=True
        )


def add_paper(cabinet, meeting, item, pages=2):
    return services.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=item,
        file=NamedBytes(pdf_bytes(pages=pages)),
        filename="to-trinh.pdf",
        doc_type="to_trinh",
        summary="Tờ trình",
        issuing_body="Bộ Tài chính",
    )


def setup_room(cabinet, *, start=True, open_item=False, before_start=None):
    meeting = make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)
    check_in(cabinet, meeting, cabinet.members[:4])
    if before_start is not None:
        before_start(meeting)
    if start:
        services.meeting_start(actor=cabinet.chair, meeting=meeting)
    first = meeting.items.order_by("order").first()
    if open_item:
        live.item_open(actor=cabinet.chair, item=first)
    return meeting, first


def queue_of(item):
    return [
        speaker_entry(r)
        for r in SpeakerRequest.objects.filter(item=item, state="queued").select_related("user")
    ]


# Each scenario: set the room up, act, and say what every tablet must receive.


def attendance(cabinet):
    meeting, _ = setup_room(cabinet, start=False)

    def act():
        live.attendance_check_in(actor=cabinet.members[5], meeting=meeting)
        entry = attendance_list(meeting=meeting, user_id=cabinet.members[5].pk)[0]
        quorum = meeting_quorum(meeting=meeting)
        assert entry["status"] == "present" and quorum["present"] == 5
        return "attendance.changed", {"meeting_id": meeting.pk, "attendee": entry, "quorum": quorum}

    return meeting, act


def paused(cabinet):
    meeting, _ = setup_room(cabinet)

    def act():
        live.meeting_pause(actor=cabinet.chair, meeting=meeting)
        return "meeting.paused", {"meeting_id": meeting.pk}

    return meeting, act


def resumed(cabinet):
    meeting, _ = setup_room(cabinet)
    live.meeting_pause(actor=cabinet.chair, meeting=meeting)

    def act():
        live.meeting_resume(actor=cabinet.chair, meeting=meeting)
        return "meeting.resumed", {"meeting_id": meeting.pk}

    return meeting, act


def opened(cabinet):
    meeting, item = setup_room(cabinet)

    def act():
        live.item_open(actor=cabinet.chair, item=item)
        return "item.opened", {"meeting_id": meeting.pk, "agenda_item_id": item.pk}

    return meeting, act


def closed(cabinet):
    meeting, item = setup_room(cabinet, open_item=True)

    def act():
        live.item_close(actor=cabinet.chair, item=item, conclusion="Thống nhất thông qua")
        data = {"meeting_id": meeting.pk, "agenda_item_id": item.pk}
        return "item.closed", {**data, "conclusion": "Thống nhất thông qua"}

    return meeting, act


def requested(cabinet):
    meeting, item = setup_room(cabinet)

    def act():
        request = live.speaker_request(actor=cabinet.minister, item=item)
        queue = [
            {
                "id": request.pk,
                "user_id": cabinet.minister.pk,
                "name": str(cabinet.minister),
                "on_behalf_of_id": None,
                "from_position": False,
                "started_at": None,
            }
        ]
        data = {"meeting_id": meeting.pk, "agenda_item_id": item.pk, "request_id": request.pk}
        return "speaker.requested", {**data, "user_id": cabinet.minister.pk, "queue": queue}

    return meeting, act


def withdrawn(cabinet):
    meeting, item = setup_room(cabinet)
    request = live.speaker_request(actor=cabinet.minister, item=item)
    live.speaker_request(actor=cabinet.members[2], item=item)

    def act():
        live.speaker_withdraw(actor=cabinet.minister, item=item)
        data = {"meeting_id": meeting.pk, "agenda_item_id": item.pk, "request_id": request.pk}
        queue = queue_of(item)
        assert [e["user_id"] for e in queue] == [cabinet.members[2].pk]
        return "speaker.withdrawn", {**data, "user_id": cabinet.minister.pk, "queue": queue}

    return meeting, act


def floor_given(cabinet):
    meeting, item = setup_room(cabinet, open_item=True)
    live.speaker_request(actor=cabinet.minister, item=item)
    live.speaker_request(actor=cabinet.members[2], item=item)

    def act():
        request = live.speaker_next(actor=cabinet.chair, meeting=meeting)
        speaker = speaker_entry(request)
        assert speaker["started_at"] is not None
        data = {"meeting_id": meeting.pk, "agenda_item_id": item.pk, "speaker": speaker}
        return "speaker.floor_given", {**data, "queue": queue_of(item)}

    return meeting, act


def finished(cabinet):
    meeting, item = setup_room(cabinet, open_item=True)
    request = live.speaker_request(actor=cabinet.minister, item=item)
    live.floor_give(actor=cabinet.chair, request=request)

    def act():
        live.speaker_finish(actor=cabinet.chair, meeting=meeting)
        data = {"meeting_id": meeting.pk, "agenda_item_id": item.pk, "request_id": request.pk}
        return "speaker.finished", {**data, "user_id": cabinet.minister.pk, "queue": []}

    return meeting, act


def presentation(cabinet):
    meeting, item = setup_room(cabinet, start=False)
    paper = add_paper(cabinet, meeting, item, pages=4)
    services.meeting_start(actor=cabinet.chair, meeting=meeting)

    def act():
        live.presentation_show(actor=cabinet.secretary, paper=paper, page=4)
        data = {"meeting_id": meeting.pk, "agenda_item_id": item.pk, "paper_id": paper.pk}
        return "presentation.moved", {**data, "page": 4, "by_user_id": cabinet.secretary.pk}

    return meeting, act


SCENARIOS = [
    attendance,
    paused,
    resumed,
    opened,
    closed,
    requested,
    withdrawn,
    floor_given,
    finished,
    presentation,
]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.__name__)
async def test_each_event_arrives_live_with_its_exact_payload_and_is_replayed(cabinet, scenario):
    meeting, act = await database_call(scenario)(cabinet)
    before = await database_call(last_seq)(meeting_id=meeting.pk)
    tablet = await connect(cabinet.members[4], meeting.pk, before)
    assert await until_ready(tablet) == [{"type": "ready", "seq": before}]

    name, data = await database_call(act)()
    expected = {"type": "event", "seq": before + 1, "event": name, "data": data}
    assert await tablet.receive_json_from(timeout=5) == expected
    assert await tablet.receive_nothing(timeout=0.2)  # one change, one event
    await tablet.disconnect()

    again = await connect(cabinet.members[4], meeting.pk, before)
    assert await until_ready(again) == [expected, {"type": "ready", "seq": before + 1}]
    await again.disconnect()


async def test_starting_queues_the_pre_meeting_speakers_after_the_state_change(cabinet):
    def prepare():
        meeting, item = setup_room(cabinet, start=False)
        services.position_mark(actor=cabinet.members[2], item=item, stance="wish_to_speak")
        return meeting, item

    meeting, item = await database_call(prepare)()
    before = await database_call(last_seq)(meeting_id=meeting.pk)
    tablet = await connect(cabinet.minister, meeting.pk, before)
    await until_ready(tablet)
    await database_call(services.meeting_start)(actor=cabinet.chair, meeting=meeting)
    state = await tablet.receive_json_from(timeout=5)
    queued = await tablet.receive_json_from(timeout=5)
    assert state["data"] == {"meeting_id": meeting.pk, "state": "in_progress"}
    assert queued["event"] == "speaker.requested"
    assert queued["data"]["queue"][0]["user_id"] == cabinet.members[2].pk
    assert queued["data"]["queue"][0]["from_position"] is True
    await tablet.disconnect()


async def test_a_guest_sees_only_the_events_of_their_item(cabinet):
    def invite(meeting):
        second = meeting.items.order_by("order").last()
        services.guest_invite(
            actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[second]
        )

    def prepare():
        return setup_room(cabinet, before_start=invite)

    meeting, first = await database_call(prepare)()
    before = await database_call(last_seq)(meeting_id=meeting.pk)
    tablet = await connect(cabinet.guest, meeting.pk, before)
    await until_ready(tablet)
    await database_call(live.item_open)(actor=cabinet.chair, item=first)
    assert await tablet.receive_json_from(timeout=5) == {"type": "skip", "seq": before + 1}
    await tablet.disconnect()


# --- The snapshot equals an old snapshot with the events applied ------------------------


def reduce(state: dict, message: dict) -> dict:
    """The tablet's reducer, as small as the events allow."""
    state = copy.deepcopy(state)
    event, data = message["event"], message["data"]
    state["seq"] = message["seq"]
    items = {item["id"]: item for item in state["items"]}
    if event == "meeting.state_changed":
        state["state"] = data["state"]
        if data["state"] == "closed":
            state["paused"], state["current_item_id"] = False, None
            state["presentation"] = None  # nothing stays on the screen after the close
            for item in items.values():
                item["state"] = "pending" if item["state"] == "open" else item["state"]
    elif event == "attendance.changed":
        others = [a for a in state["attendance"] if a["user_id"] != data["attendee"]["user_id"]]
        state["attendance"] = [*others, data["attendee"]]
        state["quorum"] = data["quorum"]
    elif event in {"meeting.paused", "meeting.resumed"}:
        state["paused"] = event == "meeting.paused"
    elif event == "item.opened":
        for item in items.values():
            item["state"] = "pending" if item["state"] == "open" else item["state"]
        items[data["agenda_item_id"]]["state"] = "open"
        state["current_item_id"] = data["agenda_item_id"]
    elif event == "item.closed":
        item = items[data["agenda_item_id"]]
        item["state"], item["conclusion"] = "closed", data["conclusion"]
        if state["current_item_id"] == item["id"]:
            state["current_item_id"] = None
    elif event.startswith("speaker."):
        item = items[data["agenda_item_id"]]
        item["queue"] = data["queue"]
        if event == "speaker.floor_given":
            item["speaker"] = data["speaker"]
        elif event == "speaker.finished":
            item["speaker"] = None
    elif event == "presentation.moved":
        keys = ["paper_id", "agenda_item_id", "page", "by_user_id"]
        state["presentation"] = {key: data[key] for key in keys}
    return state


def by_user(state: dict) -> dict:
    return {**state, "attendance": sorted(state["attendance"], key=lambda a: a["user_id"])}


def the_meeting_goes_on(cabinet, meeting):
    first, second = meeting.items.order_by("order")
    paper = add_paper(cabinet, meeting, second)
    services.position_mark(actor=cabinet.members[3], item=first, stance="wish_to_speak")
    check_in(cabinet, meeting, cabinet.members[:4])
    services.meeting_start(actor=cabinet.chair, meeting=meeting)
    live.attendance_check_in(actor=cabinet.members[5], meeting=meeting)
    live.item_open(actor=cabinet.chair, item=first)
    for person in [cabinet.minister, cabinet.members[2]]:
        live.speaker_request(actor=person, item=first)
    live.speaker_next(actor=cabinet.chair, meeting=meeting)
    live.speaker_withdraw(actor=cabinet.members[2], item=first)
    live.meeting_pause(actor=cabinet.chair, meeting=meeting)
    live.meeting_resume(actor=cabinet.chair, meeting=meeting)
    live.speaker_next(actor=cabinet.chair, meeting=meeting)
    live.item_close(actor=cabinet.chair, item=first, conclusion="Giao Bộ Tài chính hoàn thiện")
    live.item_open(actor=cabinet.chair, item=second)
    live.presentation_show(actor=cabinet.secretary, paper=paper, page=2)
    live.speaker_request(actor=cabinet.members[3], item=second)
    live.attendance_check_out(actor=cabinet.members[5], meeting=meeting)
    live.speaker_next(actor=cabinet.chair, meeting=meeting)


@pytest.mark.parametrize("end", [False, True], ids=["in_progress", "closed"])
async def test_a_fresh_snapshot_equals_an_old_one_with_the_events_applied(cabinet, end):
    viewer = cabinet.minister

    def snapshot(meeting):
        return live_state(access=meeting_access(user=viewer, meeting=meeting))

    meeting = await database_call(make_meeting)(
        cabinet.body, cabinet.secretary, items=2, publish=True
    )
    old = await database_call(snapshot)(meeting)
    tablet = await connect(viewer, meeting.pk, old["seq"])
    await until_ready(tablet)

    await database_call(the_meeting_goes_on)(cabinet, meeting)
    if end:
        await database_call(services.meeting_close)(actor=cabinet.chair, meeting=meeting)
    fresh = await database_call(snapshot)(meeting)

    state, events = old, set()
    while state["seq"] < fresh["seq"]:
        message = await tablet.receive_json_from(timeout=5)
        events.add(message["event"])
        state = reduce(state, message)
    await tablet.disconnect()
    assert by_user(state) == by_user(fresh)
    assert fresh["items"][0]["conclusion"] == "Giao Bộ Tài chính hoàn thiện"
    assert {
        "attendance.changed",
        "item.opened",
        "item.closed",
        "speaker.requested",
        "speaker.withdrawn",
        "speaker.floor_given",
        "speaker.finished",
        "meeting.paused",
        "meeting.resumed",
        "presentation.moved",
    } <= events
    assert await database_call(
        lambda: LiveState.objects.get(meeting=meeting).current_item_id
    )() == (None if end else fresh["current_item_id"])


async def test_a_tablet_checks_in_and_asks_to_speak_by_command(cabinet):
    meeting, item = await database_call(setup_room)(cabinet)
    before = await database_call(last_seq)(meeting_id=meeting.pk)
    tablet = await connect(cabinet.members[5], meeting.pk, before)
    await until_ready(tablet)
    for n, (name, args) in enumerate(
        [("attendance.check_in", {}), ("speaker.request", {"item_id": item.pk})], start=1
    ):
        await tablet.send_json_to(
            {"type": "command", "client_id": f"tablet-{n:04d}", "name": name, "args": args}
        )
        # The event (sent on commit) and the ack may come in either order.
        got = {m["type"]: m for m in [await tablet.receive_json_from(timeout=5) for _ in "ea"]}
        event, ack = got["event"], got["ack"]
        assert event["seq"] == before + n
        assert ack["type"] == "ack" and ack["result"]["seq"] == before + n
    assert event["event"] == "speaker.requested"
    assert ack["result"]["request_id"] == event["data"]["request_id"]
    await tablet.send_json_to(
        {"type": "command", "client_id": "tablet-0003", "name": "item.open", "args": {}}
    )
    assert (await tablet.receive_json_from(timeout=5))["code"] == "invalid"
    await tablet.disconnect()
