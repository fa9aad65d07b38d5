"""The minutes over JSON: the same operations as the page, each a service call.

GET  /minutes/meeting/{id}                 editions of a meeting's minutes (newest first)
POST /minutes/meeting/{id}/draft           build the first draft from the record
GET  /minutes/{id}/drafts                  saved drafts (secretariat)
POST /minutes/{id}/drafts                  save a new wording {content, based_on}
POST /minutes/{id}/issue                   freeze the last draft into the PDF/A to sign
POST /minutes/{id}/sign                    {step: secretary|chair|seal, pin}
POST /minutes/{id}/correct                 {reason}: a new edition of archived minutes
POST /meetings/{id}/agenda/approve-minutes {previous_meeting_id}
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from ecabinet.api_types import ERRORS, Id
from ecabinet.errors import Invalid, NotFound
from meetings.access import ensure_can_view
from meetings.models import Meeting
from minutes import selectors, services

router = Router(tags=["minutes"])


class MinutesDraftIn(Schema):
    content: dict[str, Any]
    based_on: Id | None = None


class MinutesSignIn(Schema):
    step: str = Field(max_length=20)
    pin: str = Field(max_length=64)


class CorrectIn(Schema):
    reason: str = Field(max_length=300)


class ApproveIn(Schema):
    previous_meeting_id: Id
    title: str = Field("", max_length=500)


def _minutes(request: HttpRequest, minutes_id: Id):
    minutes, _access = selectors.minutes_get(actor=request.user, minutes_id=minutes_id)
    return minutes


def _draft_out(draft) -> dict:
    return {
        "number": draft.number,
        "content": draft.content,
        "saved_by": str(draft.saved_by),
        "saved_at": draft.saved_at.isoformat(),
        "note": draft.note_text,
    }


@router.get("/minutes/meeting/{meeting_id}", response={200: list[dict], **ERRORS})
def minutes_list(request: HttpRequest, meeting_id: Id):
    meeting, _access = selectors.meeting_for_minutes(actor=request.user, meeting_id=meeting_id)
    return [selectors.minutes_summary(m) for m in selectors.minutes_of(meeting=meeting)]


@router.post("/minutes/meeting/{meeting_id}/draft", response={201: dict, **ERRORS})
def minutes_start(request: HttpRequest, meeting_id: Id):
    meeting, _access = selectors.meeting_for_minutes(actor=request.user, meeting_id=meeting_id)
    minutes = services.minutes_draft_start(actor=request.user, meeting=meeting)
    return Status(201, selectors.minutes_summary(minutes))


@router.get("/minutes/{minutes_id}/drafts", response={200: list[dict], **ERRORS})
def drafts_list(request: HttpRequest, minutes_id: Id):
    minutes = _minutes(request, minutes_id)
    services.ensure_secretariat(actor=request.user, meeting=minutes.meeting)
    return [_draft_out(d) for d in selectors.drafts_of(minutes=minutes)]


@router.post("/minutes/{minutes_id}/drafts", response={201: dict, **ERRORS})
def draft_save(request: HttpRequest, minutes_id: Id, payload: MinutesDraftIn):
    minutes = _minutes(request, minutes_id)
    draft = services.minutes_draft_save(
        actor=request.user, minutes=minutes, content=payload.content, based_on=payload.based_on
    )
    return Status(201, _draft_out(draft))


@router.post("/minutes/{minutes_id}/issue", response={200: dict, **ERRORS})
def minutes_issue(request: HttpRequest, minutes_id: Id):
    minutes = services.minutes_issue(actor=request.user, minutes=_minutes(request, minutes_id))
    return selectors.minutes_summary(minutes)


@router.post("/minutes/{minutes_id}/sign", response={200: dict, **ERRORS})
def minutes_sign(request: HttpRequest, minutes_id: Id, payload: MinutesSignIn):
    minutes = services.minutes_sign(
        actor=request.user,
        minutes=_minutes(request, minutes_id),
        step=payload.step,
        pin=payload.pin,
    )
    return selectors.minutes_summary(minutes)


@router.post("/minutes/{minutes_id}/correct", response={201: dict, **ERRORS})
def minutes_correct(request: HttpRequest, minutes_id: Id, payload: CorrectIn):
    minutes = services.minutes_correct(
        actor=request.user, minutes=_minutes(request, minutes_id), reason=payload.reason
    )
    return Status(201, selectors.minutes_summary(minutes))


@router.post("/meetings/{meeting_id}/agenda/approve-minutes", response={201: dict, **ERRORS})
def approve_minutes_item(request: HttpRequest, meeting_id: Id, payload: ApproveIn):
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound(_("Meeting not found."))
    ensure_can_view(user=request.user, meeting=meeting)
    previous = Meeting.objects.filter(pk=payload.previous_meeting_id).first()
    if previous is None:
        message = _("No such meeting.")
        raise Invalid(message, fields={"previous_meeting_id": [message]})
    item = services.agenda_item_approve_minutes(
        actor=request.user, meeting=meeting, previous=previous, title=payload.title
    )
    return Status(
        201, {"id": item.pk, "order": item.order, "title": item.title, "minutes_of": previous.pk}
    )
