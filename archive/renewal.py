"""Keeping archived records provable: archive timestamps renewed before they lapse.

A document timestamp proves the file existed at its time for as long as the TSA's
certificate (and the digest algorithm) can be trusted. Before the certificate of the
TSA behind a record's last document timestamp ends (ARCHIVE_RENEW_MARGIN_DAYS ahead),
or when its digest algorithm is no longer strong, the archive adds to the file, as
PAdES B-LTA and ETSI TS 119 511 describe, the validation data of that last timestamp
(certificates, OCSP, CRL in the DSS) and a new document timestamp over everything
(pyHanko's `PdfTimeStamper.update_archival_timestamp_chain`).

Nothing filed is changed: each renewal is a new `RecordRevision` with its own file and
SHA-256, audited as `archive.renewed`; the archive serves the latest revision and keeps
the original and every earlier one. `renew_sweep` renews every record that is due, each
on its own (one failing does not stop the others); it runs as a self-re-enqueuing task
(`archive_renew_task`, every ARCHIVE_RENEW_SECONDS) and by `manage.py archive_renew`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import logging
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.models import Record, RecordRevision
from ecabinet import audit, periodic
from ecabinet.errors import Conflict, Invalid
from people.models import User

logger = logging.getLogger(__name__)

# Digest algorithms no longer trusted to hold a timestamp's imprint: a record whose last
# timestamp uses one is renewed whatever its certificate's end (with SHA-256).
WEAK_ALGORITHMS = frozenset({"md5", "sha1"})
# A record renewed this recently is not renewed again by a sweep (a TSA whose own
# certificate ends within the margin would otherwise be asked every run); `--all` does.
RENEWED_RECENTLY = dt.timedelta(days=1)


@dataclass(frozen=True)
class Protection:
    """What the last document timestamp of a file proves, and until when."""

    until: dt.datetime | None  # end of the TSA certificate; None: no document timestamp
    algorithm: str = ""
    timestamped_at: dt.datetime | None = None
    timestamps: int = 0


def protection_of(data: bytes) -> Protection:
    """Read the last document timestamp of a PDF: its time, its digest algorithm and the
    end of the certificate of the TSA that signed it."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    reader = PdfFileReader(io.BytesIO(data), strict=False)
    stamps = reader.embedded_timestamp_signatures
    if not stamps:
        return Protection(until=None)
    last = stamps[-1]
    cert = last.signer_cert
    until = cert["tbs_certificate"]["validity"]["not_after"].native
    tst_info = last.signed_data["encap_content_info"]["content"].parsed
    return Protection(
        until=until,
        algorithm=last.md_algorithm,
        timestamped_at=tst_info["gen_time"].native,
        timestamps=len(stamps),
    )


def margin() -> dt.timedelta:
    return dt.timedelta(days=settings.ARCHIVE_RENEW_MARGIN_DAYS)


def is_due(*, until: dt.datetime | None, algorithm: str, now: dt.datetime) -> bool:
    return until is None or until <= now + margin() or algorithm.lower() in WEAK_ALGORITHMS


def due_records(*, now: dt.datetime):
    """Records whose served file's protection ends within the margin, is weak or unknown."""
    return (
        Record.objects.filter(
            Q(protected_until__isnull=True)
            | Q(protected_until__lte=now + margin())
            | Q(protection_algorithm__in=WEAK_ALGORITHMS)
        )
        .exclude(revisions__created_at__gt=now - RENEWED_RECENTLY)
        .order_by("protected_until", "pk")
    )


def latest_revision(record: Record) -> RecordRevision | None:
    return record.revisions.order_by("-number").first()


def _read_checked(stored, sha256: str) -> bytes:
    """Bytes from the storage, refused unless they match the SHA-256 recorded for them."""
    try:
        with stored.storage.open(stored.name, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        raise Conflict(_("The stored file is missing; it has been reported.")) from exc
    if hashlib.sha256(data).hexdigest() != sha256:
        raise Conflict(_("The stored file does not match its fingerprint; it has been reported."))
    return data


def revision_bytes(*, record: Record, number: int) -> bytes:
    """Revision `number` of a record (0: the original as filed), checked. No audit: the
    callers in archive/services.py audit the read."""
    if number == 0:
        return _read_checked(record.version.file, record.sha256)
    revision = record.revisions.filter(number=number).first()
    if revision is None:
        from ecabinet.errors import NotFound

        raise NotFound(_("No such revision of this record."))
    return _read_checked(revision.file, revision.sha256)


def latest_bytes(record: Record) -> tuple[int, str, bytes]:
    """(revision number, SHA-256, bytes) of the file the archive serves now."""
    revision = latest_revision(record)
    if revision is None:
        return 0, record.sha256, _read_checked(record.version.file, record.sha256)
    return revision.number, revision.sha256, _read_checked(revision.file, revision.sha256)


def timestamp_renew(data: bytes) -> bytes:
    """The file plus the validation data of its last document timestamp and a new
    document timestamp from the configured TSA (the previous bytes are kept unchanged)."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
    from pyhanko.sign.timestamps import HTTPTimeStamper

    from signing import certs

    tsa_url = settings.SIGNING_TSA_URL
    if not tsa_url:
        raise Invalid(_("No timestamp authority is configured (SIGNING_TSA_URL)."))
    reader = PdfFileReader(io.BytesIO(data), strict=False)
    context = certs.validation_context()
    stamper = PdfTimeStamper(HTTPTimeStamper(tsa_url, timeout=20))
    out = stamper.update_archival_timestamp_chain(
        reader, context, in_place=False, output=io.BytesIO(), default_md_algorithm="sha256"
    )
    renewed = out.getvalue()
    if not renewed.startswith(data):
        raise Conflict(_("The renewed file does not keep the previous bytes."))
    return renewed


def protection_check(*, record: Record) -> Protection:
    """Work out (and store) the protection of the file served now, if not stored yet."""
    _number, _sha, data = latest_bytes(record)
    found = protection_of(data)
    Record.objects.filter(pk=record.pk).update(
        protected_until=found.until, protection_algorithm=found.algorithm
    )
    record.protected_until, record.protection_algorithm = found.until, found.algorithm
    return found


def record_renew(
    *, record: Record, actor: User | None = None, source: str = "task"
) -> RecordRevision:
    """Add one archive timestamp to a record: a new revision, stored and audited."""
    number, previous_sha, data = latest_bytes(record)
    renewed = timestamp_renew(data)
    protection = protection_of(renewed)
    if protection.until is None or protection.timestamps < 1:
        raise Conflict(_("The timestamp authority's answer did not make a document timestamp."))
    sha256 = hashlib.sha256(renewed).hexdigest()
    with transaction.atomic():
        locked = Record.objects.select_for_update().get(pk=record.pk)
        current = locked.revisions.aggregate(n=Max("number"))["n"] or 0
        if current != number:
            raise Conflict(_("The record was renewed meanwhile; nothing was added."))
        revision = RecordRevision(
            record=locked,
            number=number + 1,
            sha256=sha256,
            size=len(renewed),
            previous_sha256=previous_sha,
            timestamped_at=protection.timestamped_at or timezone.now(),
            protected_until=protection.until,
            algorithm=protection.algorithm,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        revision.file.save("renewed.pdf", ContentFile(renewed), save=False)
        revision.save()
        locked.protected_until = protection.until
        locked.protection_algorithm = protection.algorithm
        locked.save(update_fields=["protected_until", "protection_algorithm"])
        audit.record(
            actor=actor,
            action="archive.renewed",
            target=locked,
            details={
                "revision": revision.number,
                "sha256": sha256,
                "previous_sha256": previous_sha,
                "timestamped_at": revision.timestamped_at,
                "protected_until": protection.until,
                "algorithm": protection.algorithm,
                "source": source,
            },
        )
    record.protected_until, record.protection_algorithm = protection.until, protection.algorithm
    return revision


@dataclass
class SweepReport:
    renewed: list[int] = field(default_factory=list)
    checked: list[int] = field(default_factory=list)  # protection read, not yet due
    failed: dict[int, str] = field(default_factory=dict)
    skipped: int = 0  # not due

    def as_dict(self) -> dict:
        return {**asdict(self), "failed": {str(k): v for k, v in self.failed.items()}}

    @property
    def ok(self) -> bool:
        return not self.failed


def renew_sweep(
    *,
    everything: bool = False,
    now: dt.datetime | None = None,
    source: str = "task",
    actor: User | None = None,
    record_ids: list[int] | None = None,
) -> SweepReport:
    """Renew every record that is due (or every record, with `everything`), each in its
    own step; a failure is audited, reported and does not stop the others."""
    now = now or timezone.now()
    report = SweepReport()
    records = Record.objects.all() if everything else due_records(now=now)
    if record_ids is not None:
        records = records.filter(pk__in=record_ids)
    total = Record.objects.count() if record_ids is None else len(record_ids)
    ids = list(records.values_list("pk", flat=True).distinct())
    for record_id in ids:
        record = Record.objects.select_related("version").get(pk=record_id)
        try:
            if not everything and record.protected_until is None and not record.revisions.exists():
                # Filed before protection was recorded: read it first, renew only if due.
                found = protection_check(record=record)
                if not is_due(until=found.until, algorithm=found.algorithm, now=now):
                    report.checked.append(record_id)
                    continue
            record_renew(record=record, actor=actor, source=source)
            report.renewed.append(record_id)
        except Exception as exc:  # one record's failure must not stop the others
            logger.exception("archive renewal failed for record %s", record_id)
            message = str(exc) or exc.__class__.__name__
            report.failed[record_id] = message
            with transaction.atomic():
                audit.record(
                    actor=actor,
                    action="archive.renewal_failed",
                    target=record,
                    details={"error": message[:500], "source": source},
                )
    report.skipped = total - len(ids)
    return report


@dataclass(frozen=True)
class ProtectionSummary:
    oldest: dt.datetime | None  # earliest end of protection over the records
    records: int
    unprotected: int  # no document timestamp covers the served file
    due: int
    margin_days: int


def protection_summary(*, body_ids: list[int], now: dt.datetime | None = None) -> ProtectionSummary:
    now = now or timezone.now()
    records = Record.objects.filter(body_id__in=body_ids)
    return ProtectionSummary(
        oldest=records.aggregate(m=Min("protected_until"))["m"],
        records=records.count(),
        unprotected=records.filter(protected_until__isnull=True).count(),
        due=due_records(now=now).filter(body_id__in=body_ids).count(),
        margin_days=settings.ARCHIVE_RENEW_MARGIN_DAYS,
    )


def record_protect_on_filing(*, record: Record, data: bytes) -> None:
    """Store the protection of a record just filed (called by archive/services.py)."""
    try:
        found = protection_of(data)
    except Exception:  # an unreadable structure only leaves it for the sweep to read
        logger.warning("could not read the timestamps of record %s", record.pk, exc_info=True)
        return
    Record.objects.filter(pk=record.pk).update(
        protected_until=found.until, protection_algorithm=found.algorithm
    )
    record.protected_until, record.protection_algorithm = found.until, found.algorithm


def schedule_renewal(*, now: dt.datetime | None = None) -> bool:
    """Enqueue the next sweep (ARCHIVE_RENEW_SECONDS ahead) unless one is waiting
    (ecabinet/periodic.py). The immediate backend cannot defer: there
    `manage.py archive_renew --due --loop` runs it."""
    from archive.tasks import archive_renew_task

    return periodic.enqueue_next(
        archive_renew_task, seconds=settings.ARCHIVE_RENEW_SECONDS, now=now
    )
