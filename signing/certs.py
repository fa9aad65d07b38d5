"""Certificates: which roots we trust, what kind of signer a certificate names, and
whether a signer's certificate may sign now (chain, validity, revocation).

How a seal is recognised: a certificate is an organisation's seal when its
certificatePolicies extension carries one of `seal_policy_oids()`: our development
PKI's seal policy, ETSI's policies for legal persons (QCP-l, QCP-l-qscd), and any
OID named in settings.SIGNING_SEAL_POLICY_OIDS for a production CA.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.utils.translation import gettext as _
from pyhanko.sign._session_scope import run_and_release
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator import errors as cv_errors

from ecabinet import dates

# Our private arc (2.25 is the UUID arc: no registration needed, no collisions).
E_CABINET_ARC = "2.25.4206434059890699669911015727637133912"
PERSONAL_POLICY_OID = f"{E_CABINET_ARC}.1.1"
SEAL_POLICY_OID = f"{E_CABINET_ARC}.1.2"
# ETSI EN 319 411-2: certificates for legal persons (an agency's seal).
ETSI_QCP_L = "0.4.0.194112.1.1"
ETSI_QCP_L_QSCD = "0.4.0.194112.1.3"

KIND_PERSONAL = "personal"
KIND_SEAL = "seal"


class CertificateRefused(Exception):
    """The signer's certificate may not sign now; the message says why, in plain words."""


def seal_policy_oids() -> set[str]:
    return {SEAL_POLICY_OID, ETSI_QCP_L, ETSI_QCP_L_QSCD, *settings.SIGNING_SEAL_POLICY_OIDS}


def certificate_kind(cert: asn1_x509.Certificate) -> str:
    policies = cert.certificate_policies_value
    oids = {p["policy_identifier"].dotted for p in policies} if policies else set()
    return KIND_SEAL if oids & seal_policy_oids() else KIND_PERSONAL


def load_pem_certificates(data: bytes) -> list[asn1_x509.Certificate]:
    if not pem.detect(data):
        return [asn1_x509.Certificate.load(data)]
    return [asn1_x509.Certificate.load(der) for _t, _h, der in pem.unarmor(data, multiple=True)]


def trust_root_paths() -> list[Path]:
    if settings.SIGNING_TRUST_ROOTS:
        return [Path(p) for p in settings.SIGNING_TRUST_ROOTS]
    if settings.IS_PRODUCTION:
        return []
    return [Path(settings.SIGNING_PKI_DIR) / "root.pem"]


def trust_roots(paths: list[Path] | None = None) -> list[asn1_x509.Certificate]:
    roots: list[asn1_x509.Certificate] = []
    for path in paths if paths is not None else trust_root_paths():
        if path.exists():
            roots.extend(load_pem_certificates(path.read_bytes()))
    return roots


def validation_context(
    *,
    roots: list[asn1_x509.Certificate] | None = None,
    fetching: bool = True,
    other_certs: list[asn1_x509.Certificate] | None = None,
    mode: str = "hard-fail",
    moment: datetime | None = None,
    **extra,
) -> ValidationContext:
    if moment is None:
        # "Now" is fixed when the context is made; a CRL or OCSP answer the CA issues
        # while the check runs (a slow token, a busy server) is newer than it, not wrong.
        extra.setdefault("retroactive_revinfo", True)
    return ValidationContext(
        trust_roots=roots if roots is not None else trust_roots(),
        other_certs=other_certs or [],
        allow_fetching=fetching,
        revocation_mode=mode,
        moment=moment,
        **extra,
    )


def certificate_check(cert: asn1_x509.Certificate, chain: list[asn1_x509.Certificate]) -> None:
    """Refuse a certificate that is not yet valid, expired, revoked or not from a
    trusted CA. Revocation is asked of the CA now (OCSP or CRL), so a key revoked a
    minute ago no longer signs."""
    now = datetime.now(tz=UTC)
    if cert.not_valid_after < now:
        raise CertificateRefused(
            _("Your certificate expired on %(date)s; ask for a new one.")
            % {"date": dates.day(cert.not_valid_after)}
        )
    if cert.not_valid_before > now:
        raise CertificateRefused(_("Your certificate is not valid yet."))
    roots = trust_roots()
    if not roots:
        raise CertificateRefused(_("No trusted certificate authority is configured."))
    context = validation_context(roots=roots, other_certs=chain)
    validator = CertificateValidator(cert, intermediate_certs=chain, validation_context=context)
    try:
        # run_and_release closes the HTTP session the context opened for OCSP and CRLs.
        asyncio.run(run_and_release(validator.async_validate_usage({"non_repudiation"}), context))
    except cv_errors.RevokedError as exc:
        raise CertificateRefused(
            _("Your certificate has been revoked; it can no longer sign.")
        ) from exc
    except cv_errors.ExpiredError as exc:
        raise CertificateRefused(_("A certificate in your chain has expired.")) from exc
    except cv_errors.PathBuildingError as exc:
        raise CertificateRefused(
            _("Your certificate was not issued by a trusted certificate authority.")
        ) from exc
    except cv_errors.InsufficientRevinfoError as exc:
        raise CertificateRefused(
            _(
                "The certificate authority could not be asked whether your certificate is "
                "revoked; try again later."
            )
        ) from exc
    except (cv_errors.PathValidationError, cv_errors.InvalidCertificateError) as exc:
        raise CertificateRefused(
            _("Your certificate cannot be used for signing: %(reason)s") % {"reason": exc}
        ) from exc
