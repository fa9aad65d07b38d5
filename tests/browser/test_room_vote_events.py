"""A tablet applies a vote's events from the events themselves (see test_room.py for the
Daphne set-up): other members' ballots and the running tally cost it no request, so a
room of hundreds voting at once is not hundreds of fetches per ballot. It still fetches
what an event does not say: its own ballot, a vote opened or closed, and, for the chair,
who in the room has not voted yet."""

from __future__ import annotations

import pytest
from django.db import transaction

from ecabinet.realtime.events import gathering, publish_gathered
from tests.browser import test_room as room_support
from tests.browser.conftest import TABLET_LANDSCAPE, TABLET_PORTRAIT
from tests.browser.test_room import (
    meeting_in_progress,
    needs_daphne,
    off_the_loop,
    text,
    wait_text,
)
from voting import services as voting
from voting.models import Ballot, Vote

daphne, room_tablet = room_support.daphne, room_support.room_tablet
pytestmark = [needs_daphne, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def voting_room(cabinet):
    """In progress, five ministers checked in, the one item open."""
    meeting = meeting_in_progress(cabinet, items=1, present=cabinet.members[1:6], open_first=True)
    return meeting, off_the_loop(meeting.items.get)


def fetches(page) -> list[str]:
    """The room's own fetches (the snapshot, a vote) this page makes from now on; the
    header's work count polls on a clock of its own."""
    seen: list[str] = []

    def note(request):
        path = request.url.partition("//")[2].partition("/")[2]
        if path.startswith(("api/votes/", "api/meetings/")):
            seen.append(path)

    page.on("request", note)
    return seen


def cast(cabinet, vote_id, choices, extra=None):
    """Other members' tablets cast at once: written together and published as one event,
    as a server process writes casts that arrive together (ecabinet/realtime/commands.py)."""
    casts = [
        voting.Cast(actor=cabinet.members[n], choice=choice, **(extra or {}).get(n, {}))
        for n, choice in choices.items()
    ]

    def write():
        with transaction.atomic():
            with gathering() as kept:
                voting.ballots_cast_together(vote_id=vote_id, casts=casts)
            publish_gathered(kept)

    off_the_loop(write)


def test_other_members_ballots_and_the_tally_reach_a_tablet_with_no_fetch(
    cabinet, voting_room, room_tablet
):
    meeting, item = voting_room
    minister, onlooker = cabinet.members[1], cabinet.members[5]
    pad = room_tablet(minister, meeting, TABLET_PORTRAIT)
    other = room_tablet(onlooker, meeting, TABLET_PORTRAIT)
    chair = room_tablet(cabinet.chair, meeting, TABLET_LANDSCAPE)
    vote = off_the_loop(
        lambda: voting.vote_open(actor=cabinet.chair, item=item, question="Thông qua?")
    )
    for page in (pad, other):
        page.wait_for_selector("[data-testid=vote-buttons]:visible")
    asked, asked_by_other, asked_by_chair = fetches(pad), fetches(other), fetches(chair)

    cast(cabinet, vote.pk, {2: "yes", 3: "no"})  # one event with two ballots
    off_the_loop(
        lambda: voting.ballot_cast(actor=cabinet.members[4], vote_id=vote.pk, choice="yes")
    )
    for page in (pad, other):
        wait_text(page, "vote-tally", "3 / 6")
        wait_text(page, "vote-tally", "In favour: 2 · Against: 1 · Abstain: 0")
    # The chair is also told who in the room has not voted: that is fetched.
    chair.wait_for_selector("[data-testid=present-not-voted][data-count='2']")
    assert asked == [] and asked_by_other == []
    assert asked_by_chair and set(asked_by_chair) == {f"api/votes/{vote.pk}"}

    # The secretariat records this minister's ballot by hand: the tablet fetches its own.
    off_the_loop(
        lambda: voting.ballot_record_manual(
            actor=cabinet.secretary,
            vote_id=vote.pk,
            member_id=minister.pk,
            choice="no",
            reason="Biểu quyết giơ tay",
        )
    )
    pad.wait_for_selector("[data-testid=my-vote][data-choice=no]")
    wait_text(other, "vote-tally", "In favour: 2 · Against: 2 · Abstain: 0")
    assert set(asked) == {f"api/votes/{vote.pk}"}
    assert asked_by_other == []  # someone else's ballot

    # The onlooker's ballot is written in a batch from another of their devices: the
    # batch's event names their seat, so this tablet fetches its own ballot.
    cast(cabinet, vote.pk, {5: "no", 3: "yes"})
    other.wait_for_selector("[data-testid=my-vote][data-choice=no]")
    assert set(asked_by_other) == {f"api/votes/{vote.pk}"}

    # The onlooker changes it from this tablet: fetched again once acknowledged.
    other.click("[data-testid=vote-abstain]")
    other.wait_for_selector("[data-testid=my-vote][data-choice=abstain]")
    assert set(asked_by_other) == {f"api/votes/{vote.pk}"}
    wait_text(pad, "vote-tally", "5 / 6")
    assert not any("/live" in path for path in asked + asked_by_other + asked_by_chair)

    # Closed: the result in words is fetched.
    off_the_loop(lambda: voting.vote_close(actor=cabinet.chair, vote_id=vote.pk))
    for page in (pad, other, chair):
        page.wait_for_selector("[data-testid=vote-result][data-adopted='0']")
    assert Ballot.objects.filter(vote=vote).count() == 5
    assert Vote.objects.get(pk=vote.pk).result["counts"] == {"yes": 3, "no": 1, "abstain": 1}


def test_a_secret_vote_s_tally_is_applied_from_its_event_and_shows_no_counts(
    cabinet, voting_room, room_tablet
):
    meeting, item = voting_room
    pad = room_tablet(cabinet.members[1], meeting, TABLET_PORTRAIT)
    vote = off_the_loop(
        lambda: voting.vote_open(
            actor=cabinet.chair, item=item, question="Bầu?", mode=Vote.Mode.SECRET
        )
    )
    pad.wait_for_selector("[data-testid=vote-buttons]:visible")
    asked = fetches(pad)
    receipts = {n: {"receipt": f"receipt-of-member-{n}-0123456789ab"} for n in (2, 3, 4)}
    cast(cabinet, vote.pk, {2: "yes", 3: "no", 4: "yes"}, receipts)
    wait_text(pad, "vote-tally", "3 / 6")
    assert "In favour" not in text(pad, "vote-tally")
    assert asked == []
