"""A meeting's resolution in a real browser at tablet size (768×1024, real Daphne): the
secretariat drafts it from the closed meeting's page, adds a task, numbers it and sees
the number from the outgoing register on the page and on the PDF."""

from __future__ import annotations

import subprocess

import pytest
from playwright.sync_api import expect

from resolutions.models import Resolution
from tests.browser.conftest import TABLET_PORTRAIT, login, screenshot
from tests.minutes_helpers import CONCLUSION, run_meeting

pytestmark = pytest.mark.django_db(transaction=True)

SMALL_BUTTONS = """[...document.querySelectorAll('.btn, button')]
    .filter(b => b.offsetParent !== null && b.getBoundingClientRect().height < 44)
    .map(b => b.dataset.testid || b.textContent.trim())"""


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET_PORTRAIT["width"]
    assert page.evaluate(SMALL_BUTTONS) == [], page.url


def test_the_secretariat_drafts_numbers_and_sees_the_number(tablet, cabinet, tmp_path):
    meeting = run_meeting(cabinet)
    page = tablet(TABLET_PORTRAIT)
    login(page, cabinet.secretary.username)
    page.goto(f"/meetings/{meeting.pk}/")
    page.get_by_test_id("resolution-draft").click()
    page.wait_for_url("**/resolutions/*/")
    resolution = Resolution.objects.get(meeting=meeting)
    assert page.get_by_test_id("resolution-state").inner_text() == "Dự thảo"
    assert CONCLUSION in page.get_by_test_id("resolution-text").inner_text()
    fits(page)
    screenshot(page, "resolution-draft-768")

    page.get_by_test_id("edit-link").click()
    page.fill("input[name=tasks-0-content]", "Hoàn thiện dự thảo Nghị định, trình ký ban hành")
    page.fill("input[name=tasks-0-lead_agency]", "Bộ Tài chính")
    page.fill("input[name=tasks-0-cooperating_agencies]", "Bộ Tư pháp")
    page.fill("input[name=tasks-0-deadline]", "2027-01-15")
    page.fill("input[name=tasks-0-article]", "1")
    fits(page)
    page.get_by_test_id("save").click()
    page.wait_for_url(f"**/resolutions/{resolution.pk}/")
    assert "Bộ Tài chính" in page.get_by_test_id("resolution-tasks").inner_text()

    page.get_by_test_id("number-button").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("resolution-number").inner_text() == "Số: 01/NQ-CP"
    assert page.get_by_test_id("resolution-state").inner_text() == (
        "Đã lấy số, chờ người chủ trì ký"
    )
    expect(page.get_by_test_id("edit-link")).to_have_count(0)
    fits(page)
    screenshot(page, "resolution-numbered-768")
    response = page.request.get(f"/resolutions/{resolution.pk}/file.pdf")
    assert response.ok
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=response.body(), capture_output=True, check=True
    ).stdout.decode()
    assert "Số: 01/NQ-CP" in text and "TM. CHÍNH PHỦ" in text
