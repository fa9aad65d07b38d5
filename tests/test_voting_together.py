# ruff: noqa: F811  (fixtures imported from tests/test_voting_support.py)
"""Group commit of casts: ballots that reach a server process together are written in
one transaction, each in a savepoint of its own. Each still gets its own answer, a
refused or broken one costs the others nothing, a retry in the same batch is answered
from the first, and the audit chain and the event stream stay whole."""

from __future__ import annotations

import asyncio

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.db import connections

from ecabinet.audit.models import AuditEntry
from ecabinet.audit.services import chain_verify
from ecabinet.errors import Invalid, NotFound
from ecabinet.realtime.commands import (
    COMMANDS,
    Outcome,
    command,
    commands_run_together,
    together_key,
)
from ecabinet.realtime.db import database_call
from ecabinet.realtime.events import last_seq
from ecabinet.realtime.models import ClientCommand, StoredEvent
from meetings.routing import websocket_urlpatterns
from tests.test_voting_support import absent, item, live, open_vote, receipt  # noqa: F401
from voting.models import Ballot, SecretBallot, SecretParticipation

pytestmark = pytest.mark.django_db(transaction=True)
APP = URLRouter(websocket_urlpatterns)
db = database_call


def cast(user, vote, client_id, choice, **extra):
    return {
        "actor": user,
        "meeting_id": vote.meeting_id,
        "name": "vote.cast",
        "client_id": client_id,
        "args": {"vote_id": vote.pk, "choice": choice, **extra},
        "language": "vi",
    }


@pytest.fixture
def broken_command():
    """A command whose handler writes and then fails, as a defect would."""

    def handler(*, actor, meeting_id):
        AuditEntry.objects.filter(pk=-1).update(action="never")  # a write, then the defect
        raise RuntimeError("a defect in a handler")

    command("test.broken")(handler)
    yield "test.broken"
    del COMMANDS["test.broken"]


def test_casts_written_together_each_get_their_own_answer(cabinet, item, broken_command):
    vote = open_vote(cabinet, item)
    first, second, third = cabinet.members[1], cabinet.members[2], cabinet.members[3]
    requests = [
        cast(first, vote, "cast-first-1", "yes"),
        cast(second, vote, "cast-second-1", "maybe"),  # not a choice: refused
        {**cast(second, vote, "broken-0001", "yes"), "name": broken_command, "args": {}},
        cast(cabinet.outsider, vote, "cast-outsider-1", "no"),  # not in the meeting
        cast(first, vote, "cast-first-1", "yes"),  # the retry, in the same batch
        cast(third, vote, "cast-third-1", "no"),
    ]
    answers = commands_run_together(requests)

    assert [type(answer) for answer in answers] == [
        Outcome,
        Invalid,
        RuntimeError,
        NotFound,  # another body's meeting is not there for them
        Outcome,
        Outcome,
    ]
    assert answers[4].replayed and answers[4].result == answers[0].result
    assert not answers[0].replayed and not answers[5].replayed
    stored = dict(Ballot.objects.filter(vote=vote).values_list("member_id", "choice"))
    assert stored == {first.pk: "yes", third.pk: "no"}
    assert list(Ballot.objects.filter(vote=vote).values_list("changes", flat=True)) == [0, 0]
    assert set(ClientCommand.objects.values_list("client_id", flat=True)) == {
        "cast-first-1",
        "cast-third-1",
    }
    # One event for the two ballots written, none for what was refused or replayed.
    assert not StoredEvent.objects.filter(type="vote.ballot_cast").exists()
    [written] = StoredEvent.objects.filter(type="vote.ballots_cast")
    assert written.payload == {
        "vote_id": vote.pk,
        "agenda_item_id": item.pk,
        "member_ids": [first.pk, third.pk],
        "choices": ["yes", "no"],
    }
    assert AuditEntry.objects.filter(action="vote.ballot_cast").count() == 2
    assert chain_verify() == []


def test_only_casts_in_the_same_vote_share_a_transaction(cabinet, item):
    vote = open_vote(cabinet, item)
    assert together_key("vote.cast", {"vote_id": vote.pk}) == f"vote.cast:{vote.pk}"
    assert together_key("vote.cast", {"vote_id": str(vote.pk)}) is None  # refused alone
    assert together_key("vote.cast", {"vote_id": True}) is None
    assert together_key("vote.close", {"vote_id": vote.pk}) is None
    assert together_key("vote.cast", ["not", "an", "object"]) is None
    assert together_key(None, {}) is None


async def _socket(user, meeting_id):
    communicator = WebsocketCommunicator(APP, f"/ws/meetings/{meeting_id}/")
    communicator.scope["user"] = user
    connected, _ = await communicator.connect()
    assert connected
    after = await db(last_seq)(meeting_id=meeting_id)
    await communicator.send_json_to({"type": "hello", "after": after})
    while (await communicator.receive_json_from(timeout=5))["type"] != "ready":
        pass
    return communicator


async def _answer(communicator, client_id):
    while True:
        frame = await communicator.receive_json_from(timeout=10)
        if frame["type"] in ("ack", "error") and frame.get("client_id") == client_id:
            return frame


@pytest.mark.parametrize("mode", ["named", "secret"])
async def test_a_room_voting_at_once_is_answered_each_and_stored_once(cabinet, item, mode):
    vote = await db(open_vote)(cabinet, item, mode=mode)
    voters = cabinet.members[:5]
    tablets = [await _socket(user, item.meeting_id) for user in voters]
    commands = []
    for n, (user, tablet) in enumerate(zip(voters, tablets, strict=True)):
        args = {"vote_id": vote.pk, "choice": "no" if n == 0 else "yes"}
        if mode == "secret":
            args["receipt"] = receipt()
        commands.append(
            (
                tablet,
                {
                    "type": "command",
                    "client_id": f"cast-{user.pk}-0001",
                    "name": "vote.cast",
                    "args": args,
                },
            )
        )
    # Everyone at once, and the first tablet's command twice (a retry on a flaky link).
    for tablet, message in [*commands, commands[0]]:
        await tablet.send_json_to(message)
    answers = await asyncio.gather(
        *(_answer(tablet, message["client_id"]) for tablet, message in commands)
    )
    retry = await _answer(commands[0][0], commands[0][1]["client_id"])

    assert [answer["type"] for answer in answers] == ["ack"] * len(voters)
    assert retry["type"] == "ack" and retry["result"] == answers[0]["result"]
    assert {answers[0]["replayed"], retry["replayed"]} == {False, True}

    def stored():
        if mode == "named":
            return Ballot.objects.filter(vote=vote).count(), list(
                Ballot.objects.filter(vote=vote).values_list("changes", flat=True)
            )
        participants = SecretParticipation.objects.filter(vote=vote).count()
        return participants, [SecretBallot.objects.filter(vote=vote).count()]

    count, detail = await db(stored)()
    assert count == len(voters)
    assert detail == ([0] * len(voters) if mode == "named" else [len(voters)])
    assert await db(ClientCommand.objects.count)() == len(voters)
    assert await db(chain_verify)() == []
    for tablet in tablets:
        await tablet.disconnect()
    await db(connections.close_all)()  # the test's own, opened by its reads above
