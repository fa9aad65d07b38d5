"""Making one PAdES signature with pyHanko and a key on a PKCS#11 token.

With a timestamp authority configured, the signature carries an RFC 3161 signature
timestamp and the validation data (certificates, OCSP, CRL) in the document security
store, then a document timestamp over everything: PAdES B-LTA, which a validator can
still check after the certificates have expired. Without one it is B-B.
"""

from __future__ import annotations

import io
import tempfile
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers
from pyhanko.sign.fields import FieldMDPAction, FieldMDPSpec, MDPPerm, SigSeedSubFilter
from pyhanko.sign.pkcs11 import PKCS11Signer
from pyhanko.sign.timestamps import HTTPTimeStamper
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
    context = certs.validation_context(other_certs=chain) if tsa_url else None
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
    return out.getvalue()
