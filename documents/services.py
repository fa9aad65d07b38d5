"""Creating documents, adding versions, and handing out their bytes (audited)."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import IO

from django.core.files import File
from django.db import transaction
from django.utils.translation import gettext as _

from documents.models import Confidentiality, Document, DocumentType, DocumentVersion, Urgency
from documents.pdf import pdf_inspect
from ecabinet import audit
from ecabinet.errors import Conflict, Invalid
from people.models import Body, User


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
    file: IO[bytes],
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
    facts = pdf_inspect(file)  # before any row is written: a bad file stores nothing
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
    _version_store(actor=actor, document=document, file=file, filename=filename, facts=facts)
    return document


@transaction.atomic
def document_add_version(
    *, actor: User, document: Document, file: IO[bytes], filename: str, note: str = ""
) -> DocumentVersion:
    facts = pdf_inspect(file)
    document = Document.objects.select_for_update().get(pk=document.pk)
    return _version_store(
        actor=actor, document=document, file=file, filename=filename, facts=facts, note=note
    )


def _version_store(*, actor, document, file, filename, facts, note="") -> DocumentVersion:
    last = document.versions.order_by("-number").values_list("number", flat=True).first() or 0
    version = DocumentVersion(
        document=document,
        number=last + 1,
        original_filename=filename[:255] or "document.pdf",
        size=facts.size,
        sha256=facts.sha256,
        page_count=facts.page_count,
        note=note,
        uploaded_by=actor,
    )
    file.seek(0)
    version.file.save(filename, File(file), save=False)
    version.save()
    audit.record(
        actor=actor,
        action="document.version_added",
        target=version,
        body_id=document.body_id,
        details={"number": version.number, "sha256": version.sha256, "size": version.size},
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


def version_open(
    *, actor: User, version: DocumentVersion, context: dict | None = None
) -> IO[bytes]:
    """Open the stored file after checking it still matches its SHA-256, and audit the
    download. Access must be decided by the caller first; the caller closes the file."""
    handle = version.file.open("rb")
    digest = hashlib.sha256()
    for chunk in iter(lambda: handle.read(1024 * 1024), b""):
        digest.update(chunk)
    handle.seek(0)
    if digest.hexdigest() != version.sha256:
        handle.close()
        audit.record(
            actor=actor,
            action="document.integrity_failed",
            target=version,
            body_id=version.document.body_id,
        )
        raise Conflict(_("The stored file does not match its fingerprint; it has been reported."))
    audit.record(
        actor=actor,
        action="document.downloaded",
        target=version,
        body_id=version.document.body_id,
        details={"sha256": version.sha256, **(context or {})},
    )
    return handle
