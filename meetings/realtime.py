"""Telling a person's open sockets that their access may have changed."""

from __future__ import annotations

from django.db import transaction

from ecabinet.realtime.sender import send_after_commit


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def access_changed(*, user_id: int, logout: bool = False) -> None:
    """After commit, each socket of the user checks again whether it may stay open. Sent
    the same way as events: handed to the server's loop, or sent at once elsewhere."""
    message = {"type": "access.changed", "logout": logout}
    transaction.on_commit(lambda: send_after_commit(user_group(user_id), message))
