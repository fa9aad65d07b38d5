"""Papers over the JSON API: only real PDFs are stored; a bad upload stores nothing and says
why; the file opens only for those who may read it, and every download is audited."""

import hashlib
import io

import pikepdf
import pytest

from documents.models import Document, DocumentVersion
from ecabinet.audit.models import AuditEntry
from meetings import services
from tests.factories import NamedBytes, pdf_bytes
from tests.roles import ROLES_AND_ANONYMOUS, client_for

ROLES = ROLES_AND_ANONYMOUS
METADATA = {
    "doc_type": "to_trinh",
    "number_symbol": "215/TTr-BTC",
    "summary": "Về dự thảo Nghị định quy định chi tiết Luật Đầu tư công",
    "issuing_body": "Bộ Tài chính",
    "issued_date": "2025-11-03",
    "urgency": "khan",
}


@pytest.fixture(scope="module")
def real_pdf():
    return pdf_bytes(pages=2, text="Tờ trình")


@pytest.fixture
def items(meeting):
    return list(meeting.items.order_by("order"))


@pytest.fixture
def guest_on_first_item(cabinet, meeting, items):
    services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[items[0]]
    )
    return items[0]


def add_paper(cabinet, meeting, data, *, item=None, **extra):
    fields = {k: v for k, v in METADATA.items() if k != "issued_date"}
    fields.update(extra)
    return services.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=item,
        file=NamedBytes(data),
        filename="to-trinh.pdf",
        **fields,
    )


def upload(client, meeting, data, *, name="to-trinh.pdf", **fields):
    form = {**METADATA, **fields, "file": NamedBytes(data, name)}
    return client.post(f"/api/meetings/{meeting.pk}/papers", form)


def download(client, paper, query=""):
    """The response and its bytes. Reading the stream to its end closes the served file
    (the test client closes it without ending the request's database connection)."""
    response = client.get(f"/api/papers/{paper.pk}/file{query}")
    content = b"".join(response.streaming_content) if response.streaming else None
    return response, content


def encrypted_pdf(data):
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(owner="o", user="u"))
    return out.getvalue()


def padded_pdf(data, extra_bytes):
    """A valid PDF made larger by an incompressible stream it references."""
    out = io.BytesIO()
    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.Root.Padding = pdf.make_stream(hashlib.shake_256(b"pad").digest(extra_bytes))
        pdf.save(out, compress_streams=False)
    return out.getvalue()


# --- Uploading ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, [403, 201, 403, 403, 404, 403, 403, 404, 404, 401], strict=True),
)
def test_only_the_secretariat_uploads_papers(
    cabinet, meeting, guest_on_first_item, real_pdf, role, status
):
    before = Document.objects.count()
    response = upload(client_for(cabinet, role), meeting, real_pdf, item_id=guest_on_first_item.pk)
    assert response.status_code == status
    assert Document.objects.count() == before + (1 if status == 201 else 0)


def test_an_uploaded_paper_carries_its_decree_30_metadata_and_fingerprint(
    cabinet, meeting, items, real_pdf
):
    response = upload(client_for(cabinet, "secretary"), meeting, real_pdf, item_id=items[0].pk)
    body = response.json()
    assert body["item_id"] == items[0].pk
    assert (body["doc_type"], body["number_symbol"], body["urgency"]) == (
        "to_trinh",
        "215/TTr-BTC",
        "khan",
    )
    assert body["issued_date"] == "2025-11-03"
    [version] = body["versions"]
    assert version["sha256"] == hashlib.sha256(real_pdf).hexdigest()
    assert (version["number"], version["page_count"], version["size"]) == (1, 2, len(real_pdf))


def test_a_file_that_is_not_a_pdf_is_refused_and_nothing_is_stored(cabinet, meeting, items):
    before = (Document.objects.count(), DocumentVersion.objects.count())
    response = upload(
        client_for(cabinet, "secretary"),
        meeting,
        b"PK\x03\x04 this is a zip file, whatever its name says",
        item_id=items[0].pk,
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["file"]
    assert (Document.objects.count(), DocumentVersion.objects.count()) == before


def test_an_encrypted_pdf_is_refused(cabinet, meeting, real_pdf):
    before = Document.objects.count()
    response = upload(client_for(cabinet, "secretary"), meeting, encrypted_pdf(real_pdf))
    assert response.status_code == 422
    assert "encrypted" in response.json()["detail"]
    assert Document.objects.count() == before


def test_a_pdf_over_the_limit_is_refused_with_413(cabinet, meeting, real_pdf, settings):
    settings.PAPER_MAX_UPLOAD_MB = 1
    big = padded_pdf(real_pdf, 1024 * 1024 + 1000)
    with pikepdf.open(io.BytesIO(big)) as pdf:  # a readable PDF: only its size is wrong
        assert len(pdf.pages) == 2
    response = upload(client_for(cabinet, "secretary"), meeting, big)
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert "the limit is 1 MB" in response.json()["detail"]
    assert Document.objects.count() == 0


def test_a_request_far_over_the_limit_is_refused_before_it_is_read(
    cabinet, meeting, real_pdf, settings
):
    settings.PAPER_MAX_UPLOAD_MB = 1
    huge = padded_pdf(real_pdf, 3 * 1024 * 1024)
    response = upload(client_for(cabinet, "secretary"), meeting, huge)
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert "upload is too large" in response.json()["detail"]
    assert Document.objects.count() == 0


def test_an_upload_without_a_file_names_the_file_field(cabinet, meeting):
    response = client_for(cabinet, "secretary").post(f"/api/meetings/{meeting.pk}/papers", METADATA)
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["file"]


def test_missing_and_wrong_metadata_name_their_fields(cabinet, meeting, real_pdf):
    response = upload(
        client_for(cabinet, "secretary"), meeting, real_pdf, doc_type="thu_tay", summary=" "
    )
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"doc_type", "summary"}
    assert Document.objects.count() == 0


def test_a_confidential_paper_must_name_its_recipients(cabinet, meeting, real_pdf):
    response = upload(client_for(cabinet, "secretary"), meeting, real_pdf, confidentiality="mat")
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["recipients"]


def test_recipients_are_sent_as_repeated_form_fields(cabinet, meeting, items, real_pdf):
    response = upload(
        client_for(cabinet, "secretary"),
        meeting,
        real_pdf,
        item_id=items[0].pk,
        confidentiality="mat",
        recipient_ids=[cabinet.chair.pk, cabinet.minister.pk],
    )
    assert response.status_code == 201
    document = Document.objects.get(pk=response.json()["document_id"])
    assert set(document.recipients.all()) == {cabinet.chair, cabinet.minister}


def test_an_unknown_recipient_names_the_field(cabinet, meeting, real_pdf):
    response = upload(
        client_for(cabinet, "secretary"),
        meeting,
        real_pdf,
        confidentiality="mat",
        recipient_ids=[cabinet.chair.pk, 999999],
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["recipient_ids"]


def test_an_item_of_another_meeting_names_the_field(cabinet, meeting, draft_meeting, real_pdf):
    response = upload(
        client_for(cabinet, "secretary"),
        meeting,
        real_pdf,
        item_id=draft_meeting.items.first().pk,
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["item_id"]


def test_papers_cannot_be_added_to_a_closed_meeting(cabinet, meeting, real_pdf):
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    services.meeting_close(actor=cabinet.chair, meeting=meeting)
    response = upload(client_for(cabinet, "secretary"), meeting, real_pdf)
    assert response.status_code == 409
    assert Document.objects.count() == 0


# --- New versions -------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, [403, 201, 403, 403, 404, 403, 403, 404, 404, 401], strict=True),
)
def test_only_the_secretariat_adds_versions(
    cabinet, meeting, guest_on_first_item, real_pdf, role, status
):
    paper = add_paper(cabinet, meeting, real_pdf, item=guest_on_first_item)
    second = pdf_bytes(pages=3, text="Dự thảo lần 2")
    response = client_for(cabinet, role).post(
        f"/api/papers/{paper.pk}/versions",
        {"file": NamedBytes(second, "v2.pdf"), "note": "Tiếp thu ý kiến"},
    )
    assert response.status_code == status
    assert paper.document.versions.count() == (2 if status == 201 else 1)
    if status == 201:
        assert response.json()["number"] == 2
        assert response.json()["sha256"] == hashlib.sha256(second).hexdigest()


def test_a_broken_new_version_is_refused_and_the_old_one_stays(cabinet, meeting, real_pdf):
    paper = add_paper(cabinet, meeting, real_pdf)
    response = client_for(cabinet, "secretary").post(
        f"/api/papers/{paper.pk}/versions", {"file": NamedBytes(real_pdf[:200], "v2.pdf")}
    )
    assert response.status_code == 422
    assert paper.document.versions.count() == 1


# --- Reading metadata ---------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, [200, 200, 200, 200, 404, 200, 200, 404, 404, 401], strict=True),
)
def test_who_reads_a_papers_metadata(cabinet, meeting, guest_on_first_item, real_pdf, role, status):
    paper = add_paper(cabinet, meeting, real_pdf, item=guest_on_first_item)
    response = client_for(cabinet, role).get(f"/api/papers/{paper.pk}")
    assert response.status_code == status
    if status == 200:
        assert response.json()["versions"][0]["sha256"] == hashlib.sha256(real_pdf).hexdigest()


def test_a_guest_asking_for_a_paper_of_an_item_they_are_not_invited_to_is_refused(
    cabinet, meeting, items, guest_on_first_item, real_pdf
):
    paper = add_paper(cabinet, meeting, real_pdf, item=items[1])
    client = client_for(cabinet, "guest")
    assert client.get(f"/api/papers/{paper.pk}").status_code == 403
    response, _ = download(client, paper)
    assert response.status_code == 403
    assert not AuditEntry.objects.filter(action="document.downloaded").exists()


def test_a_guest_is_not_shown_papers_for_the_whole_meeting(
    cabinet, meeting, guest_on_first_item, real_pdf
):
    paper = add_paper(cabinet, meeting, real_pdf)
    assert client_for(cabinet, "guest").get(f"/api/papers/{paper.pk}").status_code == 403


def test_a_confidential_paper_is_listed_but_does_not_open_for_others(
    cabinet, meeting, items, real_pdf
):
    paper = add_paper(
        cabinet, meeting, real_pdf, item=items[0], confidentiality="mat", recipients=[cabinet.chair]
    )
    minister = client_for(cabinet, "minister")
    assert minister.get(f"/api/papers/{paper.pk}").json()["can_open"] is False
    detail = minister.get(f"/api/meetings/{meeting.pk}").json()
    assert detail["agenda"][0]["papers"][0]["can_open"] is False
    response, _ = download(minister, paper)
    assert response.status_code == 403
    assert "confidential" in response.json()["detail"]
    response, content = download(client_for(cabinet, "chair"), paper)
    # A named recipient reads a copy watermarked for them (tests/test_watermark.py).
    assert (response.status_code, response["X-Watermarked"]) == (200, "1")
    assert content.startswith(b"%PDF-") and content != real_pdf


# --- Downloading --------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, [200, 200, 200, 200, 404, 200, 200, 404, 404, 401], strict=True),
)
def test_who_downloads_a_paper(cabinet, meeting, guest_on_first_item, real_pdf, role, status):
    paper = add_paper(cabinet, meeting, real_pdf, item=guest_on_first_item)
    response, content = download(client_for(cabinet, role), paper)
    assert response.status_code == status
    if status == 200:
        assert content == real_pdf


def test_a_download_sends_the_pdf_with_its_fingerprint_and_is_audited(
    cabinet, meeting, items, real_pdf
):
    paper = add_paper(cabinet, meeting, real_pdf, item=items[0])
    response, content = download(client_for(cabinet, "minister"), paper)
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-SHA256"] == hashlib.sha256(content).hexdigest()
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="document.downloaded")
    assert entry.actor == cabinet.minister
    assert entry.details["paper_id"] == paper.pk
    assert entry.details["sha256"] == hashlib.sha256(real_pdf).hexdigest()


def test_an_older_version_is_downloaded_by_number(cabinet, meeting, items, real_pdf):
    paper = add_paper(cabinet, meeting, real_pdf, item=items[0])
    second = pdf_bytes(pages=3, text="Dự thảo lần 2")
    services.paper_add_version(
        actor=cabinet.secretary, paper=paper, file=NamedBytes(second), filename="v2.pdf"
    )
    client = client_for(cabinet, "minister")
    assert download(client, paper)[1] == second
    assert download(client, paper, "?v=1")[1] == real_pdf


def test_a_version_that_does_not_exist_is_a_404(cabinet, meeting, items, real_pdf):
    paper = add_paper(cabinet, meeting, real_pdf, item=items[0])
    response, _ = download(client_for(cabinet, "minister"), paper, "?v=7")
    assert response.status_code == 404


def test_a_version_that_is_not_a_number_is_a_422(cabinet, meeting, items, real_pdf):
    paper = add_paper(cabinet, meeting, real_pdf, item=items[0])
    response, _ = download(client_for(cabinet, "minister"), paper, "?v=latest")
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["v"]


def test_a_tampered_file_is_not_served(cabinet, meeting, items, real_pdf):
    paper = add_paper(cabinet, meeting, real_pdf, item=items[0])
    version = paper.document.versions.get()
    with open(version.file.path, "r+b") as stored:
        stored.seek(-10, 2)
        stored.write(b"0123456789")
    response, _ = download(client_for(cabinet, "minister"), paper)
    assert response.status_code == 409
    assert AuditEntry.objects.filter(action="document.integrity_failed").count() == 1
