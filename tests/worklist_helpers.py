"""Shared set-up for the worklist tests (no tests here)."""

from __future__ import annotations

from meetings import live as live_services
from meetings import services as meeting_services
from meetings.models import Meeting, Participant
from people.agencies import agency_key
from people.models import Role, User
from tests.factories import UserFactory, grant
from worklist.selectors import work_count, work_for


def kinds(user: User) -> list[str]:
    return [duty.kind for duty in work_for(user=user)]


def duties_of(user: User, kind: str):
    found = [duty for duty in work_for(user=user) if duty.kind == kind]
    assert work_count(user=user) == len(work_for(user=user))
    return found


def start(cabinet, meeting: Meeting) -> Meeting:
    """Everyone invited checks in and the chair starts the meeting."""
    seated = meeting.participants.filter(
        kind__in=[Participant.Kind.MEMBER, Participant.Kind.DEPUTY]
    ).values_list("user_id", flat=True)
    for user_id in seated:
        live_services.attendance_mark(
            actor=cabinet.secretary, meeting=meeting, user_id=user_id, present=True
        )
    return meeting_services.meeting_start(actor=cabinet.chair, meeting=meeting)


def deputy_for(cabinet, member: User, username: str = "thutruong") -> User:
    """A deputy minister of the member's own ministry, registered with the body."""
    organisation = "Bộ Tài chính"
    User.objects.filter(pk=member.pk).update(
        organisation=organisation, organisation_key=agency_key(organisation)
    )
    member.refresh_from_db()
    deputy = UserFactory(
        username=username, full_name="Lê Văn Phó", title="Thứ trưởng", organisation=organisation
    )
    return grant(deputy, cabinet.body, Role.DEPUTY)


def leave_with_deputy(cabinet, meeting: Meeting, member: User, *, may_vote: bool = True) -> User:
    deputy = deputy_for(cabinet, member)
    leave = meeting_services.leave_request(
        actor=member, meeting=meeting, reason="Công tác nước ngoài", deputy=deputy
    )
    meeting_services.leave_decide(
        actor=cabinet.chair, leave=leave, approve=True, deputy_may_vote=may_vote
    )
    return deputy


def issued_minutes(cabinet):
    """A meeting held and closed through the services, its minutes drafted as it closed
    and issued by the secretariat: the secretary's signature comes next."""
    from minutes import services as minutes_services
    from minutes.models import Minutes
    from tests.factories import make_meeting

    meeting = start(cabinet, make_meeting(cabinet.body, cabinet.secretary, items=1, publish=True))
    meeting = meeting_services.meeting_close(actor=cabinet.chair, meeting=meeting)
    return minutes_services.minutes_issue(
        actor=cabinet.secretary, minutes=Minutes.objects.get(meeting=meeting)
    )
