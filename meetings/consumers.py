"""The meeting's WebSocket: pushes the meeting's events to a tablet and takes its commands.

The protocol (hello, replay, gaps filled from the log, rate and size limits) is the one
every stream speaks: ecabinet/realtime/consumers.py, docs/events.md. This adds who may
join, which items a guest sees, and commands, which go to the same services as the pages
and the API. The consumer holds no business rules.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.utils import translation

from ecabinet.errors import ServiceError
from ecabinet.realtime.commands import command_run, together_key
from ecabinet.realtime.consumers import (
    CLOSE_FORBIDDEN,
    DATABASE_DOWN,
    Handler,
    StreamConsumer,
)
from ecabinet.realtime.db import database_call
from ecabinet.realtime.events import Stream, last_seq
from ecabinet.realtime.together import run_together
from meetings.access import meeting_access
from meetings.models import Meeting
from meetings.realtime import user_group
from people.selectors import user_roles_forget

logger = logging.getLogger(__name__)


class MeetingConsumer(StreamConsumer):
    max_message_bytes = 16 * 1024
    rate_capacity = 30  # messages in a burst: a chair taps quickly
    rate_per_second = 5.0

    async def admit(self) -> int:
        self.language = _language_of(self.scope)
        self.meeting_id = int(self.scope["url_route"]["kwargs"]["meeting_id"])
        self.stream = Stream("meeting", self.meeting_id)
        visible = await self._visible_items()
        if visible is False:
            return CLOSE_FORBIDDEN
        self.visible_items: frozenset[int] | None = visible
        self.visible_as_of = 0  # the stream's head before `visible_items` was last read
        return 0

    def extra_groups(self) -> list[str]:
        return [user_group(self.user.pk)]  # sign-out and changes of access

    def handlers(self) -> dict[str, Handler]:
        return {"command": self._command}

    def shows(self, message: dict[str, Any]) -> bool:
        """Guests see only the items they are invited to; the rest arrive as `skip`."""
        item_id = message.get("item_id")
        return self.visible_items is None or item_id is None or item_id in self.visible_items

    def shows_at_once(self, message: dict[str, Any]) -> bool:
        """Everyone but a guest sees every event; a guest, at once, only those about no
        item (the meeting's state, the agenda)."""
        return self.visible_items is None or message.get("item_id") is None

    async def shows_now(self, message: dict[str, Any]) -> bool:
        """For a guest, an event about an item is shown or skipped by what they see
        after it committed: an invitation to the item, or its withdrawal, may have
        committed just before the event while its notice to this socket is still on its
        way. What they see is read again once per newer event, never for a member."""
        if self.shows_at_once(message):
            return True
        if message["seq"] > self.visible_as_of:
            head, visible = await self._visible_now()
            if visible is False:
                return False  # no longer attending: the notice on its way closes the socket
            self.visible_items, self.visible_as_of = visible, head
        return self.shows(message)

    # --- Commands from the tablet ----------------------------------------------------

    async def _command(self, message: dict[str, Any]) -> None:
        client_id = message.get("client_id")
        user_roles_forget(user=self.user)  # a role taken away an hour ago no longer acts
        request = {
            "actor": self.user,
            "meeting_id": self.meeting_id,
            "name": message.get("name"),
            "client_id": client_id,
            "args": message.get("args", {}),
        }
        key = together_key(request["name"], request["args"])
        try:
            if key is not None:  # e.g. a cast: written with the others of the moment
                outcome = await run_together(key, {**request, "language": self.language})
            else:
                outcome = await database_call(self._run_command)(**request)
        except ServiceError as error:
            await self._command_error(client_id, error.code, error.message, error.fields)
            return
        except DATABASE_DOWN:
            raise  # not a defect: the socket says `unavailable`; the page sends it again
        except Exception:
            # A defect is logged; the tablet gets an answer for its command, keeps its
            # socket, and stops sending the command again.
            logger.exception("command %r failed", message.get("name"))
            await self._command_error(client_id, "server_error", "The command failed.", {})
            return
        await self.send_frame(
            {
                "type": "ack",
                "client_id": client_id,
                "result": outcome.result,
                "replayed": outcome.replayed,
            }
        )

    async def _command_error(
        self, client_id: Any, code: str, detail: str, fields: dict[str, list[str]]
    ) -> None:
        await self.send_frame(
            {
                "type": "error",
                "client_id": client_id if isinstance(client_id, str) else None,
                "code": code,
                "detail": detail,
                "fields": fields,
            }
        )

    def _run_command(self, **kwargs: Any) -> Any:
        # Refusals are read by the person at the tablet: in the language of their page.
        with translation.override(self.language):
            return command_run(**kwargs)

    # --- From the group ------------------------------------------------------------

    async def access_changed(self, message: dict[str, Any]) -> None:
        """Someone changed who may attend (or the user logged out): look again."""
        visible = None if message.get("logout") else await self._visible_items()
        if message.get("logout") or visible is False:
            await self.close(code=CLOSE_FORBIDDEN)
            return
        self.visible_items = visible  # e.g. a guest invited to one more item

    @database_call
    def _visible_now(self) -> tuple[int, frozenset[int] | None | bool]:
        """The stream's head, then what the person sees: every change of access that
        committed before an event up to that head is in what is read."""
        head = last_seq(stream=self.stream)
        return head, self._visible_items_read()

    async def _visible_items(self) -> frozenset[int] | None | bool:
        return await database_call(self._visible_items_read)()

    def _visible_items_read(self) -> frozenset[int] | None | bool:
        """False: may not attend; None: sees every item; else the items they see."""
        user_roles_forget(user=self.user)
        meeting = Meeting.objects.filter(pk=self.meeting_id).first()
        if meeting is None:
            return False
        access = meeting_access(user=self.user, meeting=meeting)
        if not access.can_view:
            return False
        return access.visible_item_ids


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
