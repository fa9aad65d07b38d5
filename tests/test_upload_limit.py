"""An oversized request is refused from its Content-Length, before its body is read."""

from documents.models import Document


def test_an_oversized_upload_is_refused_with_413_and_stores_nothing(
    client, cabinet, meeting, settings
):
    settings.PAPER_MAX_UPLOAD_MB = 1
    client.force_login(cabinet.secretary)
    body = b"x" * (2 * 1024 * 1024 + 10)
    response = client.generic(
        "POST", f"/api/meetings/{meeting.pk}/papers", body, content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert response.json()["error"] == "too_large"
    assert "1 MB" in response.json()["detail"]
    assert Document.objects.count() == 0


def test_the_refusal_is_a_page_for_a_browser(client, cabinet, meeting, settings):
    settings.PAPER_MAX_UPLOAD_MB = 1
    client.force_login(cabinet.secretary)
    response = client.generic(
        "POST",
        f"/meetings/{meeting.pk}/",
        b"x" * (2 * 1024 * 1024 + 10),
        content_type="application/octet-stream",
        HTTP_ACCEPT="text/html",
    )
    assert response.status_code == 413
    assert response["Content-Type"].startswith("text/html")
