"""Who am I, my bodies and their rules, and my notifications, over the JSON API."""

import pytest

from notifications.models import Notification
from people.models import Body
from tests.roles import ROLES, client_for


@pytest.mark.parametrize("role", ROLES)
def test_everyone_signed_in_reads_who_they_are(cabinet, role):
    response = client_for(cabinet, role).get("/api/me")
    assert response.status_code == 200
    assert response.json()["user"]["id"] == getattr(cabinet, role).pk


def test_me_lists_roles_per_body(cabinet):
    body = client_for(cabinet, "chair").get("/api/me").json()
    assert body["user"]["title"] == "Thủ tướng"
    assert body["bodies"] == [
        {"body_id": cabinet.body.pk, "body_name": "Chính phủ", "roles": ["chair", "member"]}
    ]


def test_a_person_of_another_body_sees_only_that_body(cabinet):
    bodies = client_for(cabinet, "outsider").get("/api/bodies").json()
    assert [b["id"] for b in bodies] == [cabinet.other_body.pk]
    assert bodies[0]["my_roles"] == ["member", "secretariat"]


def test_bodies_carry_their_decision_rules(cabinet):
    Body.objects.filter(pk=cabinet.body.pk).update(
        quorum_numerator=1, quorum_denominator=2, majority_base="present", tie_break="fails"
    )
    [body] = client_for(cabinet, "minister").get("/api/bodies").json()
    assert body["rules"] == {
        "quorum_numerator": 1,
        "quorum_denominator": 2,
        "quorum_fraction": "1/2",
        "majority_base": "present",
        "tie_break": "fails",
    }
    assert body["my_roles"] == ["member"]


def test_the_default_rules_are_two_thirds_of_all_members_with_the_chairs_side(cabinet):
    [body] = client_for(cabinet, "auditor").get("/api/bodies").json()
    rules = body["rules"]
    assert (rules["quorum_fraction"], rules["majority_base"], rules["tie_break"]) == (
        "2/3",
        "all_members",
        "chair_side",
    )


# --- Notifications ------------------------------------------------------------


def test_an_invitation_arrives_as_a_notification(cabinet, meeting):
    body = client_for(cabinet, "minister").get("/api/notifications").json()
    assert body["unread"] == 1
    [note] = body["notifications"]
    assert note["kind"] == "meeting.published"
    assert note["read_at"] is None


def test_marking_one_notification_read(cabinet, meeting):
    client = client_for(cabinet, "minister")
    note = client.get("/api/notifications").json()["notifications"][0]
    response = client.post(
        "/api/notifications/read", {"id": note["id"]}, content_type="application/json"
    )
    assert response.json() == {"marked": 1}
    body = client.get("/api/notifications").json()
    assert body["unread"] == 0
    assert body["notifications"][0]["read_at"] is not None
    assert client.get("/api/notifications?unread_only=true").json()["notifications"] == []


def test_marking_everything_read_with_an_empty_request(cabinet, meeting):
    client = client_for(cabinet, "minister")
    response = client.post("/api/notifications/read", "", content_type="application/json")
    assert response.json() == {"marked": 1}


def test_nobody_marks_someone_elses_notification(cabinet, meeting):
    theirs = Notification.objects.filter(recipient=cabinet.minister).get()
    response = client_for(cabinet, "chair").post(
        "/api/notifications/read", {"id": theirs.pk}, content_type="application/json"
    )
    assert response.json() == {"marked": 0}
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_nobody_reads_someone_elses_notifications(cabinet, meeting):
    body = client_for(cabinet, "outsider").get("/api/notifications").json()
    assert body == {"unread": 0, "notifications": []}
