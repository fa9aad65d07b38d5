"""The production layout, started by scripts/prod-local.sh: nginx (Debian's) in front of
two Daphne processes on the test's PostgreSQL and Redis. Requests are spread over both
Daphnes with no sticky sessions; static files come from nginx; a room's WebSocket works
through the proxy; the client's address is nginx's, not what a client claims; and after
one Daphne is killed with SIGKILL, every request is still answered and a tablet's socket
reconnects through the other."""

from __future__ import annotations

import json
import os
import shutil
import signal
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection, transaction
from websockets.sync.client import connect

from bench.common import production_layout, session_keys
from ecabinet.realtime.events import last_seq, publish
from meetings.events import AgendaChanged

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"),
        reason="needs PostgreSQL and Redis: several Daphne processes share them",
    ),
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx not installed: make system"),
]


def _get(url: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 (loopback)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 (loopback)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture
def layout(tmp_path):
    """scripts/prod-local.sh with two Daphnes on the test database and the test's Redis;
    yields (base URL, run directory)."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": os.environ["REDIS_URL"],
        "REDIS_PREFIX": settings.CHANNEL_LAYERS["default"]["CONFIG"]["prefix"],
    }
    with production_layout(env, tmp_path, daphnes=2) as port:
        yield f"http://127.0.0.1:{port}", tmp_path / "prod-local"


def _upstreams(run: Path) -> list[str]:
    lines = (run / "nginx-access.log").read_text().splitlines()
    return [line.split("upstream=")[1].split()[0] for line in lines if "/healthz" in line]


def _daphnes(run: Path) -> list[tuple[int, int]]:
    """(pid, port) of each Daphne."""
    rows = [row.split() for row in (run / "daphnes").read_text().splitlines() if row.strip()]
    return [(int((run / f"daphne-{n}.pid").read_text()), int(port)) for n, port in rows]


def _room_socket(base: str, key: str, meeting_id: int):
    return connect(
        base.replace("http", "ws", 1) + f"/ws/meetings/{meeting_id}/",
        additional_headers={"Cookie": f"{settings.SESSION_COOKIE_NAME}={key}"},
        origin=base,
        open_timeout=20,
    )


def _hello(ws, after: int) -> list[int]:
    """Say hello from `after`; the seqs of the events replayed before `ready`."""
    ws.send(json.dumps({"type": "hello", "after": after}))
    replayed = []
    while (message := json.loads(ws.recv(timeout=20)))["type"] != "ready":
        if message["type"] == "event":
            replayed.append(message["seq"])
    return replayed


def _next_event(ws) -> dict:
    while True:
        message = json.loads(ws.recv(timeout=20))
        if message["type"] == "event":
            return message


def _publish(meeting_id: int, n: int) -> int:
    with transaction.atomic():
        return publish(meeting_id=meeting_id, event=AgendaChanged(meeting_id, [n])).seq


def test_nginx_spreads_requests_over_daphnes_and_survives_one_killed(layout, cabinet, meeting):
    base, run = layout
    daphnes = _daphnes(run)
    assert len(daphnes) == 2

    # Round robin over both, no stickiness: six requests reach both Daphnes.
    for _ in range(6):
        assert _get(f"{base}/healthz")[0] == 200
    assert {f"127.0.0.1:{port}" for _pid, port in daphnes} <= set(_upstreams(run))

    # Static files come from nginx itself (Daphne never sees them), checked back by ETag.
    status, headers, body = _get(f"{base}/static/js/room.js")
    assert status == 200 and b"WebSocket" in body
    assert headers["Cache-Control"] == "max-age=60" and headers["ETag"]
    assert _get(f"{base}/static/js/room.js", {"If-None-Match": headers["ETag"]})[0] == 304
    assert "/static/" not in "".join(p.read_text() for p in run.glob("daphne-*.log"))

    # A client cannot claim another address: nginx states the one it sees.
    _get(f"{base}/healthz", {"X-Forwarded-For": "203.0.113.9"})
    logs = "".join(p.read_text() for p in run.glob("daphne-*.log"))
    assert "/healthz" in logs and "203.0.113.9" not in logs

    # A tablet's room socket through the proxy receives what is published.
    (key,) = session_keys([cabinet.minister])
    with _room_socket(base, key, meeting.pk) as ws:
        assert _hello(ws, last_seq(meeting_id=meeting.pk)) == []
        seen = _publish(meeting.pk, 1)
        assert _next_event(ws)["seq"] == seen

        # One Daphne is killed: every request is still answered, and the tablet
        # reconnects through the proxy and misses nothing (it asks from the last seq seen).
        os.kill(daphnes[0][0], signal.SIGKILL)
        missed = _publish(meeting.pk, 2)
        for _ in range(6):
            assert _get(f"{base}/healthz")[0] == 200
    with _room_socket(base, key, meeting.pk) as again:
        assert _hello(again, seen) == [missed]
        later = _publish(meeting.pk, 3)
        assert _next_event(again)["seq"] == later

    # The killed Daphne is started again, and requests reach both once more.
    deadline = time.monotonic() + 60
    while _daphnes(run)[0][0] == daphnes[0][0] and time.monotonic() < deadline:
        time.sleep(0.2)
    restarted = _daphnes(run)[0]
    assert restarted[0] != daphnes[0][0] and restarted[1] == daphnes[0][1]
    served_before = len(_upstreams(run))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert _get(f"{base}/healthz")[0] == 200
        if f"127.0.0.1:{restarted[1]}" in _upstreams(run)[served_before:]:
            break
        time.sleep(0.5)
    assert f"127.0.0.1:{restarted[1]}" in _upstreams(run)[served_before:]
