"""A record as an edXML envelope (QCVN 102:2016, the national standard for exchanging
electronic documents between agencies), sealed with an XML signature.

Element names follow the standard's envelope (schema: archive/schemas/edxml-qcvn102-2016.xsd):

    edXML (default namespace http://www.mic.gov.vn/TBT/QCVN_102_2016)
      edXML:edXMLEnvelope
        edXML:edXMLHeader
          edXML:MessageHeader   From, To, Code, PromulgationInfo, DocumentType, Subject,
                                Content, SignerInfo, DueDate, ToPlaces, OtherInfo,
                                ResponseFor, SteeringType, DocumentId
          edXML:TraceHeaderList TraceHeader (OrganId, Timestamp)
          ds:Signature          XAdES (enveloped) by the agency's seal
        edXML:edXMLBody
          edXML:edXMLManifest   Reference xlink:href="cid:…" per attachment
      AttachmentEncoded
        Attachment              ContentType, ContentId, Description,
                                ContentTransferEncoded (base64), AttachmentName

OrganId is the agency's code from the national list (`Body.agency_code`, 000.00.00.G01).
One SignerInfo per person who signed the PDF, in the order they signed: Competence is the
capacity printed over the signature ("Thư ký", "Chủ tọa" on minutes, "Văn phòng Chính
phủ" on a tally report, "Thành viên Chính phủ" on an answer), Position the person's title
("Thủ tướng"). The seal is the agency's, not a signer: it signs the envelope instead.

OtherInfo has no element for confidentiality: the level (thường, Mật…) goes in
SphereOfPromulgation, the element for limits on circulation. Priority is the urgency:
0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc. Appendixes lists the files embedded in the PDF
(a minutes' `bien-ban.json`). ResponseFor names the record a correction replaces.

The signature is XAdES (signxml) over the whole envelope (reference URI "", enveloped
transform), so the header, the manifest and the attachment are all covered; the key never
leaves the seal token: `_TokenKey` hands signxml's `sign` call to PKCS#11.
"""

from __future__ import annotations

import base64
import hashlib
import io
import uuid
from pathlib import Path
from typing import Any

import pkcs11
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import padding as rsa_padding
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree
from pkcs11 import Mechanism, ObjectClass

from archive.models import Record
from documents.models import Confidentiality, Urgency
from ecabinet.errors import Conflict
from people.models import Body

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XLINK = "http://www.w3.org/1999/xlink"
DS = "http://www.w3.org/2000/09/xmldsig#"
SCHEMA = Path(__file__).parent / "schemas" / "edxml-qcvn102-2016.xsd"
TYPE_NAMES = {
    Record.Kind.MINUTES: "Biên bản",
    Record.Kind.BALLOT_REPORT: "Báo cáo",
    Record.Kind.BALLOT_ANSWER: "Phiếu lấy ý kiến",
    Record.Kind.RESOLUTION: "Nghị quyết",
}
# DocumentType/Type: 2 is an administrative document (văn bản hành chính).
ADMINISTRATIVE_TYPE = "2"
PRIORITY = {Urgency.NORMAL: 0, Urgency.URGENT: 1, Urgency.VERY_URGENT: 2, Urgency.FLASH: 3}
CIRCULATION = {
    Confidentiality.NORMAL: "Thường",
    Confidentiality.CONFIDENTIAL: "Mật",
    Confidentiality.SECRET: "Tối mật",
    Confidentiality.TOP_SECRET: "Tuyệt mật",
}
# Minutes are signed by the secretary, then the chair (minutes/services.py enforces it),
# under the headings the PDF prints (minutes/templates/minutes/pdf/minutes.html).
MINUTES_CAPACITIES = ("Thư ký", "Chủ tọa")
PKCS11_MECHANISMS = {
    "sha256": Mechanism.SHA256_RSA_PKCS,
    "sha384": Mechanism.SHA384_RSA_PKCS,
    "sha512": Mechanism.SHA512_RSA_PKCS,
}


def _el(parent, name: str, text: str | None = None, **attrs):
    element = etree.SubElement(parent, f"{{{NS}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def organ_id(body: Body) -> str:
    """The agency's code in the national list; a body without one has none to send."""
    return body.agency_code


def _contact(code: str) -> dict[str, str]:
    return (getattr(settings, "ARCHIVE_EDXML_CONTACTS", {}) or {}).get(code, {})


def _organ(parent, name: str, *, code: str, organ_name: str, in_charge: str, place: str) -> None:
    contact = _contact(code)
    organ = _el(parent, name)
    _el(organ, "OrganId", code)
    _el(organ, "OrganizationInCharge", in_charge)
    _el(organ, "OrganName", organ_name)
    _el(organ, "OrganAdd", contact.get("address") or place)
    for element, key in (("Email", "email"), ("Telephone", "telephone"), ("Website", "website")):
        _el(organ, element, contact.get(key, ""))


def _code(number: str) -> tuple[str, str]:
    """ "12/BB-CP" → ("12", "BB-CP"): the number and the notation (số, ký hiệu)."""
    head, _sep, tail = number.partition("/")
    return (head.strip(), tail.strip()) if tail else ("", number.strip())


def _date(value) -> str:
    return value.strftime("%Y/%m/%d")


def document_id(record: Record) -> str:
    return f"{organ_id(record.body)},{_date(record.issued_on)},{record.number or record.pk}"


def _capacity(record: Record, index: int) -> str:
    """The heading printed over the index-th personal signature of the record's PDF."""
    body = record.body
    government = body.kind == Body.Kind.GOVERNMENT
    if record.kind == Record.Kind.MINUTES:
        return MINUTES_CAPACITIES[min(index, len(MINUTES_CAPACITIES) - 1)]
    if record.kind == Record.Kind.BALLOT_REPORT:
        return "Văn phòng Chính phủ" if government else f"Văn phòng {body.short_name or body.name}"
    if record.kind == Record.Kind.RESOLUTION:
        # "TM. CHÍNH PHỦ / THỦ TƯỚNG": the chair signs on behalf of the body.
        return f"TM. {body.short_name or body.name}"
    if record.kind == Record.Kind.BALLOT_ANSWER:
        return (
            "Thành viên Chính phủ" if government else f"Thành viên {body.short_name or body.name}"
        )
    return ""


def signers_of(record: Record) -> list[dict[str, str]]:
    """The people who signed the archived PDF, in order, with their capacity and title;
    the seal is the agency's and is not one of them."""
    from signing.models import SignatureKind
    from signing.selectors import signatures_of_document

    version = record.version
    signatures = (
        signatures_of_document(version.document)
        .filter(signed_version__number__lte=version.number)
        .exclude(kind=SignatureKind.SEAL)
        .order_by("signed_at", "pk")
    )
    people = [(s.signer.full_name or s.signer.get_username(), s.signer.title) for s in signatures]
    if not people:
        # Filed without a signature made here (signed elsewhere): the names as filed,
        # "Name, Title", without the agency's own (its seal).
        for entry in record.signers:
            name, _sep, title = entry.partition(",")
            if entry.strip() and entry.strip() not in {record.body.name, record.body.short_name}:
                people.append((name.strip(), title.strip()))
    return [
        {"competence": _capacity(record, i), "position": title, "name": name}
        for i, (name, title) in enumerate(people)
    ]


def _appendixes(pdf: bytes) -> list[str]:
    """Names of the files embedded in the PDF (attachments the record carries)."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        return sorted(document.attachments.keys())


def envelope_tree(
    *,
    record: Record,
    pdf: bytes,
    to_name: str = "",
    to_code: str = "",
    due_date=None,
    moment=None,
) -> etree._Element:
    """The unsigned envelope."""
    document = record.version.document
    body = record.body
    code = organ_id(body)
    to_name = to_name or f"Lưu trữ cơ quan - {body.name}"
    issued = _date(record.issued_on)
    code_number, code_notation = _code(record.number)
    content_id = str(uuid.uuid4())
    moment = moment or timezone.now()

    root = etree.Element(f"{{{NS}}}edXML", nsmap={None: NS, "edXML": NS, "xlink": XLINK})
    envelope = _el(root, "edXMLEnvelope")
    header = _el(envelope, "edXMLHeader")
    message = _el(header, "MessageHeader")
    _organ(message, "From", code=code, organ_name=body.name, in_charge=body.name, place=body.place)
    # Another agency (`to_code`), or the body's own archive ("Lưu trữ cơ quan"), which
    # sits inside the body: its code.
    _organ(
        message,
        "To",
        code=to_code or code,
        organ_name=to_name,
        in_charge=to_name if to_code else body.name,
        place="" if to_code else body.place,
    )
    code_el = _el(message, "Code")
    _el(code_el, "CodeNumber", code_number)
    _el(code_el, "CodeNotation", code_notation)
    promulgation = _el(message, "PromulgationInfo")
    _el(promulgation, "Place", document.issued_place or body.place)
    _el(promulgation, "PromulgationDate", issued)
    doc_type = _el(message, "DocumentType")
    _el(doc_type, "Type", ADMINISTRATIVE_TYPE)
    _el(doc_type, "TypeName", TYPE_NAMES.get(record.kind, record.get_kind_display()))
    _el(message, "Subject", record.title)
    _el(message, "Content", document.summary)
    for signer in signers_of(record) or [{"competence": "", "position": "", "name": ""}]:
        info = _el(message, "SignerInfo")
        _el(info, "Competence", signer["competence"])
        _el(info, "Position", signer["position"])
        _el(info, "FullName", signer["name"])
    _el(message, "DueDate", _date(due_date) if due_date else "")
    places = _el(message, "ToPlaces")
    _el(places, "Place", to_name)
    other = _el(message, "OtherInfo")
    _el(other, "Priority", str(PRIORITY.get(document.urgency, 0)))
    _el(other, "SphereOfPromulgation", CIRCULATION.get(document.confidentiality, ""))
    _el(other, "TyperNotation", "")
    _el(other, "PromulgationAmount", "1")
    _el(other, "PageAmount", str(record.version.page_count))
    appendixes = _el(other, "Appendixes")
    for name in _appendixes(pdf):
        _el(appendixes, "Appendix", name)
    if record.supersedes_id:
        old = record.supersedes
        response = _el(message, "ResponseFor")
        _el(response, "OrganId", organ_id(old.body))
        _el(response, "Code", old.number)
        _el(response, "PromulgationDate", _date(old.issued_on))
        _el(response, "DocumentId", document_id(old))
    _el(message, "SteeringType", "0")
    _el(message, "DocumentId", document_id(record))
    trace_list = _el(header, "TraceHeaderList")
    trace = _el(trace_list, "TraceHeader")
    _el(trace, "OrganId", code)
    _el(trace, "Timestamp", timezone.localtime(moment).strftime("%Y/%m/%d %H:%M:%S"))

    manifest = _el(_el(envelope, "edXMLBody"), "edXMLManifest", version="1.0")
    reference = _el(manifest, "Reference")
    reference.set(f"{{{XLINK}}}href", f"cid:{content_id}")
    reference.set(f"{{{XLINK}}}type", "simple")
    _el(reference, "Description", record.title)
    _el(reference, "AttachmentName", record.version.original_filename)
    _el(reference, "ContentType", "application/pdf")
    _el(reference, "ContentId", f"cid:{content_id}")

    attachment = _el(_el(root, "AttachmentEncoded"), "Attachment")
    _el(attachment, "ContentType", "application/pdf")
    _el(attachment, "ContentId", content_id)
    # The bytes sent: a renewed revision's, not always the original's (record.sha256).
    _el(attachment, "Description", f"SHA-256 {hashlib.sha256(pdf).hexdigest()}")
    _el(attachment, "ContentTransferEncoded", base64.b64encode(pdf).decode("ascii"))
    _el(attachment, "AttachmentName", record.version.original_filename)
    return root


class _TokenKey(rsa.RSAPrivateKey):
    """The seal's RSA key as signxml sees it: `sign` is done by the token (PKCS#1 v1.5),
    the key itself never leaves it. Only what an XML signature needs is provided."""

    def __init__(self, token_key: Any, certificate: x509.Certificate) -> None:
        self._key = token_key
        self._public = certificate.public_key()

    def sign(self, data: bytes, padding: Any, algorithm: Any) -> bytes:
        mechanism = PKCS11_MECHANISMS.get(getattr(algorithm, "name", ""))
        if not isinstance(padding, rsa_padding.PKCS1v15) or mechanism is None:
            raise ValueError("the seal signs RSA PKCS#1 v1.5 with SHA-2 only")
        return self._key.sign(data, mechanism=mechanism)

    def public_key(self) -> rsa.RSAPublicKey:
        return self._public  # type: ignore[return-value]

    @property
    def key_size(self) -> int:
        return self._public.key_size

    def decrypt(self, ciphertext: bytes, padding: Any) -> bytes:
        raise NotImplementedError("the seal only signs")

    def private_numbers(self) -> rsa.RSAPrivateNumbers:
        raise NotImplementedError("the seal's key does not leave its token")

    def private_bytes(self, encoding: Any, format: Any, encryption_algorithm: Any) -> bytes:  # noqa: A002
        raise NotImplementedError("the seal's key does not leave its token")

    def __copy__(self) -> _TokenKey:
        return self

    def __deepcopy__(self, memo: dict) -> _TokenKey:
        return self


def _seal_key(body: Body):
    from signing.selectors import seal_key_of_body

    return seal_key_of_body(body)


def _chain(key) -> list[x509.Certificate]:
    from signing.pki import chain_der, pki_open

    certs = [x509.load_der_x509_certificate(bytes(key.certificate))]
    pki = pki_open(settings.SIGNING_PKI_DIR)
    if pki is not None:
        certs += [x509.load_der_x509_certificate(der) for der in chain_der(pki)]
    return certs


def envelope_sign(root: etree._Element, *, body: Body, pin: str, actor=None) -> etree._Element:
    """Sign the envelope (XAdES, enveloped) with the body's seal on its token; the
    signature goes at the end of edXMLHeader. With an `actor` (a person sending it) the
    seal's rules apply as on a PDF: the secretariat only, the PIN counted against the
    key's attempts (signing.services.seal_use); without, the server's own use (an
    archive export under ARCHIVE_EDXML_SEAL_PIN)."""
    from signxml.xades import XAdESDataObjectFormat, XAdESSigner

    from signing import tokens

    header = root.find(f"{{{NS}}}edXMLEnvelope/{{{NS}}}edXMLHeader")
    signer = XAdESSigner(
        data_object_format=XAdESDataObjectFormat(
            Description="edXML QCVN 102:2016", MimeType="application/xml"
        )
    )

    def use(sess, key):
        chain = _chain(key)
        etree.SubElement(header, f"{{{DS}}}Signature", Id="placeholder", nsmap={"ds": DS})
        token_key = sess.get_key(object_class=ObjectClass.PRIVATE_KEY, label=key.key_label)
        return signer.sign(
            root,
            key=_TokenKey(token_key, chain[0]),
            cert=chain,
            always_add_key_value=False,
        )

    if actor is not None:
        from signing.services import seal_use

        return seal_use(actor=actor, body=body, pin=pin, use=use)
    key = _seal_key(body)
    if key is None:
        raise tokens.TokenMissing(f"{body.name} has no active seal")
    with tokens.session(key.token_label, pin) as sess:
        return use(sess, key)


def envelope_build(
    *,
    record: Record,
    pdf: bytes,
    to_name: str = "",
    to_code: str = "",
    due_date=None,
    seal_pin: str | None = None,
    actor=None,
) -> bytes:
    """The envelope, signed by the body's seal when its PIN is given or configured
    (ARCHIVE_EDXML_SEAL_PIN) and the body has an active seal; otherwise unsigned."""
    root = envelope_tree(
        record=record, pdf=pdf, to_name=to_name, to_code=to_code, due_date=due_date
    )
    # Pretty-printed before signing: whitespace added afterwards would break the signature.
    root = etree.fromstring(etree.tostring(root, pretty_print=True))
    pin = seal_pin if seal_pin is not None else getattr(settings, "ARCHIVE_EDXML_SEAL_PIN", "")
    if pin and _seal_key(record.body) is not None:
        from signing import tokens

        try:
            root = envelope_sign(root, body=record.body, pin=pin, actor=actor)
        except (tokens.TokenError, pkcs11.PKCS11Error) as exc:
            message = _("The agency's seal could not sign the edXML envelope: %(reason)s")
            raise Conflict(message % {"reason": exc}) from exc
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(SCHEMA)))
