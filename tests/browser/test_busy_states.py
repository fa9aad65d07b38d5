# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""Slow work in a real browser: the signing page shows what is signed (first page and
SHA-256) before the PIN; a double tap on "Sign" signs once, with a working state shown;
a file over the limit is refused before it is sent, and what was typed stays; the
records package is prepared in the background on a page that follows it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from playwright.sync_api import expect

from archive.models import ExportJob
from documents.models import Document
from signing.models import Signature
from signing.services import version_sign
from tests.archive_helpers import file_record
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, login, screenshot, wait_for
from tests.circulation_helpers import circulate
from tests.pki_fixtures import (  # noqa: F401
    USER_PIN,
    dev_pki,
    make_document,
    signers,
    signing_settings,
)

pytestmark = pytest.mark.django_db(transaction=True)

SIZES = {"portrait": TABLET_PORTRAIT, "landscape": TABLET_LANDSCAPE}


def no_sideways_scroll(page, size) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"], page.url


def test_the_sign_page_shows_the_first_page_and_a_double_tap_signs_once(cabinet, signers, tablet):
    circulation = circulate(cabinet, recipients=[signers.chair])
    version = circulation.document.latest_version()
    url = f"/drafts/{circulation.pk}/v/1/sign/"
    for name, size in SIZES.items():
        page = tablet(viewport=size)
        login(page, signers.chair.username)
        page.goto(url)
        image = page.locator("[data-testid=sign-preview-image]")
        image.scroll_into_view_if_needed()
        wait_for(
            page,
            "() => document.querySelector('[data-testid=sign-preview-image]').naturalWidth > 0",
        )
        # An A4 page at 60 dpi.
        width, height = image.evaluate("i => [i.naturalWidth, i.naturalHeight]")
        assert 490 <= width <= 500 and 700 <= height <= 704
        assert page.inner_text("[data-testid=sign-preview-sha256]") == version.sha256
        # The preview is above the PIN field, on screen without scrolling sideways.
        preview_box = page.locator("[data-testid=sign-preview]").bounding_box()
        pin_box = page.locator("input[name=pin]").bounding_box()
        assert preview_box["y"] + preview_box["height"] <= pin_box["y"]
        no_sideways_scroll(page, size)
        screenshot(page, f"busy-sign-preview-{name}")
        # The working state, as it shows while the signature is made (a submit event the
        # browser does not act on: nothing is sent).
        page.evaluate(
            "() => document.querySelector('[data-testid=sign-form]')"
            ".dispatchEvent(new Event('submit', {bubbles: true, cancelable: true}))"
        )
        assert "Đang ký số…" in page.inner_text("[data-testid=busy]")
        screenshot(page, f"busy-signing-{name}")

    page = tablet(viewport=TABLET_PORTRAIT)
    login(page, signers.chair.username)
    page.goto(url)
    page.fill("input[name=pin]", USER_PIN)
    with page.expect_navigation():
        page.dblclick("[data-testid=submit]")
    page.wait_for_url(f"**/drafts/{circulation.pk}/")
    assert Signature.objects.filter(signed_version__document=circulation.document).count() == 1
    assert circulation.document.versions.count() == 2
    assert "Ký bởi Trần Đức Khiêm, Thủ tướng, lúc " in page.inner_text("[data-testid=version-2]")
    for name, size in SIZES.items():
        page.set_viewport_size(size)
        no_sideways_scroll(page, size)
        screenshot(page, f"busy-draft-signed-by-{name}")


def test_a_file_over_the_limit_is_refused_in_the_browser_and_the_typed_title_stays(
    cabinet, tablet, settings
):
    settings.PAPER_MAX_UPLOAD_MB = 1
    title = "Dự thảo Nghị định về quản lý đầu tư công (lần 2)"
    for name, size in SIZES.items():
        page = tablet(viewport=size)
        login(page, cabinet.secretary.username)
        page.goto(f"/drafts/new/{cabinet.body.pk}/")
        sent: list[str] = []
        page.on("request", lambda r, sent=sent: sent.append(r.url) if r.method == "POST" else None)
        page.fill("textarea[name=summary]", title)
        file_input = page.locator("input[type=file]")
        assert file_input.get_attribute("data-max-bytes") == str(1024 * 1024)
        file_input.set_input_files(
            files=[{"name": "lon.pdf", "mimeType": "application/pdf", "buffer": b"x" * 2_500_000}]
        )
        message = page.locator("[data-testid=file-too-large]")
        assert "2,4 MB" in message.inner_text() and "1 MB" in message.inner_text()
        page.click("[data-testid=submit]")
        page.wait_for_timeout(300)
        assert sent == [] and "/drafts/new/" in page.url
        assert page.input_value("textarea[name=summary]") == title
        expect(message).to_be_visible()
        screenshot(page, f"busy-upload-refused-{name}")
    assert Document.objects.count() == 0


def test_the_records_package_page_follows_the_job(cabinet, signers, tablet):
    document = make_document(cabinet.body, cabinet.secretary)

    # Signing runs its own event loop: not in this thread, where Playwright's runs.
    def sign():
        try:
            return version_sign(
                actor=signers.chair, version=document.latest_version(), pin=USER_PIN
            )
        finally:
            connections.close_all()  # this thread's connection, before the database goes

    with ThreadPoolExecutor(1) as pool:
        signed = pool.submit(sign).result()
    record = file_record(cabinet.body, cabinet.secretary, version=signed)
    # A job still waiting for a worker (as with TASKS_BACKEND=database).
    waiting = ExportJob.objects.create(record=record, requested_by=cabinet.archivist)
    for name, size in SIZES.items():
        page = tablet(viewport=size)
        login(page, cabinet.archivist.username)
        page.goto(f"/archive/exports/{waiting.pk}/")
        assert page.get_attribute("[data-testid=export-job]", "data-state") == "queued"
        no_sideways_scroll(page, size)
        screenshot(page, f"busy-export-queued-{name}")
        # It refreshes itself: once the job is ready, the page offers the file.
        ExportJob.objects.filter(pk=waiting.pk).update(state="running")
        page.wait_for_selector("[data-testid=export-job][data-state=running]", timeout=6000)
        ExportJob.objects.filter(pk=waiting.pk).update(state="queued")

        page.goto(f"/archive/{record.pk}/")
        with page.expect_navigation():
            page.click("[data-testid=record-package]")
        page.wait_for_selector("[data-testid=export-job][data-state=ready]", timeout=30_000)
        expect(page.locator("[data-testid=export-download]")).to_be_visible()
        no_sideways_scroll(page, size)
        screenshot(page, f"busy-export-ready-{name}")
        with page.expect_download() as download:
            page.click("[data-testid=export-download]")
        assert download.value.suggested_filename == f"ho-so-luu-tru-{record.pk}.zip"
        page.goto(f"/archive/{record.pk}/")
        assert page.locator("[data-testid=record-exports] li").count() >= 2
        assert "Ký bởi Trần Đức Khiêm, Thủ tướng, lúc " in page.inner_text(
            "[data-testid=record-signatures]"
        )
        no_sideways_scroll(page, size)
        screenshot(page, f"busy-archive-record-{name}")
