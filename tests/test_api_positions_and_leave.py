"""Positions before the meeting and leave with a deputy, over the JSON API."""

import pytest
from django.test import Client

from ecabinet.audit.models import AuditEntry
from meetings import services
from meetings.models import LeaveRequest, Participant, Position
from tests.factories import deputy_of
from tests.roles import ROLES_AND_ANONYMOUS, client_for

ROLES = ROLES_AND_ANONYMOUS


@pytest.fixture
def items(meeting):
    return list(meeting.items.order_by("order"))


@pytest.fixture
def guest_on_first_item(cabinet, meeting, items):
    services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[items[0]]
    )
    return items[0]


@pytest.fixture
def deputy(cabinet):
    return deputy_of(cabinet.minister, cabinet.body, "thutruong", title="Thứ trưởng Bộ Tài chính")


def mark(client, item, stance, comment=""):
    return client.put(
        f"/api/items/{item.pk}/position",
        {"stance": stance, "comment": comment},
        content_type="application/json",
    )


# --- Positions ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, [200, 403, 200, 403, 404, 403, 403, 404, 404, 401], strict=True),
)
def test_only_members_mark_positions(cabinet, meeting, guest_on_first_item, role, status):
    response = mark(client_for(cabinet, role), guest_on_first_item, "no_objection")
    assert response.status_code == status
    assert Position.objects.count() == (1 if status == 200 else 0)


def test_a_marked_position_is_returned_and_shown_in_the_agenda(cabinet, meeting, items):
    client = client_for(cabinet, "minister")
    response = mark(client, items[0], "wish_to_speak", "Đề nghị làm rõ nguồn vốn")
    assert response.status_code == 200
    body = response.json()
    assert (body["stance"], body["member"]["id"], body["marked_by"]["id"]) == (
        "wish_to_speak",
        cabinet.minister.pk,
        cabinet.minister.pk,
    )
    agenda = client.get(f"/api/meetings/{meeting.pk}").json()["agenda"]
    assert agenda[0]["my_position"]["stance"] == "wish_to_speak"
    assert agenda[1]["my_position"] is None


def test_marking_again_changes_the_position(cabinet, items):
    client = client_for(cabinet, "minister")
    mark(client, items[0], "no_objection")
    mark(client, items[0], "object", "Chưa đủ cơ sở pháp lý")
    assert Position.objects.get().stance == "object"
    assert AuditEntry.objects.filter(action="position.changed").count() == 1


def test_an_unknown_stance_is_refused(cabinet, items):
    response = mark(client_for(cabinet, "minister"), items[0], "maybe")
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["stance"]
    assert Position.objects.count() == 0


def test_an_objection_needs_a_reason(cabinet, items):
    response = mark(client_for(cabinet, "minister"), items[0], "object")
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["comment"]


def test_a_guest_marking_an_item_they_are_not_invited_to_is_refused(
    cabinet, items, guest_on_first_item
):
    response = mark(client_for(cabinet, "guest"), items[1], "no_objection")
    assert response.status_code == 403


def test_positions_close_when_the_meeting_starts(cabinet, meeting, items):
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    response = mark(client_for(cabinet, "minister"), items[0], "no_objection")
    assert response.status_code == 409


def test_positions_on_a_draft_are_not_found_for_members(cabinet, draft_meeting):
    response = mark(client_for(cabinet, "minister"), draft_meeting.items.first(), "no_objection")
    assert response.status_code == 404


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, [200, 200, 403, 403, 404, 403, 403, 404, 404, 401], strict=True),
)
def test_only_the_chair_and_secretariat_see_the_summary(
    cabinet, meeting, guest_on_first_item, role, status
):
    response = client_for(cabinet, role).get(f"/api/meetings/{meeting.pk}/positions")
    assert response.status_code == status


def test_the_summary_counts_stances_and_finds_consent_items(cabinet, meeting, items):
    for member in cabinet.members:
        client = Client()
        client.force_login(member)
        mark(client, items[0], "no_objection")
    objector = Client()
    objector.force_login(cabinet.minister)
    mark(objector, items[1], "object", "Chưa đủ cơ sở pháp lý")
    summary = client_for(cabinet, "secretary").get(f"/api/meetings/{meeting.pk}/positions").json()
    first, second = summary
    assert first["counts"] == {"no_objection": 6, "wish_to_speak": 0, "object": 0}
    assert (first["is_consent_item"], first["not_marked"]) == (True, [])
    assert second["counts"]["object"] == 1
    assert second["objections"][0]["member"]["id"] == cabinet.minister.pk
    assert second["objections"][0]["comment"] == "Chưa đủ cơ sở pháp lý"
    assert len(second["not_marked"]) == 5
    assert second["is_consent_item"] is False


# --- Leave and deputies -------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, [201, 403, 201, 403, 404, 403, 403, 404, 404, 401], strict=True),
)
def test_only_invited_members_ask_for_leave(cabinet, meeting, guest_on_first_item, role, status):
    response = client_for(cabinet, role).post(
        f"/api/meetings/{meeting.pk}/leave",
        {"reason": "Công tác nước ngoài"},
        content_type="application/json",
    )
    assert response.status_code == status
    assert LeaveRequest.objects.count() == (1 if status == 201 else 0)


def test_a_leave_request_names_its_deputy_and_tells_the_chair(cabinet, meeting, deputy):
    response = client_for(cabinet, "minister").post(
        f"/api/meetings/{meeting.pk}/leave",
        {"reason": "Công tác nước ngoài", "deputy_id": deputy.pk},
        content_type="application/json",
    )
    body = response.json()
    assert (body["status"], body["deputy"]["id"], body["member"]["id"]) == (
        "pending",
        deputy.pk,
        cabinet.minister.pk,
    )
    assert cabinet.chair.notifications.filter(kind="leave.requested").count() == 1


def test_asking_for_leave_twice_is_a_conflict(cabinet, meeting):
    client = client_for(cabinet, "minister")
    url = f"/api/meetings/{meeting.pk}/leave"
    client.post(url, {"reason": "Ốm"}, content_type="application/json")
    response = client.post(url, {"reason": "Ốm"}, content_type="application/json")
    assert response.status_code == 409


def test_leave_without_a_reason_is_refused(cabinet, meeting):
    response = client_for(cabinet, "minister").post(
        f"/api/meetings/{meeting.pk}/leave", {"reason": "  "}, content_type="application/json"
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["reason"]


def test_an_unknown_deputy_names_the_field(cabinet, meeting):
    response = client_for(cabinet, "minister").post(
        f"/api/meetings/{meeting.pk}/leave",
        {"reason": "Ốm", "deputy_id": 999999},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["deputy_id"]


def test_a_deputy_from_another_body_is_refused(cabinet, meeting):
    response = client_for(cabinet, "minister").post(
        f"/api/meetings/{meeting.pk}/leave",
        {"reason": "Ốm", "deputy_id": cabinet.outsider.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["deputy"]


@pytest.fixture
def leave(cabinet, meeting, deputy):
    return services.leave_request(
        actor=cabinet.minister, meeting=meeting, reason="Công tác nước ngoài", deputy=deputy
    )


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, [200, 403, 403, 403, 404, 403, 403, 404, 404, 401], strict=True),
)
def test_only_the_chair_decides_leave(cabinet, leave, guest_on_first_item, role, status):
    response = client_for(cabinet, role).post(
        f"/api/leave/{leave.pk}/decide", {"approve": True}, content_type="application/json"
    )
    assert response.status_code == status
    leave.refresh_from_db()
    assert leave.status == ("approved" if status == 200 else "pending")


def test_an_approved_deputy_takes_the_members_seat(cabinet, meeting, items, leave, deputy):
    response = client_for(cabinet, "chair").post(
        f"/api/leave/{leave.pk}/decide",
        {"approve": True, "deputy_may_vote": True, "note": "Đồng ý"},
        content_type="application/json",
    )
    assert response.json()["deputy_may_vote"] is True
    as_deputy = Client()
    as_deputy.force_login(deputy)
    me = as_deputy.get(f"/api/meetings/{meeting.pk}").json()["me"]
    assert (me["participant_kind"], me["acting_for"]["id"]) == ("deputy", cabinet.minister.pk)
    position = mark(as_deputy, items[0], "no_objection").json()
    assert (position["member"]["id"], position["marked_by"]["id"]) == (
        cabinet.minister.pk,
        deputy.pk,
    )


def test_a_refusal_does_not_seat_the_deputy(cabinet, meeting, leave, deputy):
    response = client_for(cabinet, "chair").post(
        f"/api/leave/{leave.pk}/decide",
        {"approve": False, "note": "Phiên họp quan trọng"},
        content_type="application/json",
    )
    assert response.json()["status"] == "refused"
    assert not Participant.objects.filter(meeting=meeting, user=deputy).exists()


def test_deciding_twice_is_a_conflict(cabinet, leave):
    client = client_for(cabinet, "chair")
    url = f"/api/leave/{leave.pk}/decide"
    client.post(url, {"approve": True}, content_type="application/json")
    response = client.post(url, {"approve": False}, content_type="application/json")
    assert response.status_code == 409


def test_a_decision_without_a_verdict_is_refused(cabinet, leave):
    response = client_for(cabinet, "chair").post(
        f"/api/leave/{leave.pk}/decide", {"note": "?"}, content_type="application/json"
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["approve"]


def test_an_unknown_leave_request_is_a_404(cabinet):
    response = client_for(cabinet, "chair").post(
        "/api/leave/999999/decide", {"approve": True}, content_type="application/json"
    )
    assert response.status_code == 404
