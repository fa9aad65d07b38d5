"""Reading meetings: lists, agendas with papers, and the position summary."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Q, QuerySet, Value, When

from ecabinet.realtime.events import last_seq
from meetings.access import MeetingAccess, paper_can_open
from meetings.models import (
    AgendaItem,
    Attendance,
    ItemState,
    LeaveRequest,
    LiveState,
    Meeting,
    MeetingPaper,
    Participant,
    Position,
    SpeakerRequest,
)
from people.collation import sort_by_person, sort_people
from people.models import Body, Membership, Role, User
from people.selectors import body_members


def meetings_visible_to(*, user: User) -> QuerySet[Meeting]:
    if not user.is_authenticated:
        return Meeting.objects.none()
    memberships = Membership.objects.filter(user=user, is_active=True)
    managed = memberships.filter(role__in=[Role.CHAIR, Role.SECRETARIAT]).values("body_id")
    observed = memberships.filter(role=Role.OBSERVER).values("body_id")
    archived = memberships.filter(role=Role.ARCHIVIST).values("body_id")
    assisted_users = User.objects.filter(
        assistant_memberships__user=user,
        assistant_memberships__role=Role.ASSISTANT,
        assistant_memberships__is_active=True,
    ).values("pk")
    published = ~Q(state=Meeting.State.DRAFT)
    return (
        Meeting.objects.filter(
            Q(body_id__in=managed)
            | (published & Q(participants__user=user))
            | (published & Q(body_id__in=observed))
            | (Q(state=Meeting.State.CLOSED) & Q(body_id__in=archived))
            | (
                published
                & Q(participants__user__in=assisted_users)
                & Q(participants__kind=Participant.Kind.MEMBER)
            )
        )
        .select_related("body")
        .distinct()
    )


@dataclass
class ItemView:
    item: AgendaItem
    papers: list[tuple[MeetingPaper, bool]]  # (paper, may the viewer open it)
    my_position: Position | None = None


def agenda_for(*, access: MeetingAccess, user: User) -> list[ItemView]:
    """The items this viewer may see, each with its papers and the viewer's position."""
    items = access.meeting.items.select_related("presenter").order_by("order", "id")
    if access.visible_item_ids is not None:
        items = items.filter(pk__in=access.visible_item_ids)
    papers = (
        MeetingPaper.objects.filter(meeting=access.meeting, item__isnull=False)
        .select_related("document", "item")
        .prefetch_related("document__versions")
    )
    by_item: dict[int, list[tuple[MeetingPaper, bool]]] = {}
    for paper in papers:
        by_item.setdefault(paper.item_id, []).append(
            (paper, paper_can_open(user=user, paper=paper, access=access))
        )
    positions: dict[int, Position] = {}
    if access.acting_for is not None:
        positions = {
            p.item_id: p
            for p in Position.objects.filter(item__meeting=access.meeting, member=access.acting_for)
        }
    return [ItemView(item, by_item.get(item.pk, []), positions.get(item.pk)) for item in items]


def meeting_papers_general(*, access: MeetingAccess, user: User) -> list[tuple[MeetingPaper, bool]]:
    if access.is_guest:
        return []  # guests are invited item by item
    papers = (
        MeetingPaper.objects.filter(meeting=access.meeting, item__isnull=True)
        .select_related("document")
        .prefetch_related("document__versions")  # the room lists each paper's versions
    )
    return [(p, paper_can_open(user=user, paper=p, access=access)) for p in papers]


@dataclass
class ItemSummary:
    item: AgendaItem
    counts: dict[str, int] = field(default_factory=dict)
    objections: list[Position] = field(default_factory=list)
    wish_to_speak: list[Position] = field(default_factory=list)
    not_marked: list[User] = field(default_factory=list)

    @property
    def is_consent_item(self) -> bool:
        """Every invited member marked "no objection": the item can pass without debate."""
        marked = sum(self.counts.values())
        no_objection = self.counts.get(Position.Stance.NO_OBJECTION, 0)
        return marked > 0 and not self.not_marked and no_objection == marked


def positions_summary(*, meeting: Meeting) -> list[ItemSummary]:
    members = sort_people(
        User.objects.filter(
            participations__meeting=meeting, participations__kind=Participant.Kind.MEMBER
        ),
        body=meeting.body_id,
    )
    rank = {m.pk: n for n, m in enumerate(members)}
    member_ids = {m.pk for m in members}
    summaries = []
    positions = Position.objects.filter(item__meeting=meeting).select_related("member", "marked_by")
    by_item: dict[int, list[Position]] = {}
    for position in positions:
        by_item.setdefault(position.item_id, []).append(position)
    for item in meeting.items.order_by("order", "id"):
        item_positions = [p for p in by_item.get(item.pk, []) if p.member_id in member_ids]
        item_positions.sort(key=lambda p: rank[p.member_id])
        summary = ItemSummary(item=item)
        for stance in Position.Stance.values:
            summary.counts[stance] = sum(1 for p in item_positions if p.stance == stance)
        summary.objections = [p for p in item_positions if p.stance == Position.Stance.OBJECT]
        summary.wish_to_speak = [
            p for p in item_positions if p.stance == Position.Stance.WISH_TO_SPEAK
        ]
        marked = {p.member_id for p in item_positions}
        summary.not_marked = [m for m in members if m.pk not in marked]
        summaries.append(summary)
    return summaries


PARTICIPANT_ORDER = [
    Participant.Kind.MEMBER,
    Participant.Kind.DEPUTY,
    Participant.Kind.GUEST,
    Participant.Kind.OBSERVER,
]


def meeting_participants(*, meeting: Meeting) -> QuerySet[Participant]:
    """Everyone invited, members first, with the items guests are invited to."""
    kind_order = Case(
        *(When(kind=kind, then=Value(n)) for n, kind in enumerate(PARTICIPANT_ORDER)),
        default=Value(len(PARTICIPANT_ORDER)),
    )
    return (
        meeting.participants.select_related("user", "on_behalf_of")
        .prefetch_related("items")
        .order_by(kind_order, "user__full_name", "user__username")
    )


def participants_in_order(
    participants: Iterable[Participant], *, body: Body | int
) -> list[Participant]:
    """Members first, then deputies, guests and observers; within each kind the body's
    protocol order, then given names in Vietnamese (people/collation.py)."""
    kinds = {kind: n for n, kind in enumerate(PARTICIPANT_ORDER)}
    in_order = sort_by_person(participants, person=lambda p: p.user, body=body)
    return sorted(in_order, key=lambda p: kinds.get(p.kind, len(kinds)))


def leave_requests_for(*, meeting: Meeting, member: User | None = None) -> QuerySet[LeaveRequest]:
    qs = meeting.leave_requests.select_related("member", "deputy", "decided_by")
    if member is not None:
        qs = qs.filter(member=member)
    return qs.order_by("-created_at", "-id")


# --- The live room ------------------------------------------------------------

SEATED = [Participant.Kind.MEMBER, Participant.Kind.DEPUTY]


def meeting_present_user_ids(*, meeting: Meeting) -> set[int]:
    """Members and deputies checked in and not gone: those who may cast a vote now."""
    seated = meeting.participants.filter(kind__in=SEATED).values("user_id")
    return set(
        Attendance.objects.filter(
            meeting=meeting, left_at__isnull=True, user_id__in=seated
        ).values_list("user_id", flat=True)
    )


def meeting_quorum(*, meeting: Meeting) -> dict[str, Any]:
    """The body's quorum rule applied to who is in the room.

    A seat counts once, whether its member is present in person or through the approved
    deputy attending for them; guests and observers never count. The base is every
    member of the body (not only those invited), as the Government's rules say.
    """
    member_ids = set(body_members(body=meeting.body_id).values_list("pk", flat=True))
    present = Attendance.objects.filter(meeting=meeting, left_at__isnull=True)
    deputies = dict(
        meeting.participants.filter(kind=Participant.Kind.DEPUTY).values_list(
            "user_id", "on_behalf_of_id"
        )
    )
    seats = set()
    for user_id in present.values_list("user_id", flat=True):
        seats.add(deputies.get(user_id, user_id))
    total = len(member_ids)
    needed = meeting.body.quorum_needed(total)
    count = len(seats & member_ids)
    return {
        "members": total,
        "present": count,
        "needed": needed,
        "reached": count >= needed,
        "rule": f"{meeting.body.quorum_numerator}/{meeting.body.quorum_denominator}",
    }


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def attendance_entry(
    *, participant: Participant, record: Attendance | None, on_leave: bool
) -> dict[str, Any]:
    """One line of the attendance list, as the snapshot and AttendanceChanged carry it."""
    if record is not None:
        status = "present" if record.is_present else "left"
    else:
        status = "on_leave" if on_leave else "absent"
    return {
        "user_id": participant.user_id,
        "name": str(participant.user),
        "kind": participant.kind,
        "on_behalf_of_id": participant.on_behalf_of_id,
        "status": status,
        "checked_in_at": _iso(record.checked_in_at) if record else None,
        "left_at": _iso(record.left_at) if record else None,
        "marked_by_id": (record.left_marked_by_id or record.checked_in_by_id) if record else None,
    }


def _on_leave_ids(meeting: Meeting) -> set[int]:
    return set(
        meeting.leave_requests.filter(status=LeaveRequest.Status.APPROVED).values_list(
            "member_id", flat=True
        )
    )


def attendance_list(*, meeting: Meeting, user_id: int | None = None) -> list[dict[str, Any]]:
    """Members, deputies and guests with their status; observers are not listed."""
    participants = meeting_participants(meeting=meeting).exclude(kind=Participant.Kind.OBSERVER)
    if user_id is not None:
        participants = participants.filter(user_id=user_id)
    records = {a.user_id: a for a in Attendance.objects.filter(meeting=meeting)}
    on_leave = _on_leave_ids(meeting)
    return [
        attendance_entry(
            participant=p, record=records.get(p.user_id), on_leave=p.user_id in on_leave
        )
        for p in participants_in_order(participants, body=meeting.body_id)
    ]


def speaker_entry(request: SpeakerRequest) -> dict[str, Any]:
    return {
        "id": request.pk,
        "user_id": request.user_id,
        "name": str(request.user),
        "on_behalf_of_id": request.on_behalf_of_id,
        "from_position": request.from_position,
        "started_at": _iso(request.started_at),
    }


def speakers_of(*, item: AgendaItem) -> dict[str, Any]:
    """The item's queue in order and whoever has the floor on it."""
    requests = SpeakerRequest.objects.filter(
        item=item, state__in=[SpeakerRequest.State.QUEUED, SpeakerRequest.State.SPEAKING]
    ).select_related("user")
    queue = [speaker_entry(r) for r in requests if r.state == SpeakerRequest.State.QUEUED]
    speaking = [speaker_entry(r) for r in requests if r.state == SpeakerRequest.State.SPEAKING]
    return {"queue": queue, "speaker": speaking[0] if speaking else None}


def _item_entry(item: AgendaItem, state: ItemState | None) -> dict[str, Any]:
    # The title travels with the item: an item added after a tablet loaded its page is
    # named as soon as the tablet fetches the snapshot (agenda.changed asks it to).
    return {
        "id": item.pk,
        "order": item.order,
        "title": item.title,
        "state": state.state if state else ItemState.State.PENDING,
        "conclusion": state.conclusion if state else "",
        **speakers_of(item=item),
    }


def _presentation(live: LiveState | None, access: MeetingAccess) -> dict[str, Any] | None:
    if live is None or live.presentation_paper is None:
        return None
    paper = live.presentation_paper
    if not _sees_paper(access, paper):
        return None
    return {
        "paper_id": paper.pk,
        "agenda_item_id": paper.item_id,
        "page": live.presentation_page,
        "by_user_id": live.presentation_by_id,
    }


def _sees_paper(access: MeetingAccess, paper: MeetingPaper) -> bool:
    if paper.item_id is None:
        return not access.is_guest
    return access.visible_item_ids is None or paper.item_id in access.visible_item_ids


def live_state(*, access: MeetingAccess) -> dict[str, Any]:
    """The whole live room as this viewer may see it, with the event number it is as of.

    `seq` is read first: an event committed while the rest is read is then replayed on
    top, and every event sets state rather than adding to it, so applying it twice is
    harmless; reading it last could miss one.
    """
    meeting = access.meeting
    seq = last_seq(meeting_id=meeting.pk)
    meeting = Meeting.objects.select_related("body").get(pk=meeting.pk)
    live = LiveState.objects.filter(meeting=meeting).select_related("presentation_paper").first()
    items = meeting.items.order_by("order", "id")
    if access.visible_item_ids is not None:
        items = items.filter(pk__in=access.visible_item_ids)
    states = {s.item_id: s for s in ItemState.objects.filter(item__meeting=meeting)}
    current = live.current_item_id if live else None
    if access.visible_item_ids is not None and current not in access.visible_item_ids:
        current = None
    return {
        "seq": seq,
        "meeting_id": meeting.pk,
        "state": meeting.state,
        "paused": bool(live and live.paused),
        "current_item_id": current,
        "quorum": meeting_quorum(meeting=meeting),
        "attendance": attendance_list(meeting=meeting),
        "items": [_item_entry(item, states.get(item.pk)) for item in items],
        # Only a meeting in progress has a screen (rooms closed before it was cleared on
        # closing still hold their last page).
        "presentation": (
            _presentation(live, access) if meeting.state == Meeting.State.IN_PROGRESS else None
        ),
        "me": _me(access),
    }


def _me(access: MeetingAccess) -> dict[str, Any]:
    participant = access.participant
    return {
        "can_chair": access.can_chair,
        "can_manage": access.can_manage,
        "kind": participant.kind if participant else None,
        "acting_for_id": access.acting_for.pk if access.acting_for else None,
        "may_speak": bool(
            access.acting_for is not None and participant is not None and participant.may_speak
        ),
    }


def paper_can_present(*, access: MeetingAccess, user: User, paper: MeetingPaper) -> bool:
    """Who runs the screen with this paper: the secretariat, the chair, or the presenter
    of the paper's item (meetings.live.presentation_show enforces it)."""
    if access.can_manage or access.can_chair:
        return True
    return paper.item_id is not None and paper.item.presenter_id == user.pk


def room_papers(*, access: MeetingAccess, user: User) -> list[dict[str, Any]]:
    """The papers the room's viewer lists for this person: those of the items they see,
    then the whole meeting's (not for guests), each saying whether they may open it
    (a confidential paper opens only for its recipients) and whether they may show it
    on every tablet. Papers change only before the meeting starts."""
    general = meeting_papers_general(access=access, user=user)
    by_item = [paper for view in agenda_for(access=access, user=user) for paper in view.papers]
    entries = []
    for paper, can_open in by_item + general:
        version = max(paper.document.versions.all(), key=lambda v: v.number, default=None)
        if version is None:
            continue
        document = paper.document
        entries.append(
            {
                "id": paper.pk,
                "item_id": paper.item_id,
                "title": document.summary,
                "label": document.number_symbol or document.get_doc_type_display(),
                "version": version.number,
                "pages": version.page_count,
                "may_open": can_open,
                "may_present": paper_can_present(access=access, user=user, paper=paper),
            }
        )
    return entries


def item_states(*, meeting: Meeting) -> dict[int, ItemState]:
    """What the room made of each item: concluded (with the chair's conclusion) or not."""
    return {s.item_id: s for s in ItemState.objects.filter(item__meeting=meeting)}
