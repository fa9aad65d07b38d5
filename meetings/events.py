"""Real-time events of a meeting. Each is published by the service that makes the change."""

from dataclasses import dataclass

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
