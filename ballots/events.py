"""Real-time events of a written ballot, on the ballot's own stream ("ballot:<id>").

Only the ballot's managers (secretariat, chair) listen (ballots/consumers.py). The events
carry ids and states, not choices: a page that receives one fetches the snapshot
(`GET /api/ballots/{id}/live`), which is the truth; the events only say when to look.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecabinet.realtime.events import Event, Stream, publish


def ballot_stream(ballot_id: int) -> Stream:
    return Stream("ballot", ballot_id)


@dataclass(frozen=True)
class AnswerSubmitted(Event):
    type = "ballot.answer_submitted"
    ballot_id: int
    answer_id: int
    member_id: int
    on_behalf: bool


@dataclass(frozen=True)
class AnswerSigned(Event):
    type = "ballot.answer_signed"
    ballot_id: int
    answer_id: int
    member_id: int


@dataclass(frozen=True)
class AnswerReopened(Event):
    type = "ballot.answer_reopened"
    ballot_id: int
    answer_id: int
    member_id: int


@dataclass(frozen=True)
class BallotClosed(Event):
    type = "ballot.closed"
    ballot_id: int
    answered: int
    recipients: int


def ballot_publish(*, ballot_id: int, event: Event) -> None:
    """Inside the service's transaction: numbered in the ballot's log, sent after commit."""
    publish(stream=ballot_stream(ballot_id), event=event)
