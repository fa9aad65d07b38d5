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


@dataclass(frozen=True)
class VoteTallyChanged(Event):
    """The running tally, pushed at most every TALLY_INTERVAL per vote. While the tally is
    hidden, or the vote is secret, only the number of ballots (`cast`) is given."""

    type = "vote.tally_changed"
    vote_id: int
    agenda_item_id: int
    cast: int
    counts: dict[str, int] | None


@dataclass(frozen=True)
class VoteClosed(Event):
    type = "vote.closed"
    vote_id: int
    agenda_item_id: int
    result: dict[str, Any]
