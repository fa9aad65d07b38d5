"""Attendance and quorum in the live room, and starting a meeting with or without one."""

import pytest

from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, NotAllowed, NotFound
from meetings import live, services
from meetings.models import Attendance, Meeting, Participant
from meetings.selectors import attendance_list, meeting_present_user_ids, meeting_quorum
from people.models import Body, Role
from tests.factories import UserFactory, deputy_of, grant


def check_in(cabinet, meeting, people):
    for person in people:
        live.attendance_mark(
            actor=cabinet.secretary, meeting=meeting, user_id=person.pk, present=True
        )


def approve_leave_with_deputy(cabinet, meeting, member, *, may_speak=True):
    deputy = deputy_of(member, cabinet.body)
    leave = services.leave_request(actor=member, meeting=meeting, reason="Công tác", deputy=deputy)
    services.leave_decide(
        actor=cabinet.chair, leave=leave, approve=True, deputy_may_speak=may_speak
    )
    return deputy


@pytest.mark.parametrize(
    ("members", "needed"), [(27, 18), (26, 18), (25, 17), (6, 4), (3, 2), (1, 1), (0, 0)]
)
def test_two_thirds_of_all_members_rounds_up(members, needed):
    assert Body(quorum_numerator=2, quorum_denominator=3).quorum_needed(members) == needed


def test_a_body_with_27_members_needs_18_present(cabinet, meeting):
    for n in range(21):
        grant(UserFactory(username=f"extra{n}"), cabinet.body, Role.MEMBER)
    check_in(cabinet, meeting, cabinet.members[:4])
    assert meeting_quorum(meeting=meeting) == {
        "members": 27,
        "present": 4,
        "needed": 18,
        "reached": False,
        "rule": "2/3",
    }


def test_a_member_checks_in_and_out_from_the_tablet(cabinet, meeting):
    record = live.attendance_check_in(actor=cabinet.minister, meeting=meeting)
    assert record.checked_in_by == cabinet.minister
    assert meeting_present_user_ids(meeting=meeting) == {cabinet.minister.pk}
    with pytest.raises(Conflict, match="already checked in"):
        live.attendance_check_in(actor=cabinet.minister, meeting=meeting)
    live.attendance_check_out(actor=cabinet.minister, meeting=meeting)
    assert meeting_present_user_ids(meeting=meeting) == set()
    entry = attendance_list(meeting=meeting, user_id=cabinet.minister.pk)[0]
    assert entry["status"] == "left"
    assert entry["left_at"] is not None
    live.attendance_check_in(actor=cabinet.minister, meeting=meeting)  # back again
    assert Attendance.objects.get(user=cabinet.minister).left_at is None
    actions = list(
        AuditEntry.objects.filter(action__startswith="attendance.").values_list("action", flat=True)
    )
    assert actions == ["attendance.checked_in", "attendance.left", "attendance.checked_in"]


@pytest.mark.parametrize(
    ("role", "error"),
    [
        ("secretary", NotAllowed),  # not a participant: marks others instead
        ("observer", NotAllowed),
        ("assistant", NotAllowed),
        ("archivist", NotFound),
        ("auditor", NotFound),
        ("outsider", NotFound),
    ],
)
def test_who_cannot_check_in(cabinet, meeting, role, error):
    with pytest.raises(error):
        live.attendance_check_in(actor=getattr(cabinet, role), meeting=meeting)
    assert not Attendance.objects.exists()


@pytest.mark.parametrize(
    ("role", "error"),
    [
        ("chair", NotAllowed),
        ("minister", NotAllowed),
        ("observer", NotAllowed),
        ("outsider", NotFound),
    ],
)
def test_only_the_secretariat_marks_others(cabinet, meeting, role, error):
    with pytest.raises(error):
        live.attendance_mark(
            actor=getattr(cabinet, role),
            meeting=meeting,
            user_id=cabinet.members[2].pk,
            present=True,
        )


def test_marking_someone_not_invited_is_not_found(cabinet, meeting):
    with pytest.raises(NotFound):
        live.attendance_mark(
            actor=cabinet.secretary, meeting=meeting, user_id=cabinet.outsider.pk, present=True
        )


def test_the_secretariat_marking_is_recorded_as_theirs(cabinet, meeting):
    check_in(cabinet, meeting, [cabinet.minister])
    entry = attendance_list(meeting=meeting, user_id=cabinet.minister.pk)[0]
    assert entry["status"] == "present"
    assert entry["marked_by_id"] == cabinet.secretary.pk
    audit = AuditEntry.objects.get(action="attendance.checked_in")
    assert audit.actor == cabinet.secretary
    assert audit.details["user"] == cabinet.minister.username


def test_attendance_is_closed_for_drafts_and_closed_meetings(cabinet, draft_meeting, meeting):
    with pytest.raises(NotAllowed):  # the secretariat sees drafts, but nobody is invited yet
        live.attendance_check_in(actor=cabinet.secretary, meeting=draft_meeting)
    with pytest.raises(Conflict):
        check_in(cabinet, draft_meeting, [cabinet.minister])
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Khẩn")
    services.meeting_close(actor=cabinet.chair, meeting=meeting)
    with pytest.raises(Conflict):
        live.attendance_check_in(actor=cabinet.minister, meeting=meeting)


def test_a_deputy_counts_for_their_member_and_a_guest_never_counts(cabinet, meeting):
    absent = cabinet.members[3]
    deputy = approve_leave_with_deputy(cabinet, meeting, absent)
    services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[meeting.items.first()]
    )
    live.attendance_check_in(actor=deputy, meeting=meeting)
    live.attendance_check_in(actor=cabinet.guest, meeting=meeting)
    live.attendance_check_in(actor=cabinet.minister, meeting=meeting)
    assert meeting_quorum(meeting=meeting)["present"] == 2
    assert meeting_present_user_ids(meeting=meeting) == {deputy.pk, cabinet.minister.pk}
    by_user = {e["user_id"]: e for e in attendance_list(meeting=meeting)}
    assert by_user[absent.pk]["status"] == "on_leave"
    assert by_user[deputy.pk]["status"] == "present"
    assert by_user[deputy.pk]["kind"] == Participant.Kind.DEPUTY
    assert by_user[deputy.pk]["on_behalf_of_id"] == absent.pk
    assert by_user[cabinet.guest.pk]["kind"] == Participant.Kind.GUEST
    assert by_user[cabinet.members[4].pk]["status"] == "absent"
    assert Attendance.objects.get(user=deputy).on_behalf_of == absent


def test_a_member_and_their_deputy_both_present_fill_one_seat(cabinet, meeting):
    member = cabinet.members[3]
    deputy = approve_leave_with_deputy(cabinet, meeting, member)
    live.attendance_check_in(actor=deputy, meeting=meeting)
    live.attendance_check_in(actor=member, meeting=meeting)  # came after all
    assert meeting_quorum(meeting=meeting)["present"] == 1


def test_the_quorum_counts_against_all_members_of_the_body_not_only_those_invited(cabinet, meeting):
    Participant.objects.filter(meeting=meeting, user__in=cabinet.members[4:]).delete()
    check_in(cabinet, meeting, cabinet.members[:3])
    quorum = meeting_quorum(meeting=meeting)
    assert (quorum["members"], quorum["present"], quorum["needed"]) == (6, 3, 4)


def test_starting_without_a_quorum_is_refused(cabinet, meeting):
    check_in(cabinet, meeting, cabinet.members[:3])
    with pytest.raises(Conflict, match="No quorum: 3 of 6 members are present, 4 are needed"):
        services.meeting_start(actor=cabinet.chair, meeting=meeting)
    with pytest.raises(Conflict, match="No quorum"):
        services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="   ")
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.PUBLISHED
    assert not AuditEntry.objects.filter(action="meeting.started").exists()


def test_the_chair_overrides_a_missing_quorum_with_a_recorded_reason(cabinet, meeting):
    check_in(cabinet, meeting, cabinet.members[:3])
    reason = "Họp khẩn về thiên tai; các thành viên vắng dự trực tuyến"
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason=reason)
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.IN_PROGRESS
    assert meeting.live.quorum_override_reason == reason
    entry = AuditEntry.objects.get(action="meeting.started")
    assert entry.actor == cabinet.chair
    assert entry.details == {
        "quorum": {"members": 6, "present": 3, "needed": 4, "reached": False, "rule": "2/3"},
        "quorum_override_reason": reason,
    }


def test_with_a_quorum_the_meeting_starts_and_no_reason_is_kept(cabinet, meeting):
    check_in(cabinet, meeting, cabinet.members[:4])
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="ignored")
    meeting.refresh_from_db()
    assert meeting.live.quorum_override_reason == ""
    details = AuditEntry.objects.get(action="meeting.started").details
    assert details == {
        "quorum": {"members": 6, "present": 4, "needed": 4, "reached": True, "rule": "2/3"}
    }


def test_a_body_with_its_own_rule_uses_it(cabinet, meeting):
    Body.objects.filter(pk=cabinet.body.pk).update(quorum_numerator=1, quorum_denominator=2)
    meeting.refresh_from_db()
    check_in(cabinet, meeting, cabinet.members[:3])
    services.meeting_start(actor=cabinet.chair, meeting=meeting)
    assert meeting_quorum(meeting=meeting)["rule"] == "1/2"


def test_only_the_chair_starts_even_with_a_reason(cabinet, meeting):
    for person, error in [
        (cabinet.secretary, NotAllowed),
        (cabinet.minister, NotAllowed),
        (cabinet.outsider, NotFound),
    ]:
        with pytest.raises(error):
            services.meeting_start(actor=person, meeting=meeting, override_reason="x")
