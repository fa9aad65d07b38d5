"""Creating documents, adding versions, and handing out their bytes (audited).

An upload is a PDF or a Word .docx. A .docx is checked (documents/convert.py), converted
to PDF by LibreOffice, and kept beside the PDF it became; the PDF is what tablets read.
Converting takes a second or two: callers that can should call `upload_prepare` before
their transaction and pass its result as `file`, so the database is not held meanwhile.

Who gets an unwatermarked copy of a confidential paper (Mật and above): the person who
created the document or uploaded that version, and the body's secretariat and archivists,
and only when they ask for the original. Every other copy of such a paper is watermarked
for its reader (documents/watermark.py). Whether a copy was watermarked is in the audit.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date
from typing import IO

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.convert import DocxSource, docx_inspect, docx_to_pdf, is_word_upload, pdf_name_for
from documents.models import Confidentiality, Document, DocumentType, DocumentVersion, Urgency
from documents.pdf import PdfFacts, max_upload_bytes, pdf_inspect
from documents.watermark import watermark_pdf
from ecabinet import audit
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound, TooLarge
from people.models import Body, Role, User
from people.selectors import user_has_role

# Roles of the document's body who may take an unwatermarked original (see above).
ORIGINAL_ROLES = frozenset({Role.SECRETARIAT, Role.ARCHIVIST})


@dataclass(frozen=True)
class PreparedUpload:
    """An upload that passed every check: the PDF to store and, for Word, its source."""

    pdf: IO[bytes]
    filename: str
    facts: PdfFacts
    source: DocxSource | None = None


def upload_prepare(*, file: IO[bytes] | PreparedUpload, filename: str) -> PreparedUpload:
    """Check (and, for Word, convert) an upload. Raises before anything is stored."""
    if isinstance(file, PreparedUpload):
        return file
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if not is_word_upload(filename, head):
        return PreparedUpload(pdf=file, filename=filename, facts=pdf_inspect(file))
    file.seek(0, 2)
    size = file.tell()
    if size > max_upload_bytes():
        raise TooLarge(
            _("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": size / 1024 / 1024, "limit": max_upload_bytes() // (1024 * 1024)}
        )
    file.seek(0)
    source = docx_inspect(file.read(), filename=filename)
    pdf = io.BytesIO(docx_to_pdf(source))
    return PreparedUpload(
        pdf=pdf, filename=pdf_name_for(filename), facts=pdf_inspect(pdf), source=source
    )


def _validate_metadata(
    *, doc_type: str, summary: str, issuing_body: str, confidentiality: str, urgency: str
) -> None:
    fields: dict[str, list[str]] = {}
    if doc_type not in DocumentType.values:
        fields["doc_type"] = [_("Choose a document type from the list.")]
    if not summary.strip():
        fields["summary"] = [_("The summary (trích yếu) is required.")]
    if not issuing_body.strip():
        fields["issuing_body"] = [_("The issuing body is required.")]
    if confidentiality not in Confidentiality.values:
        fields["confidentiality"] = [_("Choose a confidentiality level from the list.")]
    if urgency not in Urgency.values:
        fields["urgency"] = [_("Choose an urgency level from the list.")]
    if fields:
        raise Invalid(_("Some document details are missing or wrong."), fields=fields)


@transaction.atomic
def document_create(
    *,
    actor: User,
    body: Body,
    file: IO[bytes] | PreparedUpload,
    filename: str,
    doc_type: str,
    summary: str,
    issuing_body: str,
    number_symbol: str = "",
    issued_place: str = "",
    issued_date: date | None = None,
    confidentiality: str = Confidentiality.NORMAL,
    urgency: str = Urgency.NORMAL,
    recipients: list[User] | None = None,
) -> Document:
    """Store a new document with its first version. The caller checks the actor may."""
    _validate_metadata(
        doc_type=doc_type,
        summary=summary,
        issuing_body=issuing_body,
        confidentiality=confidentiality,
        urgency=urgency,
    )
    recipients = list(recipients or [])
    if confidentiality != Confidentiality.NORMAL and not recipients:
        message = _("A confidential paper must name its recipients.")
        raise Invalid(message, fields={"recipients": [message]})
    upload = upload_prepare(file=file, filename=filename)  # a bad file stores nothing
    document = Document.objects.create(
        body=body,
        doc_type=doc_type,
        number_symbol=number_symbol.strip(),
        summary=summary.strip(),
        issuing_body=issuing_body.strip(),
        issued_place=issued_place.strip(),
        issued_date=issued_date,
        confidentiality=confidentiality,
        urgency=urgency,
        created_by=actor,
    )
    if recipients:
        document.recipients.set(recipients)
    audit.record(
        actor=actor,
        action="document.created",
        target=document,
        details={
            "doc_type": doc_type,
            "number_symbol": document.number_symbol,
            "confidentiality": confidentiality,
            "recipients": sorted(u.get_username() for u in recipients),
        },
    )
    _version_store(actor=actor, document=document, upload=upload)
    return document


@transaction.atomic
def document_add_version(
    *,
    actor: User,
    document: Document,
    file: IO[bytes] | PreparedUpload,
    filename: str,
    note: str = "",
) -> DocumentVersion:
    upload = upload_prepare(file=file, filename=filename)
    document = Document.objects.select_for_update().get(pk=document.pk)
    return _version_store(actor=actor, document=document, upload=upload, note=note)


def _version_store(
    *, actor: User, document: Document, upload: PreparedUpload, note: str = ""
) -> DocumentVersion:
    last = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    facts, source = upload.facts, upload.source
    version = DocumentVersion(
        document=document,
        number=last + 1,
        original_filename=upload.filename[:255] or "document.pdf",
        size=facts.size,
        sha256=facts.sha256,
        page_count=facts.page_count,
        note=note,
        uploaded_by=actor,
    )
    upload.pdf.seek(0)
    version.file.save(upload.filename or "document.pdf", File(upload.pdf), save=False)
    details = {"number": version.number, "sha256": version.sha256, "size": version.size}
    if source is not None:
        version.source_filename = source.filename[:255]
        version.source_sha256 = source.sha256
        version.source_content_type = source.content_type
        version.source_file.save(source.filename, ContentFile(source.data), save=False)
        details.update(source_sha256=source.sha256, converted_from="docx")
    version.save()
    audit.record(
        actor=actor,
        action="document.version_added",
        target=version,
        body_id=document.body_id,
        details=details,
    )
    return version


def version_can_open_confidential(*, user: User, document: Document) -> bool:
    """Confidentiality alone: normal papers pass; Mật and above need a named recipient
    (the person who uploaded it already holds it)."""
    if not document.is_confidential:
        return True
    if document.created_by_id == user.pk:
        return True
    return document.recipients.filter(pk=user.pk).exists()


def confidential_open_q(*, user: User, prefix: str = "") -> Q:
    """`version_can_open_confidential` as a query condition on documents (or on what
    points to one, through `prefix`, e.g. "document__"), for selectors that filter many."""
    return (
        Q(**{f"{prefix}confidentiality": Confidentiality.NORMAL})
        | Q(**{f"{prefix}created_by": user})
        | Q(**{f"{prefix}recipients": user})
    )


def version_may_take_original(*, user: User, version: DocumentVersion) -> bool:
    """An unwatermarked copy of a confidential paper: its creator, the version's uploader,
    and the body's secretariat and archivists. Anyone may for a normal paper."""
    document = version.document
    if not document.is_confidential:
        return True
    if user.pk in {document.created_by_id, version.uploaded_by_id}:
        return True
    return user_has_role(user=user, body_id=document.body_id, roles=ORIGINAL_ROLES)


class WatermarkedCopy(io.BytesIO):
    """The copy one reader was given; `sha256` fingerprints these bytes, not the stored."""

    watermarked = True

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.sha256 = hashlib.sha256(data).hexdigest()


def version_file_checked(
    *, actor: User, version: DocumentVersion, field: str = "file", sha256: str = ""
) -> IO[bytes]:
    """The stored file, open, checked against its SHA-256; a missing or altered file is
    audited and refused (Conflict). The caller closes it."""
    sha256 = sha256 or version.sha256
    stored = getattr(version, field)
    try:
        # A handle of its own from the storage, not the field's shared one: two requests
        # (or threads) holding the same version must not close each other's file.
        handle = stored.storage.open(stored.name, "rb")
    except OSError as exc:
        audit.record(
            actor=actor,
            action="document.file_missing",
            target=version,
            body_id=version.document.body_id,
            details={"file": field},
        )
        raise Conflict(_("The stored file is missing; it has been reported.")) from exc
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    handle.seek(0)
    if digest.hexdigest() != sha256:
        handle.close()
        audit.record(
            actor=actor,
            action="document.integrity_failed",
            target=version,
            body_id=version.document.body_id,
            details={"file": field},
        )
        raise Conflict(_("The stored file does not match its fingerprint; it has been reported."))
    return handle


def version_open(
    *,
    actor: User,
    version: DocumentVersion,
    context: dict | None = None,
    original: bool = False,
) -> IO[bytes]:
    """Open the stored PDF after checking it still matches its SHA-256, and audit the
    download. Access must be decided by the caller first; the caller closes the file.

    A confidential paper comes back as a `WatermarkedCopy` for this reader unless
    `original` is asked for by someone who may take it (`version_may_take_original`)."""
    if original and not version_may_take_original(user=actor, version=version):
        raise NotAllowed(
            _("Only the uploader, the secretariat and the archivists may take the original.")
        )
    handle = version_file_checked(actor=actor, version=version, field="file", sha256=version.sha256)
    watermarked = version.document.is_confidential and not original
    if watermarked:
        with handle:
            handle = WatermarkedCopy(watermark_pdf(handle, reader=actor, when=timezone.now()))
    audit.record(
        actor=actor,
        action="document.downloaded",
        target=version,
        body_id=version.document.body_id,
        details={"sha256": version.sha256, "watermarked": watermarked, **(context or {})},
    )
    return handle


def version_read_original(*, actor: User, version: DocumentVersion, purpose: str) -> bytes:
    """The exact stored bytes, checked against their SHA-256, for a service that works on
    the paper itself on the server (signing adds to these bytes, never to a reader's
    watermarked copy). Audited with its purpose. Never hand these to a reader: readers
    get `version_open`, which watermarks confidential papers."""
    handle = version_file_checked(actor=actor, version=version, field="file", sha256=version.sha256)
    with handle:
        data = handle.read()
    audit.record(
        actor=actor,
        action="document.read_original",
        target=version,
        body_id=version.document.body_id,
        details={"sha256": version.sha256, "purpose": purpose},
    )
    return data


def version_open_source(
    *, actor: User, version: DocumentVersion, context: dict | None = None
) -> IO[bytes]:
    """The Word file a version was converted from, checked against its SHA-256 and audited.
    It carries no watermark, so for a confidential paper it goes only to those who may
    take the original. Access to the paper must be decided by the caller first."""
    if not version.has_source:
        raise NotFound(_("This version was uploaded as a PDF; it has no Word original."))
    if not version_may_take_original(user=actor, version=version):
        raise NotAllowed(
            _("Only the uploader, the secretariat and the archivists may take the original.")
        )
    handle = version_file_checked(
        actor=actor, version=version, field="source_file", sha256=version.source_sha256
    )
    audit.record(
        actor=actor,
        action="document.source_downloaded",
        target=version,
        body_id=version.document.body_id,
        details={"sha256": version.source_sha256, **(context or {})},
    )
    return handle
