"""Asking for leave and deciding it, through the leave page."""

from __future__ import annotations

from django.urls import reverse

from meetings import services
from meetings.models import LeaveRequest, Participant
from tests.factories import deputy_of


def leave_url(meeting):
    return reverse("meetings:leave", args=[meeting.pk])


def test_a_member_asks_for_leave_naming_a_deputy(client, cabinet, meeting):
    deputy = deputy_of(cabinet.minister, cabinet.body)
    client.force_login(cabinet.minister)
    page = client.get(leave_url(meeting))
    assert b'data-testid="leave-form"' in page.content
    response = client.post(
        leave_url(meeting), {"reason": "Công tác nước ngoài", "deputy": deputy.pk}
    )
    assert response.status_code == 302
    leave = LeaveRequest.objects.get()
    assert (leave.member, leave.deputy, leave.status) == (cabinet.minister, deputy, "pending")
    page = client.get(leave_url(meeting))
    assert f'data-testid="my-request-{leave.pk}" data-status="pending"'.encode() in page.content


def test_a_leave_request_without_a_reason_is_shown_again(client, cabinet, meeting):
    client.force_login(cabinet.minister)
    response = client.post(leave_url(meeting), {"reason": ""})
    assert response.status_code == 422
    assert b'data-testid="field-error-reason"' in response.content
    assert not LeaveRequest.objects.exists()


def test_the_chair_approves_leave_and_the_deputy_takes_the_seat_with_the_granted_rights(
    client, cabinet, meeting
):
    thu_truong = deputy_of(cabinet.minister, cabinet.body)
    leave = services.leave_request(
        actor=cabinet.minister, meeting=meeting, reason="Ốm", deputy=thu_truong
    )
    client.force_login(cabinet.chair)
    detail = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert f'data-testid="leave-decide-{leave.pk}"'.encode() in detail.content
    response = client.post(
        reverse("meetings:leave_decide", args=[meeting.pk, leave.pk]),
        {"decision": "approve", "deputy_may_vote": "on"},
    )
    assert response.status_code == 302
    leave.refresh_from_db()
    assert leave.status == "approved"
    deputy = Participant.objects.get(meeting=meeting, user=thu_truong)
    assert (deputy.kind, deputy.on_behalf_of, deputy.may_vote, deputy.may_speak) == (
        "deputy",
        cabinet.minister,
        True,
        False,  # the box was left unticked
    )
    client.force_login(thu_truong)
    page = client.get(reverse("meetings:detail", args=[meeting.pk]))
    assert b'data-testid="deputy-badge"' in page.content
    assert b"position-form-" in page.content  # the deputy marks positions for the member


def test_the_chair_refuses_leave(client, cabinet, meeting):
    leave = services.leave_request(actor=cabinet.minister, meeting=meeting, reason="Bận")
    client.force_login(cabinet.chair)
    client.post(
        reverse("meetings:leave_decide", args=[meeting.pk, leave.pk]),
        {"decision": "refuse", "note": "Nội dung quan trọng"},
    )
    leave.refresh_from_db()
    assert (leave.status, leave.decision_note) == ("refused", "Nội dung quan trọng")


def test_only_the_chair_decides_leave(client, cabinet, meeting):
    leave = services.leave_request(actor=cabinet.minister, meeting=meeting, reason="Bận")
    url = reverse("meetings:leave_decide", args=[meeting.pk, leave.pk])
    for user in [cabinet.secretary, cabinet.minister, cabinet.members[2]]:
        client.force_login(user)
        assert client.post(url, {"decision": "approve"}).status_code == 403
    leave.refresh_from_db()
    assert leave.status == "pending"


def test_a_decision_without_approve_or_refuse_is_shown_again(client, cabinet, meeting):
    leave = services.leave_request(actor=cabinet.minister, meeting=meeting, reason="Bận")
    client.force_login(cabinet.chair)
    response = client.post(reverse("meetings:leave_decide", args=[meeting.pk, leave.pk]), {})
    assert response.status_code == 422
    assert b'data-testid="form-errors"' in response.content
