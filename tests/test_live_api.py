"""The live room's JSON endpoints, role by role, and the snapshot they answer with."""

import json

import pytest

from ecabinet.audit.models import AuditEntry
from ecabinet.realtime.events import last_seq
from meetings import live, services
from meetings.models import Attendance, LiveState, SpeakerRequest
from tests.factories import NamedBytes, pdf_bytes
from tests.roles import ROLES_AND_ANONYMOUS, client_for


def by_role(*statuses):
    return pytest.mark.parametrize(
        ("role", "status"), list(zip(ROLES_AND_ANONYMOUS, statuses, strict=True))
    )


def post(cabinet, role, url, data=None):
    client = client_for(cabinet, role)
    if data is None:
        return client.post(url)
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def first_item(cabinet, meeting):
    first = meeting.items.order_by("order").first()
    services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[first]
    )
    return first


@pytest.fixture
def paper(cabinet, meeting, first_item):
    return services.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=first_item,
        file=NamedBytes(pdf_bytes(pages=2)),
        filename="to-trinh.pdf",
        doc_type="to_trinh",
        summary="Tờ trình",
        issuing_body="Bộ Tài chính",
    )


@pytest.fixture
def room(cabinet, meeting, first_item, paper):
    """Started with a quorum; every member and the guest are in the room."""
    for person in [*cabinet.members, cabinet.guest]:
        live.attendance_mark(
            actor=cabinet.secretary, meeting=meeting, user_id=person.pk, present=True
        )
    return services.meeting_start(actor=cabinet.chair, meeting=meeting)


# 9 roles then anonymous: chair, secretary, minister, guest, archivist, assistant, observer,
# auditor, outsider, anonymous.


@by_role(200, 200, 200, 200, 404, 200, 200, 404, 404, 401)
def test_the_live_snapshot_by_role(cabinet, room, first_item, role, status):
    response = client_for(cabinet, role).get(f"/api/meetings/{room.pk}/live")
    assert response.status_code == status
    if status == 200:
        snapshot = response.json()
        assert snapshot["seq"] == last_seq(meeting_id=room.pk)
        assert snapshot["state"] == "in_progress"
        assert snapshot["quorum"] == {
            "members": 6,
            "present": 6,
            "needed": 4,
            "reached": True,
            "rule": "2/3",
        }
        seen = [item["id"] for item in snapshot["items"]]
        assert seen == (
            [first_item.pk]
            if role == "guest"
            else list(room.items.values_list("pk", flat=True).order_by("order"))
        )


@by_role(200, 403, 200, 200, 404, 403, 403, 404, 404, 401)
def test_checking_in_by_role(cabinet, meeting, first_item, role, status):
    response = post(cabinet, role, f"/api/meetings/{meeting.pk}/attendance/check-in")
    assert response.status_code == status
    if status == 200:
        person = getattr(cabinet, role)
        me = next(a for a in response.json()["attendance"] if a["user_id"] == person.pk)
        assert me["status"] == "present"
        out = post(cabinet, role, f"/api/meetings/{meeting.pk}/attendance/check-out")
        assert out.status_code == 200
        assert Attendance.objects.get(user=person).left_at is not None


@by_role(403, 200, 403, 403, 404, 403, 403, 404, 404, 401)
def test_marking_attendance_by_role(cabinet, meeting, first_item, role, status):
    url = f"/api/meetings/{meeting.pk}/attendance/{cabinet.minister.pk}"
    response = post(cabinet, role, url, {"present": True})
    assert response.status_code == status
    assert Attendance.objects.filter(user=cabinet.minister).exists() == (status == 200)


def test_marking_someone_who_is_not_invited_is_not_found(cabinet, meeting):
    url = f"/api/meetings/{meeting.pk}/attendance/{cabinet.outsider.pk}"
    assert post(cabinet, "secretary", url, {"present": True}).status_code == 404


def test_starting_without_a_quorum_needs_a_reason(cabinet, meeting):
    url = f"/api/meetings/{meeting.pk}/start"
    refused = post(cabinet, "chair", url)
    assert refused.status_code == 409
    assert refused.json()["detail"].startswith("No quorum: 0 of 6 members are present")
    assert post(cabinet, "chair", url, {"override_reason": 7}).status_code == 422
    started = post(cabinet, "chair", url, {"override_reason": "Họp khẩn"})
    assert started.status_code == 200
    assert started.json()["state"] == "in_progress"
    details = AuditEntry.objects.get(action="meeting.started").details
    assert details["quorum_override_reason"] == "Họp khẩn"


def test_starting_from_a_form_with_a_reason(cabinet, meeting):
    response = client_for(cabinet, "chair").post(
        f"/api/meetings/{meeting.pk}/start", {"override_reason": "Họp khẩn"}
    )
    assert response.status_code == 200


@by_role(200, 403, 403, 403, 404, 403, 403, 404, 404, 401)
def test_the_chairs_controls_by_role(cabinet, room, first_item, role, status):
    urls = [
        f"/api/meetings/{room.pk}/pause",
        f"/api/meetings/{room.pk}/resume",
        f"/api/items/{first_item.pk}/open",
    ]
    for url in urls:
        assert post(cabinet, role, url).status_code == status
    close = post(cabinet, role, f"/api/items/{first_item.pk}/close", {"conclusion": "Thông qua"})
    assert close.status_code == status
    if status == 200:
        item = next(i for i in close.json()["items"] if i["id"] == first_item.pk)
        assert (item["state"], item["conclusion"]) == ("closed", "Thông qua")


def test_a_conclusion_is_required(cabinet, room, first_item):
    post(cabinet, "chair", f"/api/items/{first_item.pk}/open")
    assert post(cabinet, "chair", f"/api/items/{first_item.pk}/close", {}).status_code == 422
    empty = post(cabinet, "chair", f"/api/items/{first_item.pk}/close", {"conclusion": " "})
    assert empty.status_code == 422
    assert "conclusion" in empty.json()["fields"]


@by_role(200, 403, 200, 403, 404, 403, 403, 404, 404, 401)
def test_asking_to_speak_by_role(cabinet, room, first_item, role, status):
    response = post(cabinet, role, f"/api/items/{first_item.pk}/speakers/request")
    assert response.status_code == status
    if status == 200:
        person = getattr(cabinet, role)
        item = next(i for i in response.json()["items"] if i["id"] == first_item.pk)
        assert [q["user_id"] for q in item["queue"]] == [person.pk]
        withdrawn = post(cabinet, role, f"/api/items/{first_item.pk}/speakers/withdraw")
        assert withdrawn.status_code == 200
        assert SpeakerRequest.objects.get().state == "withdrawn"


def test_the_chair_gives_the_floor_and_moves_on(cabinet, room, first_item):
    post(cabinet, "chair", f"/api/items/{first_item.pk}/open")
    post(cabinet, "minister", f"/api/items/{first_item.pk}/speakers/request")
    post(cabinet, "chair", f"/api/items/{first_item.pk}/speakers/request")
    request = SpeakerRequest.objects.get(user=cabinet.chair)
    assert post(cabinet, "minister", f"/api/speakers/{request.pk}/give-floor").status_code == 403
    given = post(cabinet, "chair", f"/api/speakers/{request.pk}/give-floor")
    assert given.status_code == 200
    item = next(i for i in given.json()["items"] if i["id"] == first_item.pk)
    assert item["speaker"]["user_id"] == cabinet.chair.pk
    assert post(cabinet, "minister", f"/api/meetings/{room.pk}/speakers/next").status_code == 403
    following = post(cabinet, "chair", f"/api/meetings/{room.pk}/speakers/next")
    item = next(i for i in following.json()["items"] if i["id"] == first_item.pk)
    assert (item["speaker"]["user_id"], item["queue"]) == (cabinet.minister.pk, [])
    finished = post(cabinet, "chair", f"/api/meetings/{room.pk}/speakers/finish")
    assert finished.status_code == 200
    assert post(cabinet, "chair", f"/api/meetings/{room.pk}/speakers/finish").status_code == 409
    assert post(cabinet, "chair", "/api/speakers/999999/give-floor").status_code == 404


@by_role(200, 200, 403, 403, 404, 403, 403, 404, 404, 401)
def test_running_the_screen_by_role(cabinet, room, paper, role, status):
    url = f"/api/meetings/{room.pk}/presentation"
    response = post(cabinet, role, url, {"paper_id": paper.pk, "page": 2})
    assert response.status_code == status
    if status == 200:
        assert response.json()["presentation"] == {
            "paper_id": paper.pk,
            "agenda_item_id": paper.item_id,
            "page": 2,
            "by_user_id": getattr(cabinet, role).pk,
        }
        assert LiveState.objects.get(meeting=room).presentation_page == 2


def test_a_page_out_of_the_paper_is_invalid(cabinet, room, paper):
    url = f"/api/meetings/{room.pk}/presentation"
    response = post(cabinet, "secretary", url, {"paper_id": paper.pk, "page": 3})
    assert response.status_code == 422
    assert "page" in response.json()["fields"]
    assert post(cabinet, "secretary", url, {"paper_id": 999999, "page": 1}).status_code == 404
