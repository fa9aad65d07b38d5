"""A record as an edXML envelope (QCVN 102:2016, the national standard for exchanging
electronic documents between agencies).

Element names follow the standard's envelope as its reference SDK writes it:

    edXML (default namespace http://www.mic.gov.vn/TBT/QCVN_102_2016)
      edXML:edXMLEnvelope
        edXML:edXMLHeader
          edXML:MessageHeader   From, To, Code, PromulgationInfo, DocumentType, Subject,
                                Content, SignerInfo, ToPlaces, OtherInfo, SteeringType,
                                DocumentId
          edXML:TraceHeaderList TraceHeader (OrganId, Timestamp)
        edXML:edXMLBody
          edXML:edXMLManifest   Reference xlink:href="cid:…" per attachment
      AttachmentEncoded
        Attachment              ContentType, ContentId, Description,
                                ContentTransferEncoded (base64), AttachmentName

OtherInfo has no element for confidentiality in the SDK's envelope: the level (thường,
Mật…) goes in SphereOfPromulgation, the element for limits on circulation. Priority is
the urgency: 0 thường, 1 khẩn, 2 thượng khẩn, 3 hỏa tốc.
"""

from __future__ import annotations

import base64
import uuid

from django.utils import timezone
from lxml import etree

from archive.models import Record
from documents.models import Confidentiality, Urgency

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
XLINK = "http://www.w3.org/1999/xlink"
TYPE_NAMES = {
    Record.Kind.MINUTES: "Biên bản",
    Record.Kind.BALLOT_REPORT: "Báo cáo",
    Record.Kind.BALLOT_ANSWER: "Phiếu lấy ý kiến",
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


def _el(parent, name: str, text: str | None = None, **attrs):
    element = etree.SubElement(parent, f"{{{NS}}}{name}", attrs)
    if text is not None:
        element.text = text
    return element


def _organ(parent, name: str, *, organ_id: str, organ_name: str, place: str = "") -> None:
    organ = _el(parent, name)
    _el(organ, "OrganId", organ_id)
    _el(organ, "OrganizationInCharge", organ_name)
    _el(organ, "OrganName", organ_name)
    _el(organ, "OrganAdd", place)


def _code(number: str) -> tuple[str, str]:
    """ "12/BB-CP" → ("12", "BB-CP"): the number and the notation (số, ký hiệu)."""
    head, _sep, tail = number.partition("/")
    return (head.strip(), tail.strip()) if tail else ("", number.strip())


def _signer(parent, signer: str) -> None:
    name, _sep, position = signer.partition(",")
    info = _el(parent, "SignerInfo")
    _el(info, "Competence", "")
    _el(info, "Position", position.strip())
    _el(info, "FullName", name.strip())


def envelope_build(*, record: Record, pdf: bytes, to_name: str = "") -> bytes:
    document = record.version.document
    body = record.body
    organ_id = body.short_name or f"body-{body.pk}"
    to_name = to_name or f"Lưu trữ cơ quan - {body.name}"
    issued = record.issued_on.strftime("%Y/%m/%d")
    code_number, code_notation = _code(record.number)
    content_id = str(uuid.uuid4())

    root = etree.Element(f"{{{NS}}}edXML", nsmap={None: NS, "edXML": NS, "xlink": XLINK})
    envelope = _el(root, "edXMLEnvelope")
    header = _el(envelope, "edXMLHeader")
    message = _el(header, "MessageHeader")
    _organ(message, "From", organ_id=organ_id, organ_name=body.name, place=body.place)
    _organ(message, "To", organ_id=f"{organ_id}.LT", organ_name=to_name)
    code = _el(message, "Code")
    _el(code, "CodeNumber", code_number)
    _el(code, "CodeNotation", code_notation)
    promulgation = _el(message, "PromulgationInfo")
    _el(promulgation, "Place", document.issued_place or body.place)
    _el(promulgation, "PromulgationDate", issued)
    doc_type = _el(message, "DocumentType")
    _el(doc_type, "Type", ADMINISTRATIVE_TYPE)
    _el(doc_type, "TypeName", TYPE_NAMES.get(record.kind, record.get_kind_display()))
    _el(message, "Subject", record.title)
    _el(message, "Content", document.summary)
    for signer in record.signers or [""]:
        _signer(message, signer)
    places = _el(message, "ToPlaces")
    _el(places, "Place", to_name)
    other = _el(message, "OtherInfo")
    _el(other, "Priority", str(PRIORITY.get(document.urgency, 0)))
    _el(other, "SphereOfPromulgation", CIRCULATION.get(document.confidentiality, ""))
    _el(other, "TyperNotation", "")
    _el(other, "PromulgationAmount", "1")
    _el(other, "PageAmount", str(record.version.page_count))
    _el(message, "SteeringType", "0")
    _el(message, "DocumentId", f"{organ_id},{issued},{record.number or record.pk}")
    trace_list = _el(header, "TraceHeaderList")
    trace = _el(trace_list, "TraceHeader")
    _el(trace, "OrganId", organ_id)
    _el(trace, "Timestamp", timezone.localtime().strftime("%Y/%m/%d %H:%M:%S"))

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
    _el(attachment, "Description", f"SHA-256 {record.sha256}")
    _el(attachment, "ContentTransferEncoded", base64.b64encode(pdf).decode("ascii"))
    _el(attachment, "AttachmentName", record.version.original_filename)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
