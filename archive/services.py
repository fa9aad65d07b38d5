"""Writes of the archive, and the reads that must leave a trace (retrieval, verification,
export): each is audited.

`record_file` and `record_supersede` are called by the apps that produce signed records
(minutes, ballots) inside their own transaction; those apps decide who may file. The
archive decides who may read: see archive/selectors.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from django.db import transaction
from django.utils.translation import gettext as _

from archive import renewal, search
from archive.models import Record
from archive.selectors import record_chain
from documents.models import DocumentVersion
from documents.services import version_read_original
from ecabinet import audit
from ecabinet.errors import Conflict, Invalid
from people.models import Body, User
from signing.verify import VerificationReport, pdf_verify


def _check_filing(*, body: Body, kind: str, title: str, version: DocumentVersion, signers) -> None:
    fields: dict[str, list[str]] = {}
    if kind not in Record.Kind.values:
        fields["kind"] = [_("Unknown kind of record.")]
    if not title.strip():
        fields["title"] = [_("A record needs a title.")]
    if version.document.body_id != body.pk:
        fields["version"] = [_("The document belongs to another body.")]
    if isinstance(signers, str) or not all(isinstance(s, str) for s in signers):
        fields["signers"] = [_("Signers are a list of names.")]
    if fields:
        raise Invalid(_("The record cannot be filed."), fields=fields)


@transaction.atomic
def record_file(
    *,
    actor: User | None,
    body: Body,
    kind: str,
    title: str,
    text: str,
    issued_on: dt.date,
    version: DocumentVersion,
    number: str = "",
    signers: Sequence[str] = (),
    source_url: str = "",
    meta: dict | None = None,
) -> Record:
    """File a signed, final version for the long term and index it for search. Filing
    the same version again returns the record filed first, unchanged."""
    # The version's row lock makes two filings of one version meet here, one after the other.
    version = (
        DocumentVersion.objects.select_for_update().select_related("document").get(pk=version.pk)
    )
    existing = Record.objects.filter(version=version).first()
    if existing is not None:
        return existing
    _check_filing(body=body, kind=kind, title=title, version=version, signers=signers)
    record = Record.objects.create(
        body=body,
        kind=kind,
        title=title.replace("\x00", " ").strip()[:500],
        number=number.replace("\x00", " ").strip()[:100],
        text=text.replace("\x00", " "),
        issued_on=issued_on,
        version=version,
        sha256=version.sha256,
        signers=list(signers),
        source_url=source_url[:500],
        meta=meta or {},
        filed_by=actor if getattr(actor, "pk", None) else None,
    )
    search.index_record(
        record_id=record.pk, title=record.title, number=record.number, text=record.text
    )
    # When its last document timestamp's TSA certificate ends (archive/renewal.py).
    try:
        data = renewal.revision_bytes(record=record, number=0)
    except Conflict:
        data = None
    if data is not None:
        renewal.record_protect_on_filing(record=record, data=data)
    transaction.on_commit(renewal.schedule_renewal)
    audit.record(
        actor=actor,
        action="archive.filed",
        target=record,
        details={"kind": kind, "version_id": version.pk, "sha256": version.sha256, **(meta or {})},
    )
    return record


@transaction.atomic
def record_supersede(*, actor: User | None, record: Record, by: Record) -> Record:
    """`by` corrects `record`: the new record points to the one it corrects. Both stay."""
    old, new = (
        Record.objects.select_for_update().get(pk=record.pk),
        Record.objects.select_for_update().get(pk=by.pk),
    )
    if old.pk == new.pk or old.body_id != new.body_id:
        raise Invalid(
            _("A record is corrected by another record of the same body."),
            fields={"by": [_("Choose another record of the same body.")]},
        )
    if new.supersedes_id is not None:
        raise Conflict(_("This record already corrects another one."))
    if Record.objects.filter(supersedes=old).exists():
        raise Conflict(_("This record has already been corrected."))
    if old.pk in {r.pk for r in record_chain(record=new)}:
        raise Conflict(_("A correction cannot correct a record that corrects it."))
    new.supersedes = old
    new.save(update_fields=["supersedes"])
    audit.record(
        actor=actor,
        action="archive.superseded",
        target=new,
        details={"supersedes": old.pk, "sha256": new.sha256},
    )
    return new


def _audited(*, actor: User, record: Record, action: str, details: dict) -> None:
    with transaction.atomic():
        audit.record(actor=actor, action=action, target=record, details=details)


def record_read(*, actor: User, record: Record, purpose: str) -> bytes:
    """The stored bytes, checked against the SHA-256 recorded when they were filed (the
    document layer checks its own fingerprint too)."""
    data = version_read_original(actor=actor, version=record.version, purpose=purpose)
    if hashlib.sha256(data).hexdigest() != record.sha256:
        _audited(actor=actor, record=record, action="archive.integrity_failed", details={})
        raise Conflict(_("The stored file does not match its fingerprint; it has been reported."))
    return data


def record_read_latest(*, actor: User, record: Record, purpose: str) -> tuple[int, str, bytes]:
    """(revision, SHA-256, bytes) of the file the archive serves now: the latest revision
    with renewed archive timestamps, or the original when there is none yet."""
    if not record.revisions.exists():
        return 0, record.sha256, record_read(actor=actor, record=record, purpose=purpose)
    try:
        return renewal.latest_bytes(record)
    except Conflict:
        _audited(actor=actor, record=record, action="archive.integrity_failed", details={})
        raise


def record_retrieve(*, actor: User, record: Record) -> tuple[int, str, bytes]:
    """The file as kept now (the latest revision), byte for byte, for someone who may see
    the record (checked by the caller through archive.selectors.record_get)."""
    number, sha256, data = record_read_latest(actor=actor, record=record, purpose="archive")
    details = {"sha256": sha256, "revision": number}
    _audited(actor=actor, record=record, action="archive.retrieved", details=details)
    return number, sha256, data


def record_retrieve_revision(*, actor: User, record: Record, number: int) -> tuple[str, bytes]:
    """One revision (0: the original as filed), byte for byte, audited."""
    if number == 0:
        data = record_read(actor=actor, record=record, purpose="archive")
        sha256 = record.sha256
    else:
        try:
            data = renewal.revision_bytes(record=record, number=number)
        except Conflict:
            _audited(actor=actor, record=record, action="archive.integrity_failed", details={})
            raise
        sha256 = hashlib.sha256(data).hexdigest()
    details = {"sha256": sha256, "revision": number}
    _audited(actor=actor, record=record, action="archive.retrieved", details=details)
    return sha256, data


def record_verify(*, actor: User, record: Record) -> tuple[bytes, VerificationReport]:
    number, sha256, data = record_read_latest(actor=actor, record=record, purpose="verify")
    report = pdf_verify(data)
    _audited(
        actor=actor,
        record=record,
        action="archive.verified",
        details={
            "sha256": sha256,
            "ok": report.ok,
            "signatures": len(report.signatures),
            # Named once a record has renewed archive timestamps (archive/renewal.py).
            **({"revision": number} if number else {}),
        },
    )
    return data, report


def record_renew_now(*, actor: User, record: Record):
    """An archivist of the record's body adds an archive timestamp now (see
    archive/renewal.py); others are refused."""
    from archive.selectors import ensure_may_renew

    ensure_may_renew(actor=actor, record=record)
    try:
        return renewal.record_renew(record=record, actor=actor, source="archivist")
    except Exception as exc:
        message = str(exc) or exc.__class__.__name__
        details = {"error": message[:500], "source": "archivist"}
        _audited(actor=actor, record=record, action="archive.renewal_failed", details=details)
        if isinstance(exc, (Conflict, Invalid)):
            raise
        raise Conflict(_("The record could not be renewed: %(e)s") % {"e": message}) from exc


def record_export_package(*, actor: User, record: Record) -> bytes:
    """A ZIP: the record and its corrections as PDFs, their verification reports, and a
    manifest with the SHA-256 of every file (archive/package.py)."""
    from archive.package import package_build

    chain = record_chain(record=record)
    items = [(r, *record_verify_silently(actor=actor, record=r)) for r in chain]
    earlier = {r.pk: record_earlier_revisions(actor=actor, record=r) for r in chain}
    data = package_build(actor=actor, items=items, earlier=earlier)
    _audited(
        actor=actor,
        record=record,
        action="archive.exported",
        details={
            "format": "package",
            "records": [r.pk for r in chain],
            "sha256": hashlib.sha256(data).hexdigest(),
        },
    )
    return data


def record_verify_silently(*, actor: User, record: Record) -> tuple[bytes, VerificationReport]:
    """Read the latest revision and verify it as part of an export (the export's own
    entry records it)."""
    _number, _sha256, data = record_read_latest(actor=actor, record=record, purpose="export")
    return data, pdf_verify(data)


def record_earlier_revisions(*, actor: User, record: Record) -> list[tuple[int, bytes]]:
    """Every revision before the latest, the original first (for the records package)."""
    numbers = list(record.revisions.order_by("number").values_list("number", flat=True))
    if not numbers:
        return []
    out = [(0, record_read(actor=actor, record=record, purpose="export"))]
    out += [(n, renewal.revision_bytes(record=record, number=n)) for n in numbers[:-1]]
    return out


def record_export_edxml(*, actor: User, record: Record, to_name: str = "") -> bytes:
    """The record as an edXML envelope (QCVN 102:2016) with the PDF inside (archive/edxml.py)."""
    from archive.edxml import envelope_build

    _number, _sha256, data = record_read_latest(actor=actor, record=record, purpose="export")
    envelope = envelope_build(record=record, pdf=data, to_name=to_name)
    _audited(
        actor=actor,
        record=record,
        action="archive.exported",
        details={"format": "edxml", "sha256": hashlib.sha256(envelope).hexdigest()},
    )
    return envelope
