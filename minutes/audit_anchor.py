"""The chain head each edition of the minutes carries, for `audit_verify`.

The minutes' PDF embeds `audit_head_at_closing` (the hash of the audit entry
`meeting.closed`) in its signed JSON record, and `Minutes.audit_head` keeps the same
value. Both must name that entry of the chain as it is now: a chain rewritten before
the closing, or a head altered in the database, shows here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator

from ecabinet.audit.checkpoints import Anchor
from minutes import pdf
from minutes.models import Minutes


def minutes_anchors() -> Iterator[Anchor]:
    for minutes in Minutes.objects.select_related("current_version", "meeting").order_by("pk"):
        label = f"minutes {minutes.number_symbol} (meeting {minutes.meeting_id})"
        expected = {
            "action": "meeting.closed",
            "target_type": "meetings.meeting",
            "target_id": str(minutes.meeting_id),
        }
        if minutes.audit_head:
            yield Anchor(f"{label}, record", minutes.audit_head, **expected)
        version = minutes.current_version
        if version is None:
            continue
        embedded = _embedded_head(version)
        if embedded is None:
            yield Anchor(f"{label}, PDF", "", problem="the PDF does not match its SHA-256")
        elif embedded != minutes.audit_head:
            yield Anchor(
                f"{label}, PDF",
                embedded,
                problem="the head embedded in the signed PDF differs from the stored one",
            )
        else:
            yield Anchor(f"{label}, PDF", embedded, **expected)


def _embedded_head(version) -> str | None:
    """The head in the PDF's JSON record; None when the stored file is not the one
    recorded (its SHA-256 differs). Read without the audited download path: checking the
    trail must not write to it."""
    with version.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != version.sha256:
        return None
    return str(pdf.embedded_record(data).get("audit_head_at_closing", ""))
