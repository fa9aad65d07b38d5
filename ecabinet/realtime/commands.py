"""Writes that arrive over a meeting's WebSocket, dispatched to the same services the
pages and the API call. Apps register their commands; the consumer knows none of them.

Each command names the schema of its arguments (a ninja `Schema`, shared with the API
where the same input exists). The arguments are validated strictly against it before
the handler runs: a list where an id belongs, an unknown argument or an id past the
database's range is an `invalid` answer, never an exception inside a service.

A command carries the tablet's own id for it (`client_id`); the first answer is kept,
so a retry after a dropped connection gets that answer back instead of acting twice.
The id stays bound to the command it first named: sending it again with another
command, or other arguments, is refused rather than answered with the first result.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import ConfigDict, ValidationError

from ecabinet.errors import Conflict, Invalid, NotFound, ServiceError
from ecabinet.realtime.models import ClientCommand

Handler = Callable[..., dict[str, Any]]
CLIENT_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")

# A database id: a positive integer a BIGINT column can hold (larger ones overflow).
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]


class NoArgs(Schema):
    """The arguments of a command that takes none."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class Command:
    handler: Handler
    args: type[Schema]
    # The argument whose equal values let commands share one transaction (group commit):
    # e.g. casts in the same vote. None: each command commits alone.
    together: str | None = None


COMMANDS: dict[str, Command] = {}


def command(
    name: str, *, args: type[Schema] = NoArgs, together: str | None = None
) -> Callable[[Handler], Handler]:
    """Register `handler(*, actor, meeting_id, **fields of args) -> dict` under `name`.
    `args` should forbid unknown fields (`extra="forbid"`). With `together`, commands
    that arrive at once with the same value of that argument are committed in one
    transaction (`commands_run_together`): the handler must take its locks in the same
    order whatever the command, so that two such transactions wait, never deadlock."""

    def register(handler: Handler) -> Handler:
        if name in COMMANDS and COMMANDS[name].handler is not handler:
            raise ValueError(f"command {name!r} is registered twice")
        COMMANDS[name] = Command(handler=handler, args=args, together=together)
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
    entry = COMMANDS.get(name) if isinstance(name, str) else None
    if entry is None:
        raise NotFound(_("Unknown command."))
    values = _validated(entry.args, args)
    fingerprint = _fingerprint(name, values)
    earlier = ClientCommand.objects.filter(user_id=actor.pk, client_id=client_id).first()
    if earlier is not None:
        return _replay(earlier, name, fingerprint)
    try:
        with transaction.atomic():
            result = entry.handler(actor=actor, meeting_id=meeting_id, **values)
            ClientCommand.objects.create(
                user_id=actor.pk,
                client_id=client_id,
                name=name,
                fingerprint=fingerprint,
                result=result,
            )
    except IntegrityError:
        # The same command raced itself (two sockets, one retry): the first one won.
        earlier = ClientCommand.objects.filter(user_id=actor.pk, client_id=client_id).first()
        if earlier is None:
            raise
        return _replay(earlier, name, fingerprint)
    return Outcome(ok=True, result=result)


def together_key(name: Any, args: Any) -> str | None:
    """The key under which this command may share a transaction with others, or None."""
    entry = COMMANDS.get(name) if isinstance(name, str) else None
    if entry is None or entry.together is None or not isinstance(args, dict):
        return None
    value = args.get(entry.together)
    if not isinstance(value, int) or isinstance(value, bool):
        return None  # refused by its own validation, alone
    return f"{name}:{value}"


def commands_run_together(requests: list[dict[str, Any]]) -> list[Outcome | Exception]:
    """Run commands that arrived together (the same `together_key`) in one transaction:
    one commit, and the locks they share taken once. Each runs in a savepoint of its
    own, so a refusal or a defect in one costs the others nothing; each gets its own
    answer, in order: an Outcome, or the exception to answer with. A database that
    cannot be reached fails them all (nothing was committed)."""
    from ecabinet.realtime.events import gathering, publish_gathered
    from ecabinet.realtime.heads import DATABASE_DOWN

    answers: list[Outcome | Exception] = []
    written = []  # the events of the commands that stand, to publish together
    with transaction.atomic():
        for request in requests:
            language = request.get("language")
            kwargs = {k: v for k, v in request.items() if k != "language"}
            try:
                with transaction.atomic(), translation.override(language), gathering() as kept:
                    outcome = command_run(**kwargs)
            except DATABASE_DOWN:
                raise
            except Exception as error:
                answers.append(error)  # its savepoint, events included, rolled back
                continue
            answers.append(outcome)
            if not outcome.replayed:  # a replay's own run was rolled back
                written.extend(kept)
        publish_gathered(written)
        if transaction.get_rollback():  # never acknowledge what will not be committed
            raise RuntimeError("the commands' transaction was marked for rollback")
    return answers


def _validated(schema: type[Schema], args: dict[str, Any]) -> dict[str, Any]:
    # Strict: JSON gives exact types, so "12" is not an id and true is not a number.
    try:
        model = schema.model_validate(args, strict=True)
    except ValidationError as exc:
        fields: dict[str, list[str]] = {}
        for error in exc.errors(include_url=False):
            where = ".".join(str(part) for part in error.get("loc", ())) or "args"
            fields.setdefault(where, []).append(str(error.get("msg", "")))
        raise Invalid(_("Some fields are missing or wrong."), fields=fields) from exc
    return model.model_dump()


def _fingerprint(name: str, values: dict[str, Any]) -> str:
    canonical = json.dumps([name, values], sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _replay(earlier: ClientCommand, name: str, fingerprint: str) -> Outcome:
    # Rows kept from before fingerprints were stored carry none: they match by name only.
    same = earlier.fingerprint == fingerprint if earlier.fingerprint else earlier.name == name
    if not same:
        raise Conflict(
            _(
                "This client_id was already used for another command. "
                "Give each new action a new client_id."
            )
        )
    return Outcome(ok=True, result=earlier.result, replayed=True)


__all__ = [
    "COMMANDS",
    "Id",
    "NoArgs",
    "Outcome",
    "ServiceError",
    "command",
    "command_run",
    "commands_run_together",
    "together_key",
]
