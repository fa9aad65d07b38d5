"""The ballot's WebSocket: only the ballot's managers join; each ballot event arrives
with its exact payload, numbered in the ballot's own stream; a reconnecting page gets
what it missed; the meeting streams are untouched."""

# ruff: noqa: F811
from __future__ import annotations

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser
from django.db import transaction

from ballots import services
from ballots.events import ballot_stream
from ballots.models import Answer
from ballots.routing import websocket_urlpatterns
from ballots.services_answers import answer_reopen, delegation_record
from ballots.services_sign import answer_sign
from ecabinet.errors import Invalid
from ecabinet.realtime.db import database_call
from ecabinet.realtime.events import last_seq
from ecabinet.realtime.models import StoredEvent
from meetings.realtime import access_changed
from tests.factories import deputy_of
from tests.pki_fixtures import USER_PIN, dev_pki, signers, signing_settings  # noqa: F401
from tests.test_ballots_helpers import answer, make_ballot, open_ballot

pytestmark = pytest.mark.django_db(transaction=True)
APP = URLRouter(websocket_urlpatterns)


async def connect(user, ballot_id, *, hello_after=None):
    communicator = WebsocketCommunicator(APP, f"/ws/ballots/{ballot_id}/")
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


@pytest.fixture
def ballot(cabinet):
    return open_ballot(cabinet)


async def test_only_the_ballots_managers_may_join(cabinet, ballot):
    deputy = await database_call(deputy_of)(cabinet.minister, cabinet.body)
    await database_call(delegation_record)(
        actor=cabinet.minister,
        ballot=ballot,
        member=cabinet.minister,
        deputy=deputy,
        reason="Đi công tác",
    )
    draft = await database_call(make_ballot)(cabinet)
    refusals = [
        (AnonymousUser(), ballot.pk, 4401),
        (cabinet.outsider, ballot.pk, 4404),  # another body: the ballot does not exist
        (cabinet.guest, ballot.pk, 4404),
        (cabinet.archivist, ballot.pk, 4404),
        (cabinet.minister, ballot.pk, 4403),  # a recipient sees the ballot, not the others
        (deputy, ballot.pk, 4403),
        (cabinet.minister, draft.pk, 4404),  # a draft is not shown to members at all
        (cabinet.secretary, 999_999, 4404),
    ]
    for user, ballot_id, expected in refusals:
        communicator, connected, _ = await connect(user, ballot_id)
        assert connected, user  # accepted, then closed with the code the page can read
        closed = await communicator.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": expected}, user
    for manager in (cabinet.secretary, cabinet.chair):
        communicator, connected, _ = await connect(manager, ballot.pk, hello_after=0)
        assert connected
        assert await until_ready(communicator) == [{"type": "ready", "seq": 0}]
        await communicator.disconnect()


async def test_a_wrong_origin_is_refused(cabinet, ballot):
    from ecabinet.asgi import application

    communicator = WebsocketCommunicator(
        application, f"/ws/ballots/{ballot.pk}/", headers=[(b"origin", b"https://evil.example")]
    )
    connected, _ = await communicator.connect()
    assert not connected


async def test_submitted_reopened_and_closed_arrive_live_with_their_exact_payloads(cabinet, ballot):
    minister, other = cabinet.minister, cabinet.members[2]
    rows = await database_call(
        lambda: {a.member_id: a.pk for a in Answer.objects.filter(ballot=ballot)}
    )()
    socket, connected, _ = await connect(cabinet.secretary, ballot.pk, hello_after=0)
    assert connected and await until_ready(socket) == [{"type": "ready", "seq": 0}]

    await database_call(answer)(minister, ballot, "agree", "other")
    assert await socket.receive_json_from(timeout=5) == {
        "type": "event",
        "seq": 1,
        "event": "ballot.answer_submitted",
        "data": {
            "ballot_id": ballot.pk,
            "answer_id": rows[minister.pk],
            "member_id": minister.pk,
            "on_behalf": False,
        },
    }
    submitted = await database_call(Answer.objects.get)(pk=rows[minister.pk])
    await database_call(answer_reopen)(
        actor=cabinet.secretary, answer=submitted, reason="Ghi nhầm câu 2"
    )
    assert await socket.receive_json_from(timeout=5) == {
        "type": "event",
        "seq": 2,
        "event": "ballot.answer_reopened",
        "data": {"ballot_id": ballot.pk, "answer_id": rows[minister.pk], "member_id": minister.pk},
    }
    await database_call(answer)(other, ballot, "disagree", "agree")
    frame = await socket.receive_json_from(timeout=5)
    assert (frame["seq"], frame["event"], frame["data"]["member_id"]) == (
        3,
        "ballot.answer_submitted",
        other.pk,
    )
    closed = await database_call(services.ballot_close_due)(
        ballot_id=ballot.pk, now=ballot.deadline
    )
    assert closed
    assert await socket.receive_json_from(timeout=5) == {
        "type": "event",
        "seq": 4,
        "event": "ballot.closed",
        "data": {"ballot_id": ballot.pk, "answered": 1, "recipients": len(cabinet.members)},
    }
    # A second close (the sweep after a page) publishes nothing.
    assert not await database_call(services.ballot_close_due)(
        ballot_id=ballot.pk, now=ballot.deadline
    )
    assert await socket.receive_nothing(timeout=0.3)
    await socket.disconnect()

    # A page that reconnects after the first event gets exactly the three it missed.
    again, _, _ = await connect(cabinet.chair, ballot.pk, hello_after=1)
    missed = await until_ready(again)
    assert [(f["type"], f.get("seq"), f.get("event")) for f in missed] == [
        ("event", 2, "ballot.answer_reopened"),
        ("event", 3, "ballot.answer_submitted"),
        ("event", 4, "ballot.closed"),
        ("ready", 4, None),
    ]
    await again.disconnect()
    # The ballot's stream is its own: no meeting's numbering moved.
    counts = await database_call(
        lambda: (
            last_seq(stream=ballot_stream(ballot.pk)),
            last_seq(meeting_id=ballot.pk),
            # People's own streams carry their alerts (tests/test_alerts_signatures.py).
            StoredEvent.objects.exclude(stream=f"ballot:{ballot.pk}")
            .exclude(stream__startswith="person:")
            .count(),
        )
    )()
    assert counts == (4, 0, 0)


async def test_a_signed_answer_arrives_live(cabinet, signers, ballot):
    socket, _, _ = await connect(cabinet.secretary, ballot.pk, hello_after=0)
    await until_ready(socket)
    submitted = await database_call(answer)(signers.minister, ballot, "agree", "agree")
    assert (await socket.receive_json_from(timeout=5))["event"] == "ballot.answer_submitted"
    await database_call(answer_sign)(actor=signers.minister, answer=submitted, pin=USER_PIN)
    assert await socket.receive_json_from(timeout=10) == {
        "type": "event",
        "seq": 2,
        "event": "ballot.answer_signed",
        "data": {
            "ballot_id": ballot.pk,
            "answer_id": submitted.pk,
            "member_id": signers.minister.pk,
        },
    }
    await socket.disconnect()


async def test_a_refused_change_publishes_nothing(cabinet, ballot):
    socket, _, _ = await connect(cabinet.secretary, ballot.pk, hello_after=0)
    await until_ready(socket)
    with pytest.raises(Invalid) as refused:
        await database_call(answer)(cabinet.minister, ballot, "agree", "")
    assert list(refused.value.fields) == ["q2"]
    assert await socket.receive_nothing(timeout=0.3)
    count = await database_call(StoredEvent.objects.exclude(stream__startswith="person:").count)()
    assert count == 0
    await socket.disconnect()


async def test_bad_messages_get_errors_and_a_sign_out_closes_the_socket(cabinet, ballot):
    socket, _, _ = await connect(cabinet.secretary, ballot.pk)
    await socket.send_to(text_data="not json")
    assert (await socket.receive_json_from())["code"] == "bad_json"
    await socket.send_json_to({"type": "hello", "after": -1})
    assert (await socket.receive_json_from())["code"] == "bad_message"
    await socket.send_json_to({"type": "command", "name": "ballot.close"})
    assert (await socket.receive_json_from())["code"] == "unknown_type"
    await socket.send_to(text_data="x" * 5000)
    assert await socket.receive_output(timeout=2) == {"type": "websocket.close", "code": 4413}

    other, _, _ = await connect(cabinet.chair, ballot.pk, hello_after=0)
    await until_ready(other)

    def sign_out():
        with transaction.atomic():
            access_changed(user_id=cabinet.chair.pk, logout=True)

    await database_call(sign_out)()
    assert await other.receive_output(timeout=2) == {"type": "websocket.close", "code": 4403}
