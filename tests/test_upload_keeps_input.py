"""An upload larger than PAPER_MAX_UPLOAD_MB is refused before its file is kept; on a
page, the form comes back with what was typed and says why (status 413), instead of a
bare error page. The file input carries the limit, so the browser can refuse first."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from documents.models import Document
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SUMMARY = "Dự thảo Nghị định về quản lý đầu tư công (lần 2)"


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def too_big() -> SimpleUploadedFile:
    return SimpleUploadedFile("lon.pdf", b"%PDF-1.7\n" + b"x" * (2 * 1024 * 1024 + 10))


def test_the_file_inputs_carry_the_limit_for_the_browser(cabinet, meeting, settings):
    settings.PAPER_MAX_UPLOAD_MB = 3
    secretary = client_for(cabinet.secretary)
    for url in (f"/drafts/new/{cabinet.body.pk}/", f"/meetings/{meeting.pk}/papers/new/"):
        page = secretary.get(url).content.decode()
        assert f'data-max-bytes="{3 * 1024 * 1024}"' in page, url
        assert "the largest accepted is 3 MB" in page
    assert 'data-max-bytes="3145728"' in secretary.get("/signing/verify/").content.decode()


def test_a_draft_too_large_comes_back_with_what_was_typed(cabinet, settings):
    settings.PAPER_MAX_UPLOAD_MB = 1
    secretary = client_for(cabinet.secretary)
    response = secretary.post(
        f"/drafts/new/{cabinet.body.pk}/",
        {
            "file": too_big(),
            "doc_type": "du_thao_nghi_dinh",
            "number_symbol": "12/2026/NĐ-CP",
            "summary": SUMMARY,
            "issuing_body": "Bộ Tài chính",
            "confidentiality": "thuong",
            "urgency": "thuong",
            "deadline": "2026-12-20T17:00",
            "request": "Góp ý về điều 5",
            "recipients": [cabinet.minister.pk],
        },
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert 'data-testid="upload-too-large"' in page and "larger than 1 MB" in page
    assert SUMMARY in page and "12/2026/NĐ-CP" in page and "Góp ý về điều 5" in page
    assert 'value="2026-12-20T17:00"' in page
    assert Document.objects.count() == 0


def test_a_meeting_paper_too_large_comes_back_with_what_was_typed(cabinet, meeting, settings):
    settings.PAPER_MAX_UPLOAD_MB = 1
    response = client_for(cabinet.secretary).post(
        f"/meetings/{meeting.pk}/papers/new/",
        {
            "file": too_big(),
            "doc_type": "to_trinh",
            "number_symbol": "215/TTr-BTC",
            "summary": SUMMARY,
            "issuing_body": "Bộ Tài chính",
        },
    )
    assert response.status_code == 413
    page = response.content.decode()
    assert 'data-testid="upload-too-large"' in page
    assert SUMMARY in page and 'value="215/TTr-BTC"' in page
    assert Document.objects.count() == 0


def test_the_api_still_gets_a_bare_413(cabinet, meeting, settings):
    settings.PAPER_MAX_UPLOAD_MB = 1
    response = client_for(cabinet.secretary).post(
        f"/api/meetings/{meeting.pk}/papers", {"file": too_big(), "summary": SUMMARY}
    )
    assert response.status_code == 413 and response.json()["error"] == "too_large"
    assert Document.objects.count() == 0
