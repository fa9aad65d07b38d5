"""The committed head of every stream this process's sockets follow, read from the log.

A send the channel layer lost is followed by no event that would reveal the gap, so the
sockets cannot wait for one. Every REALTIME_HEAD_CHECK_SECONDS one task per event loop
reads the last sequence number of every stream its sockets follow, in one query however
many sockets and streams there are, and tells the process's hub, then each socket, its
stream's head. The hub, still behind a head it was told at the previous check, reads the
rest from the log once and hands it to all its sockets (hub.head_seen); a socket still
behind after that sends the rest from the log on its own (StreamConsumer.head_seen).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Protocol

from django.conf import settings
from django.db import InterfaceError, OperationalError

from ecabinet.realtime import hub
from ecabinet.realtime.db import database_call
from ecabinet.realtime.models import EventStream

logger = logging.getLogger(__name__)

# A database that cannot be reached (a restart, a network cut), as opposed to a defect.
DATABASE_DOWN = (OperationalError, InterfaceError)


class Watcher(Protocol):
    def head_seen(self, head: int) -> None: ...


# Per event loop: {stream key: the sockets following it}, and the loop's reading task.
_sockets: dict[asyncio.AbstractEventLoop, dict[str, set[Any]]] = {}
_pollers: dict[asyncio.AbstractEventLoop, asyncio.Task] = {}


def check_seconds() -> float:
    return float(settings.REALTIME_HEAD_CHECK_SECONDS)


def watch(key: str, socket: Watcher) -> None:
    loop = asyncio.get_running_loop()
    _sockets.setdefault(loop, {}).setdefault(key, set()).add(socket)
    poller = _pollers.get(loop)
    if poller is None or poller.done():
        _pollers[loop] = loop.create_task(_poll(loop), name="realtime-heads")


def unwatch(key: str, socket: Watcher) -> None:
    streams = _sockets.get(asyncio.get_running_loop(), {})
    sockets = streams.get(key)
    if sockets is not None:
        sockets.discard(socket)
        if not sockets:
            del streams[key]


def _read_heads(keys: list[str]) -> dict[str, int]:
    heads: dict[str, int] = {}
    for start in range(0, len(keys), 1000):
        chunk = keys[start : start + 1000]
        heads.update(EventStream.objects.filter(key__in=chunk).values_list("key", "last_seq"))
    return heads


async def _poll(loop: asyncio.AbstractEventLoop) -> None:
    try:
        while _sockets.get(loop):
            await asyncio.sleep(check_seconds())
            streams = _sockets.get(loop)
            if not streams:
                break
            try:
                heads = await database_call(_read_heads)(list(streams))
            except DATABASE_DOWN:
                logger.debug("head check: the database is unreachable", exc_info=True)
                continue
            except Exception:
                logger.exception("head check failed")
                continue
            for key, sockets in list(streams.items()):
                head = heads.get(key, 0)
                # The hub first: what it reads from the log reaches all its sockets.
                await hub.head_seen(key, head)
                for socket in list(sockets):
                    socket.head_seen(head)
    finally:
        if _pollers.get(loop) is asyncio.current_task():
            del _pollers[loop]
        if not _sockets.get(loop):
            _sockets.pop(loop, None)
