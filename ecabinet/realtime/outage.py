"""A socket opened while the database or the channel layer cannot be reached is told to
try again.

Before a consumer runs, Channels' session and auth middleware read the session and the
user from the database. When that fails (PostgreSQL restarting, a network cut) the
exception would leave the application and Daphne would answer the handshake with an
HTTP 500, which a browser reports only as 1006, like a dropped network. This middleware,
outside the auth stack, turns exactly that case into what a consumer does for its own
checks: accept, then close with 4503, so the page reconnects with back-off
(docs/events.md). Anything else, and any failure after the socket was accepted, is left
to the consumer and to Daphne.

The channel layer's Redis is needed before the consumer runs too: Channels gives each
socket its channel (a subscription, with the pub/sub layer) and the consumer joins its
groups while connecting. A Redis restarting is the same case as a database restarting.
"""

from __future__ import annotations

import logging
from typing import Any

from ecabinet.realtime.consumers import CLOSE_TRY_AGAIN
from ecabinet.realtime.heads import DATABASE_DOWN

logger = logging.getLogger(__name__)


def _layer_down() -> tuple[type[BaseException], ...]:
    """The errors of a channel layer that cannot be reached (redis-py's own, which are
    not OSErrors, and the socket's)."""
    try:
        from redis import exceptions
    except ImportError:  # no Redis layer installed: only the socket's own errors
        return (ConnectionError, TimeoutError)
    return (exceptions.ConnectionError, exceptions.TimeoutError, ConnectionError, TimeoutError)


LAYER_DOWN = _layer_down()


class DatabaseOutageSocketMiddleware:
    """Accept, then close with 4503, a handshake the database or the layer failed."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner

    async def __call__(self, scope, receive, send):
        accepted = False

        async def watched_send(message: dict[str, Any]) -> None:
            nonlocal accepted
            if message.get("type") in ("websocket.accept", "websocket.close"):
                accepted = True
            await send(message)

        try:
            return await self.inner(scope, receive, watched_send)
        except (*DATABASE_DOWN, *LAYER_DOWN) as error:
            if accepted:
                raise
            what = "the database" if isinstance(error, DATABASE_DOWN) else "the channel layer"
            logger.warning("socket handshake: %s is unreachable", what, exc_info=True)
            await send({"type": "websocket.accept"})
            await send({"type": "websocket.close", "code": CLOSE_TRY_AGAIN})
