"""Papers through the pages: uploads that must be real PDFs, and downloads that must be
allowed, exact, and audited."""

from __future__ import annotations

import functools
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from documents.models import Document
from ecabinet.audit.models import AuditEntry
from meetings import services
from tests.factories import NamedBytes, pdf_bytes


@functools.cache
def a_pdf(text: str = "Tờ trình") -> bytes:
    return pdf_bytes(text=text)


def upload_form(meeting, item, **overrides):
    form = {
        "file": SimpleUploadedFile("to-trinh.pdf", a_pdf(), "application/pdf"),
        "item": item.pk if item else "",
        "doc_type": "to_trinh",
        "number_symbol": "45/TTr-BTC",
        "summary": "Tờ trình về dự toán ngân sách",
        "issuing_body": "Bộ Tài chính",
        "confidentiality": "thuong",
        "urgency": "thuong",
    }
    form.update(overrides)
    return form


def add_paper(cabinet, meeting, item, **extra):
    return services.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=item,
        file=NamedBytes(a_pdf()),
        filename="Tờ trình 45.pdf",
        doc_type="to_trinh",
        summary="Tờ trình về dự toán ngân sách",
        issuing_body="Bộ Tài chính",
        **extra,
    )


def file_url(paper, query=""):
    return reverse("meetings:paper_file", args=[paper.meeting_id, paper.pk]) + query


def fetch(client, url):
    """GET and read the whole body; reading to the end closes the served file."""
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def downloads():
    return AuditEntry.objects.filter(action="document.downloaded")


def test_a_file_that_is_not_a_pdf_is_refused_clearly_and_nothing_is_stored(
    client, cabinet, meeting
):
    client.force_login(cabinet.secretary)
    fake = SimpleUploadedFile("bao-cao.pdf", b"PK\x03\x04 this is a zip file", "application/pdf")
    response = client.post(
        reverse("meetings:paper_new", args=[meeting.pk]),
        upload_form(meeting, meeting.items.first(), file=fake),
        headers={"accept-language": "en"},  # the message is checked in its source language
    )
    assert response.status_code == 422
    assert b'data-testid="field-error-file"' in response.content
    assert "not a PDF" in response.content.decode()
    assert not Document.objects.exists()


def test_a_confidential_paper_without_recipients_is_refused_and_not_stored(
    client, cabinet, meeting
):
    client.force_login(cabinet.secretary)
    response = client.post(
        reverse("meetings:paper_new", args=[meeting.pk]),
        upload_form(meeting, meeting.items.first(), confidentiality="mat"),
    )
    assert response.status_code == 422
    assert b'data-testid="field-error-recipients"' in response.content
    assert not Document.objects.exists()


def test_opening_a_paper_serves_the_exact_pdf_inline_and_records_the_download(
    client, cabinet, meeting
):
    paper = add_paper(cabinet, meeting, meeting.items.first())
    client.force_login(cabinet.minister)
    response, body = fetch(client, file_url(paper))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    assert "T%E1%BB%9D%20tr%C3%ACnh%2045.pdf" in response["Content-Disposition"]
    assert body == a_pdf()
    assert response["X-Content-SHA256"] == hashlib.sha256(body).hexdigest()
    entry = downloads().get()
    assert entry.actor == cabinet.minister
    assert entry.details["paper_id"] == paper.pk


def test_every_download_writes_its_own_audit_entry(client, cabinet, meeting):
    paper = add_paper(cabinet, meeting, meeting.items.first())
    for user in [cabinet.minister, cabinet.minister, cabinet.observer]:
        client.force_login(user)
        fetch(client, file_url(paper))
    assert downloads().count() == 3


def test_an_older_version_opens_by_number_and_a_missing_one_is_not_found(client, cabinet, meeting):
    paper = add_paper(cabinet, meeting, meeting.items.first())
    client.force_login(cabinet.secretary)
    response = client.post(
        reverse("meetings:version_new", args=[meeting.pk, paper.pk]),
        {"file": SimpleUploadedFile("v2.pdf", a_pdf("Bản sửa"), "application/pdf"), "note": "Sửa"},
    )
    assert response.status_code == 302
    assert paper.document.versions.count() == 2

    assert fetch(client, file_url(paper, "?v=1"))[1] == a_pdf()
    assert fetch(client, file_url(paper))[1] == a_pdf("Bản sửa")
    assert fetch(client, file_url(paper, "?v=9"))[0].status_code == 404
    assert fetch(client, file_url(paper, "?v=x"))[0].status_code == 404
    page = client.get(reverse("meetings:paper", args=[meeting.pk, paper.pk]))
    assert b'data-testid="version-2"' in page.content
    assert hashlib.sha256(a_pdf("Bản sửa")).hexdigest().encode() in page.content


@pytest.fixture
def guest_on_item_1(cabinet, meeting):
    item1, item2 = meeting.items.order_by("order")
    services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[item1]
    )
    return item1, item2


def test_a_guest_cannot_open_a_paper_of_an_item_they_are_not_invited_to(
    client, cabinet, meeting, guest_on_item_1
):
    item1, item2 = guest_on_item_1
    theirs = add_paper(cabinet, meeting, item1)
    other = add_paper(cabinet, meeting, item2)
    client.force_login(cabinet.guest)
    assert fetch(client, file_url(theirs))[0].status_code == 200
    response, _ = fetch(client, file_url(other))
    assert response.status_code == 403
    assert downloads().filter(actor=cabinet.guest).count() == 1
    page = client.get(reverse("meetings:paper", args=[meeting.pk, other.pk]))
    assert page.status_code == 403


def test_a_guest_sees_only_their_items_and_no_meeting_wide_papers(
    client, cabinet, meeting, guest_on_item_1
):
    item1, item2 = guest_on_item_1
    other = add_paper(cabinet, meeting, item2)
    general = add_paper(cabinet, meeting, None)
    client.force_login(cabinet.guest)
    content = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert f'data-testid="agenda-item-{item1.pk}"' in content
    assert f'data-testid="agenda-item-{item2.pk}"' not in content
    assert item2.title not in content
    assert f'data-testid="paper-{other.pk}"' not in content
    assert f'data-testid="paper-{general.pk}"' not in content
    assert 'data-testid="participants"' not in content
    assert fetch(client, file_url(general))[0].status_code == 403


@pytest.fixture
def confidential(cabinet, meeting):
    return add_paper(
        cabinet,
        meeting,
        meeting.items.first(),
        confidentiality="mat",
        recipients=[cabinet.minister],
    )


def test_a_confidential_paper_opens_only_for_its_named_recipients(client, cabinet, confidential):
    client.force_login(cabinet.minister)
    assert fetch(client, file_url(confidential))[0].status_code == 200
    for user in [cabinet.chair, cabinet.members[2], cabinet.observer, cabinet.assistant]:
        client.force_login(user)
        response, _ = fetch(client, file_url(confidential))
        assert response.status_code == 403, user
    assert list(downloads().values_list("actor", flat=True)) == [cabinet.minister.pk]


def test_the_agenda_shows_a_lock_instead_of_a_link_to_those_not_named(
    client, cabinet, meeting, confidential
):
    url = reverse("meetings:detail", args=[meeting.pk])
    client.force_login(cabinet.members[2])
    content = client.get(url).content.decode()
    assert f'data-testid="paper-locked-{confidential.pk}"' in content
    assert f'data-testid="paper-open-{confidential.pk}"' not in content
    assert 'data-level="mat"' in content
    client.force_login(cabinet.minister)
    content = client.get(url).content.decode()
    assert f'data-testid="paper-open-{confidential.pk}"' in content


def test_the_secretariat_uploads_a_confidential_paper_for_named_recipients(
    client, cabinet, meeting
):
    client.force_login(cabinet.secretary)
    response = client.post(
        reverse("meetings:paper_new", args=[meeting.pk]),
        upload_form(
            meeting,
            None,
            confidentiality="toi_mat",
            urgency="hoa_toc",
            recipients=[cabinet.minister.pk, cabinet.chair.pk],
        ),
    )
    assert response.status_code == 302
    document = Document.objects.get()
    assert set(document.recipients.all()) == {cabinet.minister, cabinet.chair}
    assert document.meeting_papers.get().item is None


def test_an_upload_over_the_size_limit_is_refused_before_it_is_read(
    client, cabinet, meeting, settings
):
    settings.PAPER_MAX_UPLOAD_MB = 1
    client.force_login(cabinet.secretary)
    huge = SimpleUploadedFile("lon.pdf", b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024))
    response = client.post(
        reverse("meetings:paper_new", args=[meeting.pk]),
        upload_form(meeting, meeting.items.first(), file=huge),
    )
    assert response.status_code == 413
    # The form comes back with what was typed and says why (no bare error page).
    assert b'data-testid="upload-too-large"' in response.content
    assert b'data-testid="error-page"' not in response.content
    assert not Document.objects.exists()
