"""What crosses the wire between two agencies' systems (docs/exchange.md).

Two kinds of message, each the body of an HTTPS POST to the peer's inbox:

- a **package**: the edXML envelope of QCVN 102:2016 (archive/edxml.py) with the signed
  PDF inside, the envelope itself signed (XAdES) by the sending agency's seal;
- a **status message**: what the recipient has done with a document (exchange.models.Status),
  an edXML `Status` document (exchange/schemas/edxml-status.xsd).

Every request is signed with the sending system's Ed25519 key (`X-Exchange-Signature` over
the method, path, date, the body's SHA-256 and both agency codes), so a peer knows who
speaks before it parses anything, and a request replayed later than `EXCHANGE_CLOCK_SKEW`
is refused. The seal's signature is the document's legal one; the request key only says
which system is talking, as a TLS client certificate would.

Nothing here touches the database: it reads and writes bytes and says why it refuses.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import email.utils
import hashlib
import os
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
STATUS_SCHEMA = Path(__file__).parent / "schemas" / "edxml-status.xsd"
TIME_FORMAT = "%Y/%m/%d %H:%M:%S"

HEADER_FROM = "X-Exchange-From"
HEADER_TO = "X-Exchange-To"
HEADER_DATE = "X-Exchange-Date"
HEADER_SIGNATURE = "X-Exchange-Signature"


class Refused(Exception):  # noqa: N818 - a refusal, the word the status message uses
    """The message is not taken; `reason` goes back to the sender in a status message."""

    def __init__(self, reason: str, *, status: int = 400) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


# ---- the system's request key -------------------------------------------------------------


def _key_path() -> Path:
    return Path(settings.EXCHANGE_KEY_FILE)


def own_key() -> Ed25519PrivateKey:
    """This system's request key, made on first use (a file readable by its owner only)."""
    path = _key_path()
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        pem = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise RuntimeError(f"{path} does not hold an Ed25519 key")
    return key


def own_public_pem() -> str:
    return (
        own_key()
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def _signed_text(*, method: str, path: str, date: str, body: bytes, sender: str, to: str) -> bytes:
    digest = hashlib.sha256(body).hexdigest()
    return "\n".join([method.upper(), path, date, digest, sender, to]).encode()


def request_headers(*, path: str, body: bytes, sender: str, to: str) -> dict[str, str]:
    """The headers that sign a POST of `body` to `path` on the peer `to`."""
    date = email.utils.formatdate(usegmt=True)
    text = _signed_text(method="POST", path=path, date=date, body=body, sender=sender, to=to)
    signature = base64.b64encode(own_key().sign(text)).decode("ascii")
    return {
        "Content-Type": "application/xml",
        HEADER_FROM: sender,
        HEADER_TO: to,
        HEADER_DATE: date,
        HEADER_SIGNATURE: signature,
    }


def request_check(
    *, public_pem: str, headers: dict[str, str], path: str, body: bytes, now: dt.datetime
) -> None:
    """Refuse a request the peer's key did not sign, or one signed too long ago."""
    date, signature = headers.get(HEADER_DATE, ""), headers.get(HEADER_SIGNATURE, "")
    try:
        moment = email.utils.parsedate_to_datetime(date)
    except (TypeError, ValueError):
        raise Refused(_("The request carries no valid date."), status=401) from None
    if moment.tzinfo is None or abs((now - moment).total_seconds()) > settings.EXCHANGE_CLOCK_SKEW:
        raise Refused(_("The request's date is too far from now."), status=401)
    try:
        key = serialization.load_pem_public_key(public_pem.encode())
        raw = base64.b64decode(signature, validate=True)
    except (ValueError, binascii.Error):
        raise Refused(_("The request's signature cannot be read."), status=401) from None
    if not isinstance(key, Ed25519PublicKey):
        raise Refused(_("The sender's request key is not usable."), status=401)
    text = _signed_text(
        method="POST",
        path=path,
        date=date,
        body=body,
        sender=headers.get(HEADER_FROM, ""),
        to=headers.get(HEADER_TO, ""),
    )
    try:
        key.verify(raw, text)
    except InvalidSignature:
        raise Refused(_("The request's signature does not match its sender."), status=401) from None


# ---- XML, parsed safely -------------------------------------------------------------------


def xml_parse(data: bytes) -> etree._Element:
    """Parse XML from another system: no DTD, no entity, no network, no processing beyond
    the bytes given; the size was bounded before (EXCHANGE_MAX_BYTES)."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise Refused(_("XML with a DTD or entities is not accepted."))
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=True,  # a PDF's base64 passes lxml's 10 MB text limit; the size is bounded
        remove_blank_text=False,
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise Refused(_("The XML cannot be read: %(why)s") % {"why": exc}) from None
    if root.getroottree().docinfo.doctype:
        raise Refused(_("XML with a DTD or entities is not accepted."))
    return root


def _text(root: etree._Element, path: str) -> str:
    found = root.find(path, {"e": NS})
    return (found.text or "").strip() if found is not None else ""


def _date(value: str, field_name: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y/%m/%d").date()  # noqa: DTZ007 - a date only
    except ValueError:
        raise Refused(_("%(field)s is not a date.") % {"field": field_name}) from None


# ---- packages -------------------------------------------------------------------------------


@dataclass
class Package:
    sender_code: str
    to_code: str
    document_id: str
    number_symbol: str
    type_name: str
    subject: str
    promulgation_date: dt.date
    signers: list[str]
    pdf: bytes
    pdf_name: str
    pdf_sha256: str
    problems: list[str] = field(default_factory=list)


def package_read(data: bytes) -> Package:
    """The package's header and attachment after its schema and hashes are checked; its
    signatures are checked by `package_check_signatures` once the sender is known."""
    from archive.edxml import schema

    root = xml_parse(data)
    if root.tag != f"{{{NS}}}edXML":
        raise Refused(_("This is not an edXML package."))
    validator = schema()
    if not validator.validate(root):
        error = validator.error_log.last_error
        raise Refused(_("The package does not follow QCVN 102:2016: %(why)s") % {"why": error})
    header = "e:edXMLEnvelope/e:edXMLHeader/e:MessageHeader/"
    attachments = root.findall("e:AttachmentEncoded/e:Attachment", {"e": NS})
    if len(attachments) != 1:
        raise Refused(_("A package carries exactly one signed PDF."))
    attachment = attachments[0]
    if _text(attachment, "e:ContentType") != "application/pdf":
        raise Refused(_("The attachment is not a PDF."))
    try:
        pdf = base64.b64decode(_text(attachment, "e:ContentTransferEncoded"), validate=True)
    except (ValueError, binascii.Error):
        raise Refused(_("The attachment is not valid base64.")) from None
    declared = _text(attachment, "e:Description").removeprefix("SHA-256").strip().lower()
    actual = hashlib.sha256(pdf).hexdigest()
    if declared != actual:
        raise Refused(_("The attachment's SHA-256 does not match the one the package states."))
    if not pdf.startswith(b"%PDF-"):
        raise Refused(_("The attachment is not a PDF."))
    number, notation = (
        _text(root, header + "e:Code/e:CodeNumber"),
        _text(root, header + "e:Code/e:CodeNotation"),
    )
    signers = [
        ", ".join(part for part in (_text(info, "e:FullName"), _text(info, "e:Position")) if part)
        for info in root.findall(header + "e:SignerInfo", {"e": NS})
    ]
    document_id = _text(root, header + "e:DocumentId")
    if not document_id or len(document_id) > 200:
        raise Refused(_("The package has no usable document id."))
    return Package(
        sender_code=_text(root, header + "e:From/e:OrganId"),
        to_code=_text(root, header + "e:To/e:OrganId"),
        document_id=document_id,
        number_symbol=f"{number}/{notation}" if number else notation,
        type_name=_text(root, header + "e:DocumentType/e:TypeName")[:100],
        subject=_text(root, header + "e:Subject")[:500],
        promulgation_date=_date(
            _text(root, header + "e:PromulgationInfo/e:PromulgationDate"), "PromulgationDate"
        ),
        signers=[s for s in signers if s],
        pdf=pdf,
        pdf_name=(_text(attachment, "e:AttachmentName") or "van-ban.pdf")[:255],
        pdf_sha256=actual,
    )


def package_check_signatures(data: bytes, package: Package, *, roots_pem: str) -> None:
    """The envelope's XAdES signature by a seal that chains to the sender's roots, covering
    the whole envelope; and every PAdES signature of the PDF intact and valid."""
    from signxml import InvalidInput
    from signxml.exceptions import InvalidCertificate, InvalidDigest
    from signxml.exceptions import InvalidSignature as XmlInvalidSignature
    from signxml.xades import XAdESVerifier

    from signing.verify import pdf_verify

    with tempfile.NamedTemporaryFile("w", suffix=".pem") as roots:
        roots.write(roots_pem)
        roots.flush()
        try:
            with warnings.catch_warnings():
                # signxml names the certificate in its messages; a subject attribute longer
                # than X.520's bound (an agency's full name) only draws a warning there.
                warnings.filterwarnings("ignore", "Attribute's length must be", UserWarning)
                results = XAdESVerifier().verify(
                    data, ca_pem_file=roots.name, parser=_verifier_parser()
                )
        except (XmlInvalidSignature, InvalidDigest, InvalidCertificate, InvalidInput) as exc:
            raise Refused(
                _("The package's seal signature does not verify: %(why)s") % {"why": exc}
            ) from None
        report = pdf_verify(package.pdf, trust_roots=[Path(roots.name)], fetching=False)
    covered = [r for r in results if getattr(r, "signed_xml", None) is not None]
    if not covered or covered[0].signed_xml.tag != f"{{{NS}}}edXML":
        raise Refused(_("The seal signature does not cover the whole package."))
    if not report.signatures:
        raise Refused(_("The PDF carries no signature."))
    broken = [s.field_name for s in report.signatures if not (s.intact and s.valid)]
    if broken:
        raise Refused(
            _("The PDF's signature %(field)s does not verify.") % {"field": ", ".join(broken)}
        )


def _verifier_parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True)


# ---- status messages ------------------------------------------------------------------------


@dataclass
class StatusMessage:
    sender_code: str
    sender_name: str
    document_id: str
    code: str
    reason: str
    staff: str
    moment: dt.datetime


def _el(parent, name: str, text: str | None = None):
    element = etree.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        element.text = text
    return element


def status_build(message: StatusMessage) -> bytes:
    root = etree.Element(f"{{{NS}}}Status", nsmap={"edXML": NS})
    header = _el(root, "Header")
    response = _el(header, "ResponseFor")
    _el(response, "DocumentId", message.document_id)
    sender = _el(header, "From")
    _el(sender, "OrganId", message.sender_code)
    _el(sender, "OrganName", message.sender_name)
    _el(root, "StatusCode", message.code)
    _el(root, "Description", message.reason)
    _el(root, "Timestamp", timezone.localtime(message.moment).strftime(TIME_FORMAT))
    staff = _el(root, "StaffInfo")
    _el(staff, "Staff", message.staff)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def status_schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(STATUS_SCHEMA)))


def status_read(data: bytes) -> StatusMessage:
    from exchange.models import Status

    root = xml_parse(data)
    validator = status_schema()
    if not validator.validate(root):
        error = validator.error_log.last_error
        raise Refused(_("The status message is not valid: %(why)s") % {"why": error})
    code = _text(root, "e:StatusCode")
    if code not in Status.values:
        raise Refused(_("Unknown status code %(code)s.") % {"code": code})
    stamp = _text(root, "e:Timestamp")
    try:
        moment = timezone.make_aware(dt.datetime.strptime(stamp, TIME_FORMAT))  # noqa: DTZ007
    except ValueError:
        raise Refused(_("The status message's time cannot be read.")) from None
    return StatusMessage(
        sender_code=_text(root, "e:Header/e:From/e:OrganId"),
        sender_name=_text(root, "e:Header/e:From/e:OrganName"),
        document_id=_text(root, "e:Header/e:ResponseFor/e:DocumentId"),
        code=code,
        reason=_text(root, "e:Description")[:500],
        staff=_text(root, "e:StaffInfo/e:Staff")[:200],
        moment=moment,
    )
