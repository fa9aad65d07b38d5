"""The counting rules of a vote, as pure functions: no database, no clock.

A body keeps its rules as data (people.Body): what "a majority" is counted against
(all members, those present, or the votes cast) and how a tie is settled (the chair's
side prevails, or the motion fails). `decide()` applies them to a tally.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

YES, NO, ABSTAIN = "yes", "no", "abstain"
CHOICES = (YES, NO, ABSTAIN)

ALL_MEMBERS, PRESENT, VOTES_CAST = "all_members", "present", "votes_cast"
CHAIR_SIDE, FAILS = "chair_side", "fails"


@dataclass(frozen=True)
class Counts:
    yes: int = 0
    no: int = 0
    abstain: int = 0

    @classmethod
    def of(cls, choices: list[str]) -> Counts:
        return cls(*(sum(1 for c in choices if c == choice) for choice in CHOICES))

    @property
    def cast(self) -> int:
        return self.yes + self.no + self.abstain


@dataclass(frozen=True)
class Decision:
    adopted: bool
    base: int  # what "more than half" is counted against
    needed: int  # the fewest votes in favour that pass the motion on their own
    tie: bool
    decided_by: str  # "majority" | "no_majority" | "chair_side" | "tie_fails"
    chair_choice: str | None = None  # disclosed only when it settled a tie

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def majority_base(*, rule: str, counts: Counts, members_total: int, present: int) -> int:
    """Abstentions are part of the turnout but not of "the votes cast" (yes + no)."""
    if rule == ALL_MEMBERS:
        return members_total
    if rule == PRESENT:
        return present
    if rule == VOTES_CAST:
        return counts.yes + counts.no
    raise ValueError(f"unknown majority base {rule!r}")


def needed_for(base: int) -> int:
    """ "More than half": 14 of 27, 14 of 26, 1 of 1."""
    return base // 2 + 1


def decide(
    *,
    counts: Counts,
    rule: str,
    tie_break: str,
    members_total: int,
    present: int,
    chair_choice: str | None,
) -> Decision:
    """Adopted when those in favour are more than half of the base. When as many vote
    for as against (and that is not already a majority), the tie-break settles it: the
    side the chair voted for, or failure. A chair who abstained or did not vote, or whose
    side is unknown, has no side: the motion fails."""
    base = majority_base(rule=rule, counts=counts, members_total=members_total, present=present)
    needed = needed_for(base)
    if base > 0 and counts.yes >= needed:
        return Decision(True, base, needed, False, "majority")
    tie = counts.yes == counts.no and counts.yes > 0
    if not tie:
        return Decision(False, base, needed, False, "no_majority")
    if tie_break == CHAIR_SIDE and chair_choice in (YES, NO):
        return Decision(chair_choice == YES, base, needed, True, "chair_side", chair_choice)
    return Decision(False, base, needed, True, "tie_fails")
