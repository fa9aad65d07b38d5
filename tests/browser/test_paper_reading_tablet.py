"""Read receipts from the room's reader, end to end on a real Daphne: a minister reads
pages 1 and 2 of a paper on a 768×1024 tablet, the reader reports them in one batch, and
the secretariat's reading page shows 2 of 4 pages read."""

from __future__ import annotations

import time

import pytest

from meetings.models import PaperReading
from tests.browser import test_room as room_support
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot
from tests.browser.test_room import needs_daphne, off_the_loop
from tests.browser.test_room_viewer import add_paper, shows
from tests.factories import make_meeting

daphne, room_tablet = room_support.daphne, room_support.room_tablet
pytestmark = [needs_daphne, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _daphne_reads_our_media(settings, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))


def pages_read(user, paper) -> list[int]:
    reading = PaperReading.objects.filter(user=user, paper=paper).first()
    return reading.pages if reading else []


def test_pages_read_in_the_room_reach_the_secretariats_reading_page(cabinet, room_tablet):
    def build():
        meeting = make_meeting(cabinet.body, cabinet.secretary, items=1, publish=True)
        item = meeting.items.get()
        return meeting, add_paper(cabinet, meeting, item, pages=4, summary="Tờ trình Luật Đất đai")

    meeting, paper = off_the_loop(build)
    minister = cabinet.members[1]
    pad = room_tablet(minister, meeting, TABLET_PORTRAIT)
    pad.select_option("[data-testid=viewer-paper]", str(paper.pk))
    shows(pad, paper.pk, 1)
    pad.click("[data-testid=viewer-next]")
    shows(pad, paper.pk, 2)

    deadline = time.monotonic() + 15  # the reader reports every few seconds
    while off_the_loop(pages_read, minister, paper) != [1, 2]:
        assert time.monotonic() < deadline, off_the_loop(pages_read, minister, paper)
        time.sleep(0.5)

    desk = room_tablet(cabinet.secretary, meeting, TABLET_LANDSCAPE)
    desk.goto(f"/meetings/{meeting.pk}/reading/")
    row = desk.locator(f"[data-testid=reader-{minister.pk}]")
    assert row.get_attribute("data-opened") == "yes"
    assert row.locator("[data-testid=pages-read]").inner_text() == "2/4"
    screenshot(desk, "reading-1-secretariat-1024x768")
