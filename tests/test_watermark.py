"""Confidential papers reach each reader with a visible watermark (their name, unit and the
time on every page); the unwatermarked original goes only to the uploader, the
secretariat and archivists; every copy is audited, saying whether it was watermarked."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import subprocess

import pytest
from django.urls import reverse
from django.utils import timezone

from ecabinet import dates
from ecabinet.audit.models import AuditEntry
from meetings import services
from tests.factories import NamedBytes, pdf_bytes


@functools.cache
def secret_pdf() -> bytes:
    return pdf_bytes(pages=3, text="Báo cáo Mật")


def text_of(data: bytes) -> str:
    return subprocess.run(
        ["pdftotext", "-", "-"],  # noqa: S607
        input=data,
        capture_output=True,
        check=True,
    ).stdout.decode()


@pytest.fixture
def reader(cabinet):
    minister = cabinet.minister
    minister.full_name, minister.organisation = "Lê Thị Thu Hằng", "Bộ Ngoại giao"
    minister.save()
    return minister


@pytest.fixture
def paper(cabinet, meeting, reader):
    return services.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=meeting.items.first(),
        file=NamedBytes(secret_pdf()),
        filename="bao-cao-mat.pdf",
        doc_type="bao_cao",
        summary="Báo cáo tình hình an ninh",
        issuing_body="Bộ Công an",
        confidentiality="mat",
        recipients=[reader, cabinet.chair],
    )


def fetch(client, url):
    response = client.get(url)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return response, body


def page_url(paper, query=""):
    return reverse("meetings:paper_file", args=[paper.meeting_id, paper.pk]) + query


def test_a_named_recipient_reads_a_copy_watermarked_with_their_name_unit_and_time(
    client, reader, paper
):
    client.force_login(reader)
    before = timezone.localtime(timezone.now())
    response, body = fetch(client, page_url(paper))
    assert response.status_code == 200
    assert response["X-Watermarked"] == "1"
    pages = text_of(body).split("\f")[:3]
    stamp = dates.day(before)  # in the reader's language
    for page in pages:  # on every page
        assert "Lê Thị Thu Hằng" in page
        assert "Bộ Ngoại giao" in page
        assert stamp in page
    assert body != secret_pdf()
    assert response["X-Content-SHA256"] == hashlib.sha256(body).hexdigest()
    version = paper.document.versions.get()
    assert response["X-Version-SHA256"] == version.sha256
    with version.file.open("rb") as stored:  # the stored version is untouched
        assert hashlib.sha256(stored.read()).hexdigest() == version.sha256


def test_the_time_in_the_watermark_is_the_time_of_serving(client, reader, paper):
    client.force_login(reader)
    _response, body = fetch(client, page_url(paper))
    now = timezone.localtime(timezone.now())
    served = {dates.when(now - dt.timedelta(minutes=m)) for m in range(0, 2)}
    assert any(stamp in text_of(body) for stamp in served)


def test_each_reader_gets_their_own_watermark(client, cabinet, reader, paper):
    client.force_login(cabinet.chair)
    _response, body = fetch(client, page_url(paper))
    assert cabinet.chair.full_name in text_of(body)
    assert reader.full_name not in text_of(body)


def test_the_download_is_audited_as_watermarked(client, reader, paper):
    client.force_login(reader)
    fetch(client, page_url(paper))
    entry = AuditEntry.objects.get(action="document.downloaded")
    assert entry.actor == reader
    assert entry.details["watermarked"] is True


def test_a_recipient_may_not_take_the_unwatermarked_original(client, reader, paper):
    client.force_login(reader)
    response, _body = fetch(client, page_url(paper, "?original=1"))
    assert response.status_code == 403
    assert "original" in response.content.decode()
    assert not AuditEntry.objects.filter(action="document.downloaded").exists()


def test_the_uploading_secretariat_takes_the_exact_original_and_it_is_audited(
    client, cabinet, paper
):
    client.force_login(cabinet.secretary)
    response, body = fetch(client, page_url(paper, "?original=1"))
    assert (response.status_code, response["X-Watermarked"]) == (200, "0")
    assert body == secret_pdf()
    entry = AuditEntry.objects.get(action="document.downloaded")
    assert entry.details["watermarked"] is False


def test_the_api_serves_the_same_watermarked_copy(client, reader, paper):
    client.force_login(reader)
    response, body = fetch(client, f"/api/papers/{paper.pk}/file")
    assert response["X-Watermarked"] == "1"
    assert "Lê Thị Thu Hằng" in text_of(body)
    response, _body = fetch(client, f"/api/papers/{paper.pk}/file?original=true")
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


def test_a_normal_paper_is_served_as_stored_without_a_watermark(client, cabinet, meeting):
    paper = services.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        file=NamedBytes(secret_pdf()),
        filename="thuong.pdf",
        doc_type="bao_cao",
        summary="Báo cáo thường",
        issuing_body="Bộ Công an",
    )
    client.force_login(cabinet.minister)
    response, body = fetch(client, page_url(paper))
    assert (response["X-Watermarked"], body) == ("0", secret_pdf())
    assert AuditEntry.objects.get(action="document.downloaded").details["watermarked"] is False
