"""Shared pieces of the benchmarks: ports, processes, sessions, percentiles, the table."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Tablets join a few dozen at a time, as they do when a meeting room fills up; a
# thousand simultaneous handshakes would only measure the listen backlog.
HANDSHAKES_AT_ONCE = 25
# The production layout (nginx in front of several Daphnes) shares one PostgreSQL
# database between processes: this one unless BENCH_DATABASE_URL names another.
PROXY_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/ecabinet_bench"
# How long a process has after SIGTERM before SIGKILL. Daphne does not exit on SIGTERM
# while an HTTP request is in flight: the request's thread waits in asgiref's AsyncToSync
# for the loop that has stopped, and Python joins that thread at exit. Waiting longer
# only adds to every test that runs a real Daphne.
STOP_WITHIN = 3.0


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
                proc.wait(timeout=STOP_WITHIN)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()  # reap it: a process left running warns when it is collected


def create_database(url: str) -> None:
    """Create the PostgreSQL database `url` names if it is missing."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as db:
        if not db.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            db.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def django_environment(redis_url: str, *, postgres: bool = False) -> tuple[dict[str, str], Path]:
    """A scratch SQLite database (or BENCH_DATABASE_URL) and a private Redis prefix; Django
    set up in this process. `postgres`: PostgreSQL even without BENCH_DATABASE_URL
    (PROXY_DATABASE_URL), as several processes must share the database."""
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
    database_url = os.environ.get("BENCH_DATABASE_URL") or (PROXY_DATABASE_URL if postgres else "")
    if database_url:
        # The production shape: PostgreSQL instead of the embedded SQLite.
        if postgres:
            create_database(database_url)
        env["DATABASE_URL"] = database_url
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


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
            return response.status == 200
    except (OSError, urllib.error.URLError):
        return False


@contextmanager
def production_layout(env: dict[str, str], workdir: Path, daphnes: int, seconds: float = 180):
    """scripts/prod-local.sh on the bench's database and Redis: nginx in front of `daphnes`
    Daphne processes, no sweeps, no demo. Yields nginx's port once /healthz answers
    through it; stops the whole process group at the end, whatever happened."""
    if not env.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        raise RuntimeError("the production layout needs PostgreSQL (BENCH_DATABASE_URL)")
    port = free_port()
    layout_env = {
        **env,
        "PORT": str(port),
        "DAPHNES": str(daphnes),
        "RUN_DIR": str(workdir / "prod-local"),
        "SWEEPS": "0",
        "DEMO": "0",
        "PREPARE": "1",
        "PY": sys.executable,
    }
    log_path = workdir / "prod-local.log"
    with log_path.open("wb") as log:
        script = subprocess.Popen(  # noqa: S603
            ["bash", "scripts/prod-local.sh"],  # noqa: S607
            cwd=ROOT,
            env=layout_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: nginx and every Daphne
        )
        try:
            deadline = time.monotonic() + seconds
            while not _healthy(f"http://127.0.0.1:{port}/healthz"):
                if script.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    raise RuntimeError(
                        f"the production layout did not start:\n{log_path.read_text()}"
                    )
                time.sleep(0.3)
            yield port
        finally:
            try:
                os.killpg(script.pid, signal.SIGTERM)
                script.wait(timeout=20)
            except ProcessLookupError:
                script.wait()
            except subprocess.TimeoutExpired:
                os.killpg(script.pid, signal.SIGKILL)
                script.wait()


@contextmanager
def our_server(env: dict[str, str], workdir: Path, proxy: bool, daphnes: int):
    """Our stack as one Daphne, or (`proxy`) as nginx in front of `daphnes` Daphnes; yields
    the port tablets connect to and the layout's name for the table."""
    if proxy:
        with production_layout(env, workdir, daphnes) as port:
            yield port, f"nginx + {daphnes} Daphne{'s' if daphnes != 1 else ''}"
    else:
        port = free_port()
        with process(daphne_command(port), env, workdir / "daphne.log"):
            asyncio.run(wait_for_port(port))
            yield port, "one Daphne"


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
