"""The fault drill shared by tests/test_faults.py and `python -m bench.faults`.

The production layout (scripts/prod-local.sh: nginx in front of Daphne processes) runs on
a PostgreSQL and a Redis of the drill's own (a cluster initdb'd into a temporary
directory, a redis-server without persistence, both on free ports of 127.0.0.1). Tablets
hold the meeting's socket over `websockets`; in each round a vote opens and every tablet
casts while one part fails, then the chair closes the vote. `drill()` returns what each
round measured; the callers judge it (the test asserts, the bench prints a table).

Nothing here is mocked: the parts are the real servers, broken the way they break."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
from websockets.asyncio.client import connect
from websockets.exceptions import WebSocketException

from bench.common import free_port, production_layout

ROOT = Path(__file__).resolve().parents[1]
PY = str(ROOT / ".venv" / "bin" / "python")
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
INITDB = "/usr/local/bin/initdb"
PG_CTL = "/usr/local/bin/pg_ctl"
CONVERGED_WITHIN = 20.0  # seconds after the failed part answers again
DATABASE = "faults"


def missing_tools() -> list[str]:
    """What the drill needs on this machine and does not find."""
    needs = {"nginx": NGINX, "initdb": INITDB, "pg_ctl": PG_CTL}
    missing = [name for name, path in needs.items() if not Path(path).exists()]
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    return missing


# --- A PostgreSQL and a Redis of the drill's own ----------------------------------


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


class OwnRedis:
    """A redis-server on `port` of 127.0.0.1, no persistence, files in `directory`."""

    def __init__(self, port: int, directory: Path) -> None:
        self.port, self.directory, self.process = port, directory, None

    def start(self) -> None:
        """Start it; returns once it answers PING."""
        self.process = subprocess.Popen(  # noqa: S603
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", ""]  # noqa: S607
            + ["--appendonly", "no", "--dir", str(self.directory)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as probe,
            ):
                probe.sendall(b"PING\r\n")
                if probe.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@contextlib.contextmanager
def running_postgres() -> Iterator[OwnPostgres]:
    """An own cluster, started, with an empty database DATABASE; removed at the end."""
    postgres = OwnPostgres()
    try:
        postgres.init()
        postgres.start()
        with psycopg.connect(postgres.url("postgres"), autocommit=True) as db:
            db.execute(f"CREATE DATABASE {DATABASE}")
        yield postgres
    finally:
        postgres.stop()
        shutil.rmtree(postgres.directory, ignore_errors=True)


@contextlib.contextmanager
def running_redis() -> Iterator[OwnRedis]:
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


@contextlib.contextmanager
def running_stack(postgres: OwnPostgres, redis: OwnRedis, *, daphnes: int = 2):
    """scripts/prod-local.sh (`daphnes` Daphnes, migrated, no sweeps, no demo) on the own
    PostgreSQL and Redis; yields (base URL, run directory, environment)."""
    work = Path(tempfile.mkdtemp(prefix="ecabinet-faults-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ecabinet.settings",
        "DATABASE_URL": postgres.url(DATABASE),
        "REDIS_URL": f"redis://127.0.0.1:{redis.port}/0",
        "REDIS_PREFIX": "faults",
        "ECABINET_VAR_DIR": str(work / "var"),
        "LOG_LEVEL": "WARNING",
    }
    env.pop("CACHE_REDIS_URL", None)
    try:
        with production_layout(env, work, daphnes=daphnes) as port:
            yield f"http://127.0.0.1:{port}", work / "prod-local", env
    finally:
        shutil.rmtree(work, ignore_errors=True)


def django(env: dict, code: str) -> dict:
    """Run `code` with Django set up on the drill's own database; its printed JSON."""
    done = subprocess.run(  # noqa: S603
        [PY, "-c", "import django\ndjango.setup()\n" + code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


SETUP = """
import json
from django.utils import timezone
from bench.common import body_with_members, session_keys
from meetings import services as meetings
body, chair, secretary, members = body_with_members({tablets})
meeting = meetings.meeting_create(
    actor=secretary, body=body, title="Phiên họp thử sự cố", starts_at=timezone.now()
)
items = [
    meetings.item_add(actor=secretary, meeting=meeting, title=f"Nội dung {{n}}").pk
    for n in range(1, {items} + 1)
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


def meeting_plan(env: dict, *, tablets: int, items: int) -> dict:
    """A started meeting of a body with `tablets` members (the chair among them) and
    `items` agenda items: {"meeting", "chair", "items", "seats": [[member, session key]]}."""
    return django(env, SETUP.format(tablets=tablets, items=items))


# --- Tablets ----------------------------------------------------------------------


class Tablet:
    """A member's tablet as the room page behaves: applies events in order, reconnects
    with `hello` from the last applied number, and sends an unacknowledged command
    again with the same client_id after reconnecting, or on the same socket after the
    `retry_after` of an `unavailable` answer (a database outage). Its back-off is 0.1 s, or with
    `page_backoff` the room page's own (static/js/room.js: 0.5 s doubling to 10 s, back
    to 0.5 s once ready; a handshake may take 30 s): a large room retrying every 0.1 s
    with a 5 s handshake limit keeps two Daphnes too busy to ever answer it."""

    def __init__(
        self, base: str, meeting_id: int, member_id: int, key: str, *, page_backoff: bool = False
    ) -> None:
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
        self.sent_at: dict[str, list[float]] = {}  # client_id: monotonic time of each send
        self.acked_at: dict[str, float] = {}  # client_id: monotonic time of its ack
        self.page_backoff = page_backoff
        self.backoff = 0.5 if page_backoff else 0.1
        self.unavailable = 0  # `unavailable` answers (a database outage; the socket stays)
        self.resending: asyncio.Future | None = None

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                async with connect(
                    self.url,
                    additional_headers=self.headers,
                    origin=self.origin,
                    open_timeout=30 if self.page_backoff else 5,
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
                await asyncio.sleep(self.backoff)  # the page's back-off (or kept short)
                if self.page_backoff:
                    self.backoff = min(self.backoff * 2, 10.0)

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
            if self.page_backoff:
                self.backoff = 0.5
            await self._send_pending()
        elif kind == "ack":
            if self.pending and frame["client_id"] == self.pending["client_id"]:
                self.acks[frame["client_id"]] = frame
                self.acked_at[frame["client_id"]] = time.monotonic()
                self.pending = None
        elif kind == "error" and frame.get("client_id"):
            self.refusals.append(frame)
            if self.pending and frame["client_id"] == self.pending["client_id"]:
                self.pending = None  # refused: the page shows it and does not retry
        elif kind == "error" and frame.get("code") == "unavailable" and "retry_after" in frame:
            # The database is down for a moment; the socket stays: send it again later,
            # spread as the page does (half to one and a half times `retry_after`).
            self.unavailable += 1
            wait = frame["retry_after"] * random.uniform(0.5, 1.5)  # noqa: S311
            if self.resending is not None:
                self.resending.cancel()
            self.resending = asyncio.ensure_future(self._send_pending_after(wait))
        elif kind == "resync":
            self.anomalies.append(f"resync at #{self.seq}")

    async def _send_pending(self) -> None:
        if self.pending and self.ws is not None and self.ready:
            with contextlib.suppress(WebSocketException):
                self.sends += 1
                self.sent_at.setdefault(self.pending["client_id"], []).append(time.monotonic())
                await self.ws.send(json.dumps(self.pending))

    async def _send_pending_after(self, seconds: float) -> None:
        await asyncio.sleep(seconds)
        await self._send_pending()

    async def command(self, name: str, args: dict) -> str:
        client_id = uuid.uuid4().hex
        self.pending = {"type": "command", "client_id": client_id, "name": name, "args": args}
        await self._send_pending()
        return client_id


# --- The faults: each breaks a part, then mends it and returns the moment it answers ---


def _daphnes(run: Path) -> list[tuple[int, int]]:
    rows = [row.split() for row in (run / "daphnes").read_text().splitlines() if row.strip()]
    return [(int((run / f"daphne-{n}.pid").read_text()), int(port)) for n, port in rows]


class NoFault:
    """The baseline round: nothing breaks; `end` is the same point of the round."""

    name = "no fault"

    def cause(self) -> None:
        pass

    def end(self) -> float:
        return time.monotonic()


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
            with contextlib.suppress(ValueError, OSError):  # a pid file being rewritten
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


# --- The drill ----------------------------------------------------------------------


async def until(condition, seconds: float, what: str) -> float:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds:g} s: {what}")
        await asyncio.sleep(0.01)
    return time.monotonic()


def head(url: str, meeting_id: int) -> int:
    """The meeting stream's committed head, read from the log (a fresh connection: the
    database may have restarted since)."""
    with psycopg.connect(url) as db:
        row = db.execute(
            "SELECT last_seq FROM realtime_eventstream WHERE key = %s",
            [f"meeting:{meeting_id}"],
        ).fetchone()
    return row[0]


class DrillStopped(AssertionError):
    """A wait of the drill ran out. `rounds`: those finished before; `state`: the round
    that stopped and how far the room had got (tablets ready, casts acknowledged)."""

    def __init__(self, message: str, rounds: list[dict], state: dict) -> None:
        super().__init__(message)
        self.rounds, self.state = rounds, state


async def drill(
    base: str,
    env: dict,
    plan: dict,
    faults: list,
    *,
    converged_within: float = CONVERGED_WITHIN,
    patience: float = 1.0,
    seed: int = 2026,
    page_backoff: bool = False,
) -> list[dict]:
    """One round per fault, each on the next agenda item of `plan`: open a vote, every
    tablet casts (a few before the fault, the rest while the part is down), the part is
    mended, every cast acknowledged, the chair closes, and each tablet's arrival at the
    committed head is timed from the moment the part answered again. `patience`
    stretches the waits for every tablet to be ready, see the vote, have its cast
    acknowledged and the close (a larger room needs longer). `page_backoff`: tablets
    retry as the room page does (see Tablet)."""
    tablets = [
        Tablet(base, plan["meeting"], m, k, page_backoff=page_backoff) for m, k in plan["seats"]
    ]
    chair = next(t for t in tablets if t.member_id == plan["chair"])
    rng = random.Random(seed)  # noqa: S311 (not security)
    stop = asyncio.Event()
    runs = [asyncio.create_task(t.run(stop)) for t in tablets]
    rounds = []
    current: dict = {"fault": "joining"}
    stopped = None
    db = env["DATABASE_URL"]
    try:
        await until(lambda: all(t.ready for t in tablets), 30 * patience, "every tablet ready")
        for fault, item in zip(faults, plan["items"], strict=True):
            name = fault.name
            current = {"fault": name}
            opened = await asyncio.to_thread(
                django, env, OPEN.format(chair=plan["chair"], item=item)
            )
            vote_id = opened["vote"]
            await until(
                lambda v=vote_id: all(v in t.opened for t in tablets),
                10 * patience,
                f"vote {vote_id} seen",
            )

            choices = {t.member_id: rng.choice(["yes", "no", "abstain"]) for t in tablets}
            cast_ids: dict[int, str] = {}
            current.update(vote=vote_id, choices=choices, cast_ids=cast_ids)

            async def cast(tablet, delay, vote_id=vote_id, choices=choices, ids=cast_ids):
                await asyncio.sleep(delay)
                args = {"vote_id": vote_id, "choice": choices[tablet.member_id]}
                ids[tablet.member_id] = await tablet.command("vote.cast", args)

            # A few cast before the fault, the rest while the part is down.
            casting = [asyncio.create_task(cast(t, rng.uniform(0, 0.8))) for t in tablets]
            await asyncio.sleep(0.2)
            first = await asyncio.to_thread(head, db, plan["meeting"]) + 1
            await asyncio.to_thread(fault.cause)
            await asyncio.gather(*casting)
            await asyncio.sleep(0.2)
            ended = await asyncio.to_thread(fault.end)
            acked = await until(
                lambda ids=cast_ids: all(ids[t.member_id] in t.acks for t in tablets),
                20 * patience,
                f"every cast acknowledged ({name})",
            )
            close_sent = time.monotonic()
            close_id = await chair.command("vote.close", {"vote_id": vote_id})
            closed = await until(
                lambda c=close_id: c in chair.acks, 10 * patience, f"the close ({name})"
            )
            final = await asyncio.to_thread(head, db, plan["meeting"])
            seen_at = {}
            deadline = ended + converged_within
            while len(seen_at) < len(tablets) and time.monotonic() < deadline:
                for t in tablets:
                    if t.member_id not in seen_at and t.seq == final and vote_id in t.closed:
                        seen_at[t.member_id] = time.monotonic()
                await asyncio.sleep(0.005)
            casts = [
                (t.sent_at.get(cast_ids[t.member_id], []), t.acked_at.get(cast_ids[t.member_id]))
                for t in tablets
            ]
            rounds.append(
                {
                    "fault": name,
                    "vote": vote_id,
                    "choices": choices,
                    "cast_ids": cast_ids,
                    "head": final,
                    "head_later": await asyncio.to_thread(head, db, plan["meeting"]),
                    "first": first,
                    "late": {m: t - ended for m, t in seen_at.items()},
                    "acked": acked - ended,
                    "closed_at": closed - ended,
                    # From the chair sending the close to each tablet at the head.
                    "after_close": [t - close_sent for t in seen_at.values()],
                    # Per cast sent more than once: from its last send to its ack.
                    "resent_acks": [at - sent[-1] for sent, at in casts if len(sent) > 1],
                    # Per cast sent once: from its send to its ack.
                    "once_acks": [at - sent[0] for sent, at in casts if len(sent) == 1],
                    "behind": [t.member_id for t in tablets if t.member_id not in seen_at],
                    "results": {t.member_id: t.closed.get(vote_id) for t in tablets},
                    "closed": chair.acks[close_id]["result"]["result"],
                    "reconnects": sum(t.connections for t in tablets) - len(tablets),
                    "resent": sum(t.sends for t in tablets),
                    "unavailable": sum(t.unavailable for t in tablets),
                }
            )
            for t in tablets:  # the next round counts its own
                t.connections, t.sends, t.unavailable = 1, 0, 0
    except AssertionError as failed:
        ids = current.get("cast_ids", {})
        current.update(
            ready=sum(t.ready for t in tablets),
            acknowledged=sum(ids.get(t.member_id) in t.acks for t in tablets),
            reconnects=sum(t.connections for t in tablets) - len(tablets),
            tablets=len(tablets),
        )
        stopped = DrillStopped(str(failed), rounds, current)
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
    if stopped is not None:
        raise stopped
    return rounds


# --- What the database holds afterwards ------------------------------------------------


def stored(url: str, vote_id: int) -> list[tuple[int, str, int, int]]:
    """The vote's ballots: (member, choice, changes, cast by)."""
    with psycopg.connect(url) as db:
        return db.execute(
            "SELECT member_id, choice, changes, cast_by_id FROM voting_ballot WHERE vote_id = %s",
            [vote_id],
        ).fetchall()


def commands(url: str, client_ids: list[str]) -> int:
    """How many of these client commands the server recorded as run."""
    with psycopg.connect(url) as db:
        return db.execute(
            "SELECT count(*) FROM realtime_clientcommand WHERE client_id = ANY(%s)",
            [client_ids],
        ).fetchone()[0]


def committed(url: str, meeting_id: int) -> dict[int, float]:
    """Each event's time of writing to the log (a little before its commit)."""
    with psycopg.connect(url) as db:
        rows = db.execute(
            "SELECT seq, created_at FROM realtime_storedevent WHERE stream = %s",
            [f"meeting:{meeting_id}"],
        ).fetchall()
    return {seq: at.timestamp() for seq, at in rows}
