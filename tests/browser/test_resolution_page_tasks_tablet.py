"""The progress of an issued resolution's tasks on its page, in a real browser at tablet
size (768×1024, real Daphne): the chair sees each task's progress and the counts, and the
section fits the screen with buttons large enough to touch."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import TABLET_PORTRAIT, login, screenshot
from tests.test_resolution_tasks_helpers import add_task, issued_resolution

pytestmark = pytest.mark.django_db(transaction=True)

SMALL_BUTTONS = """[...document.querySelectorAll('.btn, button')]
    .filter(b => b.offsetParent !== null && b.getBoundingClientRect().height < 44)
    .map(b => b.dataset.testid || b.textContent.trim())"""


def test_the_chair_sees_how_the_resolution_s_tasks_stand(tablet, cabinet):
    resolution = issued_resolution(cabinet)
    add_task(resolution, days=10, content="Hoàn thiện dự thảo Nghị định về dữ liệu")
    late = add_task(resolution, agency="Bộ Tư pháp", days=-2, content="Rà soát văn bản pháp luật")
    page = tablet(TABLET_PORTRAIT)
    login(page, cabinet.chair.username)
    page.goto(f"/resolutions/{resolution.pk}/")
    progress = page.get_by_test_id("task-progress")
    expect(progress.get_by_test_id("task-row")).to_have_count(2)
    assert progress.get_by_test_id("count-total").inner_text() == "2"
    assert progress.get_by_test_id("count-overdue").inner_text() == "1"
    overdue = progress.locator(f"[data-testid=task-row][data-task-id='{late.pk}']")
    assert overdue.get_by_test_id("task-overdue").inner_text() == "Quá hạn"
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET_PORTRAIT["width"]
    assert page.evaluate(SMALL_BUTTONS) == [], page.url
    screenshot(page, "resolution-page-tasks-768")
    overdue.get_by_role("link").click()
    page.wait_for_url(f"**/resolutions/tasks/{late.pk}/")
