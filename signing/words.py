"""A signature in words: "Ký bởi Dương Hoài Nam, Bộ trưởng Bộ Tài chính, lúc 09:15, ngày
03/12/2026" / "Signed by …, Minister of Finance, at 09:15, 3 December 2026".

Every page that lists a signature says it this way, from what e-Cabinet stored when the
signature was made (the signer, their title, the moment), never from the certificate's
subject, whose field names ("Common Name: …, Title: …") mean nothing to a reader. A PDF
signed elsewhere has no stored record; its words come from the certificate's parts.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from documents.models import DocumentVersion
from signing.models import Signature, SignatureKind

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")


def moment_words(moment: dt.datetime) -> str:
    """The moment on a Vietnamese clock, in the active language's DATETIME_FORMAT."""
    return date_format(timezone.localtime(moment, VIETNAM), "DATETIME_FORMAT")


def signed_by_words(*, name: str, title: str, moment: dt.datetime | None, seal: bool) -> str:
    values = {"name": name, "title": title, "time": moment_words(moment) if moment else ""}
    if seal:
        if moment is None:
            return _("Sealed by %(name)s") % values
        return _("Sealed by %(name)s at %(time)s") % values
    if moment is None:
        return (_("Signed by %(name)s, %(title)s") if title else _("Signed by %(name)s")) % values
    if title:
        return _("Signed by %(name)s, %(title)s, at %(time)s") % values
    return _("Signed by %(name)s at %(time)s") % values


def signature_words(signature: Signature) -> str:
    """A stored signature: the person who signed (or the agency whose seal it is)."""
    if signature.kind == SignatureKind.SEAL:
        agency = signature.key.body.name if signature.key.body_id else ""
        return signed_by_words(name=agency, title="", moment=signature.signed_at, seal=True)
    signer = signature.signer
    return signed_by_words(
        name=signer.full_name or signer.get_username(),
        title=signer.title,
        moment=signature.signed_at,
        seal=False,
    )


def report_words(report, stored: Signature | None = None) -> str:
    """One signature of a verification report (signing.verify.SignatureReport): the
    stored record when e-Cabinet made it, else the certificate's name and title."""
    if stored is not None:
        return signature_words(stored)
    return signed_by_words(
        name=report.signer_display_name,
        title=report.signer_title,
        moment=report.signed_at,
        seal=report.kind == SignatureKind.SEAL,
    )


def signatures_carried(version: DocumentVersion) -> QuerySet[Signature]:
    """Every signature e-Cabinet made on the way to `version`, first to last."""
    return (
        Signature.objects.filter(
            signed_version__document_id=version.document_id,
            signed_version__number__lte=version.number,
        )
        .select_related("signer", "key__body", "signed_version")
        .order_by("signed_at", "id")
    )


def signature_of(version: DocumentVersion) -> Signature | None:
    """The signature that made `version`, if it was made by signing."""
    return (
        Signature.objects.filter(signed_version=version)
        .select_related("signer", "key__body")
        .first()
    )


def stored_by_field(version: DocumentVersion | None) -> dict[str, Signature]:
    """The stored signatures of a version, by the PDF field each one filled (for matching
    a verification report's signatures to what was stored when they were made)."""
    if version is None:
        return {}
    return {s.field_name: s for s in signatures_carried(version)}
