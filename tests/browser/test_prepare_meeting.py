"""End to end, in Chromium at tablet size: the secretariat prepares and publishes a
meeting; a minister reads the paper and marks a position; the secretariat sees it."""

from __future__ import annotations

import hashlib

import pytest

from ecabinet.audit.models import AuditEntry
from meetings.models import Meeting, Position
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, login, screenshot
from tests.factories import pdf_bytes


@pytest.fixture
def paper_file(tmp_path):
    path = tmp_path / "to-trinh-215.pdf"
    path.write_bytes(pdf_bytes(pages=2, text="Tờ trình về dự thảo Nghị định"))
    return path


def accept_confirmations(page):
    page.on("dialog", lambda dialog: dialog.accept())


def test_the_secretariat_prepares_a_meeting_and_a_minister_marks_a_position(
    transactional_db, tablet, cabinet, paper_file
):
    minister = cabinet.minister
    # --- The secretariat, on a desktop-sized tablet in landscape.
    desk = tablet(viewport=TABLET_LANDSCAPE)
    accept_confirmations(desk)
    login(desk, cabinet.secretary.username)
    desk.click(f"[data-testid=new-meeting-{cabinet.body.pk}]")
    desk.fill("input[name=title]", "Phiên họp Chính phủ chuyên đề về xây dựng pháp luật")
    desk.select_option("select[name=kind]", "thematic")
    desk.fill("input[name=starts_at]", "2026-12-05T08:00")
    desk.fill("input[name=location]", "Phòng họp số 1, Trụ sở Chính phủ")
    desk.click("[data-testid=submit]")
    desk.wait_for_selector("[data-testid=meeting-title]")
    meeting = Meeting.objects.get(title__startswith="Phiên họp Chính phủ chuyên đề")
    assert meeting.state == Meeting.State.DRAFT
    assert meeting.kind == Meeting.Kind.THEMATIC

    desk.click("[data-testid=add-item]")
    desk.fill("input[name=title]", "Dự thảo Nghị định về quản lý văn bản điện tử")
    desk.fill("input[name=presenting_agency]", "Bộ Tài chính")  # the minister's ministry
    desk.select_option("select[name=presenter]", str(minister.pk))
    desk.fill("input[name=duration_minutes]", "45")
    desk.click("[data-testid=submit]")
    desk.wait_for_selector("[data-testid=agenda] [data-testid=item-title]")
    item = meeting.items.get()

    desk.click(f"[data-testid=upload-paper-{item.pk}]")
    desk.set_input_files("input[name=file]", str(paper_file))
    desk.select_option("select[name=doc_type]", "to_trinh")
    desk.fill("input[name=number_symbol]", "215/TTr-BNV")
    desk.fill("textarea[name=summary]", "Về dự thảo Nghị định quản lý văn bản điện tử")
    desk.fill("input[name=issuing_body]", "Bộ Nội vụ")
    desk.select_option("select[name=urgency]", "khan")
    desk.click("[data-testid=submit]")
    desk.wait_for_selector("[data-testid=paper-page]")
    paper = meeting.papers.get()
    assert paper.document.versions.get().page_count == 2
    desk.click("[data-testid=back-to-meeting]")
    desk.wait_for_selector(f"[data-testid=paper-{paper.pk}]")
    screenshot(desk, "e2e-1-secretariat-draft-1024x768")

    desk.click("[data-testid=publish-button]")
    desk.wait_for_selector("[data-testid=meeting-state][data-state=published]")
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.PUBLISHED

    # --- A minister on a tablet in portrait.
    pad = tablet(viewport=TABLET_PORTRAIT)
    login(pad, minister.username)
    pad.click(f"[data-testid=meeting-link-{meeting.pk}]")
    pad.wait_for_selector(f"[data-testid=agenda-item-{item.pk}]")
    pad.click(f"[data-testid=paper-link-{paper.pk}]")
    assert pad.locator("[data-testid=paper-number]").inner_text().strip() == "215/TTr-BNV"
    href = pad.locator("[data-testid=paper-open]").get_attribute("href")
    response = pad.request.get(href)  # the PDF, fetched with the minister's session
    assert response.status == 200
    assert response.headers["content-type"] == "application/pdf"
    assert (
        hashlib.sha256(response.body()).hexdigest()
        == hashlib.sha256(paper_file.read_bytes()).hexdigest()
    )
    assert AuditEntry.objects.filter(action="document.downloaded", actor=minister).count() == 1
    screenshot(pad, "e2e-2-minister-paper-768x1024")

    pad.click("[data-testid=back-to-meeting]")
    form = pad.locator(f"[data-testid=position-form-{item.pk}]")
    form.locator("[data-testid=stance-wish_to_speak]").click()
    form.locator("textarea[name=comment]").fill("Đề nghị làm rõ thẩm quyền ký số")
    form.locator(f"[data-testid=position-submit-{item.pk}]").click()
    saved = pad.locator(f"[data-testid=saved-position-{item.pk}]")
    assert saved.get_attribute("data-stance") == "wish_to_speak"
    assert pad.evaluate("document.documentElement.scrollWidth") <= TABLET_PORTRAIT["width"]
    screenshot(pad, "e2e-3-minister-position-768x1024")
    position = Position.objects.get(item=item)
    assert (position.member, position.stance) == (minister, "wish_to_speak")

    # --- The secretariat sees the summary.
    desk.goto(f"/meetings/{meeting.pk}/")
    desk.click("[data-testid=positions-link]")
    summary = desk.locator(f"[data-testid=summary-item-{item.pk}]")
    assert summary.locator("[data-testid=count-wish_to_speak]").inner_text().strip() == "1"
    assert minister.full_name in summary.locator("[data-testid=wish-to-speak]").inner_text()
    not_marked = summary.locator("[data-testid=count-not-marked]").inner_text().strip()
    assert not_marked == str(len(cabinet.members) - 1)
    screenshot(desk, "e2e-4-secretariat-summary-1024x768")
