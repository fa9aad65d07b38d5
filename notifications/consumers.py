"""The person's WebSocket (`/ws/me/`): their live alerts, on every page of the app.

The path names nobody: the stream joined is always the signed-in person's own
(`person:<their id>`), so no one can listen to another's. The protocol is every
stream's (ecabinet/realtime/consumers.py, docs/events.md), without commands.
"""

from __future__ import annotations

from typing import Any

from ecabinet.realtime.consumers import CLOSE_UNAUTHENTICATED, StreamConsumer
from notifications.alerts import person_stream


def user_group(user_id: int) -> str:
    # The group meetings/realtime.py tells of sign-outs (meetings sits above this app,
    # so the name is repeated here; a test checks the two agree).
    return f"user.{user_id}"


class PersonConsumer(StreamConsumer):
    async def admit(self) -> int:
        self.stream = person_stream(self.user.pk)
        return 0

    def extra_groups(self) -> list[str]:
        return [user_group(self.user.pk)]  # signing out closes the socket

    async def access_changed(self, message: dict[str, Any]) -> None:
        """Roles do not matter here (the alerts were addressed to the person); signing
        out does."""
        if message.get("logout"):
            await self.close(code=CLOSE_UNAUTHENTICATED)
