"""Meeting commands a tablet may send over its WebSocket; each calls a service.

Each names the schema of its arguments: the API's body where the API takes the same
input, with the ids the API reads from its path added (ecabinet/realtime/commands.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict

from ecabinet.errors import NotFound
from ecabinet.realtime.commands import Id, command
from ecabinet.realtime.events import last_seq
from meetings import live, services
from meetings.models import AgendaItem, Meeting, MeetingPaper, SpeakerRequest
from meetings.schemas import ConclusionIn, PositionIn, PresentationIn


class Args(Schema):
    model_config = ConfigDict(extra="forbid")


class ItemArgs(Args):
    item_id: Id


class PositionArgs(PositionIn, ItemArgs):
    pass


class ItemCloseArgs(ConclusionIn, ItemArgs):
    pass


class PresentationArgs(PresentationIn, Args):
    pass


class FloorArgs(Args):
    request_id: Id


@command("position.mark", args=PositionArgs)
def position_mark(
    *, actor, meeting_id: int, item_id: int, stance: str, comment: str = ""
) -> dict[str, Any]:
    item = AgendaItem.objects.filter(pk=item_id, meeting_id=meeting_id).first()
    if item is None:
        raise NotFound(_("That agenda item is not in this meeting."))
    position = services.position_mark(actor=actor, item=item, stance=stance, comment=comment)
    return {"item_id": item.pk, "stance": position.stance, "comment": position.comment}


# --- The live room --------------------------------------------------------------------
# Each answers with the live state's event number the change produced is part of:
# the tablet already gets the change itself as an event.


def _meeting(meeting_id: int) -> Meeting:
    return Meeting.objects.get(pk=meeting_id)


def _live_item(meeting_id: int, item_id: int) -> AgendaItem:
    item = AgendaItem.objects.filter(pk=item_id, meeting_id=meeting_id).first()
    if item is None:
        raise NotFound(_("That agenda item is not in this meeting."))
    return item


def _done(meeting_id: int) -> dict[str, Any]:
    return {"seq": last_seq(meeting_id=meeting_id)}


@command("attendance.check_in")
def attendance_check_in(*, actor, meeting_id: int) -> dict[str, Any]:
    live.attendance_check_in(actor=actor, meeting=_meeting(meeting_id))
    return _done(meeting_id)


@command("attendance.check_out")
def attendance_check_out(*, actor, meeting_id: int) -> dict[str, Any]:
    live.attendance_check_out(actor=actor, meeting=_meeting(meeting_id))
    return _done(meeting_id)


@command("speaker.request", args=ItemArgs)
def speaker_request(*, actor, meeting_id: int, item_id: int) -> dict[str, Any]:
    request = live.speaker_request(actor=actor, item=_live_item(meeting_id, item_id))
    return {**_done(meeting_id), "request_id": request.pk}


@command("speaker.withdraw", args=ItemArgs)
def speaker_withdraw(*, actor, meeting_id: int, item_id: int) -> dict[str, Any]:
    live.speaker_withdraw(actor=actor, item=_live_item(meeting_id, item_id))
    return _done(meeting_id)


@command("presentation.show", args=PresentationArgs)
def presentation_show(*, actor, meeting_id: int, paper_id: int, page: int) -> dict[str, Any]:
    paper = MeetingPaper.objects.filter(pk=paper_id, meeting_id=meeting_id).first()
    if paper is None:
        raise NotFound(_("That paper is not before this meeting."))
    live.presentation_show(actor=actor, paper=paper, page=page)
    return _done(meeting_id)


# The chair's tablet runs the meeting with the same services.


@command("item.open", args=ItemArgs)
def item_open(*, actor, meeting_id: int, item_id: int) -> dict[str, Any]:
    live.item_open(actor=actor, item=_live_item(meeting_id, item_id))
    return _done(meeting_id)


@command("item.close", args=ItemCloseArgs)
def item_close(*, actor, meeting_id: int, item_id: int, conclusion: str) -> dict[str, Any]:
    live.item_close(actor=actor, item=_live_item(meeting_id, item_id), conclusion=conclusion)
    return _done(meeting_id)


@command("meeting.pause")
def meeting_pause(*, actor, meeting_id: int) -> dict[str, Any]:
    live.meeting_pause(actor=actor, meeting=_meeting(meeting_id))
    return _done(meeting_id)


@command("meeting.resume")
def meeting_resume(*, actor, meeting_id: int) -> dict[str, Any]:
    live.meeting_resume(actor=actor, meeting=_meeting(meeting_id))
    return _done(meeting_id)


@command("speaker.give_floor", args=FloorArgs)
def floor_give(*, actor, meeting_id: int, request_id: int) -> dict[str, Any]:
    request = SpeakerRequest.objects.filter(pk=request_id, meeting_id=meeting_id).first()
    if request is None:
        raise NotFound(_("No such request to speak in this meeting."))
    live.floor_give(actor=actor, request=request)
    return _done(meeting_id)


@command("speaker.next")
def speaker_next(*, actor, meeting_id: int) -> dict[str, Any]:
    live.speaker_next(actor=actor, meeting=_meeting(meeting_id))
    return _done(meeting_id)


@command("speaker.finish")
def speaker_finish(*, actor, meeting_id: int) -> dict[str, Any]:
    live.speaker_finish(actor=actor, meeting=_meeting(meeting_id))
    return _done(meeting_id)
