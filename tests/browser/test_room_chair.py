"""The chair runs the room from a tablet (see test_room.py for the Daphne set-up): opens
an item, gives the floor to a chosen speaker, pauses and resumes, concludes; a minister's
tablet shows each change, and a refused command says why next to the control."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from meetings import live
from meetings.models import ItemState, SpeakerRequest
from tests.browser import test_room as room_support
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT, screenshot
from tests.browser.test_room import (
    meeting_in_progress,
    needs_daphne,
    off_the_loop,
    text,
    wait_text,
)

# The Daphne process and the signed-in tablets of test_room.py.
daphne, room_tablet = room_support.daphne, room_support.room_tablet
pytestmark = [needs_daphne, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def started_meeting(cabinet):
    """In progress, three ministers checked in, no item open yet."""
    return meeting_in_progress(cabinet, items=3, present=cabinet.members[1:4])


def test_the_chair_runs_an_item_and_a_minister_sees_every_change(
    cabinet, started_meeting, room_tablet
):
    meeting = started_meeting
    first, second, _third = off_the_loop(lambda: list(meeting.items.order_by("order")))
    speakers = cabinet.members[1:4]
    chair = room_tablet(cabinet.chair, meeting, TABLET_LANDSCAPE)
    minister = room_tablet(cabinet.members[1], meeting, TABLET_PORTRAIT)
    expect(minister.locator("[data-testid=chair-controls]")).to_have_count(0)
    expect(minister.locator(f"[data-testid=open-item-{first.pk}]")).to_have_count(0)

    # Open the first item.
    chair.click(f"[data-testid=open-item-{first.pk}]")
    wait_text(minister, "current-item", f"1. {first.title}")
    # The agenda is folded on a minister's tablet in portrait: the row is there, unseen.
    minister.wait_for_selector(
        f"[data-testid=agenda-item-{first.pk}][data-state=open]", state="attached"
    )

    # Three ministers ask to speak; the chair gives the floor to the third, not the first.
    for person in speakers:
        off_the_loop(lambda p=person: live.speaker_request(actor=p, item=first))
    chair.wait_for_selector(f"[data-testid=give-floor-{speakers[2].pk}]")
    screenshot(chair, "chair-1-queue-1024x768")
    chair.click(f"[data-testid=give-floor-{speakers[2].pk}]")
    wait_text(minister, "current-speaker", speakers[2].full_name)
    minister.wait_for_selector("[data-testid=speaker-timer]:visible")
    expect(minister.locator(f"[data-testid=queue-entry-{speakers[2].pk}]")).to_have_count(0)
    expect(minister.locator(f"[data-testid=queue-entry-{speakers[0].pk}]")).to_have_count(1)

    # The chair starts the conclusion; the room moves on; the draft stays as typed.
    chair.fill("[data-testid=conclusion-input]", "Thống nhất giao Bộ Tài chính")
    off_the_loop(lambda: live.speaker_withdraw(actor=speakers[1], item=first))
    chair.wait_for_selector(f"[data-testid=queue-entry-{speakers[1].pk}]", state="detached")

    # Pause and resume.
    chair.click("[data-testid=pause-meeting]")
    minister.wait_for_selector("[data-testid=room-paused]:visible")
    chair.wait_for_selector("[data-testid=resume-meeting]:visible")
    expect(chair.locator("[data-testid=conclude-form]")).not_to_be_visible()  # paused
    expect(chair.locator(f"[data-testid=give-floor-{speakers[0].pk}]")).to_have_count(0)
    screenshot(minister, "chair-2-minister-paused-768x1024")
    chair.click("[data-testid=resume-meeting]")
    minister.wait_for_selector("[data-testid=room-paused]", state="hidden")
    chair.wait_for_selector("[data-testid=pause-meeting]:visible")
    assert chair.input_value("[data-testid=conclusion-input]") == "Thống nhất giao Bộ Tài chính"

    # End the speech, then conclude the item.
    chair.click("[data-testid=finish-speaker]")
    wait_text(minister, "current-speaker", "Nobody has the floor.")
    chair.fill("[data-testid=conclusion-input]", "Thống nhất giao Bộ Tài chính hoàn thiện hồ sơ")
    chair.click("[data-testid=close-item]")
    minister.wait_for_selector(
        f"[data-testid=agenda-item-{first.pk}][data-state=closed]", state="attached"
    )
    wait_text(minister, f"agenda-conclusion-{first.pk}", "hoàn thiện hồ sơ")
    wait_text(minister, "current-item", "No item is under discussion.")
    assert chair.input_value("[data-testid=conclusion-input]") == ""  # taken, so emptied
    state = off_the_loop(lambda: ItemState.objects.get(item=first))
    assert (state.state, state.conclusion) == (
        "closed",
        "Thống nhất giao Bộ Tài chính hoàn thiện hồ sơ",
    )
    # A concluded item has no Open button; the next one has.
    expect(chair.locator(f"[data-testid=open-item-{first.pk}]")).to_have_count(0)
    chair.click(f"[data-testid=open-item-{second.pk}]")
    wait_text(minister, "current-item", f"2. {second.title}")
    for pad, size in [(minister, TABLET_PORTRAIT), (chair, TABLET_LANDSCAPE)]:
        assert pad.evaluate("document.documentElement.scrollWidth") <= size["width"]
    screenshot(chair, "chair-3-concluded-1024x768")
    screenshot(minister, "chair-4-minister-768x1024")


def test_a_refused_command_says_why_next_to_the_control(cabinet, started_meeting, room_tablet):
    meeting = started_meeting
    first = off_the_loop(lambda: meeting.items.order_by("order").first())
    off_the_loop(lambda: live.item_open(actor=cabinet.chair, item=first))
    speaker = cabinet.members[2]
    off_the_loop(lambda: live.speaker_request(actor=speaker, item=first))
    chair = room_tablet(cabinet.chair, meeting, TABLET_LANDSCAPE)

    # Off the network, the chair gives the floor; meanwhile the minister withdraws.
    chair.context.set_offline(True)
    chair.wait_for_selector("[data-testid=connection][data-state=offline]")
    chair.click(f"[data-testid=give-floor-{speaker.pk}]")
    off_the_loop(lambda: live.speaker_withdraw(actor=speaker, item=first))
    chair.context.set_offline(False)

    chair.wait_for_selector("[data-testid=speaker-error]:visible")
    # The reason comes from the service. Over the socket it is in the server's default
    # language (Vietnamese) whatever the page's: the consumer does not take the tablet's.
    refused = text(chair, "speaker-error")
    assert refused.startswith("The action was refused: ")
    assert any(
        reason in refused for reason in ["not waiting to speak", "không có trong danh sách chờ"]
    )
    assert text(chair, "room-alert") == refused
    assert chair.evaluate("window.ecabinetRoom.pending") == 0
    assert not off_the_loop(
        lambda: SpeakerRequest.objects.filter(state=SpeakerRequest.State.SPEAKING).exists()
    )
    screenshot(chair, "chair-5-refused-1024x768")


def test_a_secret_vote_shows_its_result_everywhere_and_nobody_sees_who_voted_how(
    cabinet, started_meeting, room_tablet
):
    meeting = started_meeting
    first = off_the_loop(lambda: meeting.items.order_by("order").first())
    off_the_loop(lambda: live.item_open(actor=cabinet.chair, item=first))
    yes_voter, no_voter, onlooker = cabinet.members[1:4]
    chair = room_tablet(cabinet.chair, meeting, TABLET_LANDSCAPE)
    one = room_tablet(yes_voter, meeting, TABLET_PORTRAIT)
    two = room_tablet(no_voter, meeting, TABLET_PORTRAIT)
    three = room_tablet(onlooker, meeting, TABLET_PORTRAIT)
    pads = (chair, one, two, three)

    chair.fill("[data-testid=vote-question-input]", "Thông qua dự thảo Nghị quyết?")
    chair.select_option("[data-testid=vote-mode-input]", "secret")
    chair.click("[data-testid=open-vote]")
    for pad in (one, two):
        pad.wait_for_selector("[data-testid=vote-buttons]:visible")
        wait_text(pad, "vote-mode", "Secret ballot")
    one.click("[data-testid=vote-yes]")
    two.click("[data-testid=vote-no]")
    one.wait_for_selector("[data-testid=my-vote][data-choice=yes]")
    two.wait_for_selector("[data-testid=my-vote][data-choice=no]")
    wait_text(chair, "vote-tally", "2 / 6")
    wait_text(three, "vote-tally", "2 / 6")
    for pad in (chair, three):  # an open secret vote shows no counts, not even to the chair
        assert "In favour" not in text(pad, "vote-tally")
    screenshot(one, "vote-1-secret-voted-768x1024")

    # The onlooker is in the room and has not voted: the chair is asked first.
    chair.click("[data-testid=close-vote]")
    wait_text(chair, "confirm-text", "1 present member has not voted. Close the vote anyway?")
    chair.click("[data-testid=confirm-ok]")
    for pad in pads:
        pad.wait_for_selector("[data-testid=vote][data-state=closed]")
        pad.wait_for_selector("[data-testid=vote-result][data-adopted='0']")
        wait_text(pad, "vote-tally", "In favour: 1 · Against: 1 · Abstain: 0")
    screenshot(chair, "vote-2-secret-result-1024x768")
    screenshot(three, "vote-3-secret-result-768x1024")

    # Each tablet knows its own choice (kept on the tablet) and nobody else's.
    mine = {chair: "", one: "yes", two: "no", three: ""}
    for pad in pads:
        assert pad.get_attribute("[data-testid=my-vote]", "data-choice") == mine[pad]
        shown = pad.evaluate(
            "Array.from(document.querySelectorAll('[data-choice]:not(button)'))"
            ".map(n => n.dataset.choice).filter(Boolean)"
        )
        assert shown == ([mine[pad]] if mine[pad] else [])
        page = pad.inner_text("body")
        for person in (yes_voter, no_voter):
            # A name appears only in the attendance list, never with a choice.
            line = pad.inner_text(f"[data-testid=attendee-{person.pk}]")
            assert "In favour" not in line and "Against" not in line
        assert page.count("Your vote") == (1 if mine[pad] else 0)
        vote = pad.evaluate(f"window.ecabinetRoom.votes[{first.pk}]")
        assert "ballots" not in vote and (vote["my_ballot"] or {}).get("choice") is None
