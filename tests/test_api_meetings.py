"""Meetings over the JSON API: who lists, sees, creates, edits and moves them along."""

import datetime as dt

import pytest
from django.utils import timezone

from meetings import live, services
from meetings.models import Meeting
from tests.roles import ROLES_AND_ANONYMOUS, client_for

ROLES = ROLES_AND_ANONYMOUS


@pytest.fixture
def guest_on_first_item(cabinet, meeting):
    first = meeting.items.order_by("order").first()
    services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[first]
    )
    return first


def new_meeting(cabinet, **changes):
    payload = {
        "body_id": cabinet.body.pk,
        "title": "Phiên họp chuyên đề về xây dựng pháp luật",
        "kind": "thematic",
        "starts_at": (timezone.now() + dt.timedelta(days=7)).isoformat(),
        "location": "Trụ sở Chính phủ",
    }
    payload.update(changes)
    return payload


# --- Reading ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "sees_published", "sees_draft"),
    [
        ("chair", True, True),
        ("secretary", True, True),
        ("minister", True, False),
        ("guest", False, False),  # not invited to anything yet
        ("archivist", False, False),  # only closed meetings
        ("assistant", True, False),  # assists an invited member
        ("observer", True, False),
        ("auditor", False, False),
        ("outsider", False, False),
    ],
)
def test_the_meeting_list_shows_what_each_role_may_see(
    cabinet, meeting, draft_meeting, role, sees_published, sees_draft
):
    response = client_for(cabinet, role).get("/api/meetings")
    assert response.status_code == 200
    ids = {m["id"] for m in response.json()}
    assert (meeting.pk in ids) is sees_published
    assert (draft_meeting.pk in ids) is sees_draft


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, [200, 200, 200, 200, 404, 200, 200, 404, 404, 401], strict=True),
)
def test_meeting_detail_by_role(cabinet, meeting, guest_on_first_item, role, status):
    response = client_for(cabinet, role).get(f"/api/meetings/{meeting.pk}")
    assert response.status_code == status


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, [200, 200, 404, 404, 404, 404, 404, 404, 404, 401], strict=True),
)
def test_a_draft_is_seen_only_by_the_chair_and_the_secretariat(
    cabinet, draft_meeting, role, status
):
    response = client_for(cabinet, role).get(f"/api/meetings/{draft_meeting.pk}")
    assert response.status_code == status


def test_the_archivist_sees_a_closed_meeting(cabinet, meeting):
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    services.meeting_close(actor=cabinet.chair, meeting=meeting)
    assert client_for(cabinet, "archivist").get(f"/api/meetings/{meeting.pk}").status_code == 200


def test_a_guest_sees_only_the_items_they_are_invited_to(cabinet, meeting, guest_on_first_item):
    body = client_for(cabinet, "guest").get(f"/api/meetings/{meeting.pk}").json()
    assert [item["id"] for item in body["agenda"]] == [guest_on_first_item.pk]
    assert body["me"]["is_guest"] is True
    assert body["me"]["can_mark_positions"] is False
    assert body["papers"] == []


def test_the_detail_tells_a_member_what_they_may_do(cabinet, meeting):
    body = client_for(cabinet, "minister").get(f"/api/meetings/{meeting.pk}").json()
    assert body["state"] == "published"
    assert body["body_name"] == "Chính phủ"
    assert body["me"]["can_mark_positions"] is True
    assert body["me"]["acting_for"]["id"] == cabinet.minister.pk
    assert [item["order"] for item in body["agenda"]] == [1, 2]
    assert all(item["my_position"] is None for item in body["agenda"])


def test_datetimes_carry_their_time_zone(cabinet, meeting):
    body = client_for(cabinet, "chair").get(f"/api/meetings/{meeting.pk}").json()
    starts = dt.datetime.fromisoformat(body["starts_at"].replace("Z", "+00:00"))
    assert starts.tzinfo is not None
    assert abs(starts - meeting.starts_at) < dt.timedelta(milliseconds=1)


# --- Creating and editing -----------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, [403, 201, 403, 403, 403, 403, 403, 403, 422, 401], strict=True),
)
def test_only_the_secretariat_creates_meetings(cabinet, role, status):
    before = Meeting.objects.count()
    response = client_for(cabinet, role).post(
        "/api/meetings", new_meeting(cabinet), content_type="application/json"
    )
    assert response.status_code == status
    assert Meeting.objects.count() == before + (1 if status == 201 else 0)


def test_a_created_meeting_is_a_draft_with_every_member_invited(cabinet):
    response = client_for(cabinet, "secretary").post(
        "/api/meetings", new_meeting(cabinet), content_type="application/json"
    )
    body = response.json()
    assert body["state"] == "draft"
    assert body["kind"] == "thematic"
    meeting = Meeting.objects.get(pk=body["id"])
    assert meeting.participants.count() == len(cabinet.members)


def test_a_meeting_in_a_body_one_does_not_serve_names_the_body_field(cabinet):
    response = client_for(cabinet, "outsider").post(
        "/api/meetings", new_meeting(cabinet), content_type="application/json"
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["body_id"]


def test_a_start_time_without_a_time_zone_is_refused(cabinet):
    response = client_for(cabinet, "secretary").post(
        "/api/meetings",
        new_meeting(cabinet, starts_at="2030-01-15T08:00:00"),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["starts_at"]


def test_an_unknown_kind_of_meeting_is_refused_by_the_service(cabinet):
    response = client_for(cabinet, "secretary").post(
        "/api/meetings", new_meeting(cabinet, kind="party"), content_type="application/json"
    )
    assert response.status_code == 422
    assert response.json()["fields"] == {"kind": ["Choose from the list."]}


def test_an_end_before_the_start_is_refused(cabinet):
    starts = timezone.now() + dt.timedelta(days=7)
    response = client_for(cabinet, "secretary").post(
        "/api/meetings",
        new_meeting(
            cabinet,
            starts_at=starts.isoformat(),
            ends_at=(starts - dt.timedelta(hours=1)).isoformat(),
        ),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "ends_at" in response.json()["fields"]


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, [403, 200, 403, 403, 404, 403, 403, 404, 404, 401], strict=True),
)
def test_only_the_secretariat_edits_a_meeting(cabinet, meeting, guest_on_first_item, role, status):
    response = client_for(cabinet, role).patch(
        f"/api/meetings/{meeting.pk}", {"location": "Hội trường"}, content_type="application/json"
    )
    assert response.status_code == status


def test_an_edit_changes_only_the_fields_sent(cabinet, meeting):
    response = client_for(cabinet, "secretary").patch(
        f"/api/meetings/{meeting.pk}",
        {"location": "Phòng họp trực tuyến", "is_online": True},
        content_type="application/json",
    )
    assert response.status_code == 200
    meeting.refresh_from_db()
    assert (meeting.location, meeting.is_online) == ("Phòng họp trực tuyến", True)
    assert meeting.title == "Phiên họp Chính phủ thường kỳ tháng 11"


def test_a_required_field_cannot_be_emptied_with_null(cabinet, meeting):
    response = client_for(cabinet, "secretary").patch(
        f"/api/meetings/{meeting.pk}", {"title": None}, content_type="application/json"
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["title"]


def test_a_closed_meeting_cannot_be_edited(cabinet, meeting):
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    services.meeting_close(actor=cabinet.chair, meeting=meeting)
    response = client_for(cabinet, "secretary").patch(
        f"/api/meetings/{meeting.pk}", {"title": "Khác"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"


# --- The lifecycle ------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, [403, 200, 404, 404, 404, 404, 404, 404, 404, 401], strict=True),
)
def test_only_the_secretariat_publishes(cabinet, draft_meeting, role, status):
    response = client_for(cabinet, role).post(f"/api/meetings/{draft_meeting.pk}/publish")
    assert response.status_code == status


def test_publishing_twice_is_a_conflict(cabinet, meeting):
    response = client_for(cabinet, "secretary").post(f"/api/meetings/{meeting.pk}/publish")
    assert response.status_code == 409


def test_publishing_an_empty_agenda_is_a_conflict(cabinet):
    empty = services.meeting_create(
        actor=cabinet.secretary,
        body=cabinet.body,
        title="Phiên họp bất thường",
        starts_at=timezone.now() + dt.timedelta(days=1),
    )
    response = client_for(cabinet, "secretary").post(f"/api/meetings/{empty.pk}/publish")
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, [200, 403, 403, 403, 404, 403, 403, 404, 404, 401], strict=True),
)
def test_only_the_chair_starts_a_meeting(cabinet, meeting, guest_on_first_item, role, status):
    for member in cabinet.members[:4]:  # a quorum: 4 of the 6 members
        live.attendance_mark(
            actor=cabinet.secretary, meeting=meeting, user_id=member.pk, present=True
        )
    response = client_for(cabinet, role).post(f"/api/meetings/{meeting.pk}/start")
    assert response.status_code == status


def test_starting_a_draft_is_a_conflict(cabinet, draft_meeting):
    response = client_for(cabinet, "chair").post(f"/api/meetings/{draft_meeting.pk}/start")
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, [200, 403, 403, 404, 404, 403, 403, 404, 404, 401], strict=True),
)
def test_only_the_chair_closes_a_meeting(cabinet, meeting, role, status):
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    response = client_for(cabinet, role).post(f"/api/meetings/{meeting.pk}/close")
    assert response.status_code == status
    if status == 200:
        assert response.json()["state"] == "closed"
        assert response.json()["ends_at"] is not None


def test_closing_a_meeting_that_has_not_started_is_a_conflict(cabinet, meeting):
    response = client_for(cabinet, "chair").post(f"/api/meetings/{meeting.pk}/close")
    assert response.status_code == 409
    assert response.json()["detail"]
