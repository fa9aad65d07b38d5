"""Writes that arrive over a meeting's WebSocket, dispatched to the same services the
pages and the API call. Apps register their commands; the consumer knows none of them.

A command carries the tablet's own id for it (`client_id`); the first answer is kept,
so a retry after a dropped connection gets that answer back instead of acting twice.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from ecabinet.errors import Invalid, NotFound, ServiceError
from ecabinet.realtime.models import ClientCommand

Handler = Callable[..., dict[str, Any]]
COMMANDS: dict[str, Handler] = {}
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def command(name: str) -> Callable[[Handler], Handler]:
    """Register `handler(*, actor, meeting_id, **args) -> dict` under `name`."""

    def register(handler: Handler) -> Handler:
        if name in COMMANDS and COMMANDS[name] is not handler:
            raise ValueError(f"command {name!r} is registered twice")
        COMMANDS[name] = handler
        return handler

    return register


@dataclass(frozen=True)
class Outcome:
    ok: bool
    result: dict[str, Any]
    replayed: bool = False


def command_run(*, actor: Any, meeting_id: int, name: str, client_id: Any, args: Any) -> Outcome:
    """Run a tablet's command once. Errors are answers too, and are not remembered:
    a refused command may be retried once its cause is gone."""
    if not isinstance(client_id, str) or not CLIENT_ID.match(client_id):
        raise Invalid(_("Each command needs a client_id of 8 to 64 letters, digits, - or _."))
    if not isinstance(args, dict):
        raise Invalid(_("The command's arguments must be an object."))
    handler = COMMANDS.get(name) if isinstance(name, str) else None
    if handler is None:
        raise NotFound(_("Unknown command."))
    args = _clean_args(args)
    try:
        inspect.signature(handler).bind(actor=actor, meeting_id=meeting_id, **args)
    except TypeError as exc:
        raise Invalid(_("The command's arguments are not the expected ones.")) from exc
    earlier = ClientCommand.objects.filter(user_id=actor.pk, client_id=client_id).first()
    if earlier is not None:
        return Outcome(ok=True, result=earlier.result, replayed=True)
    try:
        with transaction.atomic():
            result = handler(actor=actor, meeting_id=meeting_id, **args)
            ClientCommand.objects.create(
                user_id=actor.pk, client_id=client_id, name=name, result=result
            )
    except IntegrityError:
        # The same command raced itself (two sockets, one retry): the first one won.
        earlier = ClientCommand.objects.filter(user_id=actor.pk, client_id=client_id).first()
        if earlier is None:
            raise
        return Outcome(ok=True, result=earlier.result, replayed=True)
    return Outcome(ok=True, result=result)


def _clean_args(args: dict[str, Any]) -> dict[str, Any]:
    # Only plain identifiers may become keyword arguments of a handler.
    if not all(isinstance(k, str) and k.isidentifier() and not k.startswith("_") for k in args):
        raise Invalid(_("The command's arguments are not the expected ones."))
    if {"actor", "meeting_id"} & set(args):
        raise Invalid(_("The command's arguments are not the expected ones."))
    return args


__all__ = ["COMMANDS", "Outcome", "ServiceError", "command", "command_run"]
