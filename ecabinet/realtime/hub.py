"""One subscription per stream per server process, and one pass over its sockets.

A room of two thousand tablets on one server process would otherwise receive each event
two thousand times from the channel layer: one copy per socket's channel, each decoded,
queued, woken and dispatched on its own. Instead each process subscribes once per stream
it has sockets for (one channel of its own in the stream's group), decodes each event
once, and hands it to every socket of that stream in one pass (`StreamConsumer.offer`).
The event's frame was encoded once when it was published (events.py): what a socket
does per event is a comparison and a write to its connection.

Events reach the process in the order their senders published them, which is not always
the order they committed in: two server processes write to one meeting's stream, and
each sends its own. When an event arrives before an earlier one, the earlier one has
committed (numbers are taken in commit order). The hub holds the early event for a
moment (GAP_GRACE_SECONDS) for the missing ones, which are most often a few
milliseconds behind; if the gap stays open it reads the gap from the log, once for all
its sockets, and hands everything out in order; a late copy is then dropped. The same
holds for an event the layer lost, or one stuck behind a busy process:
when the head check (heads.py) finds the stream's committed head still ahead of what
the hub handed out one check later, the hub reads the rest from the log once and hands
it out. Without that, each of a thousand sockets would read the same gap on its own,
and under a storm, when every socket falls behind at once, those reads would starve
the very database thread the writes need.

A socket whose event cannot go out at once (its page has not said `hello` yet, it is
catching up from the log, an earlier event is still missing, or the event is about an
item a guest does not see) takes the slow way through its own lock, as every event did
before; the log fills any gap (docs/events.md).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any, Protocol

from channels.layers import get_channel_layer

from ecabinet.realtime.db import database_call
from ecabinet.realtime.events import live_messages_between

logger = logging.getLogger(__name__)

# How long an event that arrived ahead of an earlier one waits for it before the hub
# reads the gap from the log (a send lost, or stuck behind a busy process).
GAP_GRACE_SECONDS = 0.1


class Socket(Protocol):
    async def offer(self, message: dict[str, Any]) -> None: ...


@dataclass
class _Room:
    group: str
    sockets: set[Any] = field(default_factory=set)
    channel: str = ""
    subscribed: asyncio.Future | None = None
    reader: asyncio.Task | None = None
    seq: int = 0  # the last event handed out in order; 0: none yet
    behind: int = 0  # a committed head seen ahead of `seq` at the last head check
    order: asyncio.Lock = field(default_factory=asyncio.Lock)  # one hand-out at a time
    message_type: str = ""  # the stream's live messages' type, from the first to arrive
    early: dict[int, dict[str, Any]] = field(default_factory=dict)  # ahead of a gap, by seq
    filling: asyncio.Task | None = None  # reads the gap from the log if it stays open


# Per event loop (a server process runs one; tests may run several in turn).
_rooms: dict[asyncio.AbstractEventLoop, dict[str, _Room]] = {}


async def join(key: str, group: str, socket: Socket) -> None:
    """Add the socket to its stream's room, subscribing this process when it is the
    first; returns once the subscription is live, so no event committed after the page's
    replay can pass it by."""
    loop = asyncio.get_running_loop()
    rooms = _rooms.setdefault(loop, {})
    while True:
        room = rooms.get(key)
        if room is None:
            await _subscribe(loop, rooms, key, group, socket)
            return
        room.sockets.add(socket)
        try:
            await asyncio.shield(room.subscribed)
            return
        except asyncio.CancelledError:
            room.sockets.discard(socket)
            if room.subscribed.cancelled() and rooms.get(key) is not room:
                continue  # the socket subscribing went away first: subscribe in its place
            raise
        except Exception:
            room.sockets.discard(socket)
            raise


async def _subscribe(
    loop: asyncio.AbstractEventLoop, rooms: dict[str, _Room], key: str, group: str, socket
) -> None:
    room = rooms[key] = _Room(group=group, subscribed=loop.create_future())
    room.sockets.add(socket)
    try:
        layer = get_channel_layer()
        room.channel = await layer.new_channel("hub.")
        await layer.group_add(group, room.channel)
    except BaseException as error:
        if rooms.get(key) is room:
            del rooms[key]
        if isinstance(error, asyncio.CancelledError):
            room.subscribed.cancel()
        else:
            room.subscribed.set_exception(error)
            room.subscribed.exception()  # retrieved here; the joiners waiting get it raised
        raise
    room.reader = loop.create_task(_read(key, room), name=f"realtime-hub {key}")
    room.subscribed.set_result(True)


async def leave(key: str, socket: Socket) -> None:
    """Take the socket out; the last one out ends the process's subscription."""
    loop = asyncio.get_running_loop()
    rooms = _rooms.get(loop, {})
    room = rooms.get(key)
    if room is None:
        return
    room.sockets.discard(socket)
    if room.sockets or room.subscribed is None or not room.subscribed.done():
        return
    del rooms[key]
    if not rooms:
        _rooms.pop(loop, None)
    if room.reader is not None:
        room.reader.cancel()
    if room.filling is not None:
        room.filling.cancel()
    if room.channel:
        try:
            await get_channel_layer().group_discard(room.group, room.channel)
        except Exception:  # the layer is down: its subscription is gone with it
            logger.debug("hub: leaving %s failed", room.group, exc_info=True)


def sockets_in(key: str) -> int:
    """How many of this process's sockets follow the stream (tests, metrics)."""
    room = _rooms.get(asyncio.get_running_loop(), {}).get(key)
    return len(room.sockets) if room is not None else 0


async def _read(key: str, room: _Room) -> None:
    layer = get_channel_layer()
    while True:
        try:
            message = await layer.receive(room.channel)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("hub: receiving on %s failed", room.group)
            await asyncio.sleep(0.5)
            continue
        await _in_order(key, room, message)


async def _in_order(key: str, room: _Room, message: dict[str, Any]) -> None:
    """Hand the event out after any earlier one still missing. An event ahead of a gap
    waits GAP_GRACE_SECONDS for the missing ones to arrive (most often they are on their
    way from the other server process, a few milliseconds behind); then the gap is read
    from the log. Reading it at once put a log read on the database thread for nearly
    every batch of a vote storm written by two processes, ahead of the casts waiting
    for that thread."""
    seq = message.get("seq")
    if not isinstance(seq, int):
        await deliver(room.sockets, message)
        return
    async with room.order:
        if seq <= room.seq:
            return  # handed out already, from the log
        room.message_type = message.get("type", "")
        if room.seq and seq > room.seq + 1:
            room.early[seq] = message
            if room.filling is None or room.filling.done():
                room.filling = asyncio.ensure_future(_fill_after_grace(key, room))
            return
        room.seq = seq
        await deliver(room.sockets, message)
        await _hand_out_early(room)


async def _hand_out_early(room: _Room) -> None:
    """The events that arrived ahead of a gap now filled, in order; the lock is held."""
    while room.seq + 1 in room.early:
        message = room.early.pop(room.seq + 1)
        room.seq = message["seq"]
        await deliver(room.sockets, message)
    for seq in [seq for seq in room.early if seq <= room.seq]:
        del room.early[seq]  # handed out from the log meanwhile


async def _fill_after_grace(key: str, room: _Room) -> None:
    await asyncio.sleep(GAP_GRACE_SECONDS)
    async with room.order:
        while room.early:  # else the missing ones arrived
            first = min(room.early)
            await _from_log(key, room, before=first)
            if room.seq + 1 < first:
                return  # the log could not be read: the head check tries again
            await _hand_out_early(room)


async def head_seen(key: str, head: int) -> None:
    """The stream's committed head, read from the log by the head check (heads.py). An
    event up to a head seen one check ago and still not handed out is lost or stuck:
    the hub reads it from the log, once for all its sockets."""
    room = _rooms.get(asyncio.get_running_loop(), {}).get(key)
    if room is None or not room.seq or head <= room.seq:
        if room is not None:
            room.behind = 0
        return  # no live event yet (the sockets' own replays cover them), or none missed
    if not room.behind or room.behind <= room.seq:
        room.behind = head  # most likely on its way: look again
        return
    room.behind = 0
    async with room.order:
        await _from_log(key, room, before=head + 1)
        await _hand_out_early(room)


async def _from_log(key: str, room: _Room, *, before: int) -> None:
    try:
        missed = await database_call(live_messages_between)(
            key=key, after=room.seq, before=before, message_type=room.message_type
        )
    except Exception:  # the sockets fill the gap on their own (the database is down)
        logger.warning("hub: reading %s's events before #%d failed", key, before, exc_info=True)
        return
    for earlier in missed:
        room.seq = earlier["seq"]
        await deliver(room.sockets, earlier)


async def deliver(sockets: set[Any], message: dict[str, Any]) -> None:
    """Hand one live event to every socket of its stream in this process."""
    for socket in list(sockets):
        try:
            await socket.offer(message)
        except Exception:  # one broken socket must not cost the others the event
            logger.exception("hub: offering #%s to a socket failed", message.get("seq"))
