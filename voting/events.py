"""Real-time events of votes. Each carries `agenda_item_id`, so a guest who is not invited
to the item receives a `skip` in its place and learns nothing of the vote."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecabinet.realtime.events import Event


@dataclass(frozen=True)
class VoteOpened(Event):
    type = "vote.opened"
    vote_id: int
    agenda_item_id: int
    question: str
    mode: str
    hide_tally: bool
    seats: int  # how many members may vote (the frozen list)


@dataclass(frozen=True)
class BallotCast(Event):
    """A named ballot was cast or changed. `choice` is None while the tally is hidden."""

    type = "vote.ballot_cast"
    vote_id: int
    agenda_item_id: int
    member_id: int
    cast_by_id: int
    manual: bool
    changed: bool
    choice: str | None

    @classmethod
    def gathered(cls, events: list[Event]) -> list[Event]:
        """Ballots written together (a group commit of casts) go out as one
        `vote.ballots_cast` per vote, in the order they were written."""
        by_vote: dict[int, list[BallotCast]] = {}
        for event in events:
            by_vote.setdefault(event.vote_id, []).append(event)
        return [
            BallotsCast(
                vote_id,
                ballots[0].agenda_item_id,
                [b.member_id for b in ballots],
                None if ballots[0].choice is None else [b.choice for b in ballots],
            )
            for vote_id, ballots in by_vote.items()
        ]


@dataclass(frozen=True)
class BallotsCast(Event):
    """Named ballots written in one transaction, as two lists in the order written: whose
    ballot (`member_ids`; a seat may appear twice, cast then changed) and, while the
    tally is visible, each one's choice (`choices`, else None). It goes to every tablet
    in the room: a frame for 200 ballots is 3.1 KB (1.5 KB with the tally hidden), where
    200 `vote.ballot_cast` payloads made 19.3 KB. Who cast each ballot, whether by hand,
    and whether it changed an earlier one are in the vote's record and the audit log."""

    type = "vote.ballots_cast"
    vote_id: int
    agenda_item_id: int
    member_ids: list[int]
    choices: list[str] | None


@dataclass(frozen=True)
class VoteTallyChanged(Event):
    """The running tally, pushed at most every TALLY_INTERVAL per vote. While the tally is
    hidden, or the vote is secret, only the number of ballots (`cast`) is given."""

    type = "vote.tally_changed"
    vote_id: int
    agenda_item_id: int
    cast: int
    counts: dict[str, int] | None

    @classmethod
    def gathered(cls, events: list[Event]) -> list[Event]:
        """Of the tallies pushed while ballots were written together, the last of each
        vote states it all: it goes out once, after the batch's ballots."""
        last: dict[int, Event] = {}
        for event in events:
            last[event.vote_id] = event
        return list(last.values())


@dataclass(frozen=True)
class VoteClosed(Event):
    type = "vote.closed"
    vote_id: int
    agenda_item_id: int
    result: dict[str, Any]
