"""Shared pieces of the benchmarks: ports, processes, sessions, percentiles, the table."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Tablets join a few dozen at a time, as they do when a meeting room fills up; a
# thousand simultaneous handshakes would only measure the listen backlog.
HANDSHAKES_AT_ONCE = 25


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


async def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            _, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            await asyncio.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


@contextmanager
def process(args: list[str], env: dict[str, str], log: Path):
    with log.open("w") as stderr:
        proc = subprocess.Popen(  # noqa: S603
            args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=stderr
        )
        try:
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()  # reap it: a process left running warns when it is collected


def django_environment(redis_url: str) -> tuple[dict[str, str], Path]:
    """A scratch SQLite database (or BENCH_DATABASE_URL) and a private Redis prefix; Django
    set up in this process."""
    workdir = Path(tempfile.mkdtemp(prefix="ecabinet-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ecabinet.settings",
        "ECABINET_VAR_DIR": str(workdir),
        "REDIS_URL": redis_url,
        "REDIS_PREFIX": f"bench{os.getpid()}",
        "LOG_LEVEL": "WARNING",
        "DEBUG": "0",  # measure what production runs, not the query-recording debug cursor
        "DATABASE_CONN_MAX_AGE": "60",
    }
    env.pop("DATABASE_URL", None)
    if os.environ.get("BENCH_DATABASE_URL"):
        # The production shape: PostgreSQL instead of the embedded SQLite.
        env["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
    os.environ.update(env)
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    import django

    django.setup()
    return env, workdir


def daphne_command(port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "daphne",
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        "ecabinet.asgi:application",
    ]


def session_keys(users) -> list[str]:
    """A signed-in session per user, as a browser would hold after logging in."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    keys = []
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys.append(session.session_key)
    return keys


def body_with_members(tablets: int):
    """A body with a chair, a secretary and `tablets` members (the chair among them)."""
    from people.models import Membership, Role, User
    from people.services import body_create

    body = body_create(actor=None, name=f"Bench {tablets} {time.time_ns()}")
    secretary = User.objects.create(username=f"sec-{body.pk}", full_name="Thư ký")
    chair = User.objects.create(username=f"chair-{body.pk}", full_name="Chủ tọa")
    Membership.objects.create(body=body, user=secretary, role=Role.SECRETARIAT)
    Membership.objects.create(body=body, user=chair, role=Role.CHAIR)
    members = [chair] + User.objects.bulk_create(
        User(username=f"m{body.pk}-{n}", full_name=f"Thành viên {n}") for n in range(tablets - 1)
    )
    Membership.objects.bulk_create(Membership(body=body, user=m, role=Role.MEMBER) for m in members)
    return body, chair, secretary, list(User.objects.filter(pk__in=[m.pk for m in members]))


BARE_SERVER = """
import asyncio, json, sys, websockets
clients = set()
async def handler(ws):
    clients.add(ws)
    try:
        async for message in ws:
            data = json.loads(message)
            if data.get("type") == "command":
                await ws.send(json.dumps({"type": "ack", "client_id": data["client_id"]}))
            else:
                websockets.broadcast(clients, message)
    finally:
        clients.discard(ws)
async def main():
    async with websockets.serve(handler, "127.0.0.1", int(sys.argv[1]), max_queue=None):
        await asyncio.Future()
asyncio.run(main())
"""
