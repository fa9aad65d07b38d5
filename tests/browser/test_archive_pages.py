"""The archive pages in a real browser at tablet size: an archivist searches without
accents, opens a record; nothing scrolls sideways and buttons fit a finger."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.archive_helpers import file_record
from tests.browser.conftest import TABLET_PORTRAIT, login, screenshot

SMALL_BUTTONS = """[...document.querySelectorAll('.btn')]
    .filter(b => b.offsetParent !== null && b.getBoundingClientRect().height < 44)
    .map(b => b.dataset.testid || b.textContent.trim())"""


@pytest.mark.parametrize("locale", ["vi-VN", "en-US"])
def test_an_archivist_finds_and_opens_a_record_on_a_tablet(
    transactional_db, tablet, cabinet, locale
):
    record = file_record(
        cabinet.body,
        cabinet.secretary,
        title="Biên bản phiên họp Chính phủ thường kỳ tháng 10 năm 2026 về dự toán ngân sách",
        number="45/BB-CP",
        issued_on=dt.date(2026, 10, 5),
    )
    file_record(cabinet.body, cabinet.secretary, title="Báo cáo tổng hợp", kind="ballot_report")
    page = tablet(viewport=TABLET_PORTRAIT, locale=locale)
    login(page, cabinet.archivist.username)
    page.click("[data-testid=nav-archive]")
    page.fill("input[name=q]", "bien ban hop du toan")
    page.click("[data-testid=archive-search-submit]")
    rows = page.locator("[data-testid=archive-row]")
    expect(rows).to_have_count(1)  # waits for the results page, not the form it left
    assert rows.get_attribute("data-record-id") == str(record.pk)
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET_PORTRAIT["width"]
    assert page.evaluate(SMALL_BUTTONS) == []
    screenshot(page, f"archive-search-{locale}")
    rows.locator("a").click()
    assert page.locator("[data-testid=record-sha256]").inner_text() == record.sha256
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET_PORTRAIT["width"]
    assert page.evaluate(SMALL_BUTTONS) == []
    screenshot(page, f"archive-record-{locale}")
