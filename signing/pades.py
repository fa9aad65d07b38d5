"""Making one PAdES signature with pyHanko and a key on a PKCS#11 token.

With a timestamp authority configured, the signature carries an RFC 3161 signature
timestamp and the validation data (certificates, OCSP, CRL) in the document security
store, then a document timestamp over everything: PAdES B-LTA, which a validator can
still check after the certificates have expired. Without one it is B-B.

The document security store holds the whole chain, root included (an archive judges
with the root as its only anchor and needs proof that the root existed then), and, in
a last revision, the validation data of the final document timestamp, so that every
timestamp in the file can be checked offline. See docs/signing.md, "Long-term
validation".
"""

from __future__ import annotations

import asyncio
import io
import tempfile
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import ocsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign._session_scope import run_and_release
from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, MDPPerm, SigSeedSubFilter
from pyhanko.sign.pkcs11 import PKCS11Signer
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation.dss import async_add_validation_info
from pyhanko.stamp import StaticStampStyle

from documents.pdf import pdf_metadata_follow_revisions
from signing import certs
from signing.appearance import Box

# Each revision pyHanko writes (signature, validation data, document timestamp) dates
# /Info and XMP with one instant and moves xmp:MetadataDate with them (documents/pdf.py).
pdf_metadata_follow_revisions()


@dataclass(frozen=True)
class SignRequest:
    data: bytes
    field_name: str
    page: int
    box: Box
    stamp_pdf: bytes
    seal: bool
    signer_name: str
    reason: str
    location: str


def level() -> str:
    return "B-LTA" if settings.SIGNING_TSA_URL else "B-B"


def pdf_sign(
    request: SignRequest,
    *,
    session,
    key_label: str,
    cert: asn1_x509.Certificate,
    chain: list[asn1_x509.Certificate],
) -> bytes:
    """Sign and return the whole new file (the old bytes plus incremental updates)."""
    tsa_url = settings.SIGNING_TSA_URL
    context = None
    if tsa_url:
        ocsps = [ocsp.OCSPResponse.load(der) for der in signer_ocsp_response(cert)]
        context = certs.validation_context(other_certs=chain, ocsps=ocsps)
    meta = signers.PdfSignatureMetadata(
        field_name=request.field_name,
        md_algorithm="sha256",
        subfilter=SigSeedSubFilter.PADES,
        name=request.signer_name,
        reason=request.reason,
        location=request.location,
        embed_validation_info=bool(tsa_url),
        use_pades_lta=bool(tsa_url),
        validation_context=context,
    )
    field_spec = fields.SigFieldSpec(
        sig_field_name=request.field_name,
        on_page=request.page,
        box=request.box,
        # The seal closes the document: a FieldMDP lock on every field plus DocMDP
        # "no changes" in the lock dictionary, so a later edit shows as a violation
        # (only validation data and document timestamps may follow).
        field_mdp_spec=FieldMDPSpec(FieldMDPAction.ALL) if request.seal else None,
        doc_mdp_update_value=MDPPerm.NO_CHANGES if request.seal else None,
    )
    signer = PKCS11Signer(
        session, key_label=key_label, signing_cert=cert, ca_chain=chain, embed_roots=False
    )
    with tempfile.NamedTemporaryFile(suffix=".pdf") as stamp_file:
        stamp_file.write(request.stamp_pdf)
        stamp_file.flush()
        style = StaticStampStyle.from_pdf_file(stamp_file.name, border_width=0)
        pdf_signer = signers.PdfSigner(
            meta,
            signer=signer,
            timestamper=HTTPTimeStamper(tsa_url, timeout=20) if tsa_url else None,
            stamp_style=style,
            new_field_spec=field_spec,
        )
        writer = IncrementalPdfFileWriter(io.BytesIO(request.data), strict=False)
        out = pdf_signer.sign_pdf(writer, output=io.BytesIO())
    if tsa_url:
        _last_timestamp_validation_data(out, chain)
    return out.getvalue()


def signer_ocsp_response(cert: asn1_x509.Certificate) -> list[bytes]:
    """An OCSP answer for a signer's certificate that names no responder: the
    development CA's certificates point to their CRL only (see signing/pki.py), while
    an archive judging the signature after the certificate has expired needs the OCSP
    answer (its responder's certificate is in the file; a CRL issuer's path is not
    enough for pyHanko's past validation). A certificate that names a responder gets
    its answer from pyHanko, and one from another CA gets none here."""
    if cert.ocsp_urls:
        return []
    from signing import pki as dev_pki

    pki = dev_pki.pki_open(Path(settings.SIGNING_PKI_DIR))
    if pki is None:
        return []
    ca = asn1_x509.Certificate.load(pki.cert("ca").public_bytes(serialization.Encoding.DER))
    if cert.issuer != ca.subject or cert.authority_key_identifier != ca.key_identifier:
        return []
    return [dev_pki.ocsp_response(pki, cert)]


def _last_timestamp_validation_data(out: io.BytesIO, chain: list[asn1_x509.Certificate]) -> None:
    """Add the final document timestamp's validation data (the TSA's chain with the root,
    its OCSP answer and the CRLs above it) to the DSS in place. pyHanko gathers it for
    the signature and its signature timestamp only; the document timestamp it adds last
    would otherwise have none until the archive renews it."""
    reader = PdfFileReader(out, strict=False)
    last = reader.embedded_timestamp_signatures[-1]
    context = certs.validation_context(other_certs=chain)
    asyncio.run(
        run_and_release(
            async_add_validation_info(last, context, in_place=True, embed_roots=True), context
        )
    )
