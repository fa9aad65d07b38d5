# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""Keys: revoked and expired certificates, PKCS#12 import, the development PKI."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12

from ecabinet.errors import Conflict
from signing import pki as pki_module
from signing import provisioning, services
from signing.verify import pdf_verify
from tests.pki_fixtures import (  # noqa: F401
    USER_PIN,
    assert_independently_valid,
    dev_pki,
    make_document,
    nss_db,
    signers,
    signing_settings,
    version_bytes,
)

pytestmark = pytest.mark.django_db


def test_a_revoked_certificate_can_no_longer_sign_and_its_old_signature_fails(signers):
    document = make_document(signers.body, signers.secretary)
    v2 = services.version_sign(actor=signers.chair, version=document.latest_version(), pin=USER_PIN)
    provisioning.key_revoke(actor=None, key=signers.minister_key)
    signers.minister_key.refresh_from_db()
    # The key row is retired; signing with the certificate is refused by the CA check too.
    signers.minister_key.status = "active"
    signers.minister_key.save(update_fields=["status"])
    with pytest.raises(Conflict, match="revoked"):
        services.version_sign(actor=signers.minister, version=v2, pin=USER_PIN)
    assert pdf_verify(version_bytes(v2)).ok  # the chair's signature is untouched


def test_an_expired_certificate_is_refused(signers, dev_pki):
    past = dt.datetime.now(tz=dt.UTC) - dt.timedelta(days=30)
    provisioning.key_provision(
        actor=None,
        pki=dev_pki.pki,
        pin=USER_PIN,
        user=signers.minister,
        not_before=past - dt.timedelta(days=10),
        not_after=past,
    )
    document = make_document(signers.body, signers.secretary)
    with pytest.raises(Conflict, match="expired"):
        services.version_sign(
            actor=signers.minister, version=document.latest_version(), pin=USER_PIN
        )


def _p12_for(pki: pki_module.DevPki, name: str) -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    der = pki_module.certificate_issue(
        pki,
        public_key_der=key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        subject=pki_module.signer_subject(common_name=name, organisation="Bộ Tài chính"),
        seal=False,
    )
    cert = x509.load_der_x509_certificate(der)
    return pkcs12.serialize_key_and_certificates(
        b"p12", key, cert, [pki.cert("ca")], serialization.BestAvailableEncryption(b"secret")
    )


def test_a_pkcs12_key_imported_to_a_token_signs(
    cabinet, signing_settings, dev_pki, nss_db, tmp_path
):
    from django.core.management import call_command

    p12 = tmp_path / "minister.p12"
    p12.write_bytes(_p12_for(dev_pki.pki, "Lê Văn Nhập"))
    call_command(
        "pki",
        "import-p12",
        "--user",
        cabinet.minister.username,
        "--file",
        str(p12),
        "--passphrase",
        "secret",
        "--pin",
        "246810",
    )
    document = make_document(cabinet.body, cabinet.secretary)
    signed = services.version_sign(
        actor=cabinet.minister, version=document.latest_version(), pin="246810"
    )
    assert_independently_valid(version_bytes(signed), nss_db, tmp_path, signatures=1)


def test_pki_init_gives_every_signer_a_key_and_every_body_a_seal_once(cabinet, signing_settings):
    from signing.models import SigningKey

    report = provisioning.dev_pki_init(users=[cabinet.chair, cabinet.secretary])
    assert {u for u, _ in report.users} == {cabinet.chair, cabinet.secretary}
    assert {b for b, _ in report.bodies} == {cabinet.body, cabinet.other_body}
    again = provisioning.dev_pki_init(users=[cabinet.chair, cabinet.secretary])
    assert not again.users and not again.bodies and not again.created
    assert SigningKey.objects.filter(status="active").count() == 4


def test_pki_init_refuses_to_run_in_production(settings):
    from ecabinet.errors import NotAllowed

    settings.IS_PRODUCTION = True
    with pytest.raises(NotAllowed):
        provisioning.dev_pki_init()


def test_a_long_vietnamese_agency_name_is_shortened_to_fit_a_certificate():
    from cryptography.x509.oid import NameOID

    from signing.pki import _name

    agency = "Chính phủ nước Cộng hòa xã hội chủ nghĩa Việt Nam – Văn phòng Chính phủ"
    name = _name((NameOID.ORGANIZATION_NAME, agency), (NameOID.COUNTRY_NAME, "VN"))
    value = name.get_attributes_for_oid(NameOID.ORGANIZATION_NAME)[0].value
    # X.520 counts 64 characters, not bytes; whole words only.
    assert agency.startswith(value) and len(value) <= 64 < len(value.encode())
    assert value == "Chính phủ nước Cộng hòa xã hội chủ nghĩa Việt Nam – Văn phòng"
