"""Uploading papers: only real, readable PDFs are stored, immutably, with their SHA-256;
only invited people open them, and confidential ones only their named recipients."""

import hashlib
import io

import pikepdf
import pytest

from documents import services as documents_services
from documents.models import Document, DocumentVersion
from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound, TooLarge
from meetings import services
from tests.factories import NamedBytes, pdf_bytes


@pytest.fixture(scope="module")
def real_pdf():
    return pdf_bytes(pages=2, text="Tờ trình")


def upload(cabinet, meeting, data, *, item=None, **extra):
    fields = {
        "doc_type": "to_trinh",
        "summary": "Về dự thảo Nghị định quy định chi tiết Luật Đầu tư công",
        "issuing_body": "Bộ Tài chính",
        "number_symbol": "215/TTr-BTC",
    }
    fields.update(extra)
    return services.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=item,
        file=NamedBytes(data),
        filename="to-trinh.pdf",
        **fields,
    )


def test_a_paper_is_stored_with_its_sha256_and_page_count(cabinet, meeting, real_pdf):
    paper = upload(cabinet, meeting, real_pdf, item=meeting.items.first())
    version = paper.document.versions.get()
    assert version.sha256 == hashlib.sha256(real_pdf).hexdigest()
    assert version.page_count == 2
    assert version.size == len(real_pdf)
    with version.file.open("rb") as stored:
        assert stored.read() == real_pdf


def test_a_new_version_keeps_the_old_one(cabinet, meeting, real_pdf):
    paper = upload(cabinet, meeting, real_pdf, item=meeting.items.first())
    second = pdf_bytes(pages=3, text="Dự thảo lần 2")
    services.paper_add_version(
        actor=cabinet.secretary,
        paper=paper,
        file=NamedBytes(second),
        filename="v2.pdf",
        note="Tiếp thu ý kiến",
    )
    versions = list(paper.document.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].sha256 == hashlib.sha256(real_pdf).hexdigest()
    assert versions[1].page_count == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04 this is a zip, named .pdf", "not a PDF"),
        (b"", "empty"),
        (b"%PDF-1.7\n garbage that is not a PDF body at all", "damaged"),
    ],
)
def test_a_file_that_is_not_a_readable_pdf_is_refused_and_nothing_is_stored(
    cabinet, meeting, data, message
):
    with pytest.raises(Invalid, match=message):
        upload(cabinet, meeting, data)
    assert Document.objects.count() == 0
    assert DocumentVersion.objects.count() == 0
    assert not AuditEntry.objects.filter(action="document.created").exists()


def test_an_encrypted_pdf_is_refused(cabinet, meeting, real_pdf):
    buffer = io.BytesIO()
    with pikepdf.open(io.BytesIO(real_pdf)) as pdf:
        pdf.save(buffer, encryption=pikepdf.Encryption(owner="owner", user="user"))
    with pytest.raises(Invalid, match="encrypted"):
        upload(cabinet, meeting, buffer.getvalue())
    assert Document.objects.count() == 0


def test_an_encrypted_pdf_without_a_user_password_is_refused_too(cabinet, meeting, real_pdf):
    buffer = io.BytesIO()
    with pikepdf.open(io.BytesIO(real_pdf)) as pdf:
        pdf.save(buffer, encryption=pikepdf.Encryption(owner="owner", user=""))
    with pytest.raises(Invalid, match="encrypted"):
        upload(cabinet, meeting, buffer.getvalue())


def test_an_oversized_pdf_is_refused(cabinet, meeting, settings):
    settings.PAPER_MAX_UPLOAD_MB = 1
    big = pdf_bytes(pages=1) + b"%" + b"x" * (1024 * 1024 + 10)
    with pytest.raises(TooLarge, match="limit is 1 MB"):
        upload(cabinet, meeting, big)
    assert Document.objects.count() == 0


def test_missing_metadata_is_reported_field_by_field(cabinet, meeting, real_pdf):
    with pytest.raises(Invalid) as error:
        upload(cabinet, meeting, real_pdf, summary=" ", doc_type="nonsense")
    assert set(error.value.fields) == {"summary", "doc_type"}


def test_a_confidential_paper_must_name_its_recipients(cabinet, meeting, real_pdf):
    with pytest.raises(Invalid, match="name its recipients"):
        upload(cabinet, meeting, real_pdf, confidentiality="mat")


def test_papers_cannot_be_added_to_a_closed_meeting(cabinet, meeting, real_pdf):
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    services.meeting_close(actor=cabinet.chair, meeting=meeting)
    with pytest.raises(Conflict):
        upload(cabinet, meeting, real_pdf)
    assert Document.objects.count() == 0


def test_a_member_opens_a_paper_and_the_download_is_audited(cabinet, meeting, real_pdf):
    paper = upload(cabinet, meeting, real_pdf, item=meeting.items.first())
    version, handle = services.paper_open(actor=cabinet.minister, paper=paper)
    with handle:
        assert handle.read() == real_pdf
    entry = AuditEntry.objects.filter(action="document.downloaded").get()
    assert entry.actor == cabinet.minister
    assert entry.details["sha256"] == version.sha256
    assert entry.details["meeting_id"] == meeting.pk


def test_a_guest_opens_only_papers_of_items_they_are_invited_to(cabinet, meeting, real_pdf):
    first, second = meeting.items.order_by("order")
    services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[second]
    )
    hidden = upload(cabinet, meeting, real_pdf, item=first)
    shown = upload(
        cabinet, meeting, pdf_bytes(text="Báo cáo"), item=second, number_symbol="12/BC-BKHĐT"
    )
    general = upload(cabinet, meeting, pdf_bytes(text="Chương trình"), number_symbol="1/CT")
    with pytest.raises(NotAllowed, match="not invited"):
        services.paper_open(actor=cabinet.guest, paper=hidden)
    with pytest.raises(NotAllowed):
        services.paper_open(actor=cabinet.guest, paper=general)
    _, handle = services.paper_open(actor=cabinet.guest, paper=shown)
    handle.close()
    assert AuditEntry.objects.filter(action="document.downloaded").count() == 1


def test_a_confidential_paper_opens_only_for_named_recipients(cabinet, meeting, real_pdf):
    named = cabinet.members[2]
    paper = upload(
        cabinet,
        meeting,
        real_pdf,
        item=meeting.items.first(),
        confidentiality="mat",
        recipients=[named],
    )
    for person in [cabinet.minister, cabinet.chair, cabinet.observer]:
        with pytest.raises(NotAllowed, match="confidential"):
            services.paper_open(actor=person, paper=paper)
    _, handle = services.paper_open(actor=named, paper=paper)
    handle.close()


def test_outsiders_and_archivists_of_open_meetings_cannot_open_papers(cabinet, meeting, real_pdf):
    paper = upload(cabinet, meeting, real_pdf, item=meeting.items.first())
    for person in [cabinet.outsider, cabinet.archivist, cabinet.auditor]:
        with pytest.raises(NotFound):
            services.paper_open(actor=person, paper=paper)


def test_a_stored_file_changed_on_disk_is_not_served(cabinet, meeting, real_pdf):
    paper = upload(cabinet, meeting, real_pdf, item=meeting.items.first())
    version = paper.document.versions.get()
    with open(version.file.path, "r+b") as stored:
        stored.seek(200)
        stored.write(b"X")
    with pytest.raises(Conflict, match="fingerprint"):
        services.paper_open(actor=cabinet.minister, paper=paper)
    assert AuditEntry.objects.filter(action="document.integrity_failed").exists()


def test_a_stored_file_missing_on_disk_is_a_clear_error_and_reported(cabinet, meeting, real_pdf):
    import os

    paper = upload(cabinet, meeting, real_pdf, item=meeting.items.first())
    os.remove(paper.document.versions.get().file.path)
    with pytest.raises(Conflict, match="missing"):
        services.paper_open(actor=cabinet.minister, paper=paper)
    assert AuditEntry.objects.filter(action="document.file_missing").exists()


def test_two_readers_of_the_same_version_object_get_handles_of_their_own(
    cabinet, meeting, real_pdf
):
    """Two requests holding one version (threads of one process) must not close each
    other's file: each read gets its own handle from the storage."""
    paper = upload(cabinet, meeting, real_pdf, item=meeting.items.first())
    version = paper.document.versions.get()
    first = documents_services.version_file_checked(actor=cabinet.minister, version=version)
    second = documents_services.version_file_checked(actor=cabinet.chair, version=version)
    first.close()
    assert hashlib.sha256(second.read()).hexdigest() == version.sha256
    second.close()
