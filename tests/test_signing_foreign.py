# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""A paper that arrives already signed by another tool (its own field name, no visible
block) is still sealed by the agency, and the seal sits where a signer's block would go."""

from __future__ import annotations

import io

import pytest
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields
from pyhanko.sign import signers as pdf_signers
from pyhanko.sign.pkcs11 import PKCS11Signer

from documents import services as document_services
from signing import appearance, services, tokens
from signing.pki import chain_der, pki_open
from tests.factories import NamedBytes
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
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


def _signed_elsewhere(data: bytes, key) -> bytes:
    """An invisible PAdES signature in a field named as other tools name them."""
    chain = [
        asn1_x509.Certificate.load(der) for der in chain_der(pki_open(settings.SIGNING_PKI_DIR))
    ]
    meta = pdf_signers.PdfSignatureMetadata(
        field_name="Sig1", md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES
    )
    with tokens.session(key.token_label, USER_PIN) as sess:
        signer = PKCS11Signer(
            sess, key_label=key.key_label, signing_cert=key.asn1_certificate(), ca_chain=chain
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        out = pdf_signers.PdfSigner(meta, signer=signer).sign_pdf(writer, output=io.BytesIO())
    return out.getvalue()


def test_a_paper_signed_by_another_tool_is_sealed_beside_its_signature(signers, nss_db, tmp_path):
    plain = version_bytes(make_document(signers.body, signers.secretary).latest_version())
    foreign = _signed_elsewhere(plain, signers.minister_key)
    # Another tool's field name: none of ours ("Signature<n>") to put the seal over.
    assert [f.name for f in appearance.signature_fields(foreign)] == ["Sig1"]
    document = document_services.document_create(
        actor=signers.secretary,
        body=signers.body,
        file=NamedBytes(foreign),
        filename="da-ky.pdf",
        doc_type="to_trinh",
        summary="Tờ trình đã ký số bằng phần mềm khác",
        issuing_body="Bộ Tài chính",
    )
    sealed = services.version_sign(
        actor=signers.secretary,
        version=document.latest_version(),
        pin=SEAL_PIN,
        kind="seal",
        body=signers.body,
    )
    data = version_bytes(sealed)
    assert data.startswith(foreign)
    assert_independently_valid(data, nss_db, tmp_path, signatures=2)
