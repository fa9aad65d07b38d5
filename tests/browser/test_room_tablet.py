"""The room on a tablet held in one hand, portrait (768×1024) and landscape (1024×768),
on a real Daphne with PostgreSQL and Redis (see test_room.py), in Vietnamese.

What needs a hand is on screen without scrolling: check-in before the start, the open
vote's buttons while a paper fills the viewer. Before the start the room says when the
meeting starts and who has not checked in yet (not "absent"); the chair starts and closes
the meeting from the room; closing a vote while members in the room have not voted asks
first, naming how many; a result says why, with the rule; after the close the room shows
the conclusions and results and offers nothing that no longer applies."""

from __future__ import annotations

import pytest
from django.conf import settings
from playwright.sync_api import expect

from bench.common import session_keys
from meetings import live
from meetings import services as meetings
from meetings.models import Meeting
from tests.browser import test_room as room_support
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot, wait_for
from tests.browser.test_room import needs_daphne, off_the_loop, text, wait_text
from tests.browser.test_room_viewer import add_paper, shows
from tests.factories import make_meeting
from voting import services as voting
from voting.models import Vote

daphne = room_support.daphne  # the Daphne process of test_room.py
pytestmark = [needs_daphne, pytest.mark.django_db(transaction=True)]

SIZES = {"portrait": TABLET_PORTRAIT, "landscape": TABLET_LANDSCAPE}


@pytest.fixture(autouse=True)
def _daphne_reads_our_media(settings, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))


@pytest.fixture
def pad(browser, daphne):
    """A signed-in tablet in the room, in Vietnamese unless told otherwise."""
    contexts = []

    def open_room(user, meeting, viewport, locale="vi-VN"):
        context = browser.new_context(viewport=viewport, locale=locale, base_url=daphne)
        context.set_default_timeout(15_000)
        contexts.append(context)
        (key,) = off_the_loop(session_keys, [user])
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": daphne}])
        page = context.new_page()
        page.goto(f"/meetings/{meeting.pk}/room/")
        page.wait_for_selector("[data-testid=connection][data-state=online]")
        return page

    yield open_room
    for context in contexts:
        context.close()


def in_view(page, testid: str) -> dict:
    """The element's box, asserted inside the viewport as the page stands (no scrolling)."""
    box = page.locator(f"[data-testid={testid}]").bounding_box()
    size = page.viewport_size
    assert box is not None, f"{testid} is not shown"
    assert box["y"] >= 0 and box["y"] + box["height"] <= size["height"], (testid, box, size)
    assert box["x"] >= 0 and box["x"] + box["width"] <= size["width"], (testid, box, size)
    return box


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]


@pytest.fixture
def published(cabinet):
    """Published, not started; one paper on the first item."""

    def build():
        meeting = make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)
        first = meeting.items.order_by("order").first()
        add_paper(cabinet, meeting, first, pages=3, summary="Tờ trình dự án Luật Đất đai")
        return meeting

    return off_the_loop(build)


@pytest.fixture
def with_paper_on_screen(cabinet, published):
    """In progress with four ministers in the room, the first item open and its paper on
    every tablet's screen."""

    def start():
        for person in cabinet.members[1:5]:
            live.attendance_check_in(actor=person, meeting=published)
        meetings.meeting_start(actor=cabinet.chair, meeting=published)
        first = published.items.order_by("order").first()
        live.item_open(actor=cabinet.chair, item=first)
        paper = published.papers.get()
        live.presentation_show(actor=cabinet.secretary, paper=paper, page=1)
        return published, first, paper

    return off_the_loop(start)


# --- Before the start ------------------------------------------------------------------


@pytest.mark.parametrize("size", ["portrait", "landscape"])
def test_before_the_start_check_in_is_at_hand_and_nobody_is_absent_yet(
    cabinet, published, pad, size
):
    minister = cabinet.members[1]
    page = pad(minister, published, SIZES[size])
    in_view(page, "check-in")
    assert page.evaluate("window.scrollY") == 0
    starts = text(page, "room-starts-at")
    assert starts.startswith("Bắt đầu lúc ") and starts.endswith("(giờ Việt Nam)"), starts
    assert "Phiên họp chưa bắt đầu." in text(page, "bar-status")
    attendance = page.locator("[data-testid=attendance-list]").text_content()
    assert "Chưa điểm danh" in attendance and "Vắng mặt" not in attendance
    assert page.locator("[data-testid=ask-to-speak]").is_hidden()
    no_sideways_scroll(page)
    screenshot(page, f"room-tablet-1-before-start-member-{size}")

    page.click("[data-testid=check-in]")
    page.wait_for_selector("[data-testid=check-in]", state="hidden")
    wait_text(page, "bar-status", "Bạn đã điểm danh.")
    status = page.get_attribute(f"[data-testid=attendee-{minister.pk}]", "data-status")
    assert status == "present"

    chair = pad(cabinet.chair, published, SIZES[size])
    in_view(chair, "start-meeting")
    in_view(chair, "check-in")
    screenshot(chair, f"room-tablet-2-before-start-chair-{size}")


def test_the_chair_starts_the_meeting_from_the_room_giving_the_reason_for_no_quorum(
    cabinet, published, pad
):
    chair = pad(cabinet.chair, published, TABLET_LANDSCAPE)
    minister = pad(cabinet.members[1], published, TABLET_PORTRAIT)
    chair.click("[data-testid=start-meeting]")
    dialog = chair.locator("[data-testid=confirm-dialog]")
    dialog.wait_for()
    assert "Chưa đủ số thành viên dự họp" in text(chair, "confirm-text")
    screenshot(chair, "room-tablet-3-start-without-quorum-landscape")

    # Without a reason nothing starts.
    chair.click("[data-testid=confirm-ok]")
    wait_text(chair, "room-alert", "Hãy nêu lý do.")
    assert off_the_loop(lambda: Meeting.objects.get(pk=published.pk).state) == "published"

    chair.click("[data-testid=start-meeting]")
    chair.fill("[data-testid=confirm-reason]", "Thủ tướng quyết định họp để kịp tiến độ")
    chair.click("[data-testid=confirm-ok]")
    for page in (chair, minister):
        page.wait_for_selector("[data-testid=room-meeting-state][data-state=in_progress]")
    chair.wait_for_selector("[data-testid=start-meeting]", state="hidden")
    in_view(chair, "pause-meeting")
    in_view(chair, "close-meeting")
    minister.wait_for_selector("[data-testid=room-starts-at]", state="hidden")
    # Attendance during the meeting says "absent" again: it has started.
    attendance = minister.locator("[data-testid=attendance-list]").text_content()
    assert "Vắng mặt" in attendance and "Chưa điểm danh" not in attendance
    started = off_the_loop(lambda: Meeting.objects.get(pk=published.pk).state)
    assert started == "in_progress"

    chair.click("[data-testid=pause-meeting]")
    minister.wait_for_selector("[data-testid=room-paused]:visible")
    wait_text(minister, "bar-status", "Phiên họp đang tạm dừng.")
    chair.click("[data-testid=resume-meeting]")
    minister.wait_for_selector("[data-testid=room-paused]", state="hidden")


# --- In progress: a paper on the screen and a vote open ----------------------------------


@pytest.mark.parametrize("size", ["portrait", "landscape"])
def test_the_vote_is_at_hand_while_the_viewer_shows_a_paper(
    cabinet, with_paper_on_screen, pad, size
):
    meeting, first, paper = with_paper_on_screen
    minister = pad(cabinet.members[1], meeting, SIZES[size])
    chair = pad(cabinet.chair, meeting, SIZES[size])
    shows(minister, paper.pk, 1)
    off_the_loop(
        lambda: voting.vote_open(actor=cabinet.chair, item=first, question="Thông qua dự án Luật?")
    )
    minister.wait_for_selector("[data-testid=vote-buttons]:visible")
    shows(minister, paper.pk, 1)  # the paper stays on screen

    assert minister.evaluate("window.scrollY") == 0
    for testid in ("vote-yes", "vote-no", "vote-abstain", "vote-question", "vote-clock"):
        in_view(minister, testid)
    yes = in_view(minister, "vote-yes")
    assert yes["height"] >= 56  # a large target for a finger
    wait_text(minister, "vote-tally", "0 / 6")
    wait_text(minister, "my-vote", "Bạn chưa biểu quyết.")
    # The viewer has the rest of the screen: its page starts above the bar.
    canvas = minister.locator("[data-testid=viewer-canvas]").bounding_box()
    bar = minister.locator("[data-testid=action-bar]").bounding_box()
    assert canvas["y"] < bar["y"], (canvas, bar)

    minister.click("[data-testid=vote-yes]")
    minister.wait_for_selector("[data-testid=my-vote][data-choice=yes]")
    assert minister.get_attribute("[data-testid=vote-yes]", "aria-pressed") == "true"
    wait_text(chair, "vote-tally", "1 / 6")

    # Scrolled down to read, the buttons are still there.
    minister.mouse.wheel(0, 800)
    wait_for(minister, "window.scrollY > 0")
    in_view(minister, "vote-no")
    minister.evaluate("window.scrollTo(0, 0)")
    in_view(chair, "close-vote")
    # Four ministers are in the room (the chair has not checked in); one has voted.
    wait_text(chair, "present-not-voted", "3 thành viên có mặt chưa biểu quyết.")
    for page in (minister, chair):
        no_sideways_scroll(page)
    screenshot(minister, f"room-tablet-4-vote-member-{size}")
    screenshot(chair, f"room-tablet-5-vote-chair-{size}")


def test_closing_a_vote_with_members_yet_to_vote_asks_first_and_the_result_says_why(
    cabinet, with_paper_on_screen, pad
):
    meeting, first, _paper = with_paper_on_screen
    vote = off_the_loop(
        lambda: voting.vote_open(actor=cabinet.chair, item=first, question="Thông qua?")
    )
    chair = pad(cabinet.chair, meeting, TABLET_LANDSCAPE)
    minister = pad(cabinet.members[1], meeting, TABLET_PORTRAIT)
    minister.click("[data-testid=vote-yes]")
    minister.wait_for_selector("[data-testid=my-vote][data-choice=yes]")
    # Four ministers and the chair are in the room; one has voted.
    off_the_loop(lambda: live.attendance_check_in(actor=cabinet.chair, meeting=meeting))

    chair.click("[data-testid=close-vote]")
    chair.locator("[data-testid=confirm-dialog]").wait_for()
    assert text(chair, "confirm-text") == (
        "4 thành viên có mặt chưa biểu quyết. Vẫn kết thúc biểu quyết?"
    )
    assert text(chair, "confirm-ok") == "Kết thúc biểu quyết"
    screenshot(chair, "room-tablet-6-close-vote-confirm-landscape")

    # Cancelling keeps the vote open.
    chair.click("[data-testid=confirm-cancel]")
    chair.locator("[data-testid=confirm-dialog]").wait_for(state="hidden")
    assert off_the_loop(lambda: Vote.objects.get(pk=vote.pk).state) == "open"
    assert chair.get_attribute("[data-testid=vote]", "data-state") == "open"
    minister.wait_for_selector("[data-testid=vote-buttons]:visible")

    # A second minister abstains; the chair is told the new number, and closes anyway.
    off_the_loop(
        lambda: voting.ballot_cast(actor=cabinet.members[2], vote_id=vote.pk, choice="abstain")
    )
    wait_text(chair, "vote-tally", "2 / 6")
    chair.click("[data-testid=close-vote]")
    wait_text(chair, "confirm-text", "3 thành viên có mặt chưa biểu quyết.")
    chair.click("[data-testid=confirm-ok]")
    expected = "Không được thông qua: 1 tán thành, cần ít nhất 4/6 thành viên"
    for page in (chair, minister):
        page.wait_for_selector("[data-testid=vote][data-state=closed]")
        wait_text(page, "vote-result", expected)
        assert page.get_attribute("[data-testid=vote-result]", "data-adopted") == "0"
    assert off_the_loop(lambda: Vote.objects.get(pk=vote.pk).state) == "closed"
    in_view(minister, "vote-result")
    screenshot(minister, "room-tablet-7-result-member-portrait")


def test_closing_a_vote_everyone_present_voted_on_asks_nothing(cabinet, with_paper_on_screen, pad):
    meeting, first, _paper = with_paper_on_screen
    vote = off_the_loop(
        lambda: voting.vote_open(actor=cabinet.chair, item=first, question="Thông qua?")
    )
    for person in cabinet.members[1:5]:
        off_the_loop(lambda p=person: voting.ballot_cast(actor=p, vote_id=vote.pk, choice="yes"))
    chair = pad(cabinet.chair, meeting, TABLET_PORTRAIT)
    wait_text(chair, "present-not-voted", "Mọi thành viên có mặt đã biểu quyết.")
    chair.click("[data-testid=close-vote]")
    wait_text(chair, "vote-result", "Được thông qua: 4 tán thành trên 6 thành viên (cần ít nhất 4)")
    assert chair.locator("[data-testid=confirm-dialog]").is_hidden()


# --- After the close ---------------------------------------------------------------------


@pytest.mark.parametrize("size", ["portrait", "landscape"])
def test_after_the_close_the_room_shows_results_and_offers_nothing_more(
    cabinet, with_paper_on_screen, pad, size
):
    meeting, first, paper = with_paper_on_screen

    def decide():
        vote = voting.vote_open(actor=cabinet.chair, item=first, question="Thông qua dự án Luật?")
        for person in cabinet.members[1:5]:
            voting.ballot_cast(actor=person, vote_id=vote.pk, choice="yes")
        voting.vote_close(actor=cabinet.chair, vote_id=vote.pk)
        live.item_close(actor=cabinet.chair, item=first, conclusion="Thống nhất thông qua.")
        return vote

    vote = off_the_loop(decide)
    chair = pad(cabinet.chair, meeting, SIZES[size])
    minister = pad(cabinet.members[1], meeting, SIZES[size])
    shows(minister, paper.pk, 1)  # the screen still shows the paper until the close

    chair.click("[data-testid=close-meeting]")
    assert "Kết thúc phiên họp?" in text(chair, "confirm-text")
    chair.click("[data-testid=confirm-ok]")
    for page in (chair, minister):
        page.wait_for_selector("[data-testid=room-meeting-state][data-state=closed]")
        page.wait_for_selector("[data-testid=room-results]:visible")
        wait_text(page, f"result-conclusion-{first.pk}", "Thống nhất thông qua.")
        wait_text(
            page,
            f"result-words-{vote.pk}",
            "Được thông qua: 4 tán thành trên 6 thành viên (cần ít nhất 4)",
        )
        in_view(page, "room-results")
        for gone in ("check-in", "ask-to-speak", "viewer-follow", "close-meeting", "vote"):
            assert page.locator(f"[data-testid={gone}]").is_hidden(), gone
        assert page.locator("[data-testid=action-bar]").is_hidden()
        page.wait_for_selector("[data-testid=viewer][data-state=idle][data-following='0']")
        expect(page.locator("[data-testid=viewer-canvas]")).to_have_count(0)
        assert text(page, "viewer-status") == "Chọn một tài liệu để đọc."
        no_sideways_scroll(page)
    screenshot(minister, f"room-tablet-8-after-close-member-{size}")
    screenshot(chair, f"room-tablet-9-after-close-chair-{size}")

    # A reload shows the same: nothing on the screen, the results listed.
    minister.reload()
    minister.wait_for_selector("[data-testid=room-results]:visible")
    expect(minister.locator("[data-testid=viewer-canvas]")).to_have_count(0)
