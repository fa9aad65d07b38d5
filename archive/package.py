"""The records package: one ZIP an archive can keep or hand over.

    manifest.json                 what is inside, with the SHA-256 and size of every file
    records/<id>-<name>.pdf       each record as kept now (its latest revision), byte for byte
    revisions/<id>/<n>-<name>.pdf every earlier revision (0: the original as filed)
    verification/<id>.json        the signature report (signing.verify), for machines
    verification/<id>.txt         the same, for people

The manifest lists the record asked for and the records in its chain of corrections.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import zipfile

from django.utils import timezone

from archive.models import Record
from people.models import User
from signing.verify import VerificationReport

FORMAT = "ecabinet-records-package/1"
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def _safe_name(name: str) -> str:
    return _UNSAFE.sub("-", name).strip("-.") or "record.pdf"


def report_text(*, record: Record, report: VerificationReport) -> str:
    """A plain-text verification report: one block per signature."""
    lines = [
        f"Record {record.pk}: {record}",
        f"SHA-256: {record.sha256}",
        f"Result: {'VALID' if report.ok else 'NOT VALID'}",
    ]
    lines += [f"Problem: {p}" for p in report.problems]
    for n, sig in enumerate(report.signatures, 1):
        lines += [
            "",
            f"Signature {n}: {sig.field_name} ({sig.kind})",
            f"  Signer: {sig.signer}",
            f"  Signed: {sig.signing_time.isoformat() if sig.signing_time else '-'}",
            f"  Timestamp: {sig.timestamp_time.isoformat() if sig.timestamp_time else '-'}"
            + (f" by {sig.timestamp_authority}" if sig.timestamp_authority else ""),
            f"  Intact: {sig.intact}  Valid: {sig.valid}  Trusted: {sig.trusted}",
            f"  Coverage: {sig.coverage}  Changes after: {sig.modifications}",
        ]
        lines += [f"  Problem: {p}" for p in sig.problems]
    return "\n".join(lines) + "\n"


def _record_entry(record: Record, path: str, data: bytes, report: VerificationReport) -> dict:
    return {
        "id": record.pk,
        "kind": record.kind,
        "title": record.title,
        "number": record.number,
        "body": record.body.name,
        "issued_on": record.issued_on.isoformat(),
        "signers": record.signers,
        "meta": record.meta,
        "source_url": record.source_url,
        "supersedes": record.supersedes_id,
        "filed_at": record.filed_at.isoformat(),
        "file": {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)},
        "signatures_valid": report.ok,
    }


def package_build(
    *,
    actor: User,
    items: list[tuple[Record, bytes, VerificationReport]],
    earlier: dict[int, list[tuple[int, bytes]]] | None = None,
) -> bytes:
    files: dict[str, bytes] = {}
    records = []
    for record, data, report in items:
        name = _safe_name(record.version.original_filename)
        path = f"records/{record.pk}-{name}"
        files[path] = data
        revisions = []
        for number, old in (earlier or {}).get(record.pk, []):
            old_path = f"revisions/{record.pk}/{number}-{name}"
            files[old_path] = old
            revisions.append(
                {
                    "revision": number,
                    "path": old_path,
                    "sha256": hashlib.sha256(old).hexdigest(),
                    "size": len(old),
                }
            )
        files[f"verification/{record.pk}.json"] = json.dumps(
            {"record": record.pk, "sha256": record.sha256, **report.as_dict()},
            ensure_ascii=False,
            indent=2,
        ).encode()
        files[f"verification/{record.pk}.txt"] = report_text(record=record, report=report).encode()
        entry = _record_entry(record, path, data, report)
        entry["revision"] = len(revisions)
        entry["earlier_revisions"] = revisions
        records.append(entry)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "created_by": str(actor),
        "records": records,
        "files": [
            {"path": path, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            for path, data in files.items()
        ],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        for path, data in files.items():
            archive.writestr(path, data)
    return buffer.getvalue()
