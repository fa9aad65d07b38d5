"""Verifying every signature in a PDF, for people and for archives.

Each signature is checked by pyHanko: the bytes it covers are unchanged (intact), the
cryptography holds (valid), the signer's certificate chains to a trusted root and was
not revoked (trusted), what it covers (the whole file or its revision), and what was
changed after it (pyHanko's difference analysis).

When a signature was made is proved only by a trusted signature timestamp (PAdES
B-T and above); the time the signer's computer wrote down proves nothing. So a
signature with a valid, trusted timestamp is judged at the timestamp's time, with the
validation data embedded in the file and the CA's current revocation data (which may
know of a revocation dated before the timestamp): a certificate revoked or expired
later does not spoil it. A signature without one is judged now (or at `at`): once its
certificate is revoked or expired, it can no longer be trusted. See docs/signing.md.

The order must be right: personal signatures first, then the agency's seal (see
signing/certs.py for how a seal certificate is recognised); nothing but validation
data and document timestamps may follow the seal.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign._session_scope import run_and_release
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.diff_analysis import ModificationLevel, SuspiciousModification
from pyhanko.sign.validation import ades, validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.generic_cms import extract_tst_data_iter
from pyhanko.sign.validation.policy_decl import (
    CertificateFetchingRule,
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    FreshnessReqType,
    RevocationCheckingPolicy,
)
from pyhanko_certvalidator.registry import SimpleTrustManager

from ecabinet import dates
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
    notes: list[str] = field(default_factory=list)  # worth knowing, not a fault
    # For people: the parts of the signer's certificate subject a reader looks for.
    signer_name: str = ""
    signer_title: str = ""
    signer_organisation: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and not self.problems

    # Display only: words for the codes, datetimes for the times. None changes a verdict.
    @property
    def kind_label(self) -> str:
        return str(_KIND_LABELS.get(self.kind, self.kind))

    @property
    def modifications_label(self) -> str:
        return str(_MODIFICATION_LABELS.get(self.modifications, _MODIFICATION_LABELS["unknown"]))

    @property
    def signer_display_name(self) -> str:
        return self.signer_name or self.signer

    @property
    def signer_position(self) -> str:
        """Title and organisation, without repeating what the name or title already says
        (a seal names its agency twice; "Bộ trưởng Bộ Tài chính" already names the ministry)."""
        parts = [self.signer_title] if self.signer_title else []
        org = self.signer_organisation
        if org and org != self.signer_display_name and org not in self.signer_title:
            parts.append(org)
        return ", ".join(parts)

    @property
    def signed_at(self) -> datetime | None:
        return _as_datetime(self.signing_time)

    @property
    def timestamped_at(self) -> datetime | None:
        return _as_datetime(self.timestamp_time)


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


_KIND_LABELS = {
    "personal": gettext_lazy("Personal signature"),
    "seal": gettext_lazy("Agency seal"),
    "timestamp": gettext_lazy("Timestamp"),
}

# What was changed after a signature, for people (the codes stay in the JSON report).
_MODIFICATION_LABELS = {
    "none": pgettext_lazy("changes after signing", "None"),
    "validation_data_only": gettext_lazy("Only validation data and timestamps were added"),
    "signatures_and_form_filling": gettext_lazy("Later signatures and form filling"),
    "annotations": gettext_lazy("Annotations"),
    "other": gettext_lazy("Changes to the content"),
    "suspicious": gettext_lazy("Changes that are not allowed"),
    "unknown": pgettext_lazy("changes after signing", "Unknown"),
}


def _as_datetime(value: datetime | str | None) -> datetime | None:
    """A report's time, whether it still holds the datetime or its ISO form."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    if value is not None and timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)  # pyHanko's times are UTC
    return value


def _subject_part(subject, key: str) -> str:
    value = subject.native.get(key, "")
    return ", ".join(value) if isinstance(value, list) else str(value or "")


_COVERAGE = {
    SignatureCoverageLevel.ENTIRE_FILE: "whole_file",
    SignatureCoverageLevel.ENTIRE_REVISION: "revision",
}


def _context(roots, reader, *, fetching: bool, moment: datetime | None, past: bool = False):
    """Trust the given roots and ask the CA's services when they answer (soft-fail: an
    archive may be offline). For a proven moment in the past (`past`), the validation
    data the file carries (DSS) comes first: it was gathered then. Judged now, the CA's
    current answer decides, and the file's revocation data is used only offline."""
    kwargs = {
        "trust_roots": roots,
        "allow_fetching": fetching,
        "moment": moment,
        **_revocation_rules(moment),
    }
    try:
        dss = DocumentSecurityStore.read_dss(reader)
    except Exception:  # a file without a DSS simply has none
        return ValidationContext(**kwargs)
    if past or not fetching:
        return dss.as_validation_context(kwargs)
    return ValidationContext(other_certs=list(dss.load_certs()), **kwargs)


def _revocation_rules(moment: datetime | None) -> dict:
    """For a moment in the past (a signature timestamp), revocation data issued later
    counts too: it may know of a revocation dated before that moment. Judged now, the
    same holds: the moment is fixed when the check starts, and a CRL the CA issues while
    it runs is newer than it. For a moment in the future (`at`), the freshest data there
    is today stands for that moment."""
    now = datetime.now(tz=UTC)
    if moment is None or moment <= now:
        return {"revocation_mode": "soft-fail", "retroactive_revinfo": True}
    policy = CertRevTrustPolicy(
        RevocationCheckingPolicy.from_legacy("soft-fail"),
        freshness=moment - now + timedelta(days=1),
        freshness_req_type=FreshnessReqType.MAX_DIFF_REVOCATION_VALIDATION,
    )
    return {"revinfo_policy": policy}


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


def _when(value: datetime) -> str:
    return dates.when(value, seconds=True)


def _validate(embedded, roots, reader, *, fetching: bool, proved, at):
    """pyHanko's checks: the signer judged at the `proved` time (else at `at`), its
    timestamp at `at`."""
    signer_context = _context(
        roots, reader, fetching=fetching, moment=proved or at, past=proved is not None
    )
    return validate_pdf_signature(
        embedded,
        signer_validation_context=signer_context,
        ts_validation_context=_context(roots, reader, fetching=fetching, moment=at),
    )


def _timestamp_trusted(status) -> bool:
    tst = getattr(status, "timestamp_validity", None)
    return tst is not None and tst.intact and tst.valid and tst.trusted


def _status_of(embedded, roots, reader, *, fetching: bool, at, problems: list[str]):
    """Validate one signature; returns (status, the time a trusted timestamp proves)."""
    if embedded.sig_object.get("/Type") == "/DocTimeStamp":
        context = _context(roots, reader, fetching=fetching, moment=at)
        return validate_pdf_timestamp(embedded, validation_context=context), None
    ts_time = _timestamp_time(embedded)
    # Judged at the timestamp's time; if the timestamp itself does not verify, it proves
    # nothing and the signature is judged again as of `at`.
    status = _validate(embedded, roots, reader, fetching=fetching, proved=ts_time, at=at)
    if ts_time is None or _timestamp_trusted(status):
        return status, ts_time
    problems.append(
        _(
            "The signature's timestamp could not be verified, so it does not prove when "
            "the signature was made."
        )
    )
    return _validate(embedded, roots, reader, fetching=fetching, proved=None, at=at), None


def _one(embedded, roots, reader, *, fetching: bool, at: datetime | None) -> SignatureReport:
    is_doc_ts = embedded.sig_object.get("/Type") == "/DocTimeStamp"
    cert = embedded.signer_cert
    ts_time = None if is_doc_ts else _timestamp_time(embedded)
    problems: list[str] = []
    proved = None
    try:
        status, proved = _status_of(
            embedded, roots, reader, fetching=fetching, at=at, problems=problems
        )
    except Exception as exc:  # report, never crash, on a broken signature
        problems.append(_("The signature could not be checked: %(why)s") % {"why": exc})
        status = None
    report = SignatureReport(
        field_name=str(embedded.field_name),
        kind="timestamp" if is_doc_ts else certs.certificate_kind(cert),
        signer=cert.subject.human_friendly,
        signer_name=_subject_part(cert.subject, "common_name"),
        signer_title=_subject_part(cert.subject, "title"),
        signer_organisation=_subject_part(cert.subject, "organization_name"),
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
        # Plain ints: pyHanko's numbers keep a reference into the whole parsed file, which a
        # report must not carry (copying or pickling it would copy the document).
        byte_range=[int(n) for n in embedded.sig_object["/ByteRange"]],
        problems=problems,
    )
    if status is not None:
        report.modifications, more = _modifications(status)
        report.problems += more + _status_problems(report, status, proved=proved, at=at)
    if report.ok and proved is not None and at is not None and at > datetime.now(tz=UTC):
        report.problems += _archive_problems(embedded, roots, at=at)
    if proved is not None and report.ok:
        report.notes.append(
            _("Signed on %(time)s, as a trusted timestamp from %(tsa)s proves.")
            % {"time": _when(proved), "tsa": _tsa_display_name(embedded, status)}
        )
        since = _since_signing(embedded, roots, reader, fetching=fetching, at=at)
        if since:
            report.notes.append(since)
    return report


def _archive_spec(roots) -> PdfSignatureValidationSpec:
    policy = CertValidationPolicySpec(
        trust_manager=SimpleTrustManager.build(trust_roots=roots),
        revinfo_policy=CertRevTrustPolicy(RevocationCheckingPolicy.from_legacy("hard-fail")),
    )
    gathering = RevocationInfoGatheringSpec(
        online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY,
        certificate_fetching_rule=CertificateFetchingRule.NEVER_FETCH,
    )
    return PdfSignatureValidationSpec(
        SignatureValidationSpec(cert_validation_policy=policy, revinfo_gathering_policy=gathering)
    )


def _archive_problems(embedded, roots, *, at: datetime) -> list[str]:
    """Judged at a moment to come (`at`), a timestamped signature must also pass what an
    archive will run then: pyHanko's AdES-LTA validation (ETSI EN 319 102-1), offline,
    with only the trusted roots and the validation data the file carries. Our own verdict
    above takes today's revocation data for that moment; this one does not, so the two
    agree (see docs/signing.md, "Long-term validation")."""
    try:
        result = asyncio.run(
            ades.simulate_future_ades_lta_validation(
                embedded, _archive_spec(roots), future_validation_time=at
            )
        )
    except Exception as exc:  # report, never crash, on a broken signature
        return [_("The signature could not be checked: %(why)s") % {"why": exc}]
    if result.ades_subindic == AdESPassed.OK:
        return []
    return [
        _(
            "At %(time)s an archive could not validate this signature with the data in the "
            "file alone (AdES-LTA: %(why)s): it lacks validation data or a newer archive "
            "timestamp."
        )
        % {"time": _when(at), "why": result.ades_subindic.name}
    ]


def _since_signing(embedded, roots, reader, *, fetching: bool, at) -> str | None:
    """What became of the signer's certificate after a timestamped signature: revoked
    or expired since then does not spoil the signature, but a reader should know."""
    cert = embedded.signer_cert
    context = _context(roots, reader, fetching=fetching, moment=at)
    validator = CertificateValidator(
        cert, intermediate_certs=list(embedded.other_embedded_certs), validation_context=context
    )
    try:
        asyncio.run(run_and_release(validator.async_validate_path(), context))
    except cv_errors.RevokedError as exc:
        return _(
            "The signer's certificate was revoked on %(date)s, after this signature was "
            "made; the timestamp proves it was signed before, so the signature stays valid."
        ) % {"date": _when(exc.revocation_dt)}
    except cv_errors.ExpiredError:
        return _(
            "The signer's certificate expired on %(date)s, after this signature was made; "
            "the timestamp and the validation data in the file keep the signature valid."
        ) % {"date": _when(cert.not_valid_after)}
    except (cv_errors.ValidationError, cv_errors.PathBuildingError):
        return None  # nothing more to say than the signature's own verdict
    return None


def _tsa_name(embedded, status, is_doc_ts: bool) -> str:
    if is_doc_ts:
        return embedded.signer_cert.subject.human_friendly
    ts_status = getattr(status, "timestamp_validity", None) if status else None
    return ts_status.signing_cert.subject.human_friendly if ts_status else ""


def _tsa_display_name(embedded, status) -> str:
    """The timestamp authority as a reader names it (its common name), for sentences."""
    ts_status = getattr(status, "timestamp_validity", None)
    if ts_status is None:
        return ""
    subject = ts_status.signing_cert.subject
    return _subject_part(subject, "common_name") or subject.human_friendly


def _status_problems(report: SignatureReport, status, *, proved, at) -> list[str]:
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
        problems.append(_trust_problem(status, proved=proved, at=at))
    if report.coverage == "partial":
        problems.append(_("The signature covers only part of the file."))
    return problems


def _trust_problem(status, *, proved: datetime | None, at: datetime | None) -> str:
    """Why the signer's certificate does not vouch for the signature, in plain words.
    `proved` is the time a trusted timestamp proves; without one we judge at `at`."""
    cert = status.signing_cert
    moment = proved or at or datetime.now(tz=UTC)
    details = getattr(status, "revocation_details", None)
    if details is not None:
        values = {"date": _when(details.revocation_date), "signed": _when(moment)}
        if details.ca_revoked:
            return _("A certificate authority above the signer was revoked on %(date)s.") % values
        if proved is not None:
            return (
                _(
                    "The signer's certificate was revoked on %(date)s, before this signature "
                    "was made (%(signed)s, by its timestamp): the signature is not valid."
                )
                % values
            )
        return (
            _(
                "The signer's certificate was revoked on %(date)s, and no trusted timestamp "
                "proves that the signature was made before then: it can no longer be trusted."
            )
            % values
        )
    if cert.not_valid_after < moment:
        values = {"date": _when(cert.not_valid_after), "signed": _when(moment)}
        if proved is not None:
            return (
                _(
                    "The signer's certificate expired on %(date)s, before this signature was "
                    "made (%(signed)s, by its timestamp): the signature is not valid."
                )
                % values
            )
        return (
            _(
                "The signer's certificate expired on %(date)s, and no trusted timestamp "
                "proves that the signature was made before then: it can no longer be trusted."
            )
            % values
        )
    if cert.not_valid_before > moment:
        return _("The signer's certificate was not yet valid when the signature was made.")
    return _(
        "The signer's certificate does not lead to a trusted root, or was not valid when "
        "the signature was made."
    )


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
    data: bytes,
    *,
    trust_roots: list[Path] | None = None,
    fetching: bool = True,
    at: datetime | None = None,
) -> VerificationReport:
    """Check every signature; `at` judges as of another moment than now (what an
    archivist will see once certificates have expired)."""
    roots = certs.trust_roots(trust_roots)
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:
        return VerificationReport([], [_("The file is not a readable PDF: %(why)s") % {"why": exc}])
    if not embedded:
        return VerificationReport([], [_("The file carries no signature.")])
    reports = [_one(sig, roots, reader, fetching=fetching, at=at) for sig in embedded]
    problems = [] if roots else [_("No trusted root is configured.")]
    return VerificationReport(reports, problems + _order_problems(reports))
