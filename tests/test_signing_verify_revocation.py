# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""verify_pdf on revoked and expired certificates, judged as PAdES long-term validation
judges them: a trusted signature timestamp proves when a signature existed, and the
certificate must have been neither revoked nor expired at that moment.

Signatures our service refuses to make (with a revoked or an expired certificate) are
made here with pyHanko directly, with the same development PKI and SoftHSM2 keys."""

from __future__ import annotations

import asyncio
import datetime as dt
import io
import json
import shutil
import subprocess
import time
import urllib.request

import pytest
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.core.management import call_command
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields
from pyhanko.sign import signers as pdf_signers
from pyhanko.sign._session_scope import run_and_release
from pyhanko.sign.pkcs11 import PKCS11Signer
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko_certvalidator import CertificateValidator, ValidationContext

from ecabinet import dates
from signing import certs, services, tokens, verify
from signing.models import SigningKey
from signing.pki import chain_der, pki_open
from signing.provisioning import key_provision
from tests.pki_fixtures import (  # noqa: F401
    USER_PIN,
    dev_pki,
    make_document,
    nss_db,
    pdfsig,
    signers,
    signing_settings,
    version_bytes,
)

pytestmark = pytest.mark.django_db


def _verify(data: bytes, tmp_path, *args: str) -> tuple[int, str, dict]:
    """Run the real command twice: the report a person reads, and the JSON one."""
    path = tmp_path / "checked.pdf"
    path.write_bytes(data)
    results = []
    for extra in ((), ("--json",)):
        out = io.StringIO()
        try:
            call_command("verify_pdf", str(path), *args, *extra, stdout=out)
            code = 0
        except SystemExit as exc:
            code = int(exc.code)
        results.append((code, out.getvalue()))
    (code, text), (json_code, raw) = results
    assert code == json_code
    return code, text, json.loads(raw)


def _revoke(user) -> None:
    """Through the operator's command: the CRL served by the PKI lists it at once."""
    out = io.StringIO()
    call_command("pki", "revoke", "--user", user.username, stdout=out)
    assert "Revoked:" in out.getvalue()


def _pdfsig_knowing_the_crl(data: bytes, nss_db, tmp_path) -> str:
    """poppler asks no CRL by itself: give its NSS database a copy of the CA's current
    CRL (from the URL in the certificates) and let it judge."""
    db = tmp_path / "nss-with-crl"
    shutil.copytree(nss_db, db)
    crl = tmp_path / "ca.crl"
    base_url = pki_open(settings.SIGNING_PKI_DIR).base_url
    with urllib.request.urlopen(f"{base_url}/crl/ca.crl", timeout=10) as response:  # noqa: S310
        crl.write_bytes(response.read())
    subprocess.run(
        ["crlutil", "-I", "-d", f"sql:{db}", "-i", str(crl), "-t", "1", "-B"],  # noqa: S607
        check=True,
        capture_output=True,
    )
    return pdfsig(data, db, tmp_path).stdout


def _sign_with_pyhanko(data: bytes, key: SigningKey, *, timestamp: bool) -> bytes:
    """A PAdES signature made without our service's checks (B-T with a timestamp,
    otherwise B-B), with the key on its SoftHSM2 token."""
    pki = pki_open(settings.SIGNING_PKI_DIR)
    chain = [asn1_x509.Certificate.load(der) for der in chain_der(pki)]
    meta = pdf_signers.PdfSignatureMetadata(
        field_name="Signature1", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    tsa = HTTPTimeStamper(settings.SIGNING_TSA_URL, timeout=20) if timestamp else None
    with tokens.session(key.token_label, USER_PIN) as sess:
        signer = PKCS11Signer(
            sess,
            key_label=key.key_label,
            signing_cert=key.asn1_certificate(),
            ca_chain=chain,
            embed_roots=False,
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        out = pdf_signers.PdfSigner(meta, signer=signer, timestamper=tsa).sign_pdf(
            writer, output=io.BytesIO()
        )
    return out.getvalue()


def _unsigned(signers) -> bytes:
    return version_bytes(make_document(signers.body, signers.secretary).latest_version())


def _signed_by_service(signers) -> bytes:
    document = make_document(signers.body, signers.secretary)
    signed = services.version_sign(
        actor=signers.minister, version=document.latest_version(), pin=USER_PIN
    )
    return version_bytes(signed)


def _short_lived_key(signers, dev_pki, *, not_before, not_after) -> SigningKey:
    return key_provision(
        actor=None,
        pki=dev_pki.pki,
        pin=USER_PIN,
        user=signers.minister,
        not_before=not_before,
        not_after=not_after,
    )


def _now() -> dt.datetime:
    return dt.datetime.now(tz=dt.UTC)


def _local(moment: dt.datetime) -> str:
    """How the report writes a time: Vietnam time, to the second, in the language's style."""
    return dates.when(moment, seconds=True)


# --- revoked ---------------------------------------------------------------------------


@pytest.mark.parametrize("timestamp", [True, False], ids=["timestamped", "untimestamped"])
def test_a_signature_made_after_the_revocation_is_reported_revoked(
    signers, nss_db, tmp_path, timestamp
):
    _revoke(signers.minister)
    time.sleep(1.1)  # CRL times have whole seconds: the signature comes strictly later
    data = _sign_with_pyhanko(_unsigned(signers), signers.minister_key, timestamp=timestamp)

    code, text, report = _verify(data, tmp_path)

    assert code == 1, text
    assert "[BAD] #1 Signature1 (personal)" in text
    assert "The signer's certificate was revoked on" in text
    sig = report["signatures"][0]
    assert (sig["intact"], sig["valid"], sig["trusted"]) == (True, True, False)
    if timestamp:
        assert "before this signature was made" in text
    else:
        assert "no trusted timestamp" in text
    assert "Certificate has been Revoked." in _pdfsig_knowing_the_crl(data, nss_db, tmp_path)


def test_without_a_timestamp_a_revocation_after_signing_withdraws_trust(
    signers, signing_settings, nss_db, tmp_path
):
    signing_settings.SIGNING_TSA_URL = ""  # B-B: nothing proves when it was signed
    data = _signed_by_service(signers)
    assert _verify(data, tmp_path)[0] == 0

    _revoke(signers.minister)
    code, text, report = _verify(data, tmp_path)

    assert code == 1, text
    assert "The signer's certificate was revoked on" in text
    assert "no trusted timestamp" in text
    assert report["signatures"][0]["trusted"] is False
    assert "Certificate has been Revoked." in _pdfsig_knowing_the_crl(data, nss_db, tmp_path)


def test_a_timestamp_from_before_the_revocation_keeps_the_signature_valid(
    signers, nss_db, tmp_path
):
    data = _signed_by_service(signers)  # B-LTA
    time.sleep(1.1)  # the revocation falls in a later second than the timestamp
    _revoke(signers.minister)

    code, text, report = _verify(data, tmp_path)

    assert code == 0, text
    personal = report["signatures"][0]
    assert personal["kind"] == "personal" and personal["ok"] is True
    assert personal["timestamp_time"] is not None
    assert "VALID" in text.splitlines()[-1] and "NOT VALID" not in text
    # A person reads when it was signed, and that the revocation came later.
    signed_at = dt.datetime.fromisoformat(personal["timestamp_time"])
    assert "Signed on " in text
    assert "was revoked on" in text and "after this signature was made" in text
    assert any("revoked" in note for note in personal["notes"])
    revoked_at = dt.datetime.fromisoformat(
        json.loads((settings.SIGNING_PKI_DIR / "revoked.json").read_text())[
            str(int(signers.minister_key.serial, 16))
        ]["at"]
    )
    assert signed_at < revoked_at


# --- expired ---------------------------------------------------------------------------


@pytest.mark.parametrize("timestamp", [True, False], ids=["timestamped", "untimestamped"])
def test_a_signature_made_after_the_certificate_expired_is_invalid(
    signers, dev_pki, nss_db, tmp_path, timestamp
):
    now = _now()
    key = _short_lived_key(
        signers,
        dev_pki,
        not_before=now - dt.timedelta(hours=2),
        not_after=now - dt.timedelta(hours=1),
    )
    data = _sign_with_pyhanko(_unsigned(signers), key, timestamp=timestamp)

    code, text, report = _verify(data, tmp_path)

    assert code == 1, text
    sig = report["signatures"][0]
    assert (sig["intact"], sig["valid"], sig["trusted"]) == (True, True, False)
    expiry = _local(key.asn1_certificate().not_valid_after)
    assert f"The signer's certificate expired on {expiry}" in text
    assert "Certificate has Expired" in pdfsig(data, nss_db, tmp_path).stdout


def test_a_timestamped_signature_stays_valid_after_the_certificate_expires(
    signers, dev_pki, tmp_path
):
    now = _now()
    key = _short_lived_key(
        signers,
        dev_pki,
        not_before=now - dt.timedelta(minutes=5),
        not_after=now + dt.timedelta(hours=1),
    )
    data = _signed_by_service(signers)  # B-LTA, while the certificate is valid
    later = (now + dt.timedelta(days=30)).isoformat()

    code, text, report = _verify(data, tmp_path, "--at", later)

    assert code == 0, text
    personal = report["signatures"][0]
    assert personal["ok"] is True
    expiry = _local(key.asn1_certificate().not_valid_after)
    assert f"The signer's certificate expired on {expiry}, after this signature" in text
    assert "Signed on " in text
    assert [s["kind"] for s in report["signatures"]] == ["personal", "timestamp"]
    assert all(s["ok"] for s in report["signatures"])


def test_without_a_timestamp_the_same_signature_fails_once_the_certificate_expired(
    signers, signing_settings, dev_pki, tmp_path
):
    signing_settings.SIGNING_TSA_URL = ""  # B-B
    now = _now()
    key = _short_lived_key(
        signers,
        dev_pki,
        not_before=now - dt.timedelta(minutes=5),
        not_after=now + dt.timedelta(hours=1),
    )
    data = _signed_by_service(signers)
    assert _verify(data, tmp_path)[0] == 0

    code, text, report = _verify(data, tmp_path, "--at", (now + dt.timedelta(days=30)).isoformat())

    assert code == 1, text
    expiry = _local(key.asn1_certificate().not_valid_after)
    assert f"The signer's certificate expired on {expiry}" in text
    assert "no trusted timestamp" in text
    assert report["signatures"][0]["trusted"] is False


def test_a_malformed_validation_time_is_refused(signers, tmp_path):
    path = tmp_path / "any.pdf"
    path.write_bytes(_unsigned(signers))
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--at"):
        call_command("verify_pdf", str(path), "--at", "yesterday", stdout=io.StringIO())


def test_a_crl_issued_while_a_slow_check_runs_is_accepted(signers):
    # A check judged "now" fixes its moment when it starts; the CA's CRL, fetched later
    # under load, is issued after that moment. It knows more, not less: it must count.
    pki = pki_open(settings.SIGNING_PKI_DIR)
    chain = [asn1_x509.Certificate.load(der) for der in chain_der(pki)]
    context = ValidationContext(
        trust_roots=certs.trust_roots(), allow_fetching=True, **verify._revocation_rules(None)
    )
    time.sleep(3)  # more than the clock tolerance (1 s) beyond the CRL's own back-dating
    validator = CertificateValidator(
        signers.minister_key.asn1_certificate(),
        intermediate_certs=chain,
        validation_context=context,
    )
    path = asyncio.run(run_and_release(validator.async_validate_usage(set()), context))
    assert path.leaf.subject == signers.minister_key.asn1_certificate().subject


def test_the_check_before_signing_accepts_a_crl_issued_while_it_runs(signers):
    pki = pki_open(settings.SIGNING_PKI_DIR)
    chain = [asn1_x509.Certificate.load(der) for der in chain_der(pki)]
    context = certs.validation_context(other_certs=chain)  # hard-fail, as before signing
    time.sleep(3)
    validator = CertificateValidator(
        signers.minister_key.asn1_certificate(),
        intermediate_certs=chain,
        validation_context=context,
    )
    path = asyncio.run(run_and_release(validator.async_validate_usage(set()), context))
    assert path.leaf.subject == signers.minister_key.asn1_certificate().subject
