"""The live meeting room page: who may open it, and the snapshot it embeds."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from meetings import live
from meetings import services as meetings
from tests.factories import PASSWORD
from voting.services import vote_open

pytestmark = pytest.mark.django_db


def room(client, user, meeting):
    client.login(username=user.username, password=PASSWORD)
    return client.get(reverse("meetings:room", args=[meeting.pk]))


def embedded(response, element_id: str) -> dict:
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match, element_id
    return json.loads(match.group(1))


@pytest.mark.parametrize("who", ["chair", "secretary", "minister", "observer"])
def test_people_of_the_meeting_open_the_room(client, cabinet, meeting, who):
    response = room(client, getattr(cabinet, who), meeting)
    assert response.status_code == 200
    assert b'data-testid="room"' in response.content


@pytest.mark.parametrize("who", ["outsider", "archivist", "auditor"])
def test_people_outside_the_meeting_get_not_found(client, cabinet, meeting, who):
    assert room(client, getattr(cabinet, who), meeting).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in(client, meeting):
    response = client.get(reverse("meetings:room", args=[meeting.pk]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_draft_has_no_room_yet(client, cabinet, draft_meeting):
    assert room(client, cabinet.secretary, draft_meeting).status_code == 409
    assert room(client, cabinet.minister, draft_meeting).status_code == 404


def test_the_page_embeds_the_snapshot_with_its_sequence_number(client, cabinet, meeting):
    live.attendance_check_in(actor=cabinet.minister, meeting=meeting)
    response = room(client, cabinet.minister, meeting)
    state = embedded(response, "room-state")
    assert state["seq"] >= 1
    assert state["meeting_id"] == meeting.pk
    assert {a["user_id"]: a["status"] for a in state["attendance"]}[cabinet.minister.pk] == (
        "present"
    )
    assert f'data-seq="{state["seq"]}"' in response.content.decode()
    data = embedded(response, "room-data")
    assert data["user_id"] == cabinet.minister.pk
    assert set(data["agenda"]) == {str(i.pk) for i in meeting.items.all()}


def test_only_the_chair_gets_the_chair_controls(client, cabinet, meeting):
    assert b'data-testid="chair-controls"' in room(client, cabinet.chair, meeting).content
    client.logout()
    assert b'data-testid="chair-controls"' not in room(client, cabinet.minister, meeting).content


def test_the_page_embeds_the_latest_vote_as_the_viewer_sees_it(client, cabinet, meeting):
    meetings.meeting_start(actor=cabinet.chair, meeting=meeting, override_reason="Kiểm thử")
    item = meeting.items.order_by("order").first()
    vote = vote_open(actor=cabinet.chair, item=item, question="Tán thành?", hide_tally=True)
    data = embedded(room(client, cabinet.minister, meeting), "room-data")
    (shown,) = data["votes"]
    assert (shown["id"], shown["item_id"], shown["question"]) == (vote.pk, item.pk, "Tán thành?")
    assert shown["counts"] is None  # hidden from members while open
    assert shown["may_vote"] is True


def test_a_guest_sees_only_the_items_they_are_invited_to(client, cabinet, meeting):
    first, second = meeting.items.order_by("order")
    meetings.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[first]
    )
    data = embedded(room(client, cabinet.guest, meeting), "room-data")
    assert set(data["agenda"]) == {str(first.pk)}
    assert "chair-controls" not in str(data)


def test_the_meeting_page_links_to_the_room_once_published(client, cabinet, meeting, draft_meeting):
    client.login(username=cabinet.minister.username, password=PASSWORD)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert reverse("meetings:room", args=[meeting.pk]) in page
    client.logout()
    client.login(username=cabinet.secretary.username, password=PASSWORD)
    draft = client.get(reverse("meetings:detail", args=[draft_meeting.pk])).content.decode()
    assert 'data-testid="room-link"' not in draft
