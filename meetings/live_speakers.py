"""Speakers in the live room: requests to speak per item, the queue, the floor.

The queue of an item is its waiting requests in `order`; those who marked "wish to
speak" before the meeting are queued first when it starts (`queue_wishes`). One person
speaks at a time in the room (a database constraint says so too).
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ecabinet.errors import Conflict, NotAllowed
from ecabinet.realtime.events import publish
from meetings.access import MeetingAccess, ensure_can_chair, ensure_can_see_item
from meetings.events import FloorGiven, SpeakerFinished, SpeakerRequested, SpeakerWithdrawn
from meetings.live_common import audit_live, ensure_in_progress, ensure_running, lock_room
from meetings.models import (
    AgendaItem,
    Attendance,
    ItemState,
    Meeting,
    Participant,
    Position,
    SpeakerRequest,
)
from meetings.selectors import speaker_entry, speakers_of
from notifications.alerts import alert_floor_ended, alert_floor_given
from people.models import User


def queue_wishes(meeting: Meeting, item: AgendaItem) -> None:
    """Who marked "wish to speak" is queued first, in the order they marked it. An
    absent member's approved deputy who may speak takes the place."""
    wishes = Position.objects.filter(item=item, stance=Position.Stance.WISH_TO_SPEAK)
    deputies = {
        p.on_behalf_of_id: p
        for p in meeting.participants.filter(kind=Participant.Kind.DEPUTY, may_speak=True)
    }
    present = set(
        Attendance.objects.filter(meeting=meeting, left_at__isnull=True).values_list(
            "user_id", flat=True
        )
    )
    for position in wishes.order_by("updated_at", "id"):
        user_id, behalf = position.member_id, None
        deputy = deputies.get(user_id)
        if user_id not in present and deputy is not None and deputy.user_id in present:
            user_id, behalf = deputy.user_id, position.member_id
        request = SpeakerRequest.objects.create(
            meeting=meeting,
            item=item,
            user_id=user_id,
            on_behalf_of_id=behalf,
            order=_next_order(item),
            from_position=True,
            requested_at=position.updated_at,
        )
        _announce_speakers(SpeakerRequested, request)


def _next_order(item: AgendaItem) -> int:
    last = SpeakerRequest.objects.filter(item=item).order_by("-order").first()
    return last.order + 1 if last else 1


def _announce_speakers(event_type, request: SpeakerRequest) -> None:
    queue = speakers_of(item=request.item)["queue"]
    event = event_type(request.meeting_id, request.item_id, request.pk, request.user_id, queue)
    publish(meeting_id=request.meeting_id, event=event)


def _speaker_seat(access: MeetingAccess) -> User:
    """The member whose seat the actor speaks from; refuse those who may not speak."""
    if access.acting_for is None:
        raise NotAllowed(_("Only members and their approved deputies ask to speak."))
    if not access.participant.may_speak:
        raise NotAllowed(_("The chair has not allowed you to speak for the member."))
    return access.acting_for


@transaction.atomic
def speaker_request(*, actor: User, item: AgendaItem) -> SpeakerRequest:
    meeting, _live = lock_room(item.meeting_id)
    access = ensure_can_see_item(user=actor, item=item)
    seat = _speaker_seat(access)
    ensure_in_progress(meeting)
    if ItemState.objects.filter(item=item, state=ItemState.State.CLOSED).exists():
        raise Conflict(_("This item is concluded."))
    if not Attendance.objects.filter(meeting=meeting, user=actor, left_at__isnull=True).exists():
        raise Conflict(_("Check in before asking to speak."))
    waiting = [SpeakerRequest.State.QUEUED, SpeakerRequest.State.SPEAKING]
    if SpeakerRequest.objects.filter(item=item, user=actor, state__in=waiting).exists():
        raise Conflict(_("You are already on the list for this item."))
    request = SpeakerRequest.objects.create(
        meeting=meeting,
        item=item,
        user=actor,
        on_behalf_of=seat if seat.pk != actor.pk else None,
        order=_next_order(item),
        requested_at=timezone.now(),
    )
    details = {"on_behalf_of": seat.get_username()} if seat.pk != actor.pk else {}
    audit_live(actor, "speaker.requested", meeting, request, item_id=item.pk, **details)
    _announce_speakers(SpeakerRequested, request)
    return request


@transaction.atomic
def speaker_withdraw(*, actor: User, item: AgendaItem) -> SpeakerRequest:
    meeting, _live = lock_room(item.meeting_id)
    ensure_can_see_item(user=actor, item=item)
    request = SpeakerRequest.objects.filter(
        item=item, user=actor, state=SpeakerRequest.State.QUEUED
    ).first()
    if request is None:
        raise Conflict(_("You are not waiting to speak on this item."))
    request.state, request.ended_at = SpeakerRequest.State.WITHDRAWN, timezone.now()
    request.save(update_fields=["state", "ended_at"])
    audit_live(actor, "speaker.withdrawn", meeting, request, item_id=item.pk)
    _announce_speakers(SpeakerWithdrawn, request)
    return request


def finish_speaking(meeting: Meeting) -> SpeakerRequest | None:
    request = SpeakerRequest.objects.filter(
        meeting=meeting, state=SpeakerRequest.State.SPEAKING
    ).first()
    if request is None:
        return None
    request.state, request.ended_at = SpeakerRequest.State.DONE, timezone.now()
    request.save(update_fields=["state", "ended_at"])
    _announce_speakers(SpeakerFinished, request)
    alert_floor_ended(speaker_id=request.user_id, request_id=request.pk, meeting_id=meeting.pk)
    return request


@transaction.atomic
def floor_give(*, actor: User, request: SpeakerRequest) -> SpeakerRequest:
    """Give the floor to a waiting speaker of the item under discussion."""
    meeting, live = lock_room(request.meeting_id)
    ensure_can_chair(user=actor, meeting=meeting)
    ensure_running(meeting, live)
    request = SpeakerRequest.objects.select_related("item", "user").get(pk=request.pk)
    if request.item_id != live.current_item_id:
        raise Conflict(_("Open this item before giving the floor on it."))
    if request.state != SpeakerRequest.State.QUEUED:
        raise Conflict(_("This person is not waiting to speak."))
    finish_speaking(meeting)
    request.state, request.started_at = SpeakerRequest.State.SPEAKING, timezone.now()
    request.save(update_fields=["state", "started_at"])
    audit_live(actor, "speaker.floor_given", meeting, request, item_id=request.item_id)
    queue = speakers_of(item=request.item)["queue"]
    event = FloorGiven(meeting.pk, request.item_id, speaker_entry(request), queue)
    publish(meeting_id=meeting.pk, event=event)
    alert_floor_given(
        speaker_id=request.user_id,
        request_id=request.pk,
        meeting_id=meeting.pk,
        meeting_title=meeting.title,
        item_title=request.item.title,
        url=reverse("meetings:room", args=[meeting.pk]),
    )
    return request


@transaction.atomic
def speaker_finish(*, actor: User, meeting: Meeting) -> SpeakerRequest:
    """The chair ends the current speech."""
    meeting, live = lock_room(meeting.pk)
    ensure_can_chair(user=actor, meeting=meeting)
    ensure_in_progress(meeting)
    request = finish_speaking(meeting)
    if request is None:
        raise Conflict(_("Nobody has the floor."))
    audit_live(actor, "speaker.finished", meeting, request, item_id=request.item_id)
    return request


@transaction.atomic
def speaker_next(*, actor: User, meeting: Meeting) -> SpeakerRequest | None:
    """End the current speech and give the floor to the first in the queue, if any."""
    meeting, live = lock_room(meeting.pk)
    ensure_can_chair(user=actor, meeting=meeting)
    ensure_running(meeting, live)
    if live.current_item_id is None:
        raise Conflict(_("No item is under discussion."))
    following = (
        SpeakerRequest.objects.filter(
            item_id=live.current_item_id, state=SpeakerRequest.State.QUEUED
        )
        .order_by("order")
        .first()
    )
    if following is None:
        speaker_finish(actor=actor, meeting=meeting)  # refuses if nobody speaks either
        return None
    return floor_give(actor=actor, request=following)
