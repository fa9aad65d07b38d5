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
import logging
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

logger = logging.getLogger(__name__)

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
    # Writes such commands all at once (`command_batch`); None: one by one, each in a
    # savepoint of its own.
    batch: BatchHandler | None = None


@dataclass(frozen=True)
class Item:
    """One command of a batch, as a batch handler gets it: the handler's own arguments
    and the language its refusal is told in."""

    actor: Any
    meeting_id: int
    values: dict[str, Any]
    language: str | None


# items -> per item, in order: the answer (a dict), the refusal, or None to run it alone.
BatchHandler = Callable[[list[Item]], list[dict[str, Any] | ServiceError | None]]


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


def command_batch(name: str) -> Callable[[BatchHandler], BatchHandler]:
    """Register how commands `name` that arrive together (its `together=`) are written
    at once. The handler gets them in arrival order and answers each, writing nothing
    for a refused one; it must behave as the command's handler run once per item, in
    order, in one transaction. An item it cannot write with the others (e.g. a second
    cast of the same seat) gets None, and is run alone after the batch. If it raises,
    the batch is undone and its commands are run one by one instead."""

    def register(handler: BatchHandler) -> BatchHandler:
        entry = COMMANDS[name]
        COMMANDS[name] = Command(entry.handler, entry.args, entry.together, handler)
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
    one commit, and the locks they share taken once. Where the command has a batch
    handler, they are written at once (`command_batch`); otherwise, or if that fails,
    each runs in a savepoint of its own, so a refusal or a defect in one costs the others
    nothing. Each gets its own answer, in order: an Outcome, or the exception to answer
    with. A database that cannot be reached fails them all (nothing was committed)."""
    from ecabinet.realtime.events import publish_gathered

    with transaction.atomic():
        written: list = []  # the events of the commands that stand, to publish together
        answers = _run_batch(requests, written)
        if answers is None:
            written = []
            answers = [None] * len(requests)
        for place, request in enumerate(requests):
            if answers[place] is None:  # not written with the batch
                answers[place] = _run_alone(request, written)
        publish_gathered(written)
        if transaction.get_rollback():  # never acknowledge what will not be committed
            raise RuntimeError("the commands' transaction was marked for rollback")
    return answers


def _run_alone(request: dict[str, Any], written: list) -> Outcome | Exception:
    from ecabinet.realtime.events import gathering
    from ecabinet.realtime.heads import DATABASE_DOWN

    language = request.get("language")
    kwargs = {k: v for k, v in request.items() if k != "language"}
    try:
        with transaction.atomic(), translation.override(language), gathering() as kept:
            outcome = command_run(**kwargs)
    except DATABASE_DOWN:
        raise
    except Exception as error:
        return error  # its savepoint, events included, rolled back
    if not outcome.replayed:  # a replay's own run was rolled back
        written.extend(kept)
    return outcome


def _run_batch(requests: list[dict[str, Any]], written: list) -> list | None:
    """Write the requests with their command's batch handler. The answers, None where
    a request is to be run alone; or None for all if the batch could not be written."""
    from ecabinet.realtime.events import gathering
    from ecabinet.realtime.heads import DATABASE_DOWN

    name = requests[0].get("name")
    entry = COMMANDS.get(name) if isinstance(name, str) else None
    if entry is None or entry.batch is None or len(requests) < 2:
        return None
    answers: list[Outcome | Exception | None] = [None] * len(requests)
    items, places, fingerprints = [], [], []
    for place, request in enumerate(requests):
        client_id, args = request.get("client_id"), request.get("args")
        if request.get("name") != name or not isinstance(client_id, str):
            continue  # run alone, where it gets its own refusal
        if not CLIENT_ID.match(client_id) or not isinstance(args, dict):
            continue
        try:
            with translation.override(request.get("language")):
                values = _validated(entry.args, args)
        except Invalid as refusal:
            answers[place] = refusal
            continue
        items.append(Item(request["actor"], request["meeting_id"], values, request.get("language")))
        places.append(place)
        fingerprints.append(_fingerprint(name, values))
    asked = [
        (item.actor.pk, requests[place]["client_id"])
        for item, place in zip(items, places, strict=True)
    ]
    if len(set(asked)) < len(asked):
        return None  # the same command twice at once: one by one, the second a replay
    earlier = {
        (row.user_id, row.client_id): row
        for row in ClientCommand.objects.filter(
            user_id__in={user for user, _ in asked}, client_id__in={cid for _, cid in asked}
        )
    }
    fresh = []
    for item, place, fingerprint, key in zip(items, places, fingerprints, asked, strict=True):
        if key in earlier:
            try:
                answers[place] = _replay(earlier[key], name, fingerprint)
            except Conflict as refusal:
                answers[place] = refusal
        else:
            fresh.append((item, place, fingerprint, key))
    if not fresh:
        return answers
    try:
        with transaction.atomic(), gathering() as kept:
            results = entry.batch([item for item, *_ in fresh])
            remembered = []
            for (_item, place, fingerprint, (user_id, client_id)), result in zip(
                fresh, results, strict=True
            ):
                if isinstance(result, dict):
                    answers[place] = Outcome(ok=True, result=result)
                    remembered.append(
                        ClientCommand(
                            user_id=user_id,
                            client_id=client_id,
                            name=name,
                            fingerprint=fingerprint,
                            result=result,
                        )
                    )
                else:
                    answers[place] = result  # a refusal, or None: run alone
            ClientCommand.objects.bulk_create(remembered)
    except DATABASE_DOWN:
        raise
    except Exception:
        # A defect, or a client_id another process took meanwhile: all one by one.
        logger.warning("a batch of %s was run one by one instead", name, exc_info=True)
        return None
    written.extend(kept)
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
    "command_batch",
    "command_run",
    "commands_run_together",
    "together_key",
]
