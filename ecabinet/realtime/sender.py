"""Sending committed events to the channel layer without holding up the database thread.

A service commits on Channels' database thread; waiting there for the event loop to
finish each `group_send` would make every write queue behind the loop's fan-out to
hundreds of tablets. Inside a server, an event is handed to the loop instead and one
task per loop sends them in the order they were committed. Anywhere else (a management
command, a test without a running loop), the send happens at once, as before.

Either way delivery is at-most-once, like every channel layer: the event log is what
tablets rely on (docs/events.md). A send that fails (a Redis restarted under a pooled
connection) is tried once more, on a fresh connection; one that still fails is logged
and counted in `lost_sends`, and every socket finds it in the log within a heartbeat.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

logger = logging.getLogger(__name__)

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_queue: asyncio.Queue | None = None
_task: asyncio.Task | None = None

# Sends given up on since this process started (each is still in the event log).
lost_sends = 0


def bind_running_loop() -> None:
    """Called from a consumer: the loop it runs on is where events are sent from."""
    global _loop, _queue, _task
    loop = asyncio.get_running_loop()
    with _lock:
        if _loop is loop and _task is not None and not _task.done():
            return
        queue: asyncio.Queue = asyncio.Queue()
        _loop, _queue = loop, queue
        _task = loop.create_task(_drain(queue), name="realtime-sender")


def send_after_commit(group: str, message: dict[str, Any]) -> None:
    """Run from `transaction.on_commit`: hand the message to the server's loop, or send
    it now when no loop of ours is running."""
    with _lock:
        loop, queue = _loop, _queue
    if loop is not None and queue is not None and loop.is_running() and not loop.is_closed():
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            queue.put_nowait((group, message))
        else:
            loop.call_soon_threadsafe(queue.put_nowait, (group, message))
        return
    _send_now(group, message)


async def _drain(queue: asyncio.Queue) -> None:
    layer = get_channel_layer()
    while True:
        group, message = await queue.get()
        await send_with_retry(layer, group, message)


async def send_with_retry(layer, group: str, message: dict[str, Any]) -> bool:
    """Send, and once more if the layer's connection broke: redis-py drops a connection
    that failed, so the second try opens a fresh one. False if the send was lost."""
    try:
        await layer.group_send(group, message)
        return True
    except Exception as error:
        first = error
    try:
        await layer.group_send(group, message)
        return True
    except Exception as error:  # the log still has it: tablets catch up from it
        _lost(group, message, first, error)
        return False


def _lost(group: str, message: dict[str, Any], first: Exception, last: Exception) -> None:
    global lost_sends
    with _lock:
        lost_sends += 1
        count = lost_sends
    logger.warning(
        "lost send of %s #%s to %s (%r, then %r on retry); %d lost since start",
        message.get("event"),
        message.get("seq"),
        group,
        first,
        last,
        count,
    )


def _send_now(group: str, message: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        _send_blocking(layer, group, message)
        return
    # Someone else's loop runs in this thread (synchronous code driven by one, such as
    # a browser automation library): async_to_sync may not run here, so send from a
    # short-lived thread and wait for it, which keeps the commit order.
    sender = threading.Thread(target=_send_blocking, args=(layer, group, message))
    sender.start()
    sender.join()


def _send_blocking(layer, group: str, message: dict[str, Any]) -> None:
    async_to_sync(send_with_retry)(layer, group, message)
