"""Telling a person's open sockets that their access may have changed."""

from __future__ import annotations

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def user_group(user_id: int) -> str:
    return f"user.{user_id}"


def access_changed(*, user_id: int, logout: bool = False) -> None:
    """After commit, each socket of the user checks again whether it may stay open."""

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(
                user_group(user_id), {"type": "access.changed", "logout": logout}
            )

    transaction.on_commit(send)
