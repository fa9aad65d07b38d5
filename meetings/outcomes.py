"""What a closed meeting decided, item by item: the chair's conclusion and the result
of each vote, in words ("Được thông qua: 20 tán thành / 22 thành viên …").

Read for the meeting page once the meeting is closed. Like the room page
(views_live.py), it reads votes from `voting`, the app above meetings that holds them:
the one known exception to the arrows in docs/architecture.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from meetings.models import Meeting
from meetings.models_live import ItemState
from meetings.selectors import item_states
from voting.models import Choice, Vote
from voting.words import result_in_words


@dataclass
class VoteOutcome:
    id: int
    question: str
    adopted: bool
    words: str
    counts: list[tuple[str, str, int]]  # (choice, label, how many)


@dataclass
class ItemOutcome:
    concluded: bool
    conclusion: str = ""
    votes: list[VoteOutcome] = field(default_factory=list)


def _vote_outcome(vote: Vote) -> VoteOutcome:
    result: dict[str, Any] = vote.result or {}
    counts = result.get("counts") or {}
    return VoteOutcome(
        id=vote.pk,
        question=vote.question,
        adopted=bool(result.get("adopted")),
        words=result_in_words(result=result),
        counts=[(c.value, c.label, counts.get(c.value, 0)) for c in Choice],
    )


def meeting_outcomes(*, meeting: Meeting) -> dict[int, ItemOutcome]:
    """Every item's outcome, by item id (items the room never reached included)."""
    states = item_states(meeting=meeting)
    votes: dict[int, list[VoteOutcome]] = {}
    closed = Vote.objects.filter(meeting=meeting, state=Vote.State.CLOSED).order_by(
        "opened_at", "id"
    )
    for vote in closed:
        votes.setdefault(vote.item_id, []).append(_vote_outcome(vote))
    outcomes = {}
    for item_id in meeting.items.values_list("pk", flat=True):
        state = states.get(item_id)
        outcomes[item_id] = ItemOutcome(
            concluded=state is not None and state.state == ItemState.State.CLOSED,
            conclusion=state.conclusion if state else "",
            votes=votes.get(item_id, []),
        )
    return outcomes
