"""Word papers: a real .docx becomes a PDF through LibreOffice and is kept beside it;
a disguised, broken, bomb or macro file is refused before conversion, and nothing is
stored."""

from __future__ import annotations

import functools
import hashlib
import subprocess

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document, DocumentVersion
from documents.services import document_create, upload_prepare, version_open_source
from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid, NotAllowed
from tests.docx_samples import bomb_docx, docx_bytes, macro_docx, rezip
from tests.factories import NamedBytes, pdf_bytes

pytestmark = pytest.mark.django_db


@functools.cache
def a_docx() -> bytes:
    return docx_bytes("Điều 1. Phạm vi điều chỉnh", "Điều 2. Đối tượng áp dụng", pages=2)


def create(cabinet, data: bytes, filename: str = "du-thao.docx", **extra):
    return document_create(
        actor=cabinet.secretary,
        body=cabinet.body,
        file=NamedBytes(data, filename),
        filename=filename,
        doc_type="du_thao_nghi_dinh",
        summary="Dự thảo Nghị định về chính phủ số",
        issuing_body="Bộ Khoa học và Công nghệ",
        **extra,
    )


def pdf_text(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"],
        input=data,
        capture_output=True,
        check=True,  # noqa: S607
    ).stdout.decode()


def assert_nothing_stored():
    assert not Document.objects.exists()
    assert not DocumentVersion.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="document.").exists()


def test_a_docx_is_converted_to_a_pdf_and_the_original_is_kept_beside_it(cabinet):
    document = create(cabinet, a_docx())
    version = document.versions.get()
    with version.file.open("rb") as stored:
        pdf = stored.read()
    assert pdf.startswith(b"%PDF-")
    assert version.original_filename == "du-thao.pdf"
    assert version.page_count == 2
    assert version.sha256 == hashlib.sha256(pdf).hexdigest()
    assert "Đối tượng áp dụng" in pdf_text(pdf)
    assert version.source_filename == "du-thao.docx"
    assert version.source_sha256 == hashlib.sha256(a_docx()).hexdigest()
    assert version.source_content_type.endswith("wordprocessingml.document")
    with version.source_file.open("rb") as source:
        assert source.read() == a_docx()
    entry = AuditEntry.objects.get(action="document.version_added")
    assert entry.details["converted_from"] == "docx"


def test_the_word_original_is_served_after_its_sha256_is_checked(cabinet):
    version = create(cabinet, a_docx()).versions.get()
    with version_open_source(actor=cabinet.secretary, version=version) as handle:
        assert handle.read() == a_docx()
    assert AuditEntry.objects.filter(action="document.source_downloaded").count() == 1
    with version.source_file.open("wb") as tampered:
        tampered.write(b"PK\x03\x04 edited on disk")
    with pytest.raises(Conflict, match="fingerprint"):
        version_open_source(actor=cabinet.secretary, version=version)
    assert AuditEntry.objects.filter(action="document.integrity_failed").exists()


def test_the_word_original_of_a_confidential_paper_is_only_for_those_allowed(cabinet):
    version = create(
        cabinet, a_docx(), confidentiality="mat", recipients=[cabinet.minister]
    ).versions.get()
    with pytest.raises(NotAllowed, match="original"):
        version_open_source(actor=cabinet.minister, version=version)
    version_open_source(actor=cabinet.archivist, version=version).close()


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (pdf_bytes(), "bao-cao.docx", "not a Word .docx document"),
        (b"MZ\x90\x00 an executable", "to-trinh.docx", "not a Word .docx document"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old word", "cu.docx", "old-format"),
        (b"PK\x03\x04 truncated zip, no directory", "hong.docx", "damaged"),
        (b"", "rong.docx", "empty"),
    ],
    ids=["pdf-renamed", "exe-renamed", "old-doc", "truncated-zip", "empty"],
)
def test_a_file_that_is_not_really_a_docx_is_refused_and_nothing_stored(
    cabinet, data, filename, message
):
    with pytest.raises(Invalid, match=message) as error:
        create(cabinet, data, filename)
    assert "file" in error.value.fields
    assert_nothing_stored()


def test_a_zip_that_lacks_the_word_parts_is_refused_as_broken(cabinet):
    broken = rezip(a_docx(), drop={"word/document.xml"})
    with pytest.raises(Invalid, match="lacks the parts"):
        create(cabinet, broken)
    assert_nothing_stored()


def test_a_docx_with_unparsable_xml_is_refused_as_broken(cabinet):
    broken = rezip(a_docx(), replace={"[Content_Types].xml": b"<Types><unclosed"})
    with pytest.raises(Invalid, match="damaged"):
        create(cabinet, broken)
    assert_nothing_stored()


def test_a_zip_bomb_is_refused_from_its_directory_before_extraction(cabinet):
    with pytest.raises(Invalid, match="zip bomb"):
        create(cabinet, bomb_docx(megabytes=200))
    assert_nothing_stored()


def test_a_highly_compressed_part_is_refused_by_the_ratio_limit(cabinet, settings):
    settings.DOCX_MAX_UNCOMPRESSED_MB = 1000  # only the ratio can catch it now
    with pytest.raises(Invalid, match="zip bomb"):
        create(cabinet, bomb_docx(megabytes=20))
    assert_nothing_stored()


def test_a_docx_with_too_many_parts_is_refused(cabinet, settings):
    settings.DOCX_MAX_ENTRIES = 20
    many = rezip(a_docx(), add={f"word/extra/part{n}.xml": b"<x/>" for n in range(30)})
    with pytest.raises(Invalid, match="at most 20"):
        create(cabinet, many)
    assert_nothing_stored()


def test_a_macro_document_renamed_docx_is_refused(cabinet):
    with pytest.raises(Invalid, match="macros"):
        create(cabinet, macro_docx())
    assert_nothing_stored()


def test_a_docx_with_only_a_macro_content_type_is_refused(cabinet):
    data = macro_docx()
    only_type = rezip(data, drop={"word/vbaProject.bin"})
    with pytest.raises(Invalid, match="macros"):
        create(cabinet, only_type)


def test_a_docm_is_refused_by_its_name(cabinet):
    with pytest.raises(Invalid, match=r"\.docm"):
        create(cabinet, a_docx(), "co-macro.docm")
    assert_nothing_stored()


def test_a_docx_that_would_fetch_an_image_from_the_internet_is_refused(cabinet):
    rels = (
        b'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        b'openxmlformats.org/package/2006/relationships"><Relationship Id="rId99" Type="'
        b'http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" '
        b'Target="http://example.com/track.png" TargetMode="External"/></Relationships>'
    )
    with pytest.raises(Invalid, match="Internet"):
        create(cabinet, rezip(a_docx(), replace={"word/_rels/document.xml.rels": rels}))
    assert_nothing_stored()


def test_an_upload_is_prepared_once_and_reused(cabinet):
    prepared = upload_prepare(file=NamedBytes(a_docx(), "a.docx"), filename="a.docx")
    assert upload_prepare(file=prepared, filename="a.docx") is prepared
    assert prepared.source is not None and prepared.facts.page_count == 2


def test_the_secretariat_uploads_a_docx_as_a_meeting_paper(client, cabinet, meeting):
    client.force_login(cabinet.secretary)
    response = client.post(
        reverse("meetings:paper_new", args=[meeting.pk]),
        {
            "file": SimpleUploadedFile("to-trinh.docx", a_docx()),
            "item": meeting.items.first().pk,
            "doc_type": "to_trinh",
            "summary": "Tờ trình dự thảo Nghị định",
            "issuing_body": "Bộ Tư pháp",
            "confidentiality": "thuong",
            "urgency": "thuong",
        },
    )
    assert response.status_code == 302
    version = DocumentVersion.objects.get()
    assert version.has_source and version.page_count == 2
    paper = meeting.papers.get()
    served = client.get(reverse("meetings:paper_file", args=[meeting.pk, paper.pk]))
    body = b"".join(served.streaming_content)
    assert body.startswith(b"%PDF-") and "Phạm vi điều chỉnh" in pdf_text(body)


def test_a_macro_docx_sent_as_a_meeting_paper_is_refused_with_the_reason(client, cabinet, meeting):
    client.force_login(cabinet.secretary)
    response = client.post(
        f"/api/meetings/{meeting.pk}/papers",
        {
            "file": SimpleUploadedFile("to-trinh.docx", macro_docx()),
            "doc_type": "to_trinh",
            "summary": "Tờ trình",
            "issuing_body": "Bộ Tư pháp",
        },
    )
    assert response.status_code == 422
    assert "macros" in response.json()["detail"]
    assert not meeting.papers.exists()
