"""A minister away from the room is called to a vote: on a real Daphne (PostgreSQL and
Redis shared with the test), the home page shows the banner within two seconds of the
chair opening the vote, and one tap on it lands in the room with the vote's buttons on
screen. The banner goes when the vote closes, and a page opened later does not show it
again."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from playwright.sync_api import expect

from bench.common import session_keys
from meetings import live
from meetings import services as meetings
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot, wait_for
from tests.browser.test_room import daphne, needs_daphne, off_the_loop  # noqa: F401
from tests.factories import make_meeting
from voting import services as voting

pytestmark = [needs_daphne, pytest.mark.django_db(transaction=True)]

BANNER = "[data-testid=alert][data-kind=vote]"


@pytest.fixture
def running_meeting(cabinet):
    def start():
        meeting = make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)
        for member in cabinet.members[:4]:
            live.attendance_mark(
                actor=cabinet.secretary, meeting=meeting, user_id=member.pk, present=True
            )
        meeting = meetings.meeting_start(actor=cabinet.chair, meeting=meeting)
        item = meeting.items.order_by("order").first()
        live.item_open(actor=cabinet.chair, item=item)
        return meeting, item

    return off_the_loop(start)


@pytest.fixture
def signed_in(browser, daphne):  # noqa: F811
    contexts = []

    def open_home(user, viewport):
        context = browser.new_context(viewport=viewport, locale="vi-VN", base_url=daphne)
        context.set_default_timeout(15_000)
        contexts.append(context)
        (key,) = off_the_loop(session_keys, [user])
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": daphne}])
        page = context.new_page()
        page.goto("/")
        page.wait_for_selector("#alerts[data-state=online]", state="attached")
        return page

    yield open_home
    for context in contexts:
        context.close()


@pytest.mark.parametrize(
    "viewport", [TABLET_PORTRAIT, TABLET_LANDSCAPE], ids=["portrait", "landscape"]
)
def test_a_minister_on_the_home_page_is_called_to_the_vote_and_reaches_it_in_one_tap(
    cabinet, running_meeting, signed_in, viewport
):
    meeting, item = running_meeting
    size = f"{viewport['width']}x{viewport['height']}"
    home = signed_in(cabinet.minister, viewport)
    expect(home.locator("[data-testid=alert]")).to_have_count(0)

    started = time.monotonic()
    vote = off_the_loop(
        lambda: voting.vote_open(actor=cabinet.chair, item=item, question="Tán thành dự thảo?")
    )
    banner = home.locator(BANNER)
    banner.wait_for(state="visible", timeout=2_000)
    elapsed = time.monotonic() - started
    print(f"banner shown {elapsed:.3f} s after the chair opened the vote ({size})")
    assert elapsed < 2.0, f"the banner took {elapsed:.2f} s"

    assert banner.locator(".alert-banner__title").inner_text() == "Đang biểu quyết"
    assert "Tán thành dự thảo?" in banner.inner_text()
    action = banner.locator("[data-testid=alert-action]")
    assert action.inner_text().strip() == "Biểu quyết ngay"
    box = banner.bounding_box()
    assert box["y"] < 250 and box["y"] + box["height"] <= viewport["height"]
    assert action.bounding_box()["height"] >= 44  # a finger's width
    # The home page's list and the menu's count take the new duty in without a reload.
    home.locator("[data-testid=duty][data-kind=vote]").wait_for(state="visible", timeout=5_000)
    wait_for(
        home, "() => document.querySelector('[data-testid=work-count]').textContent.trim() === '1'"
    )
    home.wait_for_timeout(400)  # the banner's slide-in, for the picture
    screenshot(home, f"alerts-home-vote-{size}")

    # The banner stays at the top of the screen when the page scrolls.
    home.mouse.wheel(0, 2000)
    home.wait_for_timeout(200)
    assert 0 <= banner.bounding_box()["y"] < 5 or home.evaluate("window.scrollY") == 0

    action.click()
    home.wait_for_url(f"**/meetings/{meeting.pk}/room/**")
    buttons = home.locator("[data-testid=vote-buttons]")
    buttons.wait_for(state="visible")
    yes = home.locator("[data-testid=vote-yes]")
    expect(yes).to_be_visible()
    top = yes.bounding_box()["y"]
    assert 0 <= top and top + 44 <= viewport["height"], "the vote buttons are off screen"
    expect(home.locator(BANNER)).to_have_count(0)  # the room shows the vote itself
    home.wait_for_selector("[data-testid=connection][data-state=online]")
    screenshot(home, f"alerts-room-after-tap-{size}")

    # The call was answered by the tap: back home, it is not raised again.
    off_the_loop(lambda: voting.vote_close(actor=cabinet.chair, vote_id=vote.pk))
    home.goto("/")
    home.wait_for_selector("#alerts[data-state=online]", state="attached")
    home.wait_for_timeout(300)
    expect(home.locator("[data-testid=alert]")).to_have_count(0)


def test_a_vote_that_closes_takes_its_banner_down_and_a_dismissed_one_stays_away(
    cabinet, running_meeting, signed_in
):
    meeting, item = running_meeting
    home = signed_in(cabinet.members[2], TABLET_PORTRAIT)
    vote = off_the_loop(
        lambda: voting.vote_open(actor=cabinet.chair, item=item, question="Biểu quyết lần 1?")
    )
    home.locator(BANNER).wait_for(state="visible", timeout=2_000)
    # Moving to another page keeps the banner (the vote is still open).
    home.click("[data-testid=nav-meetings]")
    home.wait_for_url("**/meetings/")
    home.locator(BANNER).wait_for(state="visible")
    off_the_loop(lambda: voting.vote_close(actor=cabinet.chair, vote_id=vote.pk))
    home.locator(BANNER).wait_for(state="detached", timeout=2_000)

    off_the_loop(
        lambda: voting.vote_open(actor=cabinet.chair, item=item, question="Biểu quyết lần 2?")
    )
    home.locator(BANNER).wait_for(state="visible", timeout=2_000)
    home.click("[data-testid=alert-dismiss]")
    expect(home.locator(BANNER)).to_have_count(0)
    home.reload()
    home.wait_for_selector("#alerts[data-state=online]", state="attached")
    home.wait_for_timeout(300)
    expect(home.locator("[data-testid=alert]")).to_have_count(0)


def test_a_tablet_back_online_gets_what_it_missed_once_and_nothing_stale(
    cabinet, running_meeting, signed_in
):
    meeting, item = running_meeting
    home = signed_in(cabinet.members[3], TABLET_LANDSCAPE)
    home.context.set_offline(True)
    home.wait_for_selector("#alerts[data-state=offline]", state="attached")

    def two_votes():
        first = voting.vote_open(actor=cabinet.chair, item=item, question="Lần 1?")
        voting.vote_close(actor=cabinet.chair, vote_id=first.pk)
        return voting.vote_open(actor=cabinet.chair, item=item, question="Lần 2?")

    second = off_the_loop(two_votes)
    home.context.set_offline(False)
    banner = home.locator(BANNER)
    banner.wait_for(state="visible")
    expect(home.locator("[data-testid=alert]")).to_have_count(1)  # the closed vote is not shown
    assert "Lần 2?" in banner.inner_text()
    assert banner.get_attribute("data-key") == f"vote:{second.pk}"
    assert home.evaluate("window.ecabinetAlerts.seq") == 3


def test_a_home_page_left_open_follows_a_language_changed_in_another_tab(
    cabinet, running_meeting, signed_in
):
    _, item = running_meeting
    home = signed_in(cabinet.minister, TABLET_PORTRAIT)
    assert home.evaluate("document.documentElement.lang") == "vi"
    other_tab = home.context.new_page()
    other_tab.goto("/")
    other_tab.click("[data-testid=lang-en]")
    wait_for(other_tab, "() => document.documentElement.lang === 'en'")

    off_the_loop(lambda: voting.vote_open(actor=cabinet.chair, item=item, question="Tán thành?"))
    # The new duty is fetched in English: the page is drawn again whole, not half and half.
    wait_for(home, "() => document.documentElement.lang === 'en'", timeout=5_000)
    home.locator("[data-testid=duty][data-kind=vote]").wait_for(state="visible")
    assert home.locator("#upcoming-h").inner_text() == "Now and coming"
