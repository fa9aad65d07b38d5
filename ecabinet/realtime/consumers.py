"""The one WebSocket protocol every event stream speaks (docs/events.md).

A page says `hello` with the last sequence number it has; the consumer replays what it
missed from the stream's log (or says `resync` when that is more than
REALTIME_REPLAY_LIMIT events), says `ready`, then sends live events in order. The channel
layer is at-most-once and two server processes may send in another order than they
committed, so a gap is filled from the log before the later event goes out. Messages
from the page are limited in rate (per socket, and per person over all their sockets),
size and nesting depth (ecabinet/realtime/limits.py); `ping` answers `pong`.

A send the layer lost (Redis restarting, a subscription not yet back) is followed by no
event that would reveal the gap, so the socket does not wait for one: it is told its
stream's committed head, read from the log, every REALTIME_HEAD_CHECK_SECONDS
(ecabinet/realtime/heads.py), and sends from the log what is still missing at the next
check. `pong` carries that head too.

A refused connection is accepted and then closed with its code (4401, 4403, 4404):
closing before accepting would be an HTTP 403 at the handshake, and a browser only ever
reports that as 1006, so the page could not tell a refusal from a dropped network.

A subclass says which stream it follows (`admit`, which may also refuse the connection),
whether an event is shown to this person (`shows`), and which extra message types it
takes (`handlers`, e.g. the meeting's commands). Everything else lives here once.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from ecabinet.realtime import heads, hub
from ecabinet.realtime.db import database_call
from ecabinet.realtime.events import Stream, events_after, last_seq, message_for
from ecabinet.realtime.heads import DATABASE_DOWN
from ecabinet.realtime.limits import json_depth, user_message_allowed
from ecabinet.realtime.sender import bind_running_loop

logger = logging.getLogger(__name__)

# Close codes (4000-4999 are the application's own).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_LARGE = 4413
CLOSE_TOO_MANY = 4429
CLOSE_TRY_AGAIN = 4503  # the database is unreachable: reconnect in a moment

# A command that met a database outage is sent again by the page after about this long,
# on the same socket (the `unavailable` error's `retry_after`).
RETRY_AFTER_SECONDS = 0.5
# One warning per this long per process while the database is down, with the count of
# messages it refused meanwhile: a room retrying every second must not flood the log.
OUTAGE_LOG_EVERY_SECONDS = 5.0

Handler = Callable[[dict[str, Any]], Awaitable[None]]


class StreamConsumer(AsyncWebsocketConsumer):
    max_message_bytes = 4 * 1024
    rate_capacity = 10  # messages in a burst
    rate_per_second = 1.0  # sustained

    stream: Stream

    # --- What a subclass decides ---------------------------------------------------

    async def admit(self) -> int:
        """Set `self.stream` and return 0 to accept, or a close code to refuse."""
        raise NotImplementedError

    def shows(self, message: dict[str, Any]) -> bool:
        """Whether this person sees the event; a hidden one is sent as `skip`."""
        return True

    def shows_at_once(self, message: dict[str, Any]) -> bool:
        """Whether a live event may go out as it is, with no look at the database: true
        for whoever sees everything of the stream."""
        return self.shows(message)

    async def shows_now(self, message: dict[str, Any]) -> bool:
        """`shows`, when it is not decided at once: a subclass may look again at what
        the person sees now (a change of access may still be on its way to the socket
        when an event that depends on it arrives)."""
        return self.shows(message)

    def handlers(self) -> dict[str, Handler]:
        """Message types the page may send besides `hello` and `ping`."""
        return {}

    def extra_groups(self) -> list[str]:
        """Groups to join besides the stream's (e.g. the person's, for sign-out)."""
        return []

    # --- Connection ----------------------------------------------------------------

    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self._refuse(CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        try:
            refusal = await self.admit()
        except DATABASE_DOWN:
            logger.warning("socket refused: the database is unreachable", exc_info=True)
            refusal = CLOSE_TRY_AGAIN
        if refusal:
            await self._refuse(refusal)
            return
        self.ready = False  # until the hello's replay is sent
        self.pending: list[dict[str, Any]] = []
        self.sent_seq = 0
        self.sending = asyncio.Lock()  # the head check and live events take turns
        self.behind_head = 0  # a head seen ahead of sent_seq at the last check
        self.catching_up: asyncio.Future | None = None
        self.later: set[asyncio.Future] = set()  # live events taking the way through the lock
        self.tokens, self.tokens_at = float(self.rate_capacity), time.monotonic()
        self.groups_joined = self.extra_groups()
        for group in self.groups_joined:
            await self.channel_layer.group_add(group, self.channel_name)
        # The stream's live events come through this process's one subscription (hub.py).
        await hub.join(self.stream.key, self.stream.group, self)
        self.in_room = True
        bind_running_loop()
        await self.accept()
        heads.watch(self.stream.key, self)

    async def _refuse(self, code: int) -> None:
        await self.accept()
        await self.close(code=code)

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "sending"):  # admitted
            heads.unwatch(self.stream.key, self)
            if self.catching_up is not None:
                self.catching_up.cancel()
            for waiting in list(self.later):
                waiting.cancel()
        if getattr(self, "in_room", False):
            self.in_room = False
            await hub.leave(self.stream.key, self)
        for group in getattr(self, "groups_joined", ()):
            await self.channel_layer.group_discard(group, self.channel_name)

    # --- From the page -------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        if not self._take_token():
            await self.close(code=CLOSE_TOO_MANY)
            return
        if text_data is None or len(text_data.encode()) > self.max_message_bytes:
            await self.close(code=CLOSE_TOO_LARGE)
            return
        if not await user_message_allowed(self.user.pk):
            await self.close(code=CLOSE_TOO_MANY)
            return
        if json_depth(text_data) > settings.REALTIME_MAX_JSON_DEPTH:
            await self.send_error("too_deep", "The message nests too deeply.")
            return
        try:
            message = json.loads(text_data)
        except (ValueError, RecursionError):
            await self.send_error("bad_json", "The message is not JSON.")
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self.send_error("bad_message", "A message is an object with a type.")
            return
        handler = {"hello": self._hello, "ping": self._ping, **self.handlers()}.get(message["type"])
        if handler is None:
            await self.send_error("unknown_type", "Unknown message type.")
            return
        try:
            await handler(message)
        except DATABASE_DOWN:
            # Not a defect: the database is restarting. The socket stays open (live events
            # still come, and the head check sends what was missed once it answers): the
            # page sends its command again after `retry_after`, with the same client_id,
            # so it runs once. Only a hello, whose replay needs the log, is closed with
            # "try again".
            _outage_noted(message["type"])
            if message["type"] == "hello":
                await self.send_error("unavailable", "The server cannot reach its database.")
                await self.close(code=CLOSE_TRY_AGAIN)
            else:
                await self.send_frame(
                    {
                        "type": "error",
                        "code": "unavailable",
                        "detail": "The server cannot reach its database.",
                        "retry_after": RETRY_AFTER_SECONDS,
                    }
                )
        except Exception:
            # A defect must not cost the tablet its socket (and the room its live view):
            # it is logged, and the page is told its message failed.
            logger.exception("socket message %r failed", message.get("type"))
            await self.send_error("server_error", "The message could not be handled.")

    async def _ping(self, message: dict[str, Any]) -> None:
        try:
            head = await database_call(last_seq)(stream=self.stream)
        except DATABASE_DOWN:  # the socket still answers; the head is not known now
            await self.send_frame({"type": "pong", "seq": self.sent_seq})
            return
        if self.ready and head > self.sent_seq:
            await self._catch_up()
        await self.send_frame({"type": "pong", "seq": self.sent_seq, "head": head})

    # --- The committed head ----------------------------------------------------------

    def head_seen(self, head: int) -> None:
        """The stream's committed head, read from the log (heads.py): an event up to it
        that is still unsent one check later is not on its way but lost."""
        if not self.ready or head <= self.sent_seq:
            self.behind_head = 0
            return
        if not self.behind_head or self.behind_head <= self.sent_seq:
            self.behind_head = head  # most likely on its way: look again
            return
        if self.catching_up is None or self.catching_up.done():
            logger.info(
                "socket behind its stream %s (%d < %d): sending from the log",
                self.stream.key,
                self.sent_seq,
                self.behind_head,
            )
            self.behind_head = 0
            self.catching_up = asyncio.ensure_future(self._catch_up_logged())

    async def _catch_up_logged(self) -> None:
        try:
            await self._catch_up()
        except DATABASE_DOWN:
            logger.debug("catching up: the database is unreachable", exc_info=True)
        except Exception:
            logger.exception("catching up failed on %s", self.stream.key)

    async def _catch_up(self) -> None:
        async with self.sending:
            missed = await self._replay(self.sent_seq)
            if missed is None:
                self.sent_seq = await database_call(last_seq)(stream=self.stream)
                await self.send_frame({"type": "resync", "seq": self.sent_seq})
                return
            for event in missed:
                if event["seq"] > self.sent_seq:
                    await self._push(event)

    async def _hello(self, message: dict[str, Any]) -> None:
        after = message.get("after", 0)
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            await self.send_error("bad_message", "after must be a sequence number.")
            return
        async with self.sending:
            self.ready = False
            replay = await self._replay(after)
            if replay is None:
                # Too far behind: a fresh page (the snapshot) is quicker than the whole log.
                self.sent_seq = await database_call(last_seq)(stream=self.stream)
                await self.send_frame({"type": "resync", "seq": self.sent_seq})
            else:
                self.sent_seq = after
                for event in replay:
                    await self._deliver_now(event)
            await self.send_frame({"type": "ready", "seq": self.sent_seq})
            self.ready = True
            for event in sorted(self.pending, key=lambda e: e["seq"]):
                await self._deliver_now(event)
            self.pending.clear()

    # --- From the stream (this process's hub) -----------------------------------------

    async def offer(self, message: dict[str, Any]) -> None:
        """A live event of the stream, from this process's hub (hub.py). The next event
        in order that this person sees at once goes out at once: the frame was encoded
        once for every socket, and the write to the connection does not suspend.
        Anything else (before `hello`, while catching up, after a gap, an event whose
        showing needs a look at the database) takes the way through the lock."""
        if not self.ready:
            self.pending.append(message)
            return
        seq = message["seq"]
        if seq <= self.sent_seq:
            return  # replayed already
        if seq != self.sent_seq + 1 or self.sending.locked() or not self.shows_at_once(message):
            waiting = asyncio.ensure_future(self._deliver_logged(message))
            self.later.add(waiting)
            waiting.add_done_callback(self.later.discard)
            return
        self.sent_seq = seq
        await self.send(text_data=message["text"])

    async def _deliver_logged(self, message: dict[str, Any]) -> None:
        try:
            await self._deliver(message)
        except DATABASE_DOWN:  # the head check sends it from the log once it answers
            logger.debug("live event: the database is unreachable", exc_info=True)
        except Exception:
            logger.exception("live event #%s failed on %s", message["seq"], self.stream.key)

    # --- Sending -------------------------------------------------------------------

    async def send_frame(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame))

    async def send_error(self, code: str, detail: str) -> None:
        await self.send_frame({"type": "error", "code": code, "detail": detail})

    async def _deliver(self, message: dict[str, Any]) -> None:
        async with self.sending:
            await self._deliver_now(message)

    async def _deliver_now(self, message: dict[str, Any]) -> None:
        seq = message["seq"]
        if seq <= self.sent_seq:
            return  # replayed already
        if seq > self.sent_seq + 1 and not await self._fill_gap(before=seq):
            return
        await self._push(message)

    async def _fill_gap(self, *, before: int) -> bool:
        """An earlier event has not arrived. It is in the log (it committed before this
        one got its number), so send it from there."""
        missed = await self._replay(self.sent_seq)
        if missed is None:
            self.sent_seq = await database_call(last_seq)(stream=self.stream)
            await self.send_frame({"type": "resync", "seq": self.sent_seq})
            return False
        for event in missed:
            if event["seq"] < before:
                await self._push(event)
        return True

    async def _push(self, message: dict[str, Any]) -> None:
        seq = message["seq"]
        if not await self.shows_now(message):
            # Keep the numbering whole without revealing what happened.
            self.sent_seq = seq
            await self.send_frame({"type": "skip", "seq": seq})
            return
        self.sent_seq = seq
        text = message.get("text")  # live events come encoded once for every page
        if text is None:
            frame = {"type": "event", "seq": seq, "event": message["event"]}
            text = json.dumps({**frame, "data": message["data"]})
        await self.send(text_data=text)

    def _take_token(self) -> bool:
        now = time.monotonic()
        self.tokens = min(
            self.rate_capacity, self.tokens + (now - self.tokens_at) * self.rate_per_second
        )
        self.tokens_at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    @database_call
    def _replay(self, after: int) -> list[dict[str, Any]] | None:
        limit = settings.REALTIME_REPLAY_LIMIT
        events = events_after(stream=self.stream, after=after, limit=limit + 1)
        if len(events) > limit:
            return None
        return [{"item_id": e.item_id, **message_for(e)} for e in events]


_outage = {"logged_at": 0.0, "refused": 0}


def _outage_noted(kind: str) -> None:
    """A message refused for a database outage: logged at most every
    OUTAGE_LOG_EVERY_SECONDS per process, with how many were refused since."""
    _outage["refused"] += 1
    now = time.monotonic()
    if now - _outage["logged_at"] >= OUTAGE_LOG_EVERY_SECONDS:
        logger.warning(
            "socket message %r: the database is unreachable (%d refused since the last note)",
            kind,
            _outage["refused"],
        )
        _outage["logged_at"], _outage["refused"] = now, 0
