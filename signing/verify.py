"""Verifying every signature in a PDF, for people and for archives.

Each signature is checked by pyHanko: the bytes it covers are unchanged (intact), the
cryptography holds (valid), the signer's certificate chains to a trusted root and was
not revoked (trusted), what it covers (the whole file or its revision), and what was
changed after it (pyHanko's difference analysis). A signature that carries a trusted
timestamp is judged at that time, with the validation data embedded in the file, so
a certificate that expired later does not spoil a record signed while it was valid.

The order must be right: personal signatures first, then the agency's seal (see
signing/certs.py for how a seal certificate is recognised); nothing but validation
data and document timestamps may follow the seal.
"""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko.sign.validation.status import SignatureCoverageLevel

from signing import certs


@dataclass
class SignatureReport:
    field_name: str
    kind: str  # personal | seal | timestamp
    signer: str
    chain: list[str]
    signing_time: datetime | None
    timestamp_time: datetime | None
    timestamp_authority: str
    intact: bool
    valid: bool
    trusted: bool
    coverage: str  # whole_file | revision | partial
    modifications: str
    byte_range: list[int]
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and not self.problems


@dataclass
class VerificationReport:
    signatures: list[SignatureReport]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return bool(self.signatures) and not self.problems and all(s.ok for s in self.signatures)

    def as_dict(self) -> dict:
        data = {"ok": self.ok, "problems": self.problems, "signatures": []}
        for sig in self.signatures:
            item = asdict(sig)
            item["ok"] = sig.ok
            for key in ("signing_time", "timestamp_time"):
                item[key] = item[key].isoformat() if item[key] else None
            data["signatures"].append(item)
        return data


_COVERAGE = {
    SignatureCoverageLevel.ENTIRE_FILE: "whole_file",
    SignatureCoverageLevel.ENTIRE_REVISION: "revision",
}


def _context(roots, reader, *, fetching: bool, moment: datetime | None):
    """Trust the given roots; use the validation data the file carries (DSS), and ask
    the CA's services when they answer (soft-fail: an archive may be offline)."""
    kwargs = {
        "trust_roots": roots,
        "allow_fetching": fetching,
        "revocation_mode": "soft-fail",
        "moment": moment,
        "retroactive_revinfo": moment is not None,
    }
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except Exception:  # a file without a DSS simply has none
        return certs.validation_context(
            roots=roots,
            fetching=fetching,
            mode="soft-fail",
            moment=moment,
            retroactive_revinfo=moment is not None,
        )
    return dss.as_validation_context(kwargs)


def _modifications(status) -> tuple[str, list[str]]:
    diff = getattr(status, "diff_result", None)
    if isinstance(diff, SuspiciousModification):
        return "suspicious", [
            _("The file was changed after this signature in a way that is not allowed: %(why)s")
            % {"why": diff}
        ]
    level = getattr(status, "modification_level", None)
    problems = []
    if getattr(status, "docmdp_ok", True) is False:
        problems.append(_("Changes were made after this signature that its lock forbids."))
    if level is None:
        return "unknown", problems
    names = {
        ModificationLevel.NONE: "none",
        ModificationLevel.LTA_UPDATES: "validation_data_only",
        ModificationLevel.FORM_FILLING: "signatures_and_form_filling",
        ModificationLevel.ANNOTATIONS: "annotations",
        ModificationLevel.OTHER: "other",
    }
    if level == ModificationLevel.OTHER:
        problems.append(_("The content was changed after this signature."))
    return names.get(level, str(level)), problems


def _timestamp_time(embedded) -> datetime | None:
    """The time of the signature's RFC 3161 timestamp (verified later, with the rest)."""
    try:
        for token in extract_tst_data_iter(embedded.signer_info, signed=False):
            return token["encap_content_info"]["content"].parsed["gen_time"].native
    except (KeyError, ValueError):
        return None
    return None


def _one(embedded, roots, reader, *, fetching: bool) -> SignatureReport:
    is_doc_ts = embedded.sig_object.get("/Type") == "/DocTimeStamp"
    cert = embedded.signer_cert
    ts_time = None if is_doc_ts else _timestamp_time(embedded)
    problems: list[str] = []
    context = _context(roots, reader, fetching=fetching, moment=ts_time)
    try:
        if is_doc_ts:
            status = validate_pdf_timestamp(embedded, validation_context=context)
        else:
            status = validate_pdf_signature(
                embedded,
                signer_validation_context=context,
                ts_validation_context=_context(roots, reader, fetching=fetching, moment=None),
            )
    except Exception as exc:  # report, never crash, on a broken signature
        problems.append(_("The signature could not be checked: %(why)s") % {"why": exc})
        status = None
    report = SignatureReport(
        field_name=embedded.field_name,
        kind="timestamp" if is_doc_ts else certs.certificate_kind(cert),
        signer=cert.subject.human_friendly,
        chain=[c.subject.human_friendly for c in (status.validation_path or [])]
        if status is not None and getattr(status, "validation_path", None)
        else [],
        signing_time=getattr(status, "signer_reported_dt", None) if status else None,
        timestamp_time=getattr(status, "timestamp", None) if is_doc_ts and status else ts_time,
        timestamp_authority=_tsa_name(embedded, status, is_doc_ts),
        intact=bool(status and status.intact),
        valid=bool(status and status.valid),
        trusted=bool(status and status.trusted),
        coverage=_COVERAGE.get(getattr(status, "coverage", None), "partial"),
        modifications="unknown",
        byte_range=list(embedded.sig_object["/ByteRange"]),
        problems=problems,
    )
    if status is not None:
        report.modifications, more = _modifications(status)
        report.problems += more + _status_problems(report, status)
    return report


def _tsa_name(embedded, status, is_doc_ts: bool) -> str:
    if is_doc_ts:
        return embedded.signer_cert.subject.human_friendly
    ts_status = getattr(status, "timestamp_validity", None) if status else None
    return ts_status.signing_cert.subject.human_friendly if ts_status else ""


def _status_problems(report: SignatureReport, status) -> list[str]:
    problems = []
    start, length = report.byte_range[0], report.byte_range[1]
    second, second_len = report.byte_range[2], report.byte_range[3]
    if not report.intact:
        problems.append(
            _(
                "The bytes this signature covers were changed after signing "
                "(bytes %(a)d-%(b)d and %(c)d-%(d)d of the file)."
            )
            % {"a": start, "b": start + length, "c": second, "d": second + second_len}
        )
    elif not report.valid:
        problems.append(_("The signature does not match the signer's certificate."))
    if report.intact and report.valid and not report.trusted:
        details = getattr(status, "revocation_details", None)
        if details is not None:
            problems.append(
                _("The signer's certificate was revoked on %(date)s.")
                % {"date": details.revocation_date.isoformat()}
            )
        else:
            problems.append(
                _(
                    "The signer's certificate does not lead to a trusted root, or "
                    "was not valid when the signature was made."
                )
            )
    if report.coverage == "partial":
        problems.append(_("The signature covers only part of the file."))
    return problems


def _order_problems(signatures: list[SignatureReport]) -> list[str]:
    problems, sealed = [], False
    for sig in signatures:
        if sig.kind == "seal":
            sealed = True
        elif sig.kind == "personal" and sealed:
            problems.append(
                _("Wrong order: the personal signature %(field)s comes after the agency's seal.")
                % {"field": sig.field_name}
            )
    return problems


def pdf_verify(
    data: bytes, *, trust_roots: list[Path] | None = None, fetching: bool = True
) -> VerificationReport:
    roots = certs.trust_roots(trust_roots)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:
        return VerificationReport([], [_("The file is not a readable PDF: %(why)s") % {"why": exc}])
    if not embedded:
        return VerificationReport([], [_("The file carries no signature.")])
    reports = [_one(sig, roots, reader, fetching=fetching) for sig in embedded]
    problems = [] if roots else [_("No trusted root is configured.")]
    return VerificationReport(reports, problems + _order_problems(reports))
