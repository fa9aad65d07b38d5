"""Pieces every live-room service shares: the room lock, state checks, the audit line."""

from __future__ import annotations

from django.utils.translation import gettext as _

from ecabinet import audit
from ecabinet.errors import Conflict
from meetings.models import LiveState, Meeting
from people.models import User


def lock_room(meeting_id: int) -> tuple[Meeting, LiveState]:
    """Lock the meeting (only its own row) and return it with its live state."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting_id)
    )
    live, _created = LiveState.objects.get_or_create(meeting=meeting)
    return meeting, live


def ensure_in_progress(meeting: Meeting) -> None:
    if meeting.state != Meeting.State.IN_PROGRESS:
        raise Conflict(_("The meeting is not in progress."))


def ensure_running(meeting: Meeting, live: LiveState) -> None:
    ensure_in_progress(meeting)
    if live.paused:
        raise Conflict(_("The meeting is paused; resume it first."))


def audit_live(actor: User, action: str, meeting: Meeting, target=None, **details) -> None:
    audit.record(
        actor=actor,
        action=action,
        target=target if target is not None else meeting,
        body_id=meeting.body_id,
        details={"meeting_id": meeting.pk, **details},
    )
