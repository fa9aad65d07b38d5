# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""The verify page on a tablet, in Vietnamese and English: a signed and sealed PDF is
uploaded, and the page reads as words, names and times, with no sideways scroll."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from playwright.sync_api import expect

from signing import services
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, login, screenshot
from tests.browser.test_signing_tablet import fits
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    dev_pki,
    make_document,
    signers,
    signing_settings,
    version_bytes,
)

pytestmark = pytest.mark.django_db(transaction=True)

TIME = re.compile(
    r"^\d\d:\d\d, (ngày \d\d/\d\d/\d{4} \(giờ Việt Nam|\d{1,2} [A-Z][a-z]+ \d{4} \(Vietnam time)\)$"
)
WORDS = {
    "vi-VN": ("Chữ ký số cá nhân", "giờ Việt Nam"),
    "en-US": ("Personal signature", "Vietnam time"),
}


def signed_and_sealed(signers) -> bytes:
    """Signed in a thread of its own: pyHanko runs its own event loop, which cannot
    start in the thread where Playwright's runs."""

    def sign() -> bytes:
        try:
            document = make_document(signers.body, signers.secretary)
            version = document.latest_version()
            v2 = services.version_sign(actor=signers.chair, version=version, pin=USER_PIN)
            v3 = services.version_sign(
                actor=signers.secretary, version=v2, pin=SEAL_PIN, kind="seal", body=signers.body
            )
            return version_bytes(v3)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(sign).result()


@pytest.mark.parametrize("locale", ["vi-VN", "en-US"])
@pytest.mark.parametrize("size", [TABLET_PORTRAIT, TABLET_LANDSCAPE], ids=["768", "1024"])
def test_the_verify_page_reads_plainly_on_a_tablet(tablet, signers, tmp_path, locale, size):
    pdf = tmp_path / "signed.pdf"
    pdf.write_bytes(signed_and_sealed(signers))

    page = tablet(size, locale=locale)
    login(page, signers.minister.username)
    page.goto("/signing/verify/")
    page.set_input_files("input[type=file]", str(pdf))
    page.get_by_test_id("submit").click()
    assert page.get_by_test_id("verify-summary").get_attribute("data-ok") == "yes"

    cards = page.get_by_test_id("signature-verdict")
    expect(cards).to_have_count(4)
    first = cards.first
    personal, vietnam_time = WORDS[locale]
    assert first.locator("h3").inner_text() == f"1. {personal}"
    assert first.get_by_test_id("signer-name").inner_text() == "Trần Đức Khiêm"
    position = first.get_by_test_id("signer-position").inner_text()
    assert position == f"Thủ tướng, {signers.body.name}"
    bold = first.get_by_test_id("signer-name").evaluate("e => getComputedStyle(e).fontWeight")
    assert int(bold) >= 600
    for testid in ("signed-at", "timestamped-at"):
        when = first.get_by_test_id(testid).inner_text()
        assert TIME.match(when) and vietnam_time in when, when
    changes = cards.get_by_test_id("modifications")
    codes = changes.evaluate_all("ds => ds.map(d => d.dataset.code)")
    assert codes[-1] == "validation_data_only"
    assert not any("_" in text for text in changes.all_inner_texts())
    notes = first.get_by_test_id("signature-note")
    assert notes.count() >= 1 and "Common Name" not in notes.first.inner_text()
    fits(page, size)

    page.get_by_test_id("verify-details").locator("summary").click()
    rows = page.get_by_test_id("signature-row")
    expect(rows.first).to_be_visible()
    assert rows.first.locator("td").first.inner_text() == personal
    fits(page, size)
    name = f"signing-verify-{locale[:2]}-{size['width']}"
    screenshot(page, name)
