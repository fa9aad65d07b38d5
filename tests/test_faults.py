"""Votes through faults, in the production layout (scripts/prod-local.sh: nginx in front
of two Daphne processes) on a PostgreSQL and a Redis of the test's own. Thirty tablets
hold the meeting's socket; in each of three rounds a vote opens and every tablet casts
while one part fails: a Daphne is killed with SIGKILL (and started again by the
script), Redis is restarted, PostgreSQL is restarted. A tablet whose socket closes
reconnects with `hello` from the last number it applied and sends its unacknowledged
cast again with the same `client_id`. Every member's ballot is stored once, with the
choice the tablet made and never changed by a retry; every tablet applies the stream
up to its committed head, the vote's close included, with no later event to reveal a
gap (within CONVERGED_WITHIN of the failed part answering again).

How soon is a speed figure, printed here and not asserted tightly (this suite runs on a
busy machine): on a quiet one, after a killed Daphne answers again the last tablet is
at the head in 0.15 s, after Redis in 1.7 s (a lost send waits for the second check of
the committed head), after PostgreSQL in 2.4-2.9 s (thirty tablets reconnect and cast
again at once on two Daphnes)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from bench.common import free_port, production_layout
from tests.test_realtime_stale_redis import OwnRedis

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
INITDB = "/usr/local/bin/initdb"
PG_CTL = "/usr/local/bin/pg_ctl"
TABLETS = 30
CONVERGED_WITHIN = 20.0  # seconds after the failed part answers again

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql" or not os.environ.get("REDIS_URL"),
        reason="needs PostgreSQL and Redis: several Daphne processes share them",
    ),
    pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx not installed: make system"),
    pytest.mark.skipif(
        not (Path(INITDB).exists() and Path(PG_CTL).exists()), reason="needs initdb and pg_ctl"
    ),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]


# --- A PostgreSQL of the test's own -----------------------------------------------


class OwnPostgres:
    """A cluster in a temporary directory on a free port of 127.0.0.1, trust auth."""

    def __init__(self) -> None:
        self.port = free_port()
        self.directory = Path(tempfile.mkdtemp(prefix="ecabinet-faults-pg-"))
        self.data = self.directory / "data"

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _run(self, args: list[str], *, check: bool = True) -> None:
        if os.geteuid() == 0:  # initdb refuses root: the cluster belongs to postgres
            args = ["runuser", "-u", "postgres", "--", *args]
        subprocess.run(args, check=check, capture_output=True, timeout=60)  # noqa: S603

    def init(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        self._run(
            [INITDB, "-D", str(self.data), "-U", "postgres", "--auth=trust"]
            + ["--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"]
        )

    def start(self) -> float:
        """Start the cluster; the moment it accepts connections."""
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1"
            f" -c unix_socket_directories={self.directory}"
            " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            [PG_CTL, "-D", str(self.data), "-l", str(self.directory / "postgres.log")]
            + ["-o", options, "-w", "-t", "30", "start"]
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.url("postgres"), connect_timeout=1) as db:
                    db.execute("SELECT 1")
                return time.monotonic()
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.02)

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run([PG_CTL, "-D", str(self.data), "-m", "fast", "-w", "stop"], check=False)


@pytest.fixture
def own_postgres():
    postgres = OwnPostgres()
    try:
        postgres.init()
        postgres.start()
        with psycopg.connect(postgres.url("postgres"), autocommit=True) as db:
            db.execute("CREATE DATABASE faults")
        yield postgres
    finally:
        postgres.stop()
        shutil.rmtree(postgres.directory, ignore_errors=True)


@pytest.fixture
def own_redis():
    directory = Path(tempfile.mkdtemp(prefix="ecabinet-faults-redis-"))
    redis = OwnRedis(free_port(), directory)
    try:
        redis.start()
        yield redis
    finally:
        redis.stop()
        shutil.rmtree(directory, ignore_errors=True)


# --- The production layout on them ------------------------------------------------


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


@pytest.fixture
def stack(own_postgres, own_redis):
    """scripts/prod-local.sh (2 Daphnes, migrated, no sweeps, no demo) on the test's
    own PostgreSQL and Redis; yields (base URL, run directory, environment)."""
    work = Path(tempfile.mkdtemp(prefix="ecabinet-faults-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ecabinet.settings",
        "DATABASE_URL": own_postgres.url("faults"),
        "REDIS_URL": f"redis://127.0.0.1:{own_redis.port}/0",
        "REDIS_PREFIX": "faults",
        "ECABINET_VAR_DIR": str(work / "var"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CACHE_REDIS_URL", None)
    try:
        with production_layout(env, work, daphnes=2) as port:
            yield f"http://127.0.0.1:{port}", work / "prod-local", env
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _django(env: dict, code: str) -> dict:
    """Run `code` with Django set up on the test's own database; its printed JSON."""
    done = subprocess.run(  # noqa: S603
        [PY, "-c", "import django\ndjango.setup()\n" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


SETUP = f"""
import json
from django.utils import timezone
from bench.common import body_with_members, session_keys
from meetings import services as meetings
body, chair, secretary, members = body_with_members({TABLETS})
meeting = meetings.meeting_create(
    actor=secretary, body=body, title="Phiên họp thử sự cố", starts_at=timezone.now()
)
items = [
    meetings.item_add(actor=secretary, meeting=meeting, title=f"Nội dung {{n}}").pk
    for n in range(1, 4)
]
meetings.meeting_publish(actor=secretary, meeting=meeting)
meetings.meeting_start(actor=chair, meeting=meeting, override_reason="Kiểm thử sự cố")
keys = session_keys(members)
print(json.dumps({{
    "meeting": meeting.pk, "chair": chair.pk, "items": items,
    "seats": [[m.pk, k] for m, k in zip(members, keys, strict=True)],
}}))
"""

OPEN = """
import json, sys
from meetings.models import AgendaItem
from people.models import User
from voting.services import vote_open
vote = vote_open(
    actor=User.objects.get(pk={chair}), item=AgendaItem.objects.get(pk={item}),
    question="Tán thành dự thảo?",
)
print(json.dumps({{"vote": vote.pk}}))
"""


# --- Tablets ----------------------------------------------------------------------


class Tablet:
    """A member's tablet as the room page behaves: applies events in order, reconnects
    with `hello` from the last applied number, and sends an unacknowledged command
    again with the same client_id after reconnecting."""

    def __init__(self, base: str, meeting_id: int, member_id: int, key: str) -> None:
        self.url = base.replace("http", "ws", 1) + f"/ws/meetings/{meeting_id}/"
        self.origin, self.member_id = base, member_id
        self.headers = {"Cookie": f"sessionid={key}"}
        self.seq = 0
        self.ws = None
        self.ready = False
        self.pending: dict | None = None
        self.acks: dict[str, dict] = {}
        self.refusals: list[dict] = []
        self.opened: set[int] = set()
        self.closed: dict[int, dict] = {}
        self.connections = 0
        self.sends = 0
        self.anomalies: list[str] = []
        self.arrived: dict[int, float] = {}  # seq: wall-clock time it was applied

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                async with connect(
                    self.url,
                    additional_headers=self.headers,
                    origin=self.origin,
                    open_timeout=5,
                    close_timeout=1,
                ) as ws:
                    self.ws, self.ready = ws, False
                    self.connections += 1
                    await ws.send(json.dumps({"type": "hello", "after": self.seq}))
                    async for raw in ws:
                        await self._on(json.loads(raw))
            except (OSError, TimeoutError, WebSocketException):
                pass
            finally:
                self.ws, self.ready = None, False
            if not stop.is_set():
                await asyncio.sleep(0.1)  # the page's back-off, kept short here

    async def _on(self, frame: dict) -> None:
        kind = frame["type"]
        if kind in ("event", "skip"):
            if frame["seq"] != self.seq + 1:
                # A gap (or a repeat): the page reconnects from what it applied.
                self.anomalies.append(f"got #{frame['seq']} after #{self.seq}")
                await self.ws.close()
                return
            self.seq = frame["seq"]
            self.arrived[self.seq] = time.time()
            data = frame.get("data") or {}
            if frame.get("event") == "vote.opened":
                self.opened.add(data["vote_id"])
            elif frame.get("event") == "vote.closed":
                self.closed[data["vote_id"]] = data["result"]
        elif kind == "ready":
            self.ready = True
            await self._send_pending()
        elif kind == "ack":
            if self.pending and frame["client_id"] == self.pending["client_id"]:
                self.acks[frame["client_id"]] = frame
                self.pending = None
        elif kind == "error" and frame.get("client_id"):
            self.refusals.append(frame)
            if self.pending and frame["client_id"] == self.pending["client_id"]:
                self.pending = None  # refused: the page shows it and does not retry
        elif kind == "resync":
            self.anomalies.append(f"resync at #{self.seq}")

    async def _send_pending(self) -> None:
        if self.pending and self.ws is not None and self.ready:
            with contextlib.suppress(WebSocketException):
                self.sends += 1
                await self.ws.send(json.dumps(self.pending))

    async def command(self, name: str, args: dict) -> str:
        client_id = uuid.uuid4().hex
        self.pending = {"type": "command", "client_id": client_id, "name": name, "args": args}
        await self._send_pending()
        return client_id


# --- The faults: each breaks a part, then mends it and returns the moment it answers ---


def _daphnes(run: Path) -> list[tuple[int, int]]:
    rows = [row.split() for row in (run / "daphnes").read_text().splitlines() if row.strip()]
    return [(int((run / f"daphne-{n}.pid").read_text()), int(port)) for n, port in rows]


class DaphneKilled:
    name = "Daphne killed"

    def __init__(self, run: Path) -> None:
        self.run = run

    def cause(self) -> None:
        self.pid, self.port = _daphnes(self.run)[0]
        os.kill(self.pid, signal.SIGKILL)

    def end(self) -> float:
        """prod-local.sh starts it again; the moment it answers /healthz."""
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if _daphnes(self.run)[0][0] != self.pid and _healthy(
                f"http://127.0.0.1:{self.port}/healthz"
            ):
                return time.monotonic()
            time.sleep(0.02)
        raise AssertionError("the killed Daphne did not answer /healthz again within 60 s")


class RedisRestarted:
    name = "Redis restarted"

    def __init__(self, redis: OwnRedis) -> None:
        self.redis = redis

    def cause(self) -> None:
        self.redis.stop()

    def end(self) -> float:
        self.redis.start()  # returns once it answers PING
        return time.monotonic()


class PostgresRestarted:
    name = "PostgreSQL restarted"

    def __init__(self, postgres: OwnPostgres) -> None:
        self.postgres = postgres

    def cause(self) -> None:
        self.postgres.stop()  # pg_ctl stop -m fast

    def end(self) -> float:
        return self.postgres.start()  # the moment it accepts connections


# --- The test -----------------------------------------------------------------------


async def _until(condition, seconds: float, what: str) -> float:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        await asyncio.sleep(0.01)
    return time.monotonic()


def _head(url: str, meeting_id: int) -> int:
    """The meeting stream's committed head, read from the log (a fresh connection: the
    database may have restarted since)."""
    with psycopg.connect(url) as db:
        row = db.execute(
            "SELECT last_seq FROM realtime_eventstream WHERE key = %s",
            [f"meeting:{meeting_id}"],
        ).fetchone()
    return row[0]


async def _drill(base, run, env, own_redis, own_postgres, plan) -> list[dict]:
    tablets = [Tablet(base, plan["meeting"], m, k) for m, k in plan["seats"]]
    chair = next(t for t in tablets if t.member_id == plan["chair"])
    faults = [DaphneKilled(run), RedisRestarted(own_redis), PostgresRestarted(own_postgres)]
    rng = random.Random(2026)  # noqa: S311 (not security)
    stop = asyncio.Event()
    runs = [asyncio.create_task(t.run(stop)) for t in tablets]
    rounds = []
    db = own_postgres.url("faults")
    try:
        await _until(lambda: all(t.ready for t in tablets), 30, "every tablet ready")
        for fault, item in zip(faults, plan["items"], strict=True):
            name = fault.name
            opened = await asyncio.to_thread(
                _django, env, OPEN.format(chair=plan["chair"], item=item)
            )
            vote_id = opened["vote"]
            await _until(
                lambda v=vote_id: all(v in t.opened for t in tablets), 10, f"vote {vote_id} seen"
            )

            choices = {t.member_id: rng.choice(["yes", "no", "abstain"]) for t in tablets}
            cast_ids: dict[int, str] = {}

            async def cast(tablet, delay, vote_id=vote_id, choices=choices, ids=cast_ids):
                await asyncio.sleep(delay)
                args = {"vote_id": vote_id, "choice": choices[tablet.member_id]}
                ids[tablet.member_id] = await tablet.command("vote.cast", args)

            # A few cast before the fault, the rest while the part is down.
            casting = [asyncio.create_task(cast(t, rng.uniform(0, 0.8))) for t in tablets]
            await asyncio.sleep(0.2)
            first = await asyncio.to_thread(_head, db, plan["meeting"]) + 1
            await asyncio.to_thread(fault.cause)
            await asyncio.gather(*casting)
            await asyncio.sleep(0.2)
            ended = await asyncio.to_thread(fault.end)
            acked = await _until(
                lambda ids=cast_ids: all(ids[t.member_id] in t.acks for t in tablets),
                20,
                f"every cast acknowledged ({name})",
            )
            close_id = await chair.command("vote.close", {"vote_id": vote_id})
            closed = await _until(lambda c=close_id: c in chair.acks, 10, f"the close ({name})")
            final = await asyncio.to_thread(_head, db, plan["meeting"])
            seen_at = {}
            deadline = ended + CONVERGED_WITHIN
            while len(seen_at) < len(tablets) and time.monotonic() < deadline:
                for t in tablets:
                    if t.member_id not in seen_at and t.seq == final and vote_id in t.closed:
                        seen_at[t.member_id] = time.monotonic()
                await asyncio.sleep(0.005)
            rounds.append(
                {
                    "fault": name,
                    "vote": vote_id,
                    "choices": choices,
                    "cast_ids": cast_ids,
                    "head": final,
                    "head_later": await asyncio.to_thread(_head, db, plan["meeting"]),
                    "first": first,
                    "late": {m: t - ended for m, t in seen_at.items()},
                    "acked": acked - ended,
                    "closed_at": closed - ended,
                    "behind": [t.member_id for t in tablets if t.member_id not in seen_at],
                    "results": {t.member_id: t.closed.get(vote_id) for t in tablets},
                    "closed": chair.acks[close_id]["result"]["result"],
                    "reconnects": sum(t.connections for t in tablets) - len(tablets),
                    "resent": sum(t.sends for t in tablets),
                }
            )
            for t in tablets:  # the next round counts its own
                t.connections, t.sends = 1, 0
    finally:
        stop.set()
        for t in tablets:
            if t.ws is not None:
                with contextlib.suppress(Exception):
                    await t.ws.close()
        for task in runs:
            task.cancel()
        await asyncio.gather(*runs, return_exceptions=True)
    for r in rounds:
        r["delivered"] = {
            seq: max(t.arrived.get(seq, float("inf")) for t in tablets)
            for seq in range(r["first"], r["head"] + 1)
        }
        r["anomalies"] = [a for t in tablets for a in t.anomalies]
        r["refusals"] = [f for t in tablets for f in t.refusals]
    return rounds


def _stored(url: str, vote_id: int) -> list[tuple[int, str, int, int]]:
    with psycopg.connect(url) as db:
        return db.execute(
            "SELECT member_id, choice, changes, cast_by_id FROM voting_ballot WHERE vote_id = %s",
            [vote_id],
        ).fetchall()


def _commands(url: str, client_ids: list[str]) -> int:
    with psycopg.connect(url) as db:
        return db.execute(
            "SELECT count(*) FROM realtime_clientcommand WHERE client_id = ANY(%s)",
            [client_ids],
        ).fetchone()[0]


def _committed(url: str, meeting_id: int) -> dict[int, float]:
    """Each event's time of writing to the log (a little before its commit)."""
    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT seq, created_at FROM realtime_storedevent WHERE stream = %s",
            [f"meeting:{meeting_id}"],
        ).fetchall()
    return {seq: at.timestamp() for seq, at in rows}


def test_votes_survive_a_killed_daphne_a_redis_restart_and_a_postgres_restart(
    stack, own_redis, own_postgres
):
    base, run, env = stack
    plan = _django(env, SETUP)
    assert len(plan["seats"]) == TABLETS

    rounds = asyncio.run(_drill(base, run, env, own_redis, own_postgres, plan))

    assert len(rounds) == 3
    url = own_postgres.url("faults")
    committed = _committed(url, plan["meeting"])
    for r in rounds:
        label = r["fault"]
        # Every member's ballot is stored once, as cast, and no retry ran it again.
        stored = _stored(url, r["vote"])
        assert sorted(m for m, *_ in stored) == sorted(r["choices"]), label
        assert {m: c for m, c, *_ in stored} == r["choices"], label
        assert [m for m, _c, changes, _b in stored if changes] == [], label
        assert all(by == m for m, _c, _ch, by in stored), label
        assert _commands(url, list(r["cast_ids"].values())) == TABLETS, label
        assert r["refusals"] == [], label

        # The close counted exactly those ballots, and every tablet saw that result.
        counts = {c: list(r["choices"].values()).count(c) for c in ("yes", "no", "abstain")}
        assert r["closed"]["counts"] == counts and r["closed"]["cast"] == TABLETS, label
        assert all(result == r["closed"] for result in r["results"].values()), label

        # Every tablet applied the stream up to its committed head, the close included,
        # within CONVERGED_WITHIN of the failed part answering again; nothing was
        # published after, so no later event revealed a gap.
        assert r["behind"] == [], f"{label}: tablets never at the head: {r['behind']}"
        assert r["head_later"] == r["head"], label
        slowest = max(r["late"].values())
        print(
            f"{label}: casts acknowledged {r['acked']:.2f} s, close {r['closed_at']:.2f} s, "
            f"last tablet at the head {slowest:.2f} s after it answered again"
        )
        # How long each event of the round took to reach the last tablet after it was
        # written to the log (the documented bound for a tablet to be stale: 2 s).
        stale = max(at - committed[seq] for seq, at in r["delivered"].items())
        print(f"{label}: events of the round reached every tablet within {stale:.2f} s")
        print(
            f"{label}: {TABLETS} ballots stored once; every tablet at #{r['head']} "
            f"{slowest:.2f} s after it answered again; {r['reconnects']} reconnections, "
            f"{r['resent']} sends of a cast or close; anomalies {r['anomalies']}"
        )
