"""The minutes over JSON: each operation, and refusals with exact status codes, the
error shape and nothing changed."""

from __future__ import annotations

import pytest

from minutes.models import Minutes, MinutesDraft
from tests.minutes_helpers import drafted, issued, run_meeting
from tests.roles import client_for

pytestmark = pytest.mark.django_db


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_the_secretariat_drafts_edits_and_issues_over_the_api(cabinet):
    meeting = run_meeting(cabinet)
    secretary = client_for(cabinet, "secretary")
    again = post(secretary, f"/api/minutes/meeting/{meeting.pk}/draft")
    assert again.status_code == 409  # drafted as the meeting closed
    listed = secretary.get(f"/api/minutes/meeting/{meeting.pk}").json()
    assert [m["state"] for m in listed] == ["drafting"]
    Minutes.objects.filter(meeting=meeting).delete()  # as for a meeting closed before
    created = post(secretary, f"/api/minutes/meeting/{meeting.pk}/draft")
    assert created.status_code == 201 and created.json()["state"] == "drafting"
    minutes_id = created.json()["id"]
    item_id = str(meeting.items.order_by("order").first().pk)
    saved = post(
        secretary,
        f"/api/minutes/{minutes_id}/drafts",
        {
            "content": {"opening": "Mở đầu", "items": {item_id: {"summary": "Tóm tắt"}}},
            "based_on": 1,
        },
    )
    assert saved.status_code == 201 and saved.json()["number"] == 2
    history = secretary.get(f"/api/minutes/{minutes_id}/drafts").json()
    assert [d["number"] for d in history] == [2, 1] and history[0]["saved_by"]
    issued_ = post(secretary, f"/api/minutes/{minutes_id}/issue")
    assert issued_.status_code == 200 and issued_.json()["state"] == "secretary"
    listed = client_for(cabinet, "minister").get(f"/api/minutes/meeting/{meeting.pk}")
    assert listed.status_code == 200 and listed.json()[0]["number_symbol"] == "01/BB-CP"


@pytest.mark.parametrize(
    ("role", "status"),
    [("minister", 403), ("chair", 403), ("guest", 404), ("outsider", 404), ("anonymous", 401)],
)
def test_others_cannot_edit_the_draft(cabinet, role, status):
    minutes = drafted(cabinet)
    response = post(client_for(cabinet, role), f"/api/minutes/{minutes.pk}/drafts", {"content": {}})
    assert response.status_code == status
    if status != 401:
        assert set(response.json()) == {"error", "detail", "fields"}
    assert MinutesDraft.objects.count() == 1


def test_a_malformed_draft_answers_422_with_the_field(cabinet):
    minutes = drafted(cabinet)
    secretary = client_for(cabinet, "secretary")
    response = post(
        secretary,
        f"/api/minutes/{minutes.pk}/drafts",
        {"content": {"items": {"424242": {"summary": "?"}}}},
    )
    assert response.status_code == 422 and "items.424242" in response.json()["fields"]
    assert post(secretary, f"/api/minutes/{minutes.pk}/drafts", {"nope": 1}).status_code == 422
    assert MinutesDraft.objects.count() == 1


def test_signing_out_of_order_answers_409_and_an_unknown_step_422(cabinet):
    minutes = issued(cabinet)
    chair = client_for(cabinet, "chair")
    refused = post(chair, f"/api/minutes/{minutes.pk}/sign", {"step": "chair", "pin": "123456"})
    assert refused.status_code == 409 and "in order" in refused.json()["detail"]
    member = post(
        client_for(cabinet, "minister"),
        f"/api/minutes/{minutes.pk}/sign",
        {"step": "secretary", "pin": "123456"},
    )
    assert member.status_code == 403
    unknown = post(
        client_for(cabinet, "secretary"),
        f"/api/minutes/{minutes.pk}/sign",
        {"step": "notary", "pin": "1"},
    )
    assert unknown.status_code == 422 and "step" in unknown.json()["fields"]
    other = post(
        client_for(cabinet, "outsider"),
        f"/api/minutes/{minutes.pk}/sign",
        {"step": "seal", "pin": "654321"},
    )
    assert other.status_code == 404
    assert Minutes.objects.get().state == "secretary"
    assert minutes.document.versions.count() == 1


def test_the_next_agenda_links_the_previous_minutes(cabinet):
    from tests.factories import make_meeting

    previous = run_meeting(cabinet)
    upcoming = make_meeting(cabinet.body, cabinet.secretary, items=1)
    secretary = client_for(cabinet, "secretary")
    url = f"/api/meetings/{upcoming.pk}/agenda/approve-minutes"
    created = post(secretary, url, {"previous_meeting_id": previous.pk})
    assert created.status_code == 201 and created.json()["minutes_of"] == previous.pk
    assert post(secretary, url, {"previous_meeting_id": 987654}).status_code == 422
    assert (
        post(client_for(cabinet, "outsider"), url, {"previous_meeting_id": previous.pk}).status_code
        == 404
    )
    assert upcoming.items.count() == 2
    page = secretary.get(f"/meetings/{upcoming.pk}/")
    assert f"/minutes/meeting/{previous.pk}/" in page.content.decode()
