"""Retrieving, verifying and exporting a signed record: real PAdES signatures on a
SoftHSM2 token (tests/pki_fixtures.py), the original byte for byte, the records package
and the edXML envelope, each audited."""

# ruff: noqa: F811
from __future__ import annotations

import base64
import hashlib
import io
import json
import xml.etree.ElementTree as ET  # noqa: N817, S405 (parsing our own output)
import zipfile

import pytest
from lxml import etree

from archive.services import record_supersede
from ecabinet.audit.models import AuditEntry
from signing.services import version_sign
from tests.archive_helpers import file_record
from tests.factories import PASSWORD
from tests.pki_fixtures import (
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
_fixtures = (dev_pki, nss_db, signers, signing_settings)

NS = "{http://www.mic.gov.vn/TBT/QCVN_102_2016}"


def signed_version(signers):
    document = make_document(signers.body, signers.secretary)
    personal = version_sign(
        actor=signers.chair,
        version=document.latest_version(),
        pin=USER_PIN,
        kind="personal",
        body=signers.body,
    )
    return version_sign(
        actor=signers.secretary, version=personal, pin=SEAL_PIN, kind="seal", body=signers.body
    )


@pytest.fixture
def record(signers):
    return file_record(
        signers.body,
        signers.secretary,
        version=signed_version(signers),
        number="45/BB-CP",
        title="Biên bản phiên họp Chính phủ thường kỳ tháng 10",
        signers=["Trần Đức Khiêm, Thủ tướng", "Chính phủ"],
    )


@pytest.fixture
def archivist(client, cabinet):
    client.login(username=cabinet.archivist.username, password=PASSWORD)
    return client


def actions() -> list[str]:
    return list(
        AuditEntry.objects.filter(action__startswith="archive.")
        .exclude(action="archive.filed")
        .values_list("action", flat=True)
    )


def test_the_original_comes_back_byte_for_byte_and_verifies_elsewhere(
    archivist, record, nss_db, tmp_path
):
    stored = version_bytes(record.version)
    for url in (f"/archive/{record.pk}/original/", f"/api/archive/records/{record.pk}/original"):
        response = archivist.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        data = b"".join(response.streaming_content)
        assert data == stored
        assert hashlib.sha256(data).hexdigest() == record.sha256 == response["X-Content-SHA256"]
    assert actions() == ["archive.retrieved", "archive.retrieved"]
    assert_independently_valid(stored, nss_db, tmp_path, signatures=2)


def test_a_changed_stored_file_is_refused_and_reported(archivist, record):
    path = record.version.file.path
    with open(path, "r+b") as handle:
        handle.seek(200)
        handle.write(b"X")
    response = archivist.get(f"/archive/{record.pk}/original/")
    assert response.status_code == 409
    assert AuditEntry.objects.filter(action="document.integrity_failed").count() == 1
    assert actions() == []


def test_the_verify_page_reports_each_signature(archivist, record):
    response = archivist.get(f"/archive/{record.pk}/verify/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "All signatures are valid." in page and record.sha256 in page
    # The signer's signature and the seal, each followed by a document timestamp (B-LTA).
    assert page.count('data-testid="signature-row"') == 4
    entry = AuditEntry.objects.get(action="archive.verified")
    assert entry.details == {"sha256": record.sha256, "ok": True, "signatures": 4}
    api = archivist.get(f"/api/archive/records/{record.pk}/verification").json()
    kinds = [s["kind"] for s in api["signatures"] if s["kind"] != "timestamp"]
    assert api["ok"] is True and kinds == ["personal", "seal"]


def test_the_records_package_holds_the_pdfs_sums_and_reports(archivist, signers, record):
    correction = file_record(
        signers.body,
        signers.secretary,
        version=signed_version(signers),
        title="Biên bản (đính chính)",
    )
    record_supersede(actor=signers.secretary, record=record, by=correction)
    response = archivist.get(f"/archive/{record.pk}/package.zip")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    bundle = zipfile.ZipFile(io.BytesIO(response.content))
    manifest = json.loads(bundle.read("manifest.json"))
    assert [r["id"] for r in manifest["records"]] == [record.pk, correction.pk]
    assert manifest["records"][1]["supersedes"] == record.pk
    listed = {f["path"] for f in manifest["files"]}
    assert listed == set(bundle.namelist()) - {"manifest.json"}
    for item in manifest["files"]:
        data = bundle.read(item["path"])
        assert hashlib.sha256(data).hexdigest() == item["sha256"] and len(data) == item["size"]
    for rec, entry in ((record, manifest["records"][0]), (correction, manifest["records"][1])):
        assert bundle.read(entry["file"]["path"]) == version_bytes(rec.version)
        assert entry["file"]["sha256"] == rec.sha256 and entry["signatures_valid"] is True
        report = json.loads(bundle.read(f"verification/{rec.pk}.json"))
        assert report["ok"] is True and len(report["signatures"]) >= 2
        assert "Result: VALID" in bundle.read(f"verification/{rec.pk}.txt").decode()
    entry = AuditEntry.objects.get(action="archive.exported")
    assert entry.details["format"] == "package"
    assert entry.details["records"] == [record.pk, correction.pk]
    assert entry.details["sha256"] == hashlib.sha256(response.content).hexdigest()


def test_the_edxml_envelope_carries_the_header_and_the_exact_pdf(archivist, record):
    response = archivist.get(f"/api/archive/records/{record.pk}/edxml")
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    root = etree.fromstring(response.content)
    assert root.tag == f"{NS}edXML"
    header = root.find(f"{NS}edXMLEnvelope/{NS}edXMLHeader/{NS}MessageHeader")
    for path in [
        "From/OrganId",
        "From/OrganName",
        "To/OrganName",
        "Code/CodeNumber",
        "Code/CodeNotation",
        "PromulgationInfo/Place",
        "PromulgationInfo/PromulgationDate",
        "DocumentType/Type",
        "DocumentType/TypeName",
        "Subject",
        "SignerInfo/FullName",
        "OtherInfo/Priority",
        "OtherInfo/SphereOfPromulgation",
    ]:
        element = header.find("/".join(f"{NS}{part}" for part in path.split("/")))
        assert element is not None, path
    text = lambda path: header.findtext("/".join(f"{NS}{p}" for p in path.split("/")))  # noqa: E731
    assert (text("Code/CodeNumber"), text("Code/CodeNotation")) == ("45", "BB-CP")
    assert text("From/OrganName") == "Chính phủ" and text("PromulgationInfo/Place") == "Hà Nội"
    assert text("PromulgationInfo/PromulgationDate") == "2026/10/05"
    assert text("Subject") == "Biên bản phiên họp Chính phủ thường kỳ tháng 10"
    assert text("SignerInfo/FullName") == "Trần Đức Khiêm"
    assert text("SignerInfo/Position") == "Thủ tướng"
    # The standard library's parser reads it too, and the attachment is the exact PDF.
    tree = ET.fromstring(response.content)  # noqa: S314
    attachment = tree.find(f"{NS}AttachmentEncoded/{NS}Attachment")
    data = base64.b64decode(attachment.findtext(f"{NS}ContentTransferEncoded"))
    assert data == version_bytes(record.version)
    assert hashlib.sha256(data).hexdigest() == record.sha256
    reference = tree.find(f"{NS}edXMLEnvelope/{NS}edXMLBody/{NS}edXMLManifest/{NS}Reference")
    assert reference.findtext(f"{NS}ContentId") == "cid:" + attachment.findtext(f"{NS}ContentId")
    assert actions() == ["archive.exported"]
    page = archivist.get(f"/archive/{record.pk}/edxml/")
    assert page.status_code == 200 and page["Content-Disposition"].startswith("attachment")
