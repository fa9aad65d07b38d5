"""Draft circulation over JSON: the same rules as the pages, the API's error shape."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from circulation import services
from circulation.models import Circulation, Comment
from tests.circulation_helpers import circulate, draft_docx, draft_pdf, expire
from tests.docx_samples import bomb_docx
from tests.roles import client_for

pytestmark = pytest.mark.django_db


def error_shape(response, status, code):
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error", "detail", "fields"} and body["error"] == code
    return body


def start_form(cabinet, file, **extra):
    form = {
        "file": file,
        "body_id": cabinet.body.pk,
        "doc_type": "du_thao_nghi_dinh",
        "summary": "Dự thảo Luật Dữ liệu",
        "issuing_body": "Bộ Công an",
        "deadline": (timezone.now() + dt.timedelta(days=2)).isoformat(),
    }
    form.update(extra)
    return form


def test_a_minister_circulates_a_docx_and_recipients_see_it(cabinet):
    client = client_for(cabinet, "minister")
    response = client.post(
        "/api/drafts",
        start_form(cabinet, SimpleUploadedFile("luat.docx", draft_docx("Điều 1."))),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["versions"][0]["has_source"] is True
    assert body["can_manage"] is True and body["can_comment"] is False
    listed = client_for(cabinet, "chair").get("/api/drafts").json()
    assert [d["id"] for d in listed["received"]] == [body["id"]]


def test_a_zip_bomb_is_refused_with_the_error_shape(cabinet):
    client = client_for(cabinet, "secretary")
    response = client.post(
        "/api/drafts", start_form(cabinet, SimpleUploadedFile("bom.docx", bomb_docx(200)))
    )
    body = error_shape(response, 422, "invalid")
    assert "zip bomb" in body["detail"] and "file" in body["fields"]
    assert not Circulation.objects.exists()


def test_comments_with_pages_and_the_answering_version(cabinet):
    circulation = circulate(cabinet)
    minister = client_for(cabinet, "minister")
    url = f"/api/drafts/{circulation.pk}/comments"
    response = minister.post(url, {"text": "Trang 2", "page": 2}, content_type="application/json")
    assert response.status_code == 201
    comment_id = response.json()["id"]
    error_shape(
        minister.post(url, {"text": "x", "page": 5}, content_type="application/json"),
        422,
        "invalid",
    )
    response = client_for(cabinet, "secretary").post(
        f"/api/drafts/{circulation.pk}/versions",
        {"file": SimpleUploadedFile("v2.pdf", draft_pdf("mới", 2)), "answers": [comment_id]},
    )
    assert response.status_code == 201, response.content
    detail = minister.get(f"/api/drafts/{circulation.pk}").json()
    assert detail["comments"][0]["answered_in"] == 2
    diff = minister.get(f"/api/drafts/{circulation.pk}/diff?a=1&b=2").json()
    assert diff["added"] >= 1 and any(r["kind"] == "added" for r in diff["rows"])


def test_after_the_deadline_a_comment_is_a_conflict(cabinet):
    circulation = circulate(cabinet)
    expire(circulation)
    response = client_for(cabinet, "minister").post(
        f"/api/drafts/{circulation.pk}/comments", {"text": "x"}, content_type="application/json"
    )
    assert "deadline" in error_shape(response, 409, "conflict")["detail"]
    assert not Comment.objects.exists()


def test_a_non_recipient_cannot_comment_and_an_outsider_gets_404(cabinet):
    circulation = circulate(cabinet, recipients=[cabinet.minister])
    url = f"/api/drafts/{circulation.pk}/comments"
    chair = client_for(cabinet, "chair")  # sees the body's drafts, was not asked
    error_shape(chair.post(url, {"text": "x"}, content_type="application/json"), 403, "forbidden")
    outsider = client_for(cabinet, "outsider")
    error_shape(outsider.get(f"/api/drafts/{circulation.pk}"), 404, "not_found")
    assert not Comment.objects.exists()


def test_a_version_from_a_recipient_is_forbidden(cabinet):
    circulation = circulate(cabinet)
    response = client_for(cabinet, "minister").post(
        f"/api/drafts/{circulation.pk}/versions",
        {"file": SimpleUploadedFile("v2.pdf", draft_pdf("mới", 2))},
    )
    error_shape(response, 403, "forbidden")
    assert circulation.document.versions.count() == 1


def test_closing_and_the_watermarked_file_of_a_confidential_draft(cabinet):
    circulation = circulate(cabinet, confidentiality="mat", recipients=[cabinet.minister])
    minister = client_for(cabinet, "minister")
    response = minister.get(f"/api/drafts/{circulation.pk}/versions/1/file")
    assert response["X-Watermarked"] == "1"
    b"".join(response.streaming_content)
    response = client_for(cabinet, "secretary").post(f"/api/drafts/{circulation.pk}/close")
    assert response.json()["state"] == "closed"
    services.circulation_open_version(actor=cabinet.secretary, circulation=circulation)[1].close()
