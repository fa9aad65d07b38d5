"""The in-app reader on a 768×1024 tablet, end to end on a real Daphne: a minister opens a
paper from the meeting's agenda, turns its pages with the buttons and the arrow keys, the
pages read reach the server, the page is fitted again when the tablet turns, and a failed
download shows an error with a retry that works; a swipe turns the page."""

from __future__ import annotations

import time

import pytest
from django.conf import settings
from playwright.sync_api import expect

from bench.common import session_keys
from meetings.models import PaperReading
from tests.browser import test_room as room_support
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot, wait_for
from tests.browser.test_room import needs_daphne, off_the_loop
from tests.browser.test_room_viewer import add_paper
from tests.browser.test_room_viewer import shows as room_shows
from tests.factories import make_meeting

daphne, room_tablet = room_support.daphne, room_support.room_tablet
pytestmark = [needs_daphne, pytest.mark.django_db(transaction=True)]

# Every `reader:page` event the page dispatches, as plain data (installed before any script).
RECORD_EVENTS = """
window.__readerPages = [];
document.addEventListener("reader:page", function (event) {
  var d = event.detail;
  window.__readerPages.push({
    paperId: d.paperId, version: d.version, page: d.page, pageCount: d.pageCount,
    inside: d.pageElement.dataset.page, attached: d.pageElement.isConnected,
    width: d.width, height: d.height, scale: d.scale,
    pdfPage: typeof d.pdfPage.getTextContent === "function",
  });
});
"""


@pytest.fixture(autouse=True)
def _daphne_reads_our_media(settings, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))


@pytest.fixture
def signed_in(browser, daphne):
    contexts = []

    def open_page(user, viewport=TABLET_PORTRAIT, **options):
        context = browser.new_context(viewport=viewport, locale="vi-VN", base_url=daphne, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        (key,) = off_the_loop(session_keys, [user])
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": key, "url": daphne}])
        page = context.new_page()
        page.add_init_script(RECORD_EVENTS)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def paper(cabinet):
    def build():
        meeting = make_meeting(cabinet.body, cabinet.secretary, items=1, publish=True)
        item = meeting.items.get()
        return add_paper(cabinet, meeting, item, pages=3, summary="Tờ trình dự án Luật Đất đai")

    return off_the_loop(build)


def shows(page, number: int) -> None:
    page.wait_for_selector(f"[data-testid=reader-view][data-state=ready][data-page='{number}']")
    size = page.evaluate(
        "(() => { const c = document.querySelector('[data-testid=reader-canvas]');"
        " return c ? [c.width, c.height, c.clientWidth, c.clientHeight] : null; })()"
    )
    assert size and all(n > 0 for n in size), size
    assert size[3] > size[2]  # an A4 page, upright


def pages_read(user, paper) -> list[int]:
    reading = PaperReading.objects.filter(user=user, paper=paper).first()
    return reading.pages if reading else []


def test_a_minister_reads_a_paper_in_the_reader_and_the_pages_read_are_stored(
    cabinet, paper, signed_in
):
    minister = cabinet.members[1]
    pad = signed_in(minister)
    pad.goto(f"/meetings/{paper.meeting_id}/")
    pad.click(f"[data-testid=paper-open-{paper.pk}]")
    pad.wait_for_url(f"**/meetings/{paper.meeting_id}/papers/{paper.pk}/read/")
    shows(pad, 1)
    reader = pad.locator("[data-testid=reader]")
    assert reader.get_attribute("data-paper-id") == str(paper.pk)
    assert reader.get_attribute("data-version") == "1"
    assert pad.locator("[data-testid=reader-page-label]").inner_text() == "Trang 1/3"
    assert pad.locator("[data-testid=reader-prev]").is_disabled()
    # The text layer lies over the canvas: the paper's words can be selected.
    wait_for(pad, "document.querySelectorAll('.reader-page .textLayer span').length > 0")
    assert "Luật Đất đai" in pad.locator(".reader-page .textLayer").inner_text()
    # Fitted to the width: the page is as wide as the reader, and nothing is wider than the tablet.
    widths = pad.evaluate(
        "[document.querySelector('[data-testid=reader-canvas]').clientWidth,"
        " document.querySelector('[data-testid=reader-stage]').clientWidth,"
        " document.documentElement.scrollWidth]"
    )
    assert abs(widths[0] - widths[1]) <= 2 and widths[2] <= TABLET_PORTRAIT["width"], widths
    screenshot(pad, "reader-1-page-1-768x1024")

    pad.click("[data-testid=reader-next]")
    shows(pad, 2)
    pad.keyboard.press("ArrowRight")
    shows(pad, 3)
    assert pad.locator("[data-testid=reader-next]").is_disabled()
    assert pad.locator("[data-testid=reader-page-label]").inner_text() == "Trang 3/3"
    pad.keyboard.press("ArrowLeft")
    shows(pad, 2)
    expect(pad.locator(".reader-page")).to_have_count(1)  # one page at a time

    events = pad.evaluate("window.__readerPages")
    assert [e["page"] for e in events] == [1, 2, 3, 2]
    first = events[0]
    assert (first["paperId"], first["version"], first["pageCount"]) == (paper.pk, 1, 3)
    assert all(e["inside"] == str(e["page"]) and e["attached"] and e["pdfPage"] for e in events)
    assert first["width"] == widths[0] and 0 < first["scale"] < 3

    deadline = time.monotonic() + 15  # the reader reports every few seconds
    while off_the_loop(pages_read, minister, paper) != [1, 2, 3]:
        assert time.monotonic() < deadline, off_the_loop(pages_read, minister, paper)
        time.sleep(0.5)

    # The tablet turns: the page is drawn again for the new width.
    pad.set_viewport_size(TABLET_LANDSCAPE)
    wait_for(
        pad,
        "window.__readerPages.length === 5 && window.__readerPages[4].page === 2"
        " && window.__readerPages[4].width > " + str(widths[0]),
    )
    shows(pad, 2)
    assert pad.evaluate("document.documentElement.scrollWidth") <= TABLET_LANDSCAPE["width"]
    screenshot(pad, "reader-2-page-2-1024x768")

    pad.click("[data-testid=back-to-meeting]")
    pad.wait_for_selector(f"[data-testid=paper-{paper.pk}]")


def test_a_failed_download_says_so_and_the_retry_reads_the_paper(cabinet, paper, signed_in):
    pad = signed_in(cabinet.members[1], service_workers="block", has_touch=True)
    file_url = f"**/meetings/{paper.meeting_id}/papers/{paper.pk}/file/*"
    pad.route(file_url, lambda route: route.abort("internetdisconnected"))
    pad.goto(f"/meetings/{paper.meeting_id}/papers/{paper.pk}/read/?page=2")
    pad.wait_for_selector("[data-testid=reader-view][data-state=error]")
    error = pad.locator("[data-testid=reader-error]")
    assert error.is_visible() and "kết nối" in error.inner_text()
    expect(pad.locator("[data-testid=reader-retry]")).to_be_visible()
    screenshot(pad, "reader-3-failed-768x1024")

    pad.unroute(file_url)
    pad.click("[data-testid=reader-retry]")
    shows(pad, 2)  # the page asked for in the address
    assert pad.locator("[data-testid=reader-error]").is_hidden()
    assert pad.locator("[data-testid=reader-retry]").is_hidden()

    # A swipe to the left turns to the next page, to the right back.
    swipe(pad, -200)
    shows(pad, 3)
    swipe(pad, 200)
    shows(pad, 2)


def swipe(page, dx: int) -> None:
    box = page.locator("[data-testid=reader-stage]").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + 200
    cdp = page.context.new_cdp_session(page)
    cdp.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y}]})
    for step in range(1, 6):
        point = {"x": x + dx * step / 5, "y": y + step}
        cdp.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [point]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def test_the_rooms_viewer_announces_each_page_it_draws_as_the_reader_does(
    cabinet, paper, room_tablet
):
    pad = room_tablet(cabinet.members[1], paper.meeting, TABLET_PORTRAIT)
    pad.evaluate(RECORD_EVENTS)
    pad.select_option("[data-testid=viewer-paper]", str(paper.pk))
    room_shows(pad, paper.pk, 1)
    pad.click("[data-testid=viewer-next]")
    room_shows(pad, paper.pk, 2)
    wait_for(pad, "window.__readerPages.length === 2")
    events = pad.evaluate("window.__readerPages")
    assert [(e["paperId"], e["version"], e["page"], e["pageCount"]) for e in events] == [
        (paper.pk, 1, 1, 3),
        (paper.pk, 1, 2, 3),
    ]
    assert all(e["inside"] == str(e["page"]) and e["attached"] and e["pdfPage"] for e in events)
    assert all(e["width"] > 0 and e["height"] > e["width"] and e["scale"] > 0 for e in events)
