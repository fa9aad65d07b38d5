"""The secretariat puts the approval of the last meeting's minutes on the next agenda
from the meeting page, on a tablet held upright, and the agenda links the minutes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from meetings import services as meeting_services
from tests.browser.conftest import TABLET_PORTRAIT, login, screenshot
from tests.factories import make_meeting

pytestmark = pytest.mark.django_db(transaction=True)

SMALL_BUTTONS = """[...document.querySelectorAll('.btn, button, select')]
    .filter(b => b.offsetParent !== null && b.getBoundingClientRect().height < 44)
    .map(b => b.dataset.testid || b.name || b.textContent.trim())"""


def test_the_secretariat_adds_the_approval_of_the_minutes_on_a_tablet(tablet, cabinet):
    previous = make_meeting(cabinet.body, cabinet.secretary, items=1, publish=True)
    meeting_services.meeting_start(
        actor=cabinet.chair, meeting=previous, override_reason="Họp trực tuyến"
    )
    meeting_services.meeting_close(actor=cabinet.chair, meeting=previous)
    upcoming = make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)

    page = tablet(TABLET_PORTRAIT)
    login(page, cabinet.secretary.username)
    page.goto(f"/meetings/{upcoming.pk}/")
    form = page.get_by_test_id("approve-minutes-form")
    form.scroll_into_view_if_needed()
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET_PORTRAIT["width"]
    assert page.evaluate(SMALL_BUTTONS) == []
    screenshot(page, "minutes-approve-form-768")

    form.locator("select[name=previous]").select_option(str(previous.pk))
    page.get_by_test_id("approve-minutes-submit").click()
    item = upcoming.items.get(minutes_of=previous)
    page.wait_for_url(f"**/meetings/{upcoming.pk}/#item-{item.pk}")
    link = page.get_by_test_id(f"minutes-of-{item.pk}").locator("a")
    assert link.get_attribute("href") == f"/minutes/meeting/{previous.pk}/"
    # The only earlier meeting is on the agenda now: nothing is left to offer.
    expect(page.get_by_test_id("approve-minutes-form")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= TABLET_PORTRAIT["width"]
    screenshot(page, "minutes-approve-added-768")
