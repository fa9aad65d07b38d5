"""A member asks the chair for leave and may name a deputy, who then attends with the
rights the chair granted; what the deputy does is recorded as a delegation."""

import pytest

from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid, NotAllowed
from meetings import services
from meetings.access import meeting_access
from meetings.models import LeaveRequest, Participant, Position
from notifications.models import Notification
from tests.factories import deputy_of


@pytest.fixture
def deputy(cabinet):
    return deputy_of(cabinet.minister, cabinet.body, "thutruong")


def test_the_chair_is_told_of_a_request(cabinet, meeting, deputy):
    services.leave_request(
        actor=cabinet.minister, meeting=meeting, reason="Công tác nước ngoài", deputy=deputy
    )
    assert Notification.objects.filter(recipient=cabinet.chair, kind="leave.requested").exists()


def test_an_approved_deputy_attends_with_the_granted_rights(cabinet, meeting, deputy):
    leave = services.leave_request(
        actor=cabinet.minister, meeting=meeting, reason="Công tác nước ngoài", deputy=deputy
    )
    services.leave_decide(actor=cabinet.chair, leave=leave, approve=True, deputy_may_vote=True)
    participant = Participant.objects.get(meeting=meeting, user=deputy)
    assert participant.kind == Participant.Kind.DEPUTY
    assert participant.on_behalf_of == cabinet.minister
    assert participant.may_vote
    access = meeting_access(user=deputy, meeting=meeting)
    assert access.acting_for == cabinet.minister
    assert Notification.objects.filter(recipient=deputy, kind="leave.decided").exists()


def test_a_deputys_position_is_the_members_and_recorded_as_a_delegation(cabinet, meeting, deputy):
    leave = services.leave_request(
        actor=cabinet.minister, meeting=meeting, reason="Ốm", deputy=deputy
    )
    services.leave_decide(actor=cabinet.chair, leave=leave, approve=True)
    services.position_mark(actor=deputy, item=meeting.items.first(), stance="no_objection")
    position = Position.objects.get()
    assert (position.member, position.marked_by) == (cabinet.minister, deputy)
    entry = AuditEntry.objects.get(action="position.marked")
    assert entry.details["on_behalf_of"] == cabinet.minister.username


def test_a_refused_request_grants_the_deputy_nothing(cabinet, meeting, deputy):
    leave = services.leave_request(
        actor=cabinet.minister, meeting=meeting, reason="Bận", deputy=deputy
    )
    services.leave_decide(actor=cabinet.chair, leave=leave, approve=False, note="Cần dự họp")
    assert not Participant.objects.filter(meeting=meeting, user=deputy).exists()
    assert not meeting_access(user=deputy, meeting=meeting).can_view


def test_only_the_chair_decides(cabinet, meeting, deputy):
    leave = services.leave_request(actor=cabinet.minister, meeting=meeting, reason="Bận")
    for person in [cabinet.secretary, cabinet.minister, cabinet.members[2]]:
        with pytest.raises(NotAllowed):
            services.leave_decide(actor=person, leave=leave, approve=True)
    assert LeaveRequest.objects.get().status == LeaveRequest.Status.PENDING


def test_a_request_is_decided_once(cabinet, meeting):
    leave = services.leave_request(actor=cabinet.minister, meeting=meeting, reason="Bận")
    services.leave_decide(actor=cabinet.chair, leave=leave, approve=True)
    with pytest.raises(Conflict):
        services.leave_decide(actor=cabinet.chair, leave=leave, approve=False)


def test_asking_twice_is_refused(cabinet, meeting):
    services.leave_request(actor=cabinet.minister, meeting=meeting, reason="Bận")
    with pytest.raises(Conflict):
        services.leave_request(actor=cabinet.minister, meeting=meeting, reason="Bận nữa")


def test_the_deputy_must_belong_to_the_body(cabinet, meeting):
    with pytest.raises(Invalid):
        services.leave_request(
            actor=cabinet.minister, meeting=meeting, reason="Bận", deputy=cabinet.outsider
        )
    with pytest.raises(Invalid):
        services.leave_request(
            actor=cabinet.minister, meeting=meeting, reason="Bận", deputy=cabinet.minister
        )
    assert not LeaveRequest.objects.exists()


def test_only_invited_members_ask_for_leave(cabinet, meeting):
    with pytest.raises(NotAllowed):
        services.leave_request(actor=cabinet.observer, meeting=meeting, reason="Bận")
