"""The written-ballot pages on a tablet in Vietnamese, in Chromium: the member's pending
list and answer sheet, and the secretariat's page. Nothing scrolls sideways, every
button fits a finger, the time left is on screen, and the facts at the top read in the
pages' ordinary font (not the audit log's monospace)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from ballots.models import Answer
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, login, screenshot
from tests.test_ballots_helpers import answer, open_ballot

SMALL_BUTTONS = """[...document.querySelectorAll('main button, main .btn, main summary.btn')]
    .filter(b => b.offsetParent !== null && b.getBoundingClientRect().height < 44)
    .map(b => b.dataset.testid || b.textContent.trim())"""
FACT_FONTS = """[...document.querySelectorAll('[data-testid=ballot-facts] dt')]
    .map(dt => getComputedStyle(dt).fontFamily)"""
IN_VIEW = """el => { const r = el.getBoundingClientRect();
    return r.width > 0 && r.top >= 0 && r.bottom <= window.innerHeight
        && r.left >= 0 && r.right <= window.innerWidth; }"""


def assert_tablet_fit(page, size) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= size["width"]
    assert page.evaluate(SMALL_BUTTONS) == []


@pytest.mark.parametrize("size", [TABLET_PORTRAIT, TABLET_LANDSCAPE], ids=["768", "1024"])
def test_a_member_answers_a_ballot_on_a_tablet_in_vietnamese(
    transactional_db, tablet, cabinet, size
):
    ballot = open_ballot(
        cabinet,
        days=0.2,
        questions=[
            "Đồng ý ban hành Nghị định quy định chi tiết một số điều của Luật Dữ liệu, "
            "trong đó có cơ chế chia sẻ dữ liệu giữa các cơ quan nhà nước?",
            "Đồng ý thời hạn chia sẻ dữ liệu 05 ngày làm việc?",
        ],
    )
    page = tablet(viewport=size, locale="vi-VN")
    login(page, cabinet.minister.username)
    page.goto("/ballots/")
    assert page.locator("html").get_attribute("lang") == "vi"
    pending = page.locator("[data-testid=pending-ballot]")
    expect(pending).to_have_count(1)
    assert pending.locator("[data-testid=time-left]").evaluate(IN_VIEW)
    assert pending.locator("a").bounding_box()["height"] >= 44
    assert_tablet_fit(page, size)
    screenshot(page, f"ballot-member-pending-vi-{size['width']}x{size['height']}")

    pending.locator("a").click()
    page.wait_for_url(f"**/ballots/{ballot.pk}/#answer")
    page.evaluate("window.scrollTo(0, 0)")
    assert page.locator("[data-testid=time-left]").evaluate(IN_VIEW)
    assert all("mono" not in font.lower() for font in page.evaluate(FACT_FONTS))
    sheet = page.locator("[data-testid=answer-form]")
    assert sheet.locator("[data-testid=question-1] legend").inner_text().startswith("1. Đồng ý")
    labels = sheet.locator("[data-testid=question-1] .choice").all_inner_texts()
    assert [label.strip() for label in labels] == ["Đồng ý", "Không đồng ý", "Ý kiến khác"]
    assert sheet.locator("[data-testid=submit-answer]").inner_text() == "Gửi phiếu trả lời"
    assert_tablet_fit(page, size)
    screenshot(page, f"ballot-member-answer-vi-{size['width']}x{size['height']}")

    # "Other opinion" without its text: refused on the page, nothing stored.
    sheet.locator("[data-testid=question-1] input[value=agree]").check()
    sheet.locator("[data-testid=question-2] input[value=other]").check()
    page.once("dialog", lambda dialog: dialog.accept())
    sheet.locator("[data-testid=submit-answer]").click()
    page.locator("[data-testid=question-2].field--error").wait_for()
    assert Answer.objects.get(ballot=ballot, member=cabinet.minister).state == "pending"
    assert_tablet_fit(page, size)
    screenshot(page, f"ballot-member-answer-refused-vi-{size['width']}x{size['height']}")


@pytest.mark.parametrize("size", [TABLET_PORTRAIT, TABLET_LANDSCAPE], ids=["768", "1024"])
def test_the_secretariat_page_reads_well_on_a_tablet(transactional_db, tablet, cabinet, size):
    ballot = open_ballot(cabinet)
    answer(cabinet.minister, ballot, "agree", "other")
    page = tablet(viewport=size, locale="vi-VN")
    login(page, cabinet.secretary.username)
    page.goto(f"/ballots/{ballot.pk}/")
    heading = page.locator("[data-testid=recipients-heading]")
    assert heading.get_attribute("data-answered") == "1"
    assert f"1/{len(cabinet.members)}" in heading.inner_text()
    assert all("mono" not in font.lower() for font in page.evaluate(FACT_FONTS))
    left = page.locator("[data-testid=not-answered]")
    assert left.get_attribute("data-count") == str(len(cabinet.members) - 1)
    assert str(cabinet.minister) not in left.inner_text()
    reason = page.locator(f"tr[data-member-id='{cabinet.minister.pk}'] input[name=reason]")
    assert reason.bounding_box()["height"] >= 44
    assert_tablet_fit(page, size)
    screenshot(page, f"ballot-secretariat-open-vi-{size['width']}x{size['height']}")
