"""Real-time events of a meeting. Each is published by the service that makes the change."""

from dataclasses import dataclass
from typing import Any

from ecabinet.realtime.events import Event


@dataclass(frozen=True)
class MeetingStateChanged(Event):
    type = "meeting.state_changed"
    meeting_id: int
    state: str


@dataclass(frozen=True)
class AgendaChanged(Event):
    """The agenda's items or their order changed: tablets fetch the agenda again."""

    type = "agenda.changed"
    meeting_id: int
    item_ids: list[int]


# --- The live room ----------------------------------------------------------------
# Figures and queues travel whole in each event, so a tablet sets its state from the
# event instead of adding to it: applying one twice (a snapshot then a replay) is harmless.


@dataclass(frozen=True)
class AttendanceChanged(Event):
    """Someone checked in or left; `attendee` is their line of the attendance list."""

    type = "attendance.changed"
    meeting_id: int
    attendee: dict[str, Any]
    quorum: dict[str, Any]


@dataclass(frozen=True)
class MeetingPaused(Event):
    type = "meeting.paused"
    meeting_id: int


@dataclass(frozen=True)
class MeetingResumed(Event):
    type = "meeting.resumed"
    meeting_id: int


@dataclass(frozen=True)
class ItemOpened(Event):
    """The chair moved the meeting to this item."""

    type = "item.opened"
    meeting_id: int
    agenda_item_id: int


@dataclass(frozen=True)
class ItemClosed(Event):
    type = "item.closed"
    meeting_id: int
    agenda_item_id: int
    conclusion: str


@dataclass(frozen=True)
class SpeakerRequested(Event):
    type = "speaker.requested"
    meeting_id: int
    agenda_item_id: int
    request_id: int
    user_id: int
    queue: list[dict[str, Any]]


@dataclass(frozen=True)
class SpeakerWithdrawn(Event):
    type = "speaker.withdrawn"
    meeting_id: int
    agenda_item_id: int
    request_id: int
    user_id: int
    queue: list[dict[str, Any]]


@dataclass(frozen=True)
class FloorGiven(Event):
    """`speaker.started_at` starts every tablet's speaking timer."""

    type = "speaker.floor_given"
    meeting_id: int
    agenda_item_id: int
    speaker: dict[str, Any]
    queue: list[dict[str, Any]]


@dataclass(frozen=True)
class SpeakerFinished(Event):
    type = "speaker.finished"
    meeting_id: int
    agenda_item_id: int
    request_id: int
    user_id: int
    queue: list[dict[str, Any]]


@dataclass(frozen=True)
class PresentationMoved(Event):
    """The screen shows this paper at this page; tablets that follow jump there.
    `agenda_item_id` is the paper's item (None for a paper of the whole meeting)."""

    type = "presentation.moved"
    meeting_id: int
    agenda_item_id: int | None
    paper_id: int
    page: int
    by_user_id: int
