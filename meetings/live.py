"""The live meeting room: attendance, the chair's controls and the screen; the speakers'
services are in live_speakers.py and re-exported here, so callers import one module.

Every service here locks the meeting row first, so changes to one room happen one at a
time and the figures an event carries (quorum, queue) are those that commit with it.
Starting and ending the meeting are `meeting_start` / `meeting_close` in services.py;
they call `room_open` / `room_close` here. See docs/live-room.md.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from ecabinet.realtime.events import publish
from meetings.access import ensure_can_chair, ensure_can_view
from meetings.events import (
    AttendanceChanged,
    ItemClosed,
    ItemOpened,
    MeetingPaused,
    MeetingResumed,
    PresentationMoved,
)
from meetings.live_common import audit_live, ensure_in_progress, ensure_running, lock_room
from meetings.live_speakers import (
    finish_speaking,
    floor_give,
    queue_wishes,
    speaker_finish,
    speaker_next,
    speaker_request,
    speaker_withdraw,
)
from meetings.models import (
    AgendaItem,
    Attendance,
    ItemState,
    LiveState,
    Meeting,
    MeetingPaper,
    Participant,
)
from meetings.selectors import attendance_list, meeting_quorum, paper_can_present
from people.models import User

MAX_CONCLUSION = 20_000

__all__ = [
    "attendance_check_in",
    "attendance_check_out",
    "attendance_mark",
    "floor_give",
    "item_close",
    "item_open",
    "meeting_pause",
    "meeting_resume",
    "presentation_show",
    "room_close",
    "room_open",
    "speaker_finish",
    "speaker_next",
    "speaker_request",
    "speaker_withdraw",
]


# --- Attendance ---------------------------------------------------------------------


@transaction.atomic
def attendance_check_in(*, actor: User, meeting: Meeting) -> Attendance:
    """The actor checks in from their tablet."""
    meeting, _live = lock_room(meeting.pk)
    access = ensure_can_view(user=actor, meeting=meeting)
    if access.participant is None or access.participant.kind == Participant.Kind.OBSERVER:
        raise NotAllowed(_("Only those invited to take part check in."))
    return _attendance_set(actor=actor, meeting=meeting, participant=access.participant, here=True)


@transaction.atomic
def attendance_check_out(*, actor: User, meeting: Meeting) -> Attendance:
    """The actor leaves the room before the end."""
    meeting, _live = lock_room(meeting.pk)
    access = ensure_can_view(user=actor, meeting=meeting)
    if access.participant is None:
        raise NotAllowed(_("Only those invited to take part check in or out."))
    return _attendance_set(actor=actor, meeting=meeting, participant=access.participant, here=False)


@transaction.atomic
def attendance_mark(*, actor: User, meeting: Meeting, user_id: int, present: bool) -> Attendance:
    """The secretariat takes attendance for someone (present, or gone)."""
    meeting, _live = lock_room(meeting.pk)
    access = ensure_can_view(user=actor, meeting=meeting)
    if not access.can_manage:
        raise NotAllowed(_("Only the secretariat takes attendance for others."))
    participant = (
        meeting.participants.exclude(kind=Participant.Kind.OBSERVER)
        .select_related("user")
        .filter(user_id=user_id)
        .first()
    )
    if participant is None:
        raise NotFound(_("That person does not take part in this meeting."))
    return _attendance_set(actor=actor, meeting=meeting, participant=participant, here=present)


def _attendance_set(
    *, actor: User, meeting: Meeting, participant: Participant, here: bool
) -> Attendance:
    if meeting.state not in {Meeting.State.PUBLISHED, Meeting.State.IN_PROGRESS}:
        raise Conflict(_("Attendance is taken only for a published meeting before it closes."))
    now = timezone.now()
    record = Attendance.objects.filter(meeting=meeting, user_id=participant.user_id).first()
    if here:
        if record is not None and record.is_present:
            raise Conflict(_("%(name)s is already checked in.") % {"name": participant.user})
        record = record or Attendance(meeting=meeting, user_id=participant.user_id)
        record.on_behalf_of_id = participant.on_behalf_of_id
        record.checked_in_at, record.checked_in_by = now, actor
        record.left_at, record.left_marked_by = None, None
    else:
        if record is None or not record.is_present:
            raise Conflict(_("%(name)s is not checked in.") % {"name": participant.user})
        record.left_at, record.left_marked_by = now, actor
    record.save()
    quorum = meeting_quorum(meeting=meeting)
    details = {"user": participant.user.get_username(), "quorum": quorum}
    if participant.on_behalf_of_id:
        details["on_behalf_of"] = participant.on_behalf_of.get_username()
    action = "attendance.checked_in" if here else "attendance.left"
    audit_live(actor, action, meeting, record, **details)
    entry = attendance_list(meeting=meeting, user_id=participant.user_id)[0]
    publish(meeting_id=meeting.pk, event=AttendanceChanged(meeting.pk, entry, quorum))
    return record


# --- Starting and ending (called by meeting_start / meeting_close) -------------------


def room_open(*, meeting: Meeting, override_reason: str) -> LiveState:
    """Set up the room of a meeting that is starting; queue the pre-meeting speakers."""
    live, _created = LiveState.objects.get_or_create(meeting=meeting)
    live.started_at = timezone.now()
    live.quorum_override_reason = override_reason
    live.save()
    for item in meeting.items.order_by("order", "id"):
        ItemState.objects.get_or_create(item=item)
        queue_wishes(meeting, item)
    return live


def room_close(*, meeting: Meeting) -> None:
    """End the room: the last speaker stops, nothing stays paused or open, and nothing is
    left on the screen (a closed room that says a paper is shown misleads)."""
    live, _created = LiveState.objects.get_or_create(meeting=meeting)
    finish_speaking(meeting)
    ItemState.objects.filter(item__meeting=meeting, state=ItemState.State.OPEN).update(
        state=ItemState.State.PENDING
    )
    live.current_item, live.paused, live.paused_at = None, False, None
    live.presentation_paper, live.presentation_page = None, None
    live.presentation_by, live.presentation_at = None, None
    live.save()


# --- The chair's controls -------------------------------------------------------------


@transaction.atomic
def meeting_pause(*, actor: User, meeting: Meeting) -> LiveState:
    meeting, live = lock_room(meeting.pk)
    ensure_can_chair(user=actor, meeting=meeting)
    ensure_running(meeting, live)
    live.paused, live.paused_at = True, timezone.now()
    live.save(update_fields=["paused", "paused_at"])
    audit_live(actor, "meeting.paused", meeting)
    publish(meeting_id=meeting.pk, event=MeetingPaused(meeting.pk))
    return live


@transaction.atomic
def meeting_resume(*, actor: User, meeting: Meeting) -> LiveState:
    meeting, live = lock_room(meeting.pk)
    ensure_can_chair(user=actor, meeting=meeting)
    ensure_in_progress(meeting)
    if not live.paused:
        raise Conflict(_("The meeting is not paused."))
    live.paused, live.paused_at = False, None
    live.save(update_fields=["paused", "paused_at"])
    audit_live(actor, "meeting.resumed", meeting)
    publish(meeting_id=meeting.pk, event=MeetingResumed(meeting.pk))
    return live


def _chair_item(actor: User, item: AgendaItem) -> tuple[Meeting, LiveState, ItemState]:
    meeting, live = lock_room(item.meeting_id)
    ensure_can_chair(user=actor, meeting=meeting)
    ensure_running(meeting, live)
    state, _created = ItemState.objects.select_for_update().get_or_create(item=item)
    return meeting, live, state


@transaction.atomic
def item_open(*, actor: User, item: AgendaItem) -> ItemState:
    """Move the meeting to this item. The item left behind stays to be concluded later."""
    meeting, live, state = _chair_item(actor, item)
    if state.state == ItemState.State.OPEN:
        raise Conflict(_("This item is already under discussion."))
    if state.state == ItemState.State.CLOSED:
        raise Conflict(_("This item is concluded; it cannot be opened again."))
    finish_speaking(meeting)
    ItemState.objects.filter(item__meeting=meeting, state=ItemState.State.OPEN).update(
        state=ItemState.State.PENDING
    )
    state.state, state.opened_at = ItemState.State.OPEN, state.opened_at or timezone.now()
    state.save()
    live.current_item = item
    live.save(update_fields=["current_item"])
    audit_live(actor, "item.opened", meeting, item)
    publish(meeting_id=meeting.pk, event=ItemOpened(meeting.pk, item.pk))
    return state


@transaction.atomic
def item_close(*, actor: User, item: AgendaItem, conclusion: str) -> ItemState:
    """Conclude the item under discussion with the chair's conclusion (kết luận)."""
    meeting, live, state = _chair_item(actor, item)
    conclusion = (conclusion or "").strip()
    if not conclusion or len(conclusion) > MAX_CONCLUSION:
        message = _("Write the conclusion (up to %d characters).") % MAX_CONCLUSION
        raise Invalid(message, fields={"conclusion": [message]})
    if state.state != ItemState.State.OPEN:
        raise Conflict(_("Only the item under discussion can be concluded."))
    finish_speaking(meeting)
    state.state, state.closed_at, state.closed_by = ItemState.State.CLOSED, timezone.now(), actor
    state.conclusion = conclusion
    state.save()
    live.current_item = None
    live.save(update_fields=["current_item"])
    audit_live(actor, "item.closed", meeting, item, conclusion=conclusion)
    publish(meeting_id=meeting.pk, event=ItemClosed(meeting.pk, item.pk, conclusion))
    return state


# --- The screen ---------------------------------------------------------------------------


@transaction.atomic
def presentation_show(*, actor: User, paper: MeetingPaper, page: int) -> LiveState:
    """Show a paper at a page on every following tablet.

    Only a change of paper is audited: the audit chain is written one entry at a time
    for the whole system, and a page turn decides nothing.
    """
    meeting, live = lock_room(paper.meeting_id)
    access = ensure_can_view(user=actor, meeting=meeting)
    paper = MeetingPaper.objects.select_related("item", "document").get(pk=paper.pk)
    if not paper_can_present(access=access, user=actor, paper=paper):
        raise NotAllowed(_("Only the presenter, the chair or the secretariat runs the screen."))
    ensure_in_progress(meeting)
    version = paper.document.versions.order_by("-number").first()
    pages = version.page_count if version else 1
    if not isinstance(page, int) or isinstance(page, bool) or not 1 <= page <= pages:
        message = _("The page must be between 1 and %d.") % pages
        raise Invalid(message, fields={"page": [message]})
    if live.presentation_paper_id != paper.pk:
        audit_live(actor, "presentation.shown", meeting, paper, page=page)
    live.presentation_paper, live.presentation_page = paper, page
    live.presentation_by, live.presentation_at = actor, timezone.now()
    live.save()
    event = PresentationMoved(meeting.pk, paper.item_id, paper.pk, page, actor.pk)
    publish(meeting_id=meeting.pk, event=event)
    return live
