"""Writing and checking the hash-chained audit trail."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from ecabinet.audit.models import GENESIS_HASH, AuditEntry, AuditHead


def _canonical(entry: AuditEntry) -> bytes:
    payload = {
        "seq": entry.seq,
        "created_at": entry.created_at.astimezone(UTC).isoformat(),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_repr": entry.target_repr,
        "body_id": entry.body_id,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def entry_hash(entry: AuditEntry) -> str:
    return hashlib.sha256(_canonical(entry)).hexdigest()


def record(
    *,
    actor: Any,
    action: str,
    target: models.Model | None = None,
    body_id: int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Call it inside the service's transaction, so the entry and the
    change it describes commit or roll back together."""
    return record_many([Entry(actor, action, target, body_id, details)])[0]


@dataclass(frozen=True)
class Entry:
    """One entry for `record_many`, with the arguments `record` takes."""

    actor: Any
    action: str
    target: models.Model | None = None
    body_id: int | None = None
    details: dict[str, Any] | None = None


def record_many(entries: list[Entry]) -> list[AuditEntry]:
    """Append entries in this order under one lock of the chain's head: what `record`
    does for each, with one insert and one head update for them all (a room's ballots
    written together)."""
    if not entries:
        return []
    now = timezone.now()
    # No savepoint: inside a service's transaction a failure here fails it all anyway.
    with transaction.atomic(savepoint=False):
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        seq, prev_hash = head.seq, head.hash
        written = []
        for given in entries:
            target, body_id = given.target, given.body_id
            if body_id is None and target is not None:
                body_id = getattr(target, "body_id", None)
            seq += 1
            entry = AuditEntry(
                seq=seq,
                created_at=now,
                actor=given.actor if getattr(given.actor, "pk", None) else None,
                actor_name=_actor_name(given.actor),
                action=given.action,
                target_type=target._meta.label_lower if target is not None else "",
                target_id=str(target.pk) if target is not None else "",
                target_repr=str(target)[:300] if target is not None else "",
                body_id=body_id,
                # Round-tripped through JSON now, so the stored details hash the same
                # when read back.
                details=json.loads(json.dumps(given.details or {}, cls=DjangoJSONEncoder)),
                prev_hash=prev_hash,
            )
            entry.hash = prev_hash = entry_hash(entry)
            written.append(entry)
        AuditEntry.objects.bulk_create(written)
        head.seq, head.hash = seq, prev_hash
        head.save(update_fields=["seq", "hash"])
    return written


def _actor_name(actor: Any) -> str:
    if actor is None or not getattr(actor, "pk", None):
        return "system"
    full_name = getattr(actor, "full_name", "") or ""
    return f"{actor.get_username()} ({full_name})" if full_name else actor.get_username()


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    kind: str  # "edited", "inserted", "deleted", "truncated"
    message: str


def chain_verify() -> list[ChainProblem]:
    """Walk the chain from the start; return every break found, first one first."""
    problems: list[ChainProblem] = []
    expected_seq, prev_hash = 1, GENESIS_HASH
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=2000):
        if entry.seq > expected_seq:
            problems.append(
                ChainProblem(
                    expected_seq,
                    "deleted",
                    f"entries {expected_seq}..{entry.seq - 1} are missing (deleted)",
                )
            )
        elif entry.seq < expected_seq:
            problems.append(ChainProblem(entry.seq, "inserted", "sequence number repeats"))
        if entry.prev_hash != prev_hash:
            problems.append(
                ChainProblem(
                    entry.seq,
                    "inserted" if entry.seq == expected_seq else "deleted",
                    "does not link to the entry before it (an entry was inserted or removed)",
                )
            )
        if entry_hash(entry) != entry.hash:
            problems.append(ChainProblem(entry.seq, "edited", "content does not match its hash"))
        expected_seq, prev_hash = entry.seq + 1, entry.hash
    head = AuditHead.objects.filter(pk=1).first()
    last_seq = expected_seq - 1
    if head is not None and (head.seq != last_seq or head.hash != prev_hash):
        problems.append(
            ChainProblem(
                last_seq + 1,
                "truncated",
                f"the chain ends at {last_seq} but the head says {head.seq}: "
                "entries at the end were deleted",
            )
        )
    return problems


def chain_head() -> tuple[int, str]:
    head = AuditHead.objects.filter(pk=1).first()
    return (head.seq, head.hash) if head else (0, GENESIS_HASH)
