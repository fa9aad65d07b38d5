"""The edXML envelope (QCVN 102:2016) of real archived records: minutes signed by the
secretary and the chair and sealed on SoftHSM2 tokens, and a correction. The envelope
validates against the standard's schema (archive/schemas/), names agencies by their code,
lists the people who signed with their capacity and title but not the seal, and carries an
XAdES signature by the agency's seal that signxml verifies against the seal certificate
and the development root, and that breaks when one byte of the header or the PDF changes."""

# ruff: noqa: F811
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import time

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from lxml import etree
from signxml.exceptions import InvalidDigest, InvalidSignature
from signxml.xades import XAdESVerifier

from archive import edxml
from archive.models import Record
from archive.services import record_supersede
from ecabinet.errors import Conflict
from minutes import services as minutes_services
from minutes.models import Minutes
from signing.provisioning import key_provision
from tests import pki_fixtures
from tests.archive_helpers import file_record
from tests.factories import PASSWORD
from tests.minutes_helpers import run_meeting
from tests.pki_fixtures import SEAL_PIN, USER_PIN, make_document, version_bytes

pytestmark = pytest.mark.django_db

dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signers, signing_settings = pki_fixtures.signers, pki_fixtures.signing_settings

NS = "{http://www.mic.gov.vn/TBT/QCVN_102_2016}"
GOV_CODE = "000.00.00.G01"


def q(path: str) -> str:
    return "/".join(f"{NS}{part}" for part in path.split("/"))


def header_of(root):
    return root.find(q("edXMLEnvelope/edXMLHeader/MessageHeader"))


def seal_certificate(signers) -> x509.Certificate:
    return x509.load_der_x509_certificate(bytes(signers.seal_key.certificate))


def verify(data: bytes, cert: x509.Certificate | None = None, ca_pem: str | None = None):
    if cert is not None:
        return XAdESVerifier().verify(data, x509_cert=cert)
    return XAdESVerifier().verify(data, ca_pem_file=ca_pem)


@pytest.fixture
def archived_minutes(cabinet, signers, dev_pki, settings) -> Record:
    """Minutes of a real meeting, signed by the secretary and the chair and sealed."""
    cabinet.body.agency_code = GOV_CODE
    cabinet.body.save(update_fields=["agency_code"])
    settings.ARCHIVE_EDXML_SEAL_PIN = SEAL_PIN
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    minutes = Minutes.objects.get(meeting=run_meeting(cabinet))
    minutes = minutes_services.minutes_issue(actor=signers.secretary, minutes=minutes)
    for actor, step, pin in (
        (signers.secretary, "secretary", USER_PIN),
        (signers.chair, "chair", USER_PIN),
        (signers.secretary, "seal", SEAL_PIN),
    ):
        minutes = minutes_services.minutes_sign(actor=actor, minutes=minutes, step=step, pin=pin)
    assert minutes.state == Minutes.State.ARCHIVED
    return Record.objects.get(pk=minutes.archive_record_id)


def test_archived_minutes_go_out_in_a_valid_sealed_envelope_with_codes_and_signers(
    client, cabinet, signers, dev_pki, archived_minutes
):
    record = archived_minutes
    client.login(username=cabinet.archivist.username, password=PASSWORD)
    started = time.monotonic()
    response = client.get(f"/api/archive/records/{record.pk}/edxml")
    took = time.monotonic() - started
    assert response.status_code == 200 and took < 30
    data = response.content
    root = etree.fromstring(data)

    # The standard's schema accepts it.
    schema = edxml.schema()
    assert schema.validate(root), schema.error_log

    header = header_of(root)
    codes = [e.text for e in root.iter(f"{NS}OrganId")]
    assert codes and set(codes) == {GOV_CODE}
    assert header.findtext(q("From/Website")) == "https://chinhphu.vn"
    assert header.findtext(q("From/OrganAdd")).startswith("Số 1 Hoàng Hoa Thám")
    assert header.find(q("DueDate")) is not None
    assert "bien-ban.json" in [a.text for a in header.iterfind(q("OtherInfo/Appendixes/Appendix"))]

    # The people who signed, in order, with the capacity the PDF prints and their title;
    # the seal is the agency's, not a signer.
    infos = [
        (i.findtext(f"{NS}Competence"), i.findtext(f"{NS}Position"), i.findtext(f"{NS}FullName"))
        for i in header.iterfind(f"{NS}SignerInfo")
    ]
    secretary, chair = signers.secretary, signers.chair
    assert infos == [
        ("Thư ký", secretary.title, secretary.full_name),
        ("Chủ tọa", "Thủ tướng", chair.full_name),
    ]
    assert all(c and p for c, p, _n in infos)
    assert cabinet.body.name not in {n for _c, _p, n in infos}

    # The attachment is the archived PDF, byte for byte.
    encoded = root.findtext(q("AttachmentEncoded/Attachment/ContentTransferEncoded"))
    pdf = base64.b64decode(encoded)
    assert pdf == version_bytes(record.version)
    assert hashlib.sha256(pdf).hexdigest() == record.sha256

    # The seal's XAdES signature sits in the header and verifies against the seal
    # certificate and, through the chain it carries, the development root.
    signature = root.find(
        q("edXMLEnvelope/edXMLHeader") + "/{http://www.w3.org/2000/09/xmldsig#}Signature"
    )
    assert signature is not None
    result = verify(data, cert=seal_certificate(signers))
    assert result[0].signed_xml.tag == f"{NS}edXML"
    result = verify(data, ca_pem=str(dev_pki.pki.root_pem))
    seal_public = (
        seal_certificate(signers)
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    assert result[0].signature_key == seal_public

    # One byte of the PDF or of the header changed: the signature no longer holds.
    position = len(encoded) // 2
    flipped = "A" if encoded[position] != "A" else "B"
    tampered_pdf = data.replace(
        encoded.encode(), (encoded[:position] + flipped + encoded[position + 1 :]).encode()
    )
    # The subject's first letter, in MessageHeader (the first place the title appears).
    subject = header.findtext(f"{NS}Subject").encode()
    assert subject[:1] == b"B"
    tampered_header = data.replace(subject, b"C" + subject[1:], 1)
    for tampered in (tampered_pdf, tampered_header):
        assert tampered != data
        with pytest.raises((InvalidDigest, InvalidSignature)):
            verify(tampered, cert=seal_certificate(signers))


def test_a_correction_answers_the_record_it_replaces_and_carries_its_due_date(
    cabinet, signers, settings
):
    cabinet.body.agency_code = GOV_CODE
    cabinet.body.save(update_fields=["agency_code"])

    def sealed_version():
        document = make_document(signers.body, signers.secretary)
        from signing.services import version_sign

        personal = version_sign(
            actor=signers.chair, version=document.latest_version(), pin=USER_PIN, body=signers.body
        )
        return version_sign(
            actor=signers.secretary, version=personal, pin=SEAL_PIN, kind="seal", body=signers.body
        )

    old = file_record(cabinet.body, cabinet.secretary, version=sealed_version(), number="45/BB-CP")
    new = file_record(
        cabinet.body,
        cabinet.secretary,
        version=sealed_version(),
        number="45/BB-CP",
        issued_on=dt.date(2026, 10, 9),
    )
    record_supersede(actor=cabinet.secretary, record=old, by=new)
    new.refresh_from_db()
    pdf = version_bytes(new.version)
    data = edxml.envelope_build(
        record=new, pdf=pdf, due_date=dt.date(2026, 10, 20), seal_pin=SEAL_PIN
    )
    root = etree.fromstring(data)
    schema = edxml.schema()
    assert schema.validate(root), schema.error_log
    header = header_of(root)
    assert header.findtext(q("DueDate")) == "2026/10/20"
    assert header.findtext(q("ResponseFor/OrganId")) == GOV_CODE
    assert header.findtext(q("ResponseFor/Code")) == "45/BB-CP"
    assert header.findtext(q("ResponseFor/PromulgationDate")) == "2026/10/05"
    assert header.findtext(q("ResponseFor/DocumentId")) == f"{GOV_CODE},2026/10/05,45/BB-CP"
    infos = [i.findtext(f"{NS}FullName") for i in header.iterfind(f"{NS}SignerInfo")]
    assert infos == [signers.chair.full_name]
    assert verify(data, cert=seal_certificate(signers))[0].signed_xml is not None
    # A wrong seal PIN: nothing goes out unsigned, the export is refused in plain words.
    with pytest.raises(Conflict, match="seal could not sign"):
        edxml.envelope_build(record=new, pdf=pdf, seal_pin="000000")


def test_the_demo_bodies_carry_agency_codes_in_the_national_format():
    from demo.data import BODIES, GOVERNMENT
    from demo.seeding import SeedReport, _body
    from people.models import Body
    from people.services import body_create

    # A body seeded before codes existed gets its code on the next run.
    body_create(actor=None, name=GOVERNMENT.name, short_name=GOVERNMENT.short_name)
    codes = {}
    for spec in BODIES:
        body = _body(spec, SeedReport())
        body.refresh_from_db()
        body.full_clean()
        codes[spec.name] = body.agency_code
    assert codes[GOVERNMENT.name] == GOV_CODE
    assert len(set(codes.values())) == len(BODIES) and all(codes.values())
    assert Body.objects.get(name=GOVERNMENT.name).agency_code == GOV_CODE
