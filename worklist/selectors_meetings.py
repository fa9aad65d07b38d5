"""Duties in meetings: a vote open now, positions to mark, leave requests to decide."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _

from ecabinet.templatetags.deadlines import time_left
from meetings.models import AgendaItem, LeaveRequest, Meeting, Participant, Position
from people.models import Membership, Role, User
from voting.models import Ballot, Seat, SecretParticipation, Vote
from worklist.duties import CHAIR, Duty, Urgency, bodies_where, urgency_of

# --- A vote open now -------------------------------------------------------------


def votes_pending(user: User) -> QuerySet[Seat]:
    """Seats of open votes that this person fills and that have no ballot yet: their
    own seat (unless the chair gave them leave from the meeting), or the seat of the
    member they attend for when the chair let them vote."""
    deputy_for_seat = Participant.objects.filter(
        meeting=OuterRef("vote__meeting"),
        user=user,
        kind=Participant.Kind.DEPUTY,
        may_vote=True,
        on_behalf_of=OuterRef("member"),
    )
    on_leave = LeaveRequest.objects.filter(
        meeting=OuterRef("vote__meeting"), member=user, status=LeaveRequest.Status.APPROVED
    )
    voted = Ballot.objects.filter(vote=OuterRef("vote"), member=OuterRef("member"))
    voted_secretly = SecretParticipation.objects.filter(
        vote=OuterRef("vote"), member=OuterRef("member")
    )
    return (
        Seat.objects.filter(
            vote__state=Vote.State.OPEN, vote__meeting__state=Meeting.State.IN_PROGRESS
        )
        .filter((Q(member=user) & ~Exists(on_leave)) | Exists(deputy_for_seat))
        .exclude(Exists(voted))
        .exclude(Exists(voted_secretly))
    )


def votes_build(user: User, seats: QuerySet[Seat]) -> list[Duty]:
    duties = []
    for seat in seats.select_related("vote__meeting", "vote__item", "member"):
        vote = seat.vote
        detail = _("%(meeting)s · item %(order)s: %(item)s") % {
            "meeting": vote.meeting.title,
            "order": vote.item.order,
            "item": vote.item.title,
        }
        if seat.member_id != user.pk:
            detail += " · " + _("for %(member)s") % {"member": seat.member}
        duties.append(
            Duty(
                kind="vote",
                title=vote.question,
                action=_("Vote now"),
                detail=detail,
                url=reverse("meetings:room", args=[vote.meeting_id]) + f"?vote={vote.pk}#room-vote",
                at=vote.opened_at,
                urgency=Urgency.NOW,
            )
        )
    return duties


# --- Positions to mark before a meeting --------------------------------------------


def _unmarked_items(member_ref: str) -> QuerySet[AgendaItem]:
    marked = Position.objects.filter(item=OuterRef("pk"), member=OuterRef(OuterRef(member_ref)))
    return AgendaItem.objects.filter(meeting=OuterRef("meeting")).exclude(Exists(marked))


def positions_pending(user: User) -> QuerySet[Participant]:
    """Seats in published meetings with an item their member has not marked: the
    person's own seat, the one they deputise for, or (for an assistant, who prepares
    and reads but does not mark) the member they assist."""
    assists = Membership.objects.filter(
        user=user,
        role=Role.ASSISTANT,
        is_active=True,
        assists=OuterRef("user"),
        body=OuterRef("meeting__body"),
    )
    mine = Q(user=user, kind__in=[Participant.Kind.MEMBER, Participant.Kind.DEPUTY])
    return (
        Participant.objects.filter(meeting__state=Meeting.State.PUBLISHED)
        .filter(mine | (Q(kind=Participant.Kind.MEMBER) & Exists(assists)))
        .annotate(seat_member=Coalesce("on_behalf_of", "user"))
        .filter(Exists(_unmarked_items("seat_member")))
    )


def positions_build(user: User, participants: QuerySet[Participant]) -> list[Duty]:
    unmarked = (
        _unmarked_items("seat_member")
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    total = (
        AgendaItem.objects.filter(meeting=OuterRef("meeting"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    rows = participants.annotate(
        unmarked=Subquery(unmarked, output_field=IntegerField()),
        item_total=Subquery(total, output_field=IntegerField()),
    ).select_related("meeting", "user", "on_behalf_of")
    duties = []
    for row in rows:
        meeting = row.meeting
        detail = _("Positions not marked yet: %(n)d of %(total)d items") % {
            "n": row.unmarked,
            "total": row.item_total,
        }
        if row.user_id != user.pk:  # an assistant, who prepares what the member marks
            detail += " · " + _("preparing for %(member)s") % {"member": row.user}
        elif row.on_behalf_of_id:
            detail += " · " + _("for %(member)s") % {"member": row.on_behalf_of}
        detail += " · " + _("the meeting starts in %(left)s") % {
            "left": time_left(meeting.starts_at)
        }
        duties.append(
            Duty(
                kind="positions",
                title=meeting.title,
                action=_("Read and mark positions")
                if row.user_id == user.pk or row.on_behalf_of_id
                else _("Prepare the papers"),
                detail=detail,
                url=reverse("meetings:detail", args=[meeting.pk]) + "#agenda-h",
                at=meeting.published_at or meeting.created_at,
                due=meeting.starts_at,
                urgency=urgency_of(meeting.starts_at),
            )
        )
    return duties


# --- Leave requests for the chair -------------------------------------------------


def leave_pending(user: User) -> QuerySet[LeaveRequest]:
    return LeaveRequest.objects.filter(
        status=LeaveRequest.Status.PENDING,
        meeting__state__in=[Meeting.State.PUBLISHED, Meeting.State.IN_PROGRESS],
        meeting__body_id__in=bodies_where(user, CHAIR),
    )


def leave_build(user: User, requests: QuerySet[LeaveRequest]) -> list[Duty]:
    duties = []
    for leave in requests.select_related("meeting", "member", "deputy"):
        detail = _("Reason: %(reason)s") % {"reason": leave.reason}
        if leave.deputy_id:
            detail += " · " + _("deputy attending: %(deputy)s") % {"deputy": leave.deputy}
        duties.append(
            Duty(
                kind="leave",
                title=_("%(member)s asks for leave from %(meeting)s")
                % {"member": leave.member, "meeting": leave.meeting.title},
                action=_("Decide"),
                detail=detail,
                url=reverse("meetings:detail", args=[leave.meeting_id]) + "#leave",
                at=leave.created_at,
                due=leave.meeting.starts_at,
                urgency=urgency_of(leave.meeting.starts_at),
            )
        )
    return duties
