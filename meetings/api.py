"""Meetings, agendas, guests, positions and leave over JSON. Every write is a service call.

Path ids the user may not see answer 404 (the access rules raise NotFound); ids inside
a request body answer 422 when they do not resolve. Where a request names other
objects, the caller's right to manage the meeting is checked first, so a stranger
learns nothing from the answer about which ids exist.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status

from ecabinet.api_types import ERRORS, Id
from ecabinet.errors import Invalid
from meetings import services
from meetings.access import (
    ensure_can_manage,
    ensure_can_see_item,
    ensure_can_see_positions,
    ensure_can_view,
)
from meetings.models import AgendaItem, LeaveRequest, Meeting
from meetings.schemas import (
    AgendaItemIn,
    AgendaItemOut,
    GuestIn,
    ItemOut,
    ItemPatch,
    ItemSummaryOut,
    LeaveDecisionIn,
    LeaveIn,
    LeaveOut,
    MeetingDetailOut,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    MoveIn,
    ParticipantOut,
    PositionIn,
    PositionOut,
    item_view_out,
    meeting_detail_out,
    summary_out,
)
from meetings.selectors import (
    agenda_for,
    meeting_papers_general,
    meetings_visible_to,
    positions_summary,
)
from people.models import User
from people.selectors import user_bodies

router = Router(tags=["meetings"])


def _meeting(meeting_id: Id) -> Meeting:
    return get_object_or_404(Meeting.objects.select_related("body"), pk=meeting_id)


def _item(item_id: Id) -> AgendaItem:
    return get_object_or_404(AgendaItem.objects.select_related("meeting__body"), pk=item_id)


def _person(field: str, user_id: Id | None) -> User | None:
    if user_id is None:
        return None
    person = User.objects.filter(pk=user_id, is_active=True).first()
    if person is None:
        raise Invalid(_("No such person."), fields={field: [_("No such person.")]})
    return person


# --- Meetings ----------------------------------------------------------------


@router.get("/meetings", response={200: list[MeetingOut], **ERRORS})
def meeting_list(request: HttpRequest):
    return meetings_visible_to(user=request.user)


@router.post("/meetings", response={201: MeetingOut, **ERRORS})
def meeting_create(request: HttpRequest, payload: MeetingIn):
    body = user_bodies(user=request.user).filter(pk=payload.body_id).first()
    if body is None:
        raise Invalid(_("No such body."), fields={"body_id": [_("You serve in no such body.")]})
    data = payload.dict(exclude={"body_id"})
    return Status(201, services.meeting_create(actor=request.user, body=body, **data))


@router.get("/meetings/{meeting_id}", response={200: MeetingDetailOut, **ERRORS})
def meeting_detail(request: HttpRequest, meeting_id: Id):
    access = ensure_can_view(user=request.user, meeting=_meeting(meeting_id))
    agenda = agenda_for(access=access, user=request.user)
    general = meeting_papers_general(access=access, user=request.user)
    return meeting_detail_out(access, agenda, [] if access.is_guest else general)


@router.patch("/meetings/{meeting_id}", response={200: MeetingOut, **ERRORS})
def meeting_update(request: HttpRequest, meeting_id: Id, payload: MeetingPatch):
    changes = payload.dict(exclude_unset=True)
    return services.meeting_update(actor=request.user, meeting=_meeting(meeting_id), **changes)


@router.post("/meetings/{meeting_id}/publish", response={200: MeetingOut, **ERRORS})
def meeting_publish(request: HttpRequest, meeting_id: Id):
    return services.meeting_publish(actor=request.user, meeting=_meeting(meeting_id))


@router.post("/meetings/{meeting_id}/close", response={200: MeetingOut, **ERRORS})
def meeting_close(request: HttpRequest, meeting_id: Id):
    return services.meeting_close(actor=request.user, meeting=_meeting(meeting_id))


# --- Agenda ------------------------------------------------------------------


@router.post("/meetings/{meeting_id}/items", response={201: ItemOut, **ERRORS})
def item_add(request: HttpRequest, meeting_id: Id, payload: AgendaItemIn):
    meeting = _meeting(meeting_id)
    ensure_can_manage(user=request.user, meeting=meeting)
    fields = payload.dict(exclude={"presenter_id"})
    fields["presenter"] = _person("presenter_id", payload.presenter_id)
    return Status(201, services.item_add(actor=request.user, meeting=meeting, **fields))


@router.get("/items/{item_id}", response={200: AgendaItemOut, **ERRORS})
def item_detail(request: HttpRequest, item_id: Id):
    item = _item(item_id)
    access = ensure_can_see_item(user=request.user, item=item)
    view = next(v for v in agenda_for(access=access, user=request.user) if v.item.pk == item.pk)
    return item_view_out(view)


@router.patch("/items/{item_id}", response={200: ItemOut, **ERRORS})
def item_update(request: HttpRequest, item_id: Id, payload: ItemPatch):
    item = _item(item_id)
    ensure_can_manage(user=request.user, meeting=item.meeting)
    changes = payload.dict(exclude_unset=True)
    if "presenter_id" in changes:
        changes["presenter"] = _person("presenter_id", changes.pop("presenter_id"))
    return services.item_update(actor=request.user, item=item, **changes)


@router.delete("/items/{item_id}", response={204: None, **ERRORS})
def item_delete(request: HttpRequest, item_id: Id):
    services.item_delete(actor=request.user, item=_item(item_id))
    return Status(204, None)


@router.post("/items/{item_id}/move", response={200: ItemOut, **ERRORS})
def item_move(request: HttpRequest, item_id: Id, payload: MoveIn):
    item = _item(item_id)
    return services.item_move(actor=request.user, item=item, to_position=payload.to_position)


@router.post("/meetings/{meeting_id}/guests", response={201: ParticipantOut, **ERRORS})
def guest_invite(request: HttpRequest, meeting_id: Id, payload: GuestIn):
    meeting = _meeting(meeting_id)
    ensure_can_manage(user=request.user, meeting=meeting)
    guest = _person("user_id", payload.user_id)
    items = list(meeting.items.filter(pk__in=payload.item_ids))
    if len(items) != len(set(payload.item_ids)):
        message = _("Some of these items are not on this meeting's agenda.")
        raise Invalid(message, fields={"item_ids": [message]})
    participant = services.guest_invite(
        actor=request.user, meeting=meeting, user=guest, items=items
    )
    return Status(201, participant)


# --- Positions and leave -----------------------------------------------------


@router.put("/items/{item_id}/position", response={200: PositionOut, **ERRORS})
def position_mark(request: HttpRequest, item_id: Id, payload: PositionIn):
    item = _item(item_id)
    return services.position_mark(actor=request.user, item=item, **payload.dict())


@router.get("/meetings/{meeting_id}/positions", response={200: list[ItemSummaryOut], **ERRORS})
def position_summary(request: HttpRequest, meeting_id: Id):
    access = ensure_can_see_positions(user=request.user, meeting=_meeting(meeting_id))
    return [summary_out(s) for s in positions_summary(meeting=access.meeting)]


@router.post("/meetings/{meeting_id}/leave", response={201: LeaveOut, **ERRORS})
def leave_request(request: HttpRequest, meeting_id: Id, payload: LeaveIn):
    meeting = _meeting(meeting_id)
    ensure_can_view(user=request.user, meeting=meeting)
    deputy = _person("deputy_id", payload.deputy_id)
    leave = services.leave_request(
        actor=request.user, meeting=meeting, reason=payload.reason, deputy=deputy
    )
    return Status(201, leave)


@router.post("/leave/{leave_id}/decide", response={200: LeaveOut, **ERRORS})
def leave_decide(request: HttpRequest, leave_id: Id, payload: LeaveDecisionIn):
    leave = get_object_or_404(LeaveRequest, pk=leave_id)
    return services.leave_decide(actor=request.user, leave=leave, **payload.dict())
