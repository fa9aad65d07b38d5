"""The ballot's WebSocket: tells the secretariat's open page that an answer arrived.

Only the ballot's managers (the body's secretariat and chair) may join. The protocol is
the meeting socket's, without commands (docs/events.md): `hello` with the last sequence
number, a replay from the ballot's log, `ready`, then live events in order, the gaps
filled from the log. The page treats each event as "look again" and fetches the
snapshot, so nothing it shows depends on an event arriving.
"""

from __future__ import annotations

import json
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings

from ballots.access import ballot_access
from ballots.events import ballot_stream
from ballots.models import Ballot
from ecabinet.realtime.events import events_after, last_seq, message_for
from ecabinet.realtime.sender import bind_running_loop
from meetings.realtime import user_group
from people.selectors import user_roles_forget

CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_NOT_FOUND = 4404
CLOSE_TOO_LARGE = 4413
CLOSE_TOO_MANY = 4429

MAX_MESSAGE_BYTES = 4 * 1024
RATE_CAPACITY = 10
RATE_PER_SECOND = 1.0


class BallotConsumer(AsyncWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        self.stream = ballot_stream(int(self.scope["url_route"]["kwargs"]["ballot_id"]))
        refusal = await self._refusal()
        if refusal:
            await self.close(code=refusal)
            return
        self.joined = True
        self.ready, self.pending, self.sent_seq = False, [], 0
        self.tokens, self.tokens_at = float(RATE_CAPACITY), time.monotonic()
        await self.channel_layer.group_add(self.stream.group, self.channel_name)
        await self.channel_layer.group_add(user_group(user.pk), self.channel_name)
        bind_running_loop()
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if getattr(self, "joined", False):
            await self.channel_layer.group_discard(self.stream.group, self.channel_name)
            await self.channel_layer.group_discard(user_group(self.user.pk), self.channel_name)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
        if not self._take_token():
            await self.close(code=CLOSE_TOO_MANY)
            return
        if text_data is None or len(text_data.encode()) > MAX_MESSAGE_BYTES:
            await self.close(code=CLOSE_TOO_LARGE)
            return
        try:
            message = json.loads(text_data)
        except ValueError:
            await self._send({"type": "error", "code": "bad_json", "detail": "Not JSON."})
            return
        kind = message.get("type") if isinstance(message, dict) else None
        if kind == "ping":
            await self._send({"type": "pong", "seq": self.sent_seq})
        elif kind == "hello":
            await self._hello(message.get("after", 0))
        else:
            await self._send(
                {"type": "error", "code": "unknown_type", "detail": "Unknown message type."}
            )

    async def _hello(self, after: Any) -> None:
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            await self._send(
                {"type": "error", "code": "bad_message", "detail": "after must be a number."}
            )
            return
        self.ready, self.sent_seq = False, after
        await self._catch_up(before=None)
        await self._send({"type": "ready", "seq": self.sent_seq})
        self.ready = True
        for event in sorted(self.pending, key=lambda e: e["seq"]):
            await self._deliver(event)
        self.pending.clear()

    # --- From the group ------------------------------------------------------------

    async def ballot_event(self, message: dict[str, Any]) -> None:
        if not self.ready:
            self.pending.append(message)
            return
        await self._deliver(message)

    async def access_changed(self, message: dict[str, Any]) -> None:
        """A role changed or the person signed out: look again."""
        if message.get("logout") or await self._refusal():
            await self.close(code=CLOSE_FORBIDDEN)

    # --- Helpers -------------------------------------------------------------------

    async def _deliver(self, message: dict[str, Any]) -> None:
        seq = message["seq"]
        if seq <= self.sent_seq:
            return
        if seq > self.sent_seq + 1 and not await self._catch_up(before=seq):
            return
        self.sent_seq = seq
        await self.send(text_data=message["text"])

    async def _catch_up(self, *, before: int | None) -> bool:
        """Send what the log has after `sent_seq` (below `before`); if that is more than
        the replay limit, tell the page to resync from its snapshot instead."""
        events = await self._replay(self.sent_seq)
        if events is None:
            self.sent_seq = await database_sync_to_async(last_seq)(stream=self.stream)
            await self._send({"type": "resync", "seq": self.sent_seq})
            return False
        for event in events:
            if before is None or event["seq"] < before:
                self.sent_seq = event["seq"]
                await self._send(event)
        return True

    async def _send(self, frame: dict[str, Any]) -> None:
        await self.send(text_data=json.dumps(frame))

    def _take_token(self) -> bool:
        now = time.monotonic()
        self.tokens = min(RATE_CAPACITY, self.tokens + (now - self.tokens_at) * RATE_PER_SECOND)
        self.tokens_at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    @database_sync_to_async
    def _refusal(self) -> int:
        """0 to stay; 4404 to whoever may not know the ballot exists; 4403 to one who
        sees it (a recipient, a deputy) but does not run it."""
        user_roles_forget(user=self.user)
        ballot = Ballot.objects.filter(pk=self.stream.id).first()
        if ballot is None:
            return CLOSE_NOT_FOUND
        access = ballot_access(user=self.user, ballot=ballot)
        if not access.can_view:
            return CLOSE_NOT_FOUND
        return 0 if access.sees_all_answers else CLOSE_FORBIDDEN

    @database_sync_to_async
    def _replay(self, after: int) -> list[dict[str, Any]] | None:
        limit = settings.REALTIME_REPLAY_LIMIT
        events = events_after(stream=self.stream, after=after, limit=limit + 1)
        if len(events) > limit:
            return None
        return [message_for(e) for e in events]
