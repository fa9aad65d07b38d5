"""The live meeting room over JSON: the snapshot a tablet loads, and every room action.

Each write is one service call and answers with the caller's fresh snapshot, so a client
that does not hold a socket (the secretariat's desktop) still sees the result at once.
The snapshot's `seq` is the last event it includes: a tablet says `hello` with it.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Schema

from ecabinet.api_types import ERRORS, Id
from ecabinet.errors import Invalid
from meetings import live, services
from meetings.access import ensure_can_view
from meetings.models import AgendaItem, Meeting, MeetingPaper, SpeakerRequest
from meetings.schemas import ConclusionIn, MeetingOut, PresentationIn
from meetings.selectors import live_state

router = Router(tags=["live room"])
LIVE = {200: dict[str, Any], **ERRORS}


class StartIn(Schema):
    override_reason: str = ""


class MarkIn(Schema):
    present: bool = True


def _meeting(meeting_id: Id) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("body"), pk=meeting_id)


def _item(item_id: Id) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("meeting__body"), pk=item_id)


def _snapshot(request: HttpRequest, meeting_id: Id) -> dict[str, Any]:
    access = ensure_can_view(user=request.user, meeting=_meeting(meeting_id))
    return live_state(access=access)


@router.get("/meetings/{meeting_id}/live", response=LIVE)
def live_get(request: HttpRequest, meeting_id: Id):
    return _snapshot(request, meeting_id)


def _override_reason(request: HttpRequest) -> str:
    # The body is optional: clients that start with a quorum post nothing (or an empty
    # form), which ninja's JSON parsing would refuse, so it is read here.
    data: Any = request.POST
    if request.content_type == "application/json" and request.body:
        try:
            data = json.loads(request.body)
        except ValueError:
            data = None
    reason = data.get("override_reason", "") if isinstance(data, dict | QueryDict) else None
    if not isinstance(reason, str):
        message = _("The reason is text.")
        raise Invalid(message, fields={"override_reason": [message]})
    return reason


START_BODY = {
    "requestBody": {
        "required": False,
        "content": {"application/json": {"schema": StartIn.model_json_schema()}},
    }
}


@router.post(
    "/meetings/{meeting_id}/start",
    response={200: MeetingOut, **ERRORS},
    openapi_extra=START_BODY,
)
def meeting_start(request: HttpRequest, meeting_id: Id):
    """Start the meeting. Without a quorum, `override_reason` is required (and audited)."""
    return services.meeting_start(
        actor=request.user, meeting=_meeting(meeting_id), override_reason=_override_reason(request)
    )


@router.post("/meetings/{meeting_id}/attendance/check-in", response=LIVE)
def attendance_check_in(request: HttpRequest, meeting_id: Id):
    live.attendance_check_in(actor=request.user, meeting=_meeting(meeting_id))
    return _snapshot(request, meeting_id)


@router.post("/meetings/{meeting_id}/attendance/check-out", response=LIVE)
def attendance_check_out(request: HttpRequest, meeting_id: Id):
    live.attendance_check_out(actor=request.user, meeting=_meeting(meeting_id))
    return _snapshot(request, meeting_id)


@router.post("/meetings/{meeting_id}/attendance/{user_id}", response=LIVE)
def attendance_mark(request: HttpRequest, meeting_id: Id, user_id: Id, payload: MarkIn):
    """The secretariat marks a person present (or gone)."""
    live.attendance_mark(
        actor=request.user, meeting=_meeting(meeting_id), user_id=user_id, present=payload.present
    )
    return _snapshot(request, meeting_id)


@router.post("/meetings/{meeting_id}/pause", response=LIVE)
def meeting_pause(request: HttpRequest, meeting_id: Id):
    live.meeting_pause(actor=request.user, meeting=_meeting(meeting_id))
    return _snapshot(request, meeting_id)


@router.post("/meetings/{meeting_id}/resume", response=LIVE)
def meeting_resume(request: HttpRequest, meeting_id: Id):
    live.meeting_resume(actor=request.user, meeting=_meeting(meeting_id))
    return _snapshot(request, meeting_id)


@router.post("/items/{item_id}/open", response=LIVE)
def item_open(request: HttpRequest, item_id: Id):
    item = _item(item_id)
    live.item_open(actor=request.user, item=item)
    return _snapshot(request, item.meeting_id)


@router.post("/items/{item_id}/close", response=LIVE)
def item_close(request: HttpRequest, item_id: Id, payload: ConclusionIn):
    item = _item(item_id)
    live.item_close(actor=request.user, item=item, conclusion=payload.conclusion)
    return _snapshot(request, item.meeting_id)


@router.post("/items/{item_id}/speakers/request", response=LIVE)
def speaker_request(request: HttpRequest, item_id: Id):
    item = _item(item_id)
    live.speaker_request(actor=request.user, item=item)
    return _snapshot(request, item.meeting_id)


@router.post("/items/{item_id}/speakers/withdraw", response=LIVE)
def speaker_withdraw(request: HttpRequest, item_id: Id):
    item = _item(item_id)
    live.speaker_withdraw(actor=request.user, item=item)
    return _snapshot(request, item.meeting_id)


@router.post("/speakers/{request_id}/give-floor", response=LIVE)
def floor_give(request: HttpRequest, request_id: Id):
    speaker = get_object_or_404(SpeakerRequest, pk=request_id)
    ensure_can_view(user=request.user, meeting=_meeting(speaker.meeting_id))
    live.floor_give(actor=request.user, request=speaker)
    return _snapshot(request, speaker.meeting_id)


@router.post("/meetings/{meeting_id}/speakers/next", response=LIVE)
def speaker_next(request: HttpRequest, meeting_id: Id):
    live.speaker_next(actor=request.user, meeting=_meeting(meeting_id))
    return _snapshot(request, meeting_id)


@router.post("/meetings/{meeting_id}/speakers/finish", response=LIVE)
def speaker_finish(request: HttpRequest, meeting_id: Id):
    live.speaker_finish(actor=request.user, meeting=_meeting(meeting_id))
    return _snapshot(request, meeting_id)


@router.post("/meetings/{meeting_id}/presentation", response=LIVE)
def presentation_show(request: HttpRequest, meeting_id: Id, payload: PresentationIn):
    meeting = _meeting(meeting_id)
    ensure_can_view(user=request.user, meeting=meeting)
    paper = get_object_or_404(MeetingPaper, pk=payload.paper_id, meeting=meeting)
    live.presentation_show(actor=request.user, paper=paper, page=payload.page)
    return _snapshot(request, meeting_id)
