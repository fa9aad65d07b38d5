"""A guest's tablet in the room (see test_room.py for the Daphne set-up): only the items
and papers the guest is invited to, no vote controls, and nothing of the other items,
not even when the chair moves to one of them or shows its paper."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from meetings import live
from meetings import services as meetings
from tests.browser import test_room as room_support
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot, wait_for
from tests.browser.test_room import needs_daphne, off_the_loop, seq, text
from tests.browser.test_room_viewer import add_paper
from tests.factories import make_meeting
from voting.services import vote_open

# The Daphne process and the signed-in tablets of test_room.py.
daphne, room_tablet = room_support.daphne, room_support.room_tablet
pytestmark = [needs_daphne, pytest.mark.django_db(transaction=True)]

HIDDEN_TITLE = "Dự án Luật Đất đai (sửa đổi)"
HIDDEN_PAPER = "Báo cáo thẩm định nội bộ"


@pytest.fixture(autouse=True)
def _daphne_reads_our_media(settings, monkeypatch):
    monkeypatch.setenv("MEDIA_ROOT", str(settings.MEDIA_ROOT))


@pytest.fixture
def guest_meeting(cabinet):
    def build():
        meeting = make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)
        first, second = meeting.items.order_by("order")
        meetings.item_update(actor=cabinet.secretary, item=second, title=HIDDEN_TITLE)
        mine = add_paper(cabinet, meeting, first, pages=2, summary="Ý kiến của VCCI")
        other = add_paper(cabinet, meeting, second, pages=2, summary=HIDDEN_PAPER)
        meetings.guest_invite(
            actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[first]
        )
        meetings.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
        live.item_open(actor=cabinet.chair, item=first)
        vote_open(actor=cabinet.chair, item=first, question="Tán thành kiến nghị?")
        return meeting, first, second, mine, other

    return off_the_loop(build)


def test_a_guest_sees_only_their_items_and_never_a_vote_control(
    cabinet, guest_meeting, room_tablet
):
    meeting, first, second, mine, other = guest_meeting
    guest = room_tablet(cabinet.guest, meeting, TABLET_PORTRAIT)
    fetched = []
    guest.on("request", lambda request: fetched.append(request.url))

    items = guest.locator("[data-testid=agenda-list] > li")
    expect(items).to_have_count(1)
    assert guest.get_attribute("[data-testid=agenda-list] > li", "data-item-id") == str(first.pk)
    assert text(guest, "current-item") == f"1. {first.title}"
    # The vote on the guest's item shows, without a way to vote or to run it.
    guest.wait_for_selector("[data-testid=vote][data-state=open]")
    for control in ["vote-buttons", "vote-form", "close-vote", "chair-controls"]:
        expect(guest.locator(f"[data-testid={control}]")).not_to_be_visible()
    expect(guest.locator("[data-testid=pause-meeting], [data-testid^=open-item-]")).to_have_count(0)
    options = guest.locator("[data-testid=viewer-paper] option[value]:not([value=''])")
    assert options.all_inner_texts() == ["Submission — Ý kiến của VCCI"]
    screenshot(guest, "guest-1-room-768x1024")

    # The chair moves to the other item and shows its paper: the guest learns nothing.
    chair = room_tablet(cabinet.chair, meeting, TABLET_LANDSCAPE)
    chair.click(f"[data-testid=open-item-{second.pk}]")
    chair.select_option("[data-testid=viewer-paper]", str(other.pk))
    chair.click("[data-testid=viewer-present]")
    chair.wait_for_selector("[data-testid=viewer][data-presenting='1']")
    wait_for(guest, f"window.ecabinetRoom.seq >= {seq(chair)}")
    wait_for(guest, "document.querySelector('[data-testid=current-item]').dataset.itemId === ''")
    assert text(guest, "current-item") == "No item is under discussion."
    html = guest.content()
    assert HIDDEN_TITLE not in html and HIDDEN_PAPER not in html
    assert guest.get_attribute("[data-testid=viewer]", "data-state") == "idle"
    assert not [url for url in fetched if f"/papers/{other.pk}/" in url]

    # Back on the guest's item, the guest reads their own paper.
    chair.click(f"[data-testid=open-item-{first.pk}]")
    chair.select_option("[data-testid=viewer-paper]", str(mine.pk))
    chair.click("[data-testid=viewer-present]")
    guest.wait_for_selector(
        f"[data-testid=viewer][data-paper-id='{mine.pk}'][data-page='1'][data-state=ready]"
    )
    wait_title = f"1. {first.title}"
    wait_for(
        guest,
        "t => document.querySelector('[data-testid=current-item]').textContent === t",
        arg=wait_title,
    )
    assert guest.evaluate("document.documentElement.scrollWidth") <= TABLET_PORTRAIT["width"]
    screenshot(guest, "guest-2-paper-768x1024")
