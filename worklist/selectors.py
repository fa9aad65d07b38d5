"""A person's work ("Việc cần làm"): one selector per kind of duty, read together.

Each kind is one query to find what is undone (`pending`, which the navigation counts)
and a builder that words it (`build`). Kinds read other apps' models and selectors
only; nothing here writes, so a duty is done exactly when the service that does it has
committed.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from meetings.models import Meeting
from meetings.selectors import meetings_visible_to
from people.models import Role, User
from people.selectors import user_bodies, user_roles
from worklist import selectors_blocked as blocked
from worklist import selectors_exchange as exchange
from worklist import selectors_meetings as meetings
from worklist import selectors_papers as papers
from worklist import selectors_reading as reading
from worklist import selectors_tasks as tasks
from worklist.duties import Duty, DutyKind, Urgency

KINDS: tuple[DutyKind, ...] = (
    DutyKind("vote", meetings.votes_pending, meetings.votes_build),
    DutyKind("ballot", papers.ballot_answers_pending, papers.ballot_answers_build),
    DutyKind("draft_comment", papers.drafts_to_comment_pending, papers.drafts_to_comment_build),
    DutyKind("draft_sign", papers.drafts_to_sign_pending, papers.drafts_to_sign_build),
    DutyKind("minutes", papers.minutes_to_sign_pending, papers.minutes_to_sign_build),
    DutyKind("positions", meetings.positions_pending, meetings.positions_build),
    DutyKind("papers_unread", reading.unread_papers_pending, reading.unread_papers_build),
    DutyKind("leave", meetings.leave_pending, meetings.leave_build),
    DutyKind("ballot_approval", papers.ballot_approvals_pending, papers.ballot_approvals_build),
    DutyKind("ballot_waiting", blocked.ballots_waiting_pending, blocked.ballots_waiting_build),
    DutyKind("minutes_waiting", blocked.minutes_waiting_pending, blocked.minutes_waiting_build),
    DutyKind("draft_waiting", blocked.drafts_waiting_pending, blocked.drafts_waiting_build),
    DutyKind("resolution_task", tasks.agency_tasks_pending, tasks.agency_tasks_build),
    DutyKind(
        "exchange_register",
        exchange.incoming_to_register_pending,
        exchange.incoming_to_register_build,
    ),
    DutyKind(
        "exchange_handle", exchange.incoming_to_handle_pending, exchange.incoming_to_handle_build
    ),
)


def _order(duty: Duty) -> tuple:
    # A live vote lasts minutes, so it leads whatever its age; then the newest first.
    return (duty.urgency != Urgency.NOW, -duty.at.timestamp())


def work_for(*, user: User) -> list[Duty]:
    """Everything this person has to do now, the newest first (a live vote always on top)."""
    if not user.is_authenticated:
        return []
    duties = [duty for kind in KINDS for duty in kind.build(user, kind.pending(user))]
    return sorted(duties, key=_order)


def work_count(*, user: User) -> int:
    """How many rows the duties come from: one COUNT per kind, for every page's navigation.
    It equals len(work_for()) because each row is one duty."""
    if not user.is_authenticated:
        return 0
    return sum(kind.pending(user).count() for kind in KINDS)


def only_archivist(*, user: User) -> bool:
    """Whether the person's only roles are archivist's: their home is the archive."""
    if not user.is_authenticated:
        return False
    roles = {r for body in user_bodies(user=user) for r in user_roles(user=user, body_id=body.pk)}
    return roles == {Role.ARCHIVIST}


HOME_PAST_MEETINGS = 10


def home_meetings(*, user: User) -> dict[str, QuerySet[Meeting]]:
    """The meetings under the duties: running and coming ones soonest first (today's count
    as coming all day), then the latest past ones."""
    visible = meetings_visible_to(user=user)
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    current = Q(state=Meeting.State.IN_PROGRESS) | (
        ~Q(state=Meeting.State.CLOSED) & Q(starts_at__gte=today)
    )
    upcoming = visible.filter(current).order_by("starts_at", "id")
    past = visible.exclude(pk__in=upcoming.values("pk")).order_by("-starts_at", "-id")
    return {"upcoming": upcoming, "past": past[:HOME_PAST_MEETINGS]}
