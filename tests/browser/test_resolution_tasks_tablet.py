"""A task of an issued resolution in a real browser at tablet size (768×1024, real
Daphne): the Minister of Finance opens "Nhiệm vụ của đơn vị", reports the task completed
with a PDF, and the secretariat sees it completed on time on the dashboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from resolutions.models import TaskState
from tests.browser.conftest import TABLET_PORTRAIT, login, screenshot
from tests.factories import pdf_bytes
from tests.test_resolution_tasks_helpers import add_task, issued_resolution

pytestmark = pytest.mark.django_db(transaction=True)

SMALL_BUTTONS = """[...document.querySelectorAll('.btn, button')]
    .filter(b => b.offsetParent !== null && b.getBoundingClientRect().height < 44)
    .map(b => b.dataset.testid || b.textContent.trim())"""


def fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET_PORTRAIT["width"]
    assert page.evaluate(SMALL_BUTTONS) == [], page.url


def test_the_minister_reports_completion_and_the_secretariat_sees_it(tablet, cabinet, tmp_path):
    resolution = issued_resolution(cabinet)
    task = add_task(resolution, days=10, content="Hoàn thiện dự thảo Nghị định về dữ liệu")
    add_task(resolution, agency="Bộ Tư pháp", days=-2, content="Rà soát văn bản pháp luật")
    report = tmp_path / "bao-cao.pdf"
    report.write_bytes(pdf_bytes(text="Báo cáo hoàn thành"))

    minister = tablet(TABLET_PORTRAIT)
    login(minister, cabinet.members[1].username)  # Bộ Tài chính
    minister.goto("/resolutions/")
    minister.get_by_test_id("tasks-mine-link").click()
    minister.wait_for_url("**/resolutions/tasks/mine/")
    rows = minister.get_by_test_id("task-row")
    expect(rows).to_have_count(1)  # Bộ Tư pháp's task is not the minister's
    fits(minister)
    rows.first.get_by_role("link").click()
    minister.wait_for_url(f"**/resolutions/tasks/{task.pk}/")
    assert minister.get_by_test_id("task-state").inner_text() == "Đã giao"
    minister.fill("textarea[name=text]", "Đã trình Chính phủ dự thảo Nghị định")
    minister.set_input_files("input[name=attachment]", str(report))
    fits(minister)
    minister.get_by_test_id("report-completion").click()
    minister.wait_for_load_state()
    assert minister.get_by_test_id("task-state").inner_text() == "Hoàn thành"
    expect(minister.get_by_test_id("task-on-time")).to_be_visible()
    expect(minister.get_by_test_id("task-report-file")).to_be_visible()
    fits(minister)
    screenshot(minister, "resolution-task-completed-768")
    task.refresh_from_db()
    assert task.state == TaskState.COMPLETED

    secretariat = tablet(TABLET_PORTRAIT)
    login(secretariat, cabinet.secretary.username)
    secretariat.goto("/resolutions/tasks/")
    finance = secretariat.locator("[data-testid=agency-row][data-agency='Bộ Tài chính']")
    assert finance.get_by_test_id("count-on-time").inner_text() == "1"
    assert finance.get_by_test_id("count-open").inner_text() == "0"
    justice = secretariat.locator("[data-testid=agency-row][data-agency='Bộ Tư pháp']")
    assert justice.get_by_test_id("count-overdue").inner_text() == "1"
    done = secretariat.locator(f"[data-testid=task-row][data-task-id='{task.pk}']")
    assert "Hoàn thành" in done.inner_text() and "Đúng hạn" in done.inner_text()
    fits(secretariat)
    screenshot(secretariat, "resolution-tasks-dashboard-768")
