"""Database calls from the sockets' event loop, each closing its connection when done.

Channels' `database_sync_to_async` runs a function on the database thread inside the
calling task's context, where Django keeps that context's connection; Channels closes it
only when the consumer next handles a message. A socket whose events come from this
process's hub (hub.py) handles few messages of its own, and the hub's and the head
check's tasks handle none, so a connection opened there would stay open until then: with
a room of tablets, one idle PostgreSQL connection per socket. Each call made through
`database_call` closes what it opened, as `CONN_MAX_AGE` says (at once by default).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from channels.db import database_sync_to_async
from django.db import close_old_connections


def database_call(function: Callable[..., Any]) -> Any:
    """`database_sync_to_async(function)`, closing the connection it used afterwards.
    Works as a decorator on a consumer's methods too."""

    @functools.wraps(function)
    def closing(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        finally:
            close_old_connections()

    return database_sync_to_async(closing)
