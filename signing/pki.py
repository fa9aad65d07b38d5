"""The development PKI: a root CA, an issuing CA, an OCSP responder, a timestamp
authority and a revocation list, all under one folder (settings.SIGNING_PKI_DIR).

It exists so that `make run` and the tests sign for real on a fresh machine. Its CA
keys sit in files, which is acceptable only because nothing it issues is trusted
outside this installation; production uses a real CA and never runs this code.
Signers' keys are not here: they are generated on their tokens (see tokens.py).
"""

from __future__ import annotations

import json
import secrets
import urllib.request
import warnings
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from asn1crypto import ocsp as asn1_ocsp
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from signing.certs import PERSONAL_POLICY_OID, SEAL_POLICY_OID

ROOT_NAME = "e-Cabinet Development Root CA"
CA_NAME = "e-Cabinet Development Issuing CA"


@dataclass(frozen=True)
class DevPki:
    dir: Path
    base_url: str

    def path(self, name: str) -> Path:
        return self.dir / name

    @property
    def root_pem(self) -> Path:
        return self.dir / "root.pem"

    def cert(self, name: str) -> x509.Certificate:
        return x509.load_pem_x509_certificate(self.path(f"{name}.pem").read_bytes())

    def key(self, name: str) -> rsa.RSAPrivateKey:
        key = serialization.load_pem_private_key(self.path(f"{name}.key").read_bytes(), None)
        assert isinstance(key, rsa.RSAPrivateKey)  # noqa: S101 - we wrote it
        return key


def _now() -> datetime:
    return datetime.now(tz=UTC)


# X.520's upper bound for the name attributes we write (ub-common-name, ub-title,
# ub-organization-name: 64) counts characters, not bytes: a Vietnamese agency name of
# 64 letters takes far more than 64 bytes in UTF-8.
NAME_ATTRIBUTE_MAX_CHARS = 64


def _fit(value: str) -> str:
    """At most 64 characters, cut at a word boundary, so a certificate never names
    "… Việt N" (one word longer than the bound is the only thing cut inside)."""
    value = value.strip()
    if len(value) <= NAME_ATTRIBUTE_MAX_CHARS:
        return value
    head = value[: NAME_ATTRIBUTE_MAX_CHARS + 1]
    if " " in head:
        head = head.rsplit(" ", 1)[0]
    return head[:NAME_ATTRIBUTE_MAX_CHARS].rstrip(" ,;-–")


def _attribute(oid, value: str) -> x509.NameAttribute:
    if oid != NameOID.COMMON_NAME or len(value.encode()) <= NAME_ATTRIBUTE_MAX_CHARS:
        return x509.NameAttribute(oid, value)
    # cryptography checks a common name's length in UTF-8 bytes and only warns when told
    # not to validate; the bound is in characters, which _fit has kept.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "Attribute's length", UserWarning)
        return x509.NameAttribute(oid, value, _validate=False)


def _name(*pairs: tuple) -> x509.Name:
    # A long title or agency name is shortened, not refused: the full text is in the
    # signature block drawn on the page.
    return x509.Name([_attribute(oid, _fit(value)) for oid, value in pairs if value.strip()])


def _write_key(path: Path, key: rsa.RSAPrivateKey) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    path.chmod(0o600)


def _builder(subject, issuer_cert, public_key, not_before, not_after) -> x509.CertificateBuilder:
    issuer_name = issuer_cert.subject if issuer_cert is not None else subject
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public_key)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
    )
    if issuer_cert is not None:
        ski = issuer_cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier).value
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_subject_key_identifier(ski), critical=False
        )
    return builder


def _revocation_pointers(builder, base_url: str, crl_name: str, *, ocsp: bool):
    builder = builder.add_extension(
        x509.CRLDistributionPoints(
            [
                x509.DistributionPoint(
                    [x509.UniformResourceIdentifier(f"{base_url}/crl/{crl_name}.crl")],
                    None,
                    None,
                    None,
                )
            ]
        ),
        critical=False,
    )
    access = [
        x509.AccessDescription(
            x509.AuthorityInformationAccessOID.CA_ISSUERS,
            x509.UniformResourceIdentifier(f"{base_url}/certs/{crl_name}.cer"),
        )
    ]
    if ocsp:
        access.insert(
            0,
            x509.AccessDescription(
                x509.AuthorityInformationAccessOID.OCSP,
                x509.UniformResourceIdentifier(f"{base_url}/ocsp"),
            ),
        )
    return builder.add_extension(x509.AuthorityInformationAccess(access), critical=False)


def _key_usage(*, sign: bool = False, ca: bool = False) -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=sign,
        content_commitment=sign and not ca,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def pki_open(pki_dir: Path) -> DevPki | None:
    meta = pki_dir / "pki.json"
    if not meta.exists():
        return None
    return DevPki(pki_dir, json.loads(meta.read_text(encoding="utf-8"))["base_url"])


def pki_create(pki_dir: Path, *, port: int) -> tuple[DevPki, bool]:
    """Create the CAs, the OCSP responder and the TSA once; later calls reuse them.
    Returns the PKI and whether it was created now."""
    existing = pki_open(pki_dir)
    if existing is not None:
        return existing, False
    pki_dir.mkdir(parents=True, exist_ok=True)
    pki = DevPki(pki_dir, f"http://127.0.0.1:{port}")
    now = _now() - timedelta(minutes=5)
    root_key = rsa.generate_private_key(public_exponent=65537, key_size=3072)
    root_subject = _name((NameOID.COMMON_NAME, ROOT_NAME), (NameOID.COUNTRY_NAME, "VN"))
    root = (
        _builder(root_subject, None, root_key.public_key(), now, now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    _store(pki, "root", root, root_key)
    ca_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca_subject = _name((NameOID.COMMON_NAME, CA_NAME), (NameOID.COUNTRY_NAME, "VN"))
    builder = _builder(ca_subject, root, ca_key.public_key(), now, now + timedelta(days=3000))
    builder = _revocation_pointers(builder, pki.base_url, "root", ocsp=False)
    ca = (
        builder.add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(ca=True), critical=True)
        .sign(root_key, hashes.SHA256())
    )
    _store(pki, "ca", ca, ca_key)
    _service_cert(
        pki, "ocsp", "e-Cabinet Development OCSP Responder", ExtendedKeyUsageOID.OCSP_SIGNING
    )
    _service_cert(
        pki, "tsa", "e-Cabinet Development Timestamp Authority", ExtendedKeyUsageOID.TIME_STAMPING
    )
    pki.path("revoked.json").write_text("{}", encoding="utf-8")
    # Written last: its presence means the PKI is complete.
    pki.path("pki.json").write_text(json.dumps({"base_url": pki.base_url}), encoding="utf-8")
    return pki, True


def _store(pki: DevPki, name: str, cert: x509.Certificate, key: rsa.RSAPrivateKey) -> None:
    pki.path(f"{name}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    _write_key(pki.path(f"{name}.key"), key)


def _service_cert(pki: DevPki, name: str, common_name: str, usage) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ca, ca_key = pki.cert("ca"), pki.key("ca")
    now = _now() - timedelta(minutes=5)
    subject = _name((NameOID.COMMON_NAME, common_name), (NameOID.COUNTRY_NAME, "VN"))
    builder = _builder(subject, ca, key.public_key(), now, now + timedelta(days=2900))
    if name == "ocsp":
        # Asking whether the responder itself is revoked would never end (RFC 6960 4.2.2.2.1).
        builder = builder.add_extension(x509.OCSPNoCheck(), critical=False)
    else:
        builder = _revocation_pointers(builder, pki.base_url, "ca", ocsp=True)
    cert = (
        builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(sign=True, ca=False), critical=True)
        .add_extension(x509.ExtendedKeyUsage([usage]), critical=True)
        .sign(ca_key, hashes.SHA256())
    )
    _store(pki, name, cert, key)


def signer_subject(
    *, common_name: str, organisation: str, title: str = "", uid: str = ""
) -> x509.Name:
    return _name(
        (NameOID.COMMON_NAME, common_name),
        (NameOID.TITLE, title),
        (NameOID.ORGANIZATION_NAME, organisation),
        (NameOID.USER_ID, uid),
        (NameOID.COUNTRY_NAME, "VN"),
    )


def certificate_issue(
    pki: DevPki,
    *,
    public_key_der: bytes,
    subject: x509.Name,
    seal: bool,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    policy: str | None = None,
) -> bytes:
    """Issue a signer's certificate for a key that stays on its token; returns DER.
    `policy` names another certificate policy (the audit checkpoint key's)."""
    public_key = serialization.load_der_public_key(public_key_der)
    not_before = not_before or _now() - timedelta(minutes=5)
    not_after = not_after or not_before + timedelta(days=2 * 365)
    policy = policy or (SEAL_POLICY_OID if seal else PERSONAL_POLICY_OID)
    builder = _builder(subject, pki.cert("ca"), public_key, not_before, not_after)
    # The certificate points to the CRL only: poppler 22 (pdfsig) reports "Unknown
    # issue" for any certificate that names an OCSP responder, even with -no-ocsp (it
    # reads NSS's last error after a successful check). The responder answers for it
    # all the same, and signing embeds its answer (pades.py, signer_ocsp_response): a
    # validator needs it to judge the signature once this certificate has expired.
    builder = _revocation_pointers(builder, pki.base_url, "ca", ocsp=False)
    cert = (
        builder.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(sign=True), critical=True)
        .add_extension(
            x509.CertificatePolicies([x509.PolicyInformation(x509.ObjectIdentifier(policy), None)]),
            critical=False,
        )
        .sign(pki.key("ca"), hashes.SHA256())
    )
    return cert.public_bytes(serialization.Encoding.DER)


def revoked_serials(pki: DevPki) -> dict[int, dict]:
    data = json.loads(pki.path("revoked.json").read_text(encoding="utf-8"))
    return {int(serial): entry for serial, entry in data.items()}


def certificate_revoke(
    pki: DevPki, *, serial: int, reason: str = "key_compromise", when: datetime | None = None
) -> None:
    """Mark a certificate revoked; the OCSP responder and the CRL say so at once."""
    data = json.loads(pki.path("revoked.json").read_text(encoding="utf-8"))
    data[str(serial)] = {"reason": reason, "at": (when or _now()).isoformat()}
    tmp = pki.path(f"revoked.json.{secrets.token_hex(4)}")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    tmp.replace(pki.path("revoked.json"))


def ocsp_response(pki: DevPki, cert: asn1_x509.Certificate, *, timeout: float = 20) -> bytes:
    """Ask the development OCSP responder about a certificate the issuing CA issued;
    returns the DER answer. ConnectionError when it cannot be reached or will not say."""
    issuer = asn1_x509.Certificate.load(pki.cert("ca").public_bytes(serialization.Encoding.DER))
    cert_id = {
        "hash_algorithm": {"algorithm": "sha256"},
        "issuer_name_hash": issuer.subject.sha256,
        "issuer_key_hash": issuer.public_key.sha256,
        "serial_number": cert.serial_number,
    }
    request = asn1_ocsp.OCSPRequest({"tbs_request": {"request_list": [{"req_cert": cert_id}]}})
    post = urllib.request.Request(  # noqa: S310 - our own http:// service URL
        f"{pki.base_url}/ocsp",
        data=request.dump(),
        headers={"Content-Type": "application/ocsp-request"},
    )
    try:
        with urllib.request.urlopen(post, timeout=timeout) as answer:  # noqa: S310 - as above
            data = answer.read()
    except OSError as exc:
        raise ConnectionError(f"The OCSP responder at {pki.base_url} did not answer") from exc
    if asn1_ocsp.OCSPResponse.load(data)["response_status"].native != "successful":
        raise ConnectionError(f"The OCSP responder at {pki.base_url} gave no answer")
    return data


def chain_der(pki: DevPki) -> list[bytes]:
    """The issuing CA, which every signature carries so validators can build the path."""
    return [pki.cert("ca").public_bytes(serialization.Encoding.DER)]
