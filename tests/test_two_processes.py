"""Two real Daphne processes share PostgreSQL and Redis: a vote cast through one reaches
a tablet connected to the other.

Runs when the suite runs on PostgreSQL with REDIS_URL set (`make test` does both)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import uuid
from pathlib import Path

import pytest
import websockets
from django.conf import settings
from django.db import connection
from django.utils import timezone

from bench.common import daphne_command, free_port, process, session_keys, wait_for_port
from meetings import services as meetings
from voting.services import vote_open

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"),
        reason="needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL)",
    ),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def two_servers(tmp_path):
    """Two Daphne processes on the test database and the test's Redis."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": os.environ["REDIS_URL"],
        "REDIS_PREFIX": settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
        "DJANGO_SETTINGS_MODULE": "ecabinet.settings",
    }
    ports = [free_port(), free_port()]
    with contextlib.ExitStack() as stack:
        for port in ports:
            stack.enter_context(process(daphne_command(port), env, tmp_path / f"{port}.log"))
        for port in ports:
            asyncio.run(wait_for_port(port))
        yield ports


@pytest.fixture
def open_vote(cabinet):
    meeting = meetings.meeting_create(
        actor=cabinet.secretary, body=cabinet.body, title="Phiên họp", starts_at=timezone.now()
    )
    item = meetings.item_add(actor=cabinet.secretary, meeting=meeting, title="Nghị quyết")
    meetings.meeting_publish(actor=cabinet.secretary, meeting=meeting)
    meetings.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    return vote_open(actor=cabinet.chair, item=item, question="Tán thành dự thảo?")


async def tablet(port: int, meeting_id: int, session: str):
    ws = await websockets.connect(
        f"ws://127.0.0.1:{port}/ws/meetings/{meeting_id}/",
        additional_headers={"Cookie": f"sessionid={session}"},
        origin=f"http://127.0.0.1:{port}",
    )
    await ws.send(json.dumps({"type": "hello", "after": 0}))
    while json.loads(await asyncio.wait_for(ws.recv(), timeout=10))["type"] != "ready":
        pass
    return ws


async def next_event(ws, name: str) -> dict:
    while True:
        message = json.loads(await asyncio.wait_for(ws.recv(), timeout=10))
        if message["type"] == "event" and message["event"] == name:
            return message


def test_a_vote_cast_through_one_process_reaches_a_tablet_on_the_other(
    cabinet, open_vote, two_servers
):
    voter, watcher = cabinet.members[1], cabinet.members[2]
    voter_session, watcher_session = session_keys([voter, watcher])
    first, second = two_servers

    async def scenario():
        voting = await tablet(first, open_vote.meeting_id, voter_session)
        watching = await tablet(second, open_vote.meeting_id, watcher_session)
        client_id = uuid.uuid4().hex
        await voting.send(
            json.dumps(
                {
                    "type": "command",
                    "client_id": client_id,
                    "name": "vote.cast",
                    "args": {"vote_id": open_vote.pk, "choice": "yes"},
                }
            )
        )
        ack = None
        while ack is None:
            message = json.loads(await asyncio.wait_for(voting.recv(), timeout=10))
            if message.get("client_id") == client_id:
                ack = message
        seen = await next_event(watching, "vote.ballot_cast")
        await voting.close()
        await watching.close()
        return ack, seen

    ack, seen = asyncio.run(scenario())
    assert ack["type"] == "ack"
    assert ack["result"]["member_id"] == voter.pk
    assert seen["data"]["vote_id"] == open_vote.pk
    assert seen["data"]["member_id"] == voter.pk
    assert seen["data"]["choice"] == "yes"
