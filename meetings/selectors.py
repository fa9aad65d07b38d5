"""Reading meetings: lists, agendas with papers, and the position summary."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Case, Q, QuerySet, Value, When

from meetings.access import MeetingAccess, paper_can_open
from meetings.models import (
    AgendaItem,
    LeaveRequest,
    Meeting,
    MeetingPaper,
    Participant,
    Position,
)
from people.models import Membership, Role, User


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
    papers = MeetingPaper.objects.filter(meeting=access.meeting, item__isnull=True).select_related(
        "document"
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
    members = list(
        User.objects.filter(
            participations__meeting=meeting, participations__kind=Participant.Kind.MEMBER
        ).order_by("full_name")
    )
    member_ids = {m.pk for m in members}
    summaries = []
    positions = Position.objects.filter(item__meeting=meeting).select_related("member", "marked_by")
    by_item: dict[int, list[Position]] = {}
    for position in positions:
        by_item.setdefault(position.item_id, []).append(position)
    for item in meeting.items.order_by("order", "id"):
        item_positions = [p for p in by_item.get(item.pk, []) if p.member_id in member_ids]
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


def leave_requests_for(*, meeting: Meeting, member: User | None = None) -> QuerySet[LeaveRequest]:
    qs = meeting.leave_requests.select_related("member", "deputy", "decided_by")
    if member is not None:
        qs = qs.filter(member=member)
    return qs.order_by("-created_at", "-id")
