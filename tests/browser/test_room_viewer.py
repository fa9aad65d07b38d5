"""The room's paper viewer, end to end on a real Daphne (see test_room.py): the
secretariat shows a page of a real PDF, following tablets jump there, a member who reads
on their own stays where they are, and a paper a member may not open is never fetched."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from meetings import live
from meetings import services as meetings
from meetings.models import LiveState
from tests.browser import test_room as room_support
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot, wait_for
from tests.browser.test_room import needs_daphne, off_the_loop, seq, text
from tests.factories import NamedBytes, make_meeting, pdf_bytes

# The Daphne process and the signed-in tablets of test_room.py.
daphne, room_tablet = room_support.daphne, room_support.room_tablet
pytestmark = [needs_daphne, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _daphne_reads_our_media(settings, monkeypatch):
    # Autouse runs before the Daphne fixture, which passes its environment on: the
    # papers this test uploads are then where Daphne looks for them.
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))


def add_paper(cabinet, meeting, item, *, pages, summary, **extra):
    return meetings.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=item,
        file=NamedBytes(pdf_bytes(pages=pages, text=summary)),
        filename="to-trinh.pdf",
        doc_type="to_trinh",
        summary=summary,
        issuing_body="Bộ Tài chính",
        **extra,
    )


@pytest.fixture
def meeting_with_papers(cabinet):
    def build():
        meeting = make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)
        first = meeting.items.order_by("order").first()
        paper = add_paper(cabinet, meeting, first, pages=4, summary="Tờ trình dự án Luật Đất đai")
        secret = add_paper(
            cabinet,
            meeting,
            first,
            pages=2,
            summary="Báo cáo Mật về ngân sách",
            confidentiality="mat",
            recipients=[cabinet.members[2]],
        )
        meetings.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
        live.item_open(actor=cabinet.chair, item=first)
        return meeting, paper, secret

    return off_the_loop(build)


def shows(page, paper_id: int, number: int) -> None:
    """Wait until the viewer has drawn that page of that paper on a canvas."""
    page.wait_for_selector(
        f"[data-testid=viewer][data-paper-id='{paper_id}'][data-page='{number}'][data-state=ready]"
    )
    size = page.evaluate(
        "(() => { const c = document.querySelector('[data-testid=viewer-canvas]');"
        " return c ? [c.width, c.height, c.clientWidth, c.clientHeight] : null; })()"
    )
    assert size and all(n > 0 for n in size), size
    assert size[1] > size[0]  # an A4 page, upright


def test_following_tablets_jump_with_the_presenter_and_a_free_reader_stays(
    cabinet, meeting_with_papers, room_tablet
):
    meeting, paper, _secret = meeting_with_papers
    desk = room_tablet(cabinet.secretary, meeting, TABLET_LANDSCAPE)
    one = room_tablet(cabinet.members[1], meeting, TABLET_PORTRAIT)
    two = room_tablet(cabinet.members[2], meeting, TABLET_PORTRAIT)
    for pad in (one, two):
        pad.wait_for_selector("[data-testid=viewer][data-state=idle]")
        expect(pad.locator("[data-testid=viewer-canvas]")).to_have_count(0)

    # The secretariat picks the paper, turns to page 2 on its own and shows it.
    desk.select_option("[data-testid=viewer-paper]", str(paper.pk))
    shows(desk, paper.pk, 1)
    desk.click("[data-testid=viewer-next]")
    shows(desk, paper.pk, 2)
    desk.click("[data-testid=viewer-present]")
    desk.wait_for_selector("[data-testid=viewer][data-presenting='1']")
    for pad in (one, two):
        shows(pad, paper.pk, 2)
        assert text(pad, "viewer-page-label") == "Page 2 of 4"
        expect(pad.locator("[data-testid=viewer][data-following='1']")).to_have_count(1)
    screenshot(one, "viewer-1-following-768x1024")

    # The second minister reads on their own and turns back to page 1.
    two.click("[data-testid=viewer-follow]")
    two.wait_for_selector("[data-testid=viewer][data-following='0']")
    two.click("[data-testid=viewer-prev]")
    shows(two, paper.pk, 1)

    # The presenter's own page turn moves every follower, not the free reader.
    desk.click("[data-testid=viewer-next]")
    shows(desk, paper.pk, 3)
    shows(one, paper.pk, 3)
    target = seq(desk)
    wait_for(two, f"window.ecabinetRoom.seq >= {target}")
    shows(two, paper.pk, 1)
    assert off_the_loop(lambda: LiveState.objects.get(meeting=meeting).presentation_page) == 3
    screenshot(two, "viewer-2-free-reader-768x1024")
    screenshot(desk, "viewer-3-presenter-1024x768")

    # Following again jumps to where the screen is.
    two.click("[data-testid=viewer-follow]")
    shows(two, paper.pk, 3)
    for pad, size in [(one, TABLET_PORTRAIT), (desk, TABLET_LANDSCAPE)]:
        assert pad.evaluate("document.documentElement.scrollWidth") <= size["width"]

    # In Vietnamese (the default language), after a reload: still following, on page 3.
    one.context.add_cookies([{"name": "django_language", "value": "vi", "url": one.url}])
    one.reload()
    one.wait_for_selector("[data-testid=connection][data-state=online]")
    shows(one, paper.pk, 3)
    assert one.evaluate("document.documentElement.scrollWidth") <= TABLET_PORTRAIT["width"]
    screenshot(one, "viewer-6-following-vi-768x1024")


def test_a_paper_the_member_may_not_open_is_never_fetched(
    cabinet, meeting_with_papers, room_tablet
):
    meeting, _paper, secret = meeting_with_papers
    desk = room_tablet(cabinet.secretary, meeting, TABLET_LANDSCAPE)
    reader = room_tablet(cabinet.members[2], meeting, TABLET_PORTRAIT)  # a named recipient
    other = room_tablet(cabinet.members[1], meeting, TABLET_PORTRAIT)
    fetched = []
    other.on("request", lambda request: fetched.append(request.url))

    desk.select_option("[data-testid=viewer-paper]", str(secret.pk))
    desk.click("[data-testid=viewer-present]")
    shows(reader, secret.pk, 1)
    other.wait_for_selector(
        f"[data-testid=viewer][data-paper-id='{secret.pk}'][data-state=forbidden]"
    )
    assert "named recipients" in text(other, "viewer-error")
    expect(other.locator("[data-testid=viewer-canvas]")).to_have_count(0)
    assert not [url for url in fetched if "/papers/" in url]
    screenshot(other, "viewer-4-restricted-768x1024")


def test_a_failed_download_says_so_and_can_be_tried_again(
    cabinet, meeting_with_papers, room_tablet
):
    meeting, paper, _secret = meeting_with_papers
    pad = room_tablet(cabinet.members[1], meeting, TABLET_PORTRAIT)
    pad.route("**/papers/*/file/**", lambda route: route.abort("internetdisconnected"))
    pad.select_option("[data-testid=viewer-paper]", str(paper.pk))
    pad.wait_for_selector("[data-testid=viewer][data-state=error]")
    expect(pad.locator("[data-testid=viewer-error]")).to_be_visible()
    assert "could not be loaded" in text(pad, "viewer-error")
    screenshot(pad, "viewer-5-error-768x1024")
    pad.unroute("**/papers/*/file/**")
    pad.click("[data-testid=viewer-retry]")
    shows(pad, paper.pk, 1)
    expect(pad.locator("[data-testid=viewer-error]")).not_to_be_visible()
