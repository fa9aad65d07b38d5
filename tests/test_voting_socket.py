# ruff: noqa: F811  (fixtures imported from tests/test_voting_support.py)
"""Vote events on the meeting's WebSocket: each type's exact payload, replay after a
reconnect, a ballot sent twice over the socket counted once, guests kept out, and the
running tally coalesced."""

from __future__ import annotations

from datetime import timedelta

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator

from ecabinet.realtime.db import database_call
from ecabinet.realtime.events import last_seq
from ecabinet.realtime.models import StoredEvent
from meetings.models import Participant
from meetings.routing import websocket_urlpatterns
from tests.test_voting_support import absent, item, live, open_vote, receipt  # noqa: F401
from voting import services
from voting.models import Ballot

pytestmark = pytest.mark.django_db(transaction=True)
APP = URLRouter(websocket_urlpatterns)
db = database_call


async def connect(user, meeting_id, after):
    communicator = WebsocketCommunicator(APP, f"/ws/meetings/{meeting_id}/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    await communicator.send_json_to({"type": "hello", "after": after})
    messages = []
    while (message := await communicator.receive_json_from(timeout=5))["type"] != "ready":
        messages.append(message)
    return communicator, messages


async def receive(communicator, count):
    return [await communicator.receive_json_from(timeout=5) for _ in range(count)]


def event(seq, name, data):
    return {"type": "event", "seq": seq, "event": name, "data": data}


async def test_every_vote_event_arrives_with_its_exact_payload_and_replays(cabinet, item):
    start = await db(last_seq)(meeting_id=item.meeting_id)
    tablet, _ = await connect(cabinet.minister, item.meeting_id, start)
    vote = await db(open_vote)(cabinet, item)
    opened = event(
        start + 1,
        "vote.opened",
        {
            "vote_id": vote.pk,
            "agenda_item_id": item.pk,
            "question": "Thông qua?",
            "mode": "named",
            "hide_tally": False,
            "seats": 6,
        },
    )
    assert await receive(tablet, 1) == [opened]

    await tablet.send_json_to(
        {
            "type": "command",
            "client_id": "vote-cast-0001",
            "name": "vote.cast",
            "args": {"vote_id": vote.pk, "choice": "yes"},
        }
    )
    messages = await receive(tablet, 3)
    cast_result = {
        "vote_id": vote.pk,
        "member_id": cabinet.minister.pk,
        "cast_by_id": cabinet.minister.pk,
        "secret": False,
        "changed": False,
        "manual": False,
        "choice": "yes",
    }
    ballot_cast = event(
        start + 2,
        "vote.ballot_cast",
        {
            "vote_id": vote.pk,
            "agenda_item_id": item.pk,
            "member_id": cabinet.minister.pk,
            "cast_by_id": cabinet.minister.pk,
            "manual": False,
            "changed": False,
            "choice": "yes",
        },
    )
    tally = event(
        start + 3,
        "vote.tally_changed",
        {
            "vote_id": vote.pk,
            "agenda_item_id": item.pk,
            "cast": 1,
            "counts": {"yes": 1, "no": 0, "abstain": 0},
        },
    )
    ack = {"type": "ack", "client_id": "vote-cast-0001", "result": cast_result, "replayed": False}
    assert sorted(messages, key=lambda m: m.get("seq", 0)) == [ack, ballot_cast, tally]
    await tablet.disconnect()

    # Away: the vote closes. Back: the tablet asks for what it missed.
    closed_vote = await db(services.vote_close)(actor=cabinet.chair, vote_id=vote.pk)
    again, missed = await connect(cabinet.minister, item.meeting_id, start + 3)
    closed = event(
        start + 4,
        "vote.closed",
        {"vote_id": vote.pk, "agenda_item_id": item.pk, "result": closed_vote.result},
    )
    assert missed == [closed]
    assert closed_vote.result["counts"] == {"yes": 1, "no": 0, "abstain": 0}
    await again.disconnect()

    # A tablet that was away the whole time replays all four, in order.
    fresh, replayed = await connect(cabinet.minister, item.meeting_id, start)
    assert replayed == [opened, ballot_cast, tally, closed]
    await fresh.disconnect()


async def test_a_ballot_sent_twice_over_the_socket_is_counted_once(cabinet, item):
    vote = await db(open_vote)(cabinet, item)
    start = await db(last_seq)(meeting_id=item.meeting_id)
    tablet, _ = await connect(cabinet.minister, item.meeting_id, start)
    command = {
        "type": "command",
        "client_id": "vote-cast-0002",
        "name": "vote.cast",
        "args": {"vote_id": vote.pk, "choice": "no"},
    }
    await tablet.send_json_to(command)
    first = await receive(tablet, 3)
    await tablet.send_json_to(command)  # the retry after a flaky connection
    second = await tablet.receive_json_from(timeout=5)
    ack = next(m for m in first if m["type"] == "ack")
    assert second == {**ack, "replayed": True}
    assert await tablet.receive_nothing(timeout=0.2)
    counts = await db(
        lambda: (
            Ballot.objects.count(),
            StoredEvent.objects.filter(type="vote.ballot_cast").count(),
        )
    )()
    assert counts == (1, 1)
    await tablet.disconnect()


async def test_socket_refusals_are_errors_with_codes(cabinet, item):
    vote = await db(open_vote)(cabinet, item)
    tablet, _ = await connect(cabinet.secretary, item.meeting_id, 10**6)
    await tablet.send_json_to(
        {
            "type": "command",
            "client_id": "vote-cast-0003",
            "name": "vote.cast",
            "args": {"vote_id": vote.pk, "choice": "yes"},
        }
    )
    assert (await tablet.receive_json_from(timeout=5))["code"] == "forbidden"
    await tablet.send_json_to(
        {
            "type": "command",
            "client_id": "vote-cast-0004",
            "name": "vote.cast",
            "args": {"vote_id": "1", "choice": "yes"},
        }
    )
    assert (await tablet.receive_json_from(timeout=5))["code"] == "invalid"
    await tablet.disconnect()


async def test_a_secret_ballot_over_the_socket_publishes_no_name_and_no_choice(cabinet, item):
    vote = await db(open_vote)(cabinet, item, mode="secret")
    start = await db(last_seq)(meeting_id=item.meeting_id)
    tablet, _ = await connect(cabinet.minister, item.meeting_id, start)
    await tablet.send_json_to(
        {
            "type": "command",
            "client_id": "vote-cast-0005",
            "name": "vote.cast",
            "args": {"vote_id": vote.pk, "choice": "yes", "receipt": receipt()},
        }
    )
    messages = sorted(await receive(tablet, 2), key=lambda m: m.get("seq", 0))
    assert messages[0]["result"]["choice"] is None
    assert messages[1] == event(
        start + 1,
        "vote.tally_changed",
        {"vote_id": vote.pk, "agenda_item_id": item.pk, "cast": 1, "counts": None},
    )
    assert await tablet.receive_nothing(timeout=0.2)
    await tablet.disconnect()


async def test_a_guest_not_invited_to_the_item_sees_only_skips(cabinet, live):
    items = await db(lambda: list(live.items.order_by("order")))()
    guest = await db(Participant.objects.create)(meeting=live, user=cabinet.guest, kind="guest")
    await db(guest.items.add)(items[1])
    start = await db(last_seq)(meeting_id=live.pk)
    tablet, _ = await connect(cabinet.guest, live.pk, start)
    await db(open_vote)(cabinet, items[0])
    assert await receive(tablet, 1) == [{"type": "skip", "seq": start + 1}]
    await tablet.disconnect()


async def test_the_running_tally_is_coalesced_and_everyone_voting_is_always_pushed(
    cabinet, item, monkeypatch
):
    monkeypatch.setattr(services, "TALLY_INTERVAL", timedelta(hours=1))
    vote = await db(open_vote)(cabinet, item)
    for member in cabinet.members[:5]:
        await db(services.ballot_cast)(actor=member, vote_id=vote.pk, choice="yes")

    def tallies():
        return list(
            StoredEvent.objects.filter(type="vote.tally_changed").values_list(
                "payload__cast", flat=True
            )
        )

    assert await db(tallies)() == [1]  # the first; the next four fall inside the interval
    await db(services.ballot_cast)(actor=cabinet.members[5], vote_id=vote.pk, choice="no")
    assert await db(tallies)() == [1, 6]  # the last seat voted: pushed at once
    monkeypatch.setattr(services, "TALLY_INTERVAL", timedelta(0))
    await db(services.ballot_cast)(actor=cabinet.members[5], vote_id=vote.pk, choice="yes")
    assert await db(tallies)() == [1, 6, 6]


async def test_ballots_inside_the_interval_reach_the_tablets_once_it_is_over(
    cabinet, item, monkeypatch
):
    # A secret vote sends no event per ballot: only the tally tells the room how many
    # have voted, so the last ballots of a burst must be pushed after the interval.
    monkeypatch.setattr(services, "TALLY_INTERVAL", timedelta(milliseconds=300))
    vote = await db(open_vote)(cabinet, item, mode="secret")
    start = await db(last_seq)(meeting_id=item.meeting_id)
    chair, _ = await connect(cabinet.chair, item.meeting_id, start)
    for member in cabinet.members[1:4]:
        await db(services.ballot_cast)(
            actor=member, vote_id=vote.pk, choice="yes", receipt=receipt()
        )
    first = await chair.receive_json_from(timeout=5)
    assert (first["event"], first["data"]["cast"]) == ("vote.tally_changed", 1)
    trailing = await chair.receive_json_from(timeout=5)  # after the interval, unprompted
    assert trailing == event(
        first["seq"] + 1,
        "vote.tally_changed",
        {"vote_id": vote.pk, "agenda_item_id": item.pk, "cast": 3, "counts": None},
    )
    assert await chair.receive_nothing(timeout=0.6)  # one trailing push, not one per ballot
    await chair.disconnect()


async def test_a_trailing_push_after_the_close_sends_nothing(cabinet, item):
    vote = await db(open_vote)(cabinet, item)
    await db(services.vote_close)(actor=cabinet.chair, vote_id=vote.pk)
    before = await db(last_seq)(meeting_id=item.meeting_id)
    await db(services.tally_flush)(vote_id=vote.pk)
    assert await db(last_seq)(meeting_id=item.meeting_id) == before
