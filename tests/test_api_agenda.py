"""The agenda and guests over the JSON API: only the secretariat shapes them, and only
while the meeting has not started."""

import pytest

from meetings import services
from meetings.models import AgendaItem, Participant
from people.models import Role
from tests.factories import UserFactory, grant
from tests.roles import ROLES_AND_ANONYMOUS, client_for

ROLES = ROLES_AND_ANONYMOUS
# Who may prepare a published meeting: the secretariat; those who see it may not (403);
# those who do not see it get 404; the guest is invited to the first item.
PREPARE = [403, 201, 403, 403, 404, 403, 403, 404, 404, 401]


@pytest.fixture
def items(meeting):
    return list(meeting.items.order_by("order"))


@pytest.fixture
def guest_on_first_item(cabinet, meeting, items):
    services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[items[0]]
    )
    return items[0]


def close(cabinet, meeting):
    services.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    services.meeting_close(actor=cabinet.chair, meeting=meeting)


def ok(status):
    # The same permission answers, for endpoints that answer 200 rather than 201.
    return 200 if status == 201 else status


# --- Adding, reading, editing, removing items ----------------------------------


@pytest.mark.parametrize(("role", "status"), zip(ROLES, PREPARE, strict=True))
def test_only_the_secretariat_adds_items(cabinet, meeting, guest_on_first_item, role, status):
    response = client_for(cabinet, role).post(
        f"/api/meetings/{meeting.pk}/items",
        {"title": "Báo cáo tình hình kinh tế - xã hội", "duration_minutes": 45},
        content_type="application/json",
    )
    assert response.status_code == status
    assert meeting.items.count() == (3 if status == 201 else 2)


def test_an_added_item_goes_last_with_its_presenter(cabinet, meeting):
    response = client_for(cabinet, "secretary").post(
        f"/api/meetings/{meeting.pk}/items",
        {"title": "Dự án Luật Thuế", "presenter_id": cabinet.minister.pk},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert body["order"] == 3
    assert body["presenter"]["id"] == cabinet.minister.pk


def test_a_presenter_from_another_body_is_refused(cabinet, meeting):
    response = client_for(cabinet, "secretary").post(
        f"/api/meetings/{meeting.pk}/items",
        {"title": "Dự án Luật Thuế", "presenter_id": cabinet.outsider.pk},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["presenter"]


def test_an_unknown_presenter_names_the_field(cabinet, meeting):
    response = client_for(cabinet, "secretary").post(
        f"/api/meetings/{meeting.pk}/items",
        {"title": "Dự án Luật Thuế", "presenter_id": 987654},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["presenter_id"]


def test_an_item_without_a_title_is_refused(cabinet, meeting):
    response = client_for(cabinet, "secretary").post(
        f"/api/meetings/{meeting.pk}/items", {"title": "  "}, content_type="application/json"
    )
    assert response.status_code == 422
    assert "title" in response.json()["fields"]


def test_an_item_cannot_be_added_to_a_closed_meeting(cabinet, meeting):
    close(cabinet, meeting)
    response = client_for(cabinet, "secretary").post(
        f"/api/meetings/{meeting.pk}/items", {"title": "Muộn"}, content_type="application/json"
    )
    assert response.status_code == 409
    assert response.json()["error"] == "conflict"


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, [200, 200, 200, 200, 404, 200, 200, 404, 404, 401], strict=True),
)
def test_who_reads_an_item(cabinet, meeting, guest_on_first_item, role, status):
    response = client_for(cabinet, role).get(f"/api/items/{guest_on_first_item.pk}")
    assert response.status_code == status


def test_a_guest_asking_for_an_item_they_are_not_invited_to_is_refused(
    cabinet, meeting, items, guest_on_first_item
):
    response = client_for(cabinet, "guest").get(f"/api/items/{items[1].pk}")
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"


@pytest.mark.parametrize(("role", "status"), zip(ROLES, map(ok, PREPARE), strict=True))
def test_only_the_secretariat_edits_items(
    cabinet, meeting, items, guest_on_first_item, role, status
):
    response = client_for(cabinet, role).patch(
        f"/api/items/{items[0].pk}", {"duration_minutes": 90}, content_type="application/json"
    )
    assert response.status_code == status
    items[0].refresh_from_db()
    assert items[0].duration_minutes == (90 if status == 200 else 30)


def test_an_edit_can_clear_the_presenter(cabinet, meeting, items):
    services.item_update(actor=cabinet.secretary, item=items[0], presenter=cabinet.minister)
    response = client_for(cabinet, "secretary").patch(
        f"/api/items/{items[0].pk}", {"presenter_id": None}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["presenter"] is None


def test_a_duration_out_of_range_is_refused(cabinet, items):
    response = client_for(cabinet, "secretary").patch(
        f"/api/items/{items[0].pk}", {"duration_minutes": 0}, content_type="application/json"
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["duration_minutes"]


def test_an_item_of_a_closed_meeting_cannot_be_edited(cabinet, meeting, items):
    close(cabinet, meeting)
    response = client_for(cabinet, "secretary").patch(
        f"/api/items/{items[0].pk}", {"title": "Khác"}, content_type="application/json"
    )
    assert response.status_code == 409


@pytest.mark.parametrize(
    ("role", "status"),
    zip(ROLES, [403, 204, 403, 403, 404, 403, 403, 404, 404, 401], strict=True),
)
def test_only_the_secretariat_removes_items(
    cabinet, meeting, items, guest_on_first_item, role, status
):
    response = client_for(cabinet, role).delete(f"/api/items/{items[1].pk}")
    assert response.status_code == status
    assert AgendaItem.objects.filter(pk=items[1].pk).exists() is (status != 204)


def test_a_published_meeting_keeps_its_last_item(cabinet, meeting, items):
    client = client_for(cabinet, "secretary")
    assert client.delete(f"/api/items/{items[1].pk}").status_code == 204
    response = client.delete(f"/api/items/{items[0].pk}")
    assert response.status_code == 409


def test_an_unknown_item_is_a_404(cabinet):
    assert client_for(cabinet, "secretary").delete("/api/items/424242").status_code == 404


@pytest.mark.parametrize(("role", "status"), zip(ROLES, map(ok, PREPARE), strict=True))
def test_only_the_secretariat_moves_items(
    cabinet, meeting, items, guest_on_first_item, role, status
):
    response = client_for(cabinet, role).post(
        f"/api/items/{items[1].pk}/move", {"to_position": 1}, content_type="application/json"
    )
    assert response.status_code == status
    items[1].refresh_from_db()
    assert items[1].order == (1 if status == 200 else 2)


def test_moving_past_the_end_of_the_agenda_is_refused(cabinet, items):
    response = client_for(cabinet, "secretary").post(
        f"/api/items/{items[0].pk}/move", {"to_position": 9}, content_type="application/json"
    )
    assert response.status_code == 422


def test_moving_to_position_zero_is_refused_before_the_service(cabinet, items):
    response = client_for(cabinet, "secretary").post(
        f"/api/items/{items[0].pk}/move", {"to_position": 0}, content_type="application/json"
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["to_position"]


# --- Guests -------------------------------------------------------------------


@pytest.fixture
def vcci(cabinet):
    return grant(UserFactory(username="vcci", title="Phó Chủ tịch VCCI"), cabinet.body, Role.GUEST)


@pytest.mark.parametrize(("role", "status"), zip(ROLES, PREPARE, strict=True))
def test_only_the_secretariat_invites_guests(
    cabinet, meeting, items, guest_on_first_item, vcci, role, status
):
    response = client_for(cabinet, role).post(
        f"/api/meetings/{meeting.pk}/guests",
        {"user_id": vcci.pk, "item_ids": [items[1].pk]},
        content_type="application/json",
    )
    assert response.status_code == status
    invited = Participant.objects.filter(meeting=meeting, user=vcci).exists()
    assert invited is (status == 201)


def test_an_invited_guest_is_told_which_items(cabinet, meeting, items, vcci):
    response = client_for(cabinet, "secretary").post(
        f"/api/meetings/{meeting.pk}/guests",
        {"user_id": vcci.pk, "item_ids": [items[1].pk]},
        content_type="application/json",
    )
    body = response.json()
    assert (body["kind"], body["item_ids"], body["user"]["id"]) == ("guest", [items[1].pk], vcci.pk)
    assert vcci.notifications.filter(kind="meeting.invited").count() == 1


def test_a_guest_for_an_item_of_another_meeting_is_refused(cabinet, meeting, draft_meeting, vcci):
    other = draft_meeting.items.first()
    response = client_for(cabinet, "secretary").post(
        f"/api/meetings/{meeting.pk}/guests",
        {"user_id": vcci.pk, "item_ids": [other.pk]},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert list(response.json()["fields"]) == ["item_ids"]


def test_a_guest_with_no_items_is_refused(cabinet, meeting, vcci):
    response = client_for(cabinet, "secretary").post(
        f"/api/meetings/{meeting.pk}/guests",
        {"user_id": vcci.pk, "item_ids": []},
        content_type="application/json",
    )
    assert response.status_code == 422


def test_a_person_from_another_body_cannot_be_a_guest(cabinet, meeting, items):
    response = client_for(cabinet, "secretary").post(
        f"/api/meetings/{meeting.pk}/guests",
        {"user_id": cabinet.outsider.pk, "item_ids": [items[0].pk]},
        content_type="application/json",
    )
    assert response.status_code == 422


def test_a_member_cannot_also_be_invited_as_a_guest(cabinet, meeting, items):
    response = client_for(cabinet, "secretary").post(
        f"/api/meetings/{meeting.pk}/guests",
        {"user_id": cabinet.minister.pk, "item_ids": [items[0].pk]},
        content_type="application/json",
    )
    assert response.status_code == 409


def test_guests_cannot_be_invited_to_a_closed_meeting(cabinet, meeting, items, vcci):
    close(cabinet, meeting)
    response = client_for(cabinet, "secretary").post(
        f"/api/meetings/{meeting.pk}/guests",
        {"user_id": vcci.pk, "item_ids": [items[0].pk]},
        content_type="application/json",
    )
    assert response.status_code == 409
