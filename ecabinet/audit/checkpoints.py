"""Signed, timestamped checkpoints of the audit chain's head, and checking the chain
against them and against the heads that other records carry (the minutes).

Why: the chain's hashes are unkeyed, so whoever can write to the database can rewrite
history from any entry and recompute every hash after it, or delete the last entries and
move the head row back, and the chain alone still looks whole. A checkpoint states "the
entry numbered `seq` has hash `hash`, and `count` entries exist up to it", signed by a
key on a token that the database does not hold, with an RFC 3161 timestamp that says
when. A rewrite of anything at or before a checkpoint then contradicts a signature
nobody can remake without the key, and a remade one would carry a new timestamp.

The signing itself (token, TSA, certificate trust) belongs to the signing app, which
sits above this package: it registers a `Notary` here when Django starts
(`notary_set`). Apps whose records carry a chain head register an anchor source
(`anchor_source_add`), so this package imports none of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from ecabinet.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from ecabinet.audit.services import ChainProblem, entry_hash

SCHEMA = "ecabinet.audit-checkpoint/1"
FIRST_PREV = "0" * 64


class CheckpointError(Exception):
    """A checkpoint could not be made (no notary, no key, the TSA unreachable)."""


@dataclass(frozen=True)
class Sealed:
    """What a notary returns: the detached CMS, the TSA's time and who signed."""

    signature: bytes
    timestamped_at: dt.datetime
    signer: str


@dataclass(frozen=True)
class SealCheck:
    ok: bool
    timestamped_at: dt.datetime | None = None
    signer: str = ""
    problems: list[str] = field(default_factory=list)


class Notary(Protocol):
    def sign(self, statement: bytes) -> Sealed: ...

    def verify(self, statement: bytes, signature: bytes) -> SealCheck: ...

    def verify_all(self, items: list[tuple[bytes, bytes]]) -> list[SealCheck]: ...


_notary: dict[str, Notary] = {}


def notary_set(notary: Notary) -> None:
    _notary["default"] = notary


def notary() -> Notary:
    try:
        return _notary["default"]
    except KeyError as exc:  # pragma: no cover - the signing app registers one at start
        raise CheckpointError("no checkpoint notary is registered") from exc


def statement_text(
    *, number: int, seq: int, hash_: str, count: int, made_at: dt.datetime, prev: str
) -> str:
    payload = {
        "schema": SCHEMA,
        "number": number,
        "seq": seq,
        "hash": hash_,
        "count": count,
        "made_at": made_at.astimezone(dt.UTC).isoformat(),
        "prev": prev,
    }
    return json.dumps(payload, sort_keys=True, separators=(",", ":"))


def statement_digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def checkpoint_create(*, now: dt.datetime | None = None, force: bool = False) -> AuditCheckpoint:
    """Sign the current head. Returns the latest checkpoint unchanged when the head has
    not moved since (unless `force`)."""
    now = now or timezone.now()
    last = AuditCheckpoint.objects.order_by("-number").first()
    # The head is read under its lock so no entry lands between reading it and counting.
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(pk=1)
        seq, head_hash = head.seq, head.hash
        count = AuditEntry.objects.filter(seq__lte=seq).count()
    if last is not None and last.seq == seq and not force:
        return last
    number = (last.number + 1) if last is not None else 1
    prev = statement_digest(last.statement) if last is not None else FIRST_PREV
    text = statement_text(
        number=number, seq=seq, hash_=head_hash, count=count, made_at=now, prev=prev
    )
    # Signing talks to the token and the TSA: no transaction is held open meanwhile.
    sealed = notary().sign(text.encode())
    try:
        with transaction.atomic():
            return AuditCheckpoint.objects.create(
                number=number,
                seq=seq,
                hash=head_hash,
                count=count,
                made_at=now,
                statement=text,
                signature=sealed.signature,
                timestamped_at=sealed.timestamped_at,
                signer=sealed.signer[:500],
            )
    except IntegrityError:
        # Another run (the task beside the loop) took this number first: its checkpoint
        # stands, and ours, linked to the same predecessor, is dropped.
        return AuditCheckpoint.objects.get(number=number)


def checkpoint_due(*, now: dt.datetime | None = None) -> AuditCheckpoint | None:
    """Make a checkpoint when the last one is older than AUDIT_CHECKPOINT_SECONDS and
    the head has moved since; the periodic task and `audit_checkpoint --loop` call it."""
    now = now or timezone.now()
    last = AuditCheckpoint.objects.order_by("-number").first()
    period = dt.timedelta(seconds=settings.AUDIT_CHECKPOINT_SECONDS)
    if last is not None and now - last.made_at < period:
        return None
    head = AuditHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0 or (last is not None and last.seq == head.seq):
        return None
    return checkpoint_create(now=now)


# --- Checking ---------------------------------------------------------------


def _problem(seq: int, kind: str, message: str) -> ChainProblem:
    return ChainProblem(seq, kind, message)


def checkpoint_export(checkpoint: AuditCheckpoint) -> dict[str, Any]:
    import base64

    return {
        "number": checkpoint.number,
        "statement": checkpoint.statement,
        "signature": base64.b64encode(bytes(checkpoint.signature)).decode(),
        "timestamped_at": checkpoint.timestamped_at.isoformat(),
        "signer": checkpoint.signer,
    }


def checkpoints_export() -> dict[str, Any]:
    """Every checkpoint, for keeping outside this database (the auditors' copy)."""
    return {
        "schema": "ecabinet.audit-checkpoints/1",
        "exported_at": timezone.now().isoformat(),
        "checkpoints": [checkpoint_export(c) for c in AuditCheckpoint.objects.order_by("number")],
    }


@dataclass(frozen=True)
class _Signed:
    number: int
    statement: str
    signature: bytes
    source: str  # "database" or "export"
    mismatch: str = ""  # columns that differ from the signed statement


def _signed_from_db() -> list[_Signed]:
    return [
        _Signed(c.number, c.statement, bytes(c.signature), "database", _columns_disagree(c))
        for c in AuditCheckpoint.objects.order_by("number")
    ]


def _columns_disagree(c: AuditCheckpoint) -> str:
    try:
        data = json.loads(c.statement)
    except ValueError:
        return "statement"
    pairs = {"number": c.number, "seq": c.seq, "hash": c.hash, "count": c.count}
    return ",".join(k for k, v in pairs.items() if data.get(k) != v)


def _signed_from_export(export: dict[str, Any]) -> list[_Signed]:
    import base64

    return [
        _Signed(int(c["number"]), c["statement"], base64.b64decode(c["signature"]), "export")
        for c in export.get("checkpoints", [])
    ]


def checkpoints_verify(*, export: dict[str, Any] | None = None) -> list[ChainProblem]:
    """Check every checkpoint's signature and timestamp, their order, and the chain
    against each: the entry each names must be there with the signed hash (recomputed
    from its content), and every entry up to it must exist. With `export` (a copy kept
    elsewhere), its checkpoints are checked too, and each must still be in the database."""
    problems: list[ChainProblem] = []
    signed = _signed_from_db()
    db_statements = {s.statement for s in signed}
    if export is not None:
        exported = _signed_from_export(export)
        for s in exported:
            if s.statement not in db_statements:
                problems.append(
                    _problem(
                        0,
                        "checkpoint",
                        f"checkpoint {s.number} of the exported copy is missing or altered "
                        "in the database",
                    )
                )
        signed_all = signed + [s for s in exported if s.statement not in db_statements]
    else:
        signed_all = signed
    prev = FIRST_PREV
    expected_number = 1
    for s in signed:
        if s.mismatch:
            problems.append(
                _problem(
                    0,
                    "checkpoint",
                    f"checkpoint {s.number}: its columns ({s.mismatch}) differ from what "
                    "was signed",
                )
            )
        data = _statement(s.statement)
        if data is None or data.get("number") != expected_number or data.get("prev") != prev:
            problems.append(
                _problem(
                    0,
                    "checkpoint",
                    f"checkpoint {s.number} does not follow checkpoint {expected_number - 1} "
                    "(a checkpoint was removed, reordered or altered)",
                )
            )
        prev, expected_number = statement_digest(s.statement), s.number + 1
    seals = notary().verify_all([(s.statement.encode(), s.signature) for s in signed_all])
    for s, check in zip(signed_all, seals, strict=True):
        problems.extend(_one_checkpoint(s, check))
    return problems


def checkpoint_latest_check() -> tuple[AuditCheckpoint | None, list[ChainProblem]]:
    """The latest checkpoint and what is wrong with the chain against it: one signature
    to check, cheap enough for a page (audit_verify checks them all)."""
    latest = AuditCheckpoint.objects.order_by("-number").first()
    if latest is None:
        return None, []
    s = _Signed(
        latest.number,
        latest.statement,
        bytes(latest.signature),
        "database",
        _columns_disagree(latest),
    )
    problems = _one_checkpoint(s, notary().verify(s.statement.encode(), s.signature))
    if s.mismatch:
        problems.append(
            _problem(
                0, "checkpoint", f"checkpoint {s.number}: its columns differ from what was signed"
            )
        )
    return latest, problems


def _statement(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) and data.get("schema") == SCHEMA else None


def _one_checkpoint(s: _Signed, check: SealCheck) -> list[ChainProblem]:
    label = f"checkpoint {s.number}" + (" (exported copy)" if s.source == "export" else "")
    data = _statement(s.statement)
    if not check.ok or data is None:
        reasons = "; ".join(check.problems) or "unreadable statement"
        return [_problem(0, "checkpoint", f"{label}: signature does not hold ({reasons})")]
    problems: list[ChainProblem] = []
    made_at = dt.datetime.fromisoformat(data["made_at"])
    skew = dt.timedelta(seconds=settings.AUDIT_CHECKPOINT_TSA_SKEW_SECONDS)
    if check.timestamped_at is None or abs(check.timestamped_at - made_at) > skew:
        problems.append(
            _problem(
                0,
                "checkpoint",
                f"{label}: the timestamp authority's time does not match the time it claims",
            )
        )
    seq, signed_hash, count = int(data["seq"]), data["hash"], int(data["count"])
    if seq == 0:
        return problems
    entry = AuditEntry.objects.filter(seq=seq).first()
    if entry is None:
        problems.append(
            _problem(
                seq,
                "truncated",
                f"{label} signed entry {seq}, which is missing: entries were deleted",
            )
        )
    elif entry.hash != signed_hash or entry_hash(entry) != signed_hash:
        problems.append(
            _problem(
                seq,
                "rewritten",
                f"{label} signed entry {seq} with another hash: history up to it was rewritten",
            )
        )
    present = AuditEntry.objects.filter(seq__lte=seq).count()
    if present != count:
        problems.append(
            _problem(
                seq,
                "deleted" if present < count else "inserted",
                f"{label} counted {count} entries up to {seq}; {present} are there now",
            )
        )
    return problems


# --- Heads carried by other records (the minutes) -----------------------------


@dataclass(frozen=True)
class Anchor:
    """A chain head that a record outside the chain carries, and what entry it must be."""

    label: str
    hash: str
    action: str = ""
    target_type: str = ""
    target_id: str = ""
    problem: str = ""  # found by the source itself (say, the file does not match)


AnchorSource = Callable[[], Iterable[Anchor]]
_anchor_sources: list[AnchorSource] = []


def anchor_source_add(source: AnchorSource) -> None:
    if source not in _anchor_sources:
        _anchor_sources.append(source)


def anchors_verify() -> list[ChainProblem]:
    problems: list[ChainProblem] = []
    for source in _anchor_sources:
        for anchor in source():
            problems.extend(_one_anchor(anchor))
    return problems


def _one_anchor(anchor: Anchor) -> list[ChainProblem]:
    if anchor.problem:
        return [_problem(0, "anchor", f"{anchor.label}: {anchor.problem}")]
    entry = AuditEntry.objects.filter(hash=anchor.hash).first()
    if entry is None or entry_hash(entry) != anchor.hash:
        return [
            _problem(
                entry.seq if entry else 0,
                "anchor",
                f"{anchor.label}: its audit head {anchor.hash[:16]}… is not in the chain "
                "(the chain was rewritten, or the head it carries was altered)",
            )
        ]
    expected = (anchor.action, anchor.target_type, anchor.target_id)
    found = (entry.action, entry.target_type, entry.target_id)
    if any(want and want != got for want, got in zip(expected, found, strict=True)):
        return [
            _problem(
                entry.seq,
                "anchor",
                f"{anchor.label}: its audit head names entry {entry.seq} ({entry.action}), "
                "not the one it should",
            )
        ]
    return []
