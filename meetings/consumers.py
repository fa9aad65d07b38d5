"""The meeting's WebSocket: pushes the meeting's events to a tablet and takes its commands.

Protocol (docs/events.md): the tablet says `hello` with the last sequence number it has;
the server replays what it missed from the event log, then streams live events. Commands
go to the same services as the pages and the API. The consumer holds no business rules.
"""

from __future__ import annotations

import json
import time
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.utils import translation

from ecabinet.errors import ServiceError
from ecabinet.realtime.commands import command_run
from ecabinet.realtime.events import events_after, last_seq, meeting_group, message_for
from ecabinet.realtime.sender import bind_running_loop
from meetings.access import meeting_access
from meetings.models import Meeting
from meetings.realtime import user_group
from people.selectors import user_roles_forget

# Close codes (4000-4999 are the application's own).
CLOSE_UNAUTHENTICATED = 4401
CLOSE_FORBIDDEN = 4403
CLOSE_TOO_MANY = 4429
CLOSE_TOO_LARGE = 4413

MAX_MESSAGE_BYTES = 16 * 1024
RATE_CAPACITY = 30  # messages in a burst
RATE_PER_SECOND = 5.0  # sustained


class MeetingConsumer(AsyncJsonWebsocketConsumer):
    async def connect(self) -> None:
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=CLOSE_UNAUTHENTICATED)
            return
        self.user = user
        self.language = _language_of(self.scope)
        self.meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        visible = await self._visible_items()
        if visible is False:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.visible_items: frozenset[int] | None = visible
        self.ready = False  # until the hello's replay is sent
        self.pending: list[dict[str, Any]] = []
        self.sent_seq = 0
        self.tokens, self.tokens_at = float(RATE_CAPACITY), time.monotonic()
        await self.channel_layer.group_add(meeting_group(self.meeting_id), self.channel_name)
        await self.channel_layer.group_add(user_group(user.pk), self.channel_name)
        bind_running_loop()
        await self.accept()

    async def disconnect(self, code: int) -> None:
        if hasattr(self, "visible_items"):
            await self.channel_layer.group_discard(
                meeting_group(self.meeting_id), self.channel_name
            )
            await self.channel_layer.group_discard(user_group(self.user.pk), self.channel_name)

    # --- From the tablet -----------------------------------------------------------

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
            await self._error("bad_json", "The message is not JSON.")
            return
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            await self._error("bad_message", "A message is an object with a type.")
            return
        handler = {"hello": self._hello, "command": self._command, "ping": self._ping}.get(
            message["type"]
        )
        if handler is None:
            await self._error("unknown_type", "Unknown message type.")
            return
        await handler(message)

    async def _ping(self, message: dict[str, Any]) -> None:
        await self.send_json({"type": "pong", "seq": self.sent_seq})

    async def _hello(self, message: dict[str, Any]) -> None:
        after = message.get("after", 0)
        if not isinstance(after, int) or isinstance(after, bool) or after < 0:
            await self._error("bad_message", "after must be a sequence number.")
            return
        replay = await self._replay(after)
        if replay is None:
            # Too far behind: a fresh page (the snapshot) is quicker than the whole log.
            self.sent_seq = await database_sync_to_async(last_seq)(meeting_id=self.meeting_id)
            await self.send_json({"type": "resync", "seq": self.sent_seq})
        else:
            self.sent_seq = after
            for event in replay:
                await self._deliver(event)
        await self.send_json({"type": "ready", "seq": self.sent_seq})
        self.ready = True
        for event in sorted(self.pending, key=lambda e: e["seq"]):
            await self._deliver(event)
        self.pending.clear()

    async def _command(self, message: dict[str, Any]) -> None:
        client_id = message.get("client_id")
        user_roles_forget(user=self.user)  # a role taken away an hour ago no longer acts
        try:
            outcome = await database_sync_to_async(self._run_command)(
                actor=self.user,
                meeting_id=self.meeting_id,
                name=message.get("name"),
                client_id=client_id,
                args=message.get("args", {}),
            )
        except ServiceError as error:
            await self.send_json(
                {
                    "type": "error",
                    "client_id": client_id if isinstance(client_id, str) else None,
                    "code": error.code,
                    "detail": error.message,
                    "fields": error.fields,
                }
            )
            return
        await self.send_json(
            {
                "type": "ack",
                "client_id": client_id,
                "result": outcome.result,
                "replayed": outcome.replayed,
            }
        )

    def _run_command(self, **kwargs: Any) -> Any:
        # Refusals are read by the person at the tablet: in the language of their page.
        with translation.override(self.language):
            return command_run(**kwargs)

    # --- From the group ------------------------------------------------------------

    async def meeting_event(self, message: dict[str, Any]) -> None:
        if not self.ready:
            self.pending.append(message)
            return
        await self._deliver(message)

    async def access_changed(self, message: dict[str, Any]) -> None:
        """Someone changed who may attend (or the user logged out): look again."""
        visible = None if message.get("logout") else await self._visible_items()
        if message.get("logout") or visible is False:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.visible_items = visible  # e.g. a guest invited to one more item

    # --- Helpers -------------------------------------------------------------------

    async def _deliver(self, message: dict[str, Any]) -> None:
        seq = message["seq"]
        if seq <= self.sent_seq:
            return  # replayed already
        if seq > self.sent_seq + 1 and not await self._fill_gap(before=seq):
            return
        await self._push(message)

    async def _fill_gap(self, *, before: int) -> bool:
        """An earlier event has not arrived: the layer is at-most-once, and two server
        processes may send in a different order than they committed. It is in the log
        (it committed before this one got its number), so send it from there."""
        missed = await self._replay(self.sent_seq)
        if missed is None:
            self.sent_seq = await database_sync_to_async(last_seq)(meeting_id=self.meeting_id)
            await self.send_json({"type": "resync", "seq": self.sent_seq})
            return False
        for event in missed:
            if event["seq"] < before:
                await self._push(event)
        return True

    async def _push(self, message: dict[str, Any]) -> None:
        seq = message["seq"]
        self.sent_seq = seq
        item_id = message.get("item_id")
        if self.visible_items is not None and item_id is not None:
            if item_id not in self.visible_items:
                # Keep the numbering whole without revealing what happened.
                await self.send_json({"type": "skip", "seq": seq})
                return
        text = message.get("text")  # live events come encoded once for every tablet
        if text is None:
            frame = {
                "type": "event",
                "seq": seq,
                "event": message["event"],
                "data": message["data"],
            }
            text = json.dumps(frame)
        await self.send(text_data=text)

    async def _error(self, code: str, detail: str) -> None:
        await self.send_json({"type": "error", "code": code, "detail": detail})

    def _take_token(self) -> bool:
        now = time.monotonic()
        self.tokens = min(RATE_CAPACITY, self.tokens + (now - self.tokens_at) * RATE_PER_SECOND)
        self.tokens_at = now
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    @database_sync_to_async
    def _visible_items(self) -> frozenset[int] | None | bool:
        """False: may not attend; None: sees every item; else the items they see."""
        user_roles_forget(user=self.user)
        meeting = Meeting.objects.filter(pk=self.meeting_id).first()
        if meeting is None:
            return False
        access = meeting_access(user=self.user, meeting=meeting)
        if not access.can_view:
            return False
        return access.visible_item_ids

    @database_sync_to_async
    def _replay(self, after: int) -> list[dict[str, Any]] | None:
        limit = settings.REALTIME_REPLAY_LIMIT
        events = events_after(meeting_id=self.meeting_id, after=after, limit=limit + 1)
        if len(events) > limit:
            return None
        return [{"item_id": e.item_id, **message_for(e)} for e in events]


def _language_of(scope: dict[str, Any]) -> str:
    """The page's language: the switcher's cookie, else the browser's Accept-Language,
    else the site default (as Django's LocaleMiddleware decides for pages)."""
    candidates = [scope.get("cookies", {}).get(settings.LANGUAGE_COOKIE_NAME, "")]
    for name, value in scope.get("headers", []):
        if name == b"accept-language":
            header = value.decode("latin-1")
            candidates += [
                code for code, _q in translation.trans_real.parse_accept_lang_header(header)
            ]
    for code in candidates:
        if not code or code == "*":
            continue
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE
