"""The live meeting room page: who may open it, and the snapshot it embeds."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from meetings import live
from meetings import services as meetings
from tests.factories import PASSWORD, NamedBytes, pdf_bytes
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
    titles = {i["id"]: f"{i['order']}. {i['title']}" for i in state["items"]}
    assert titles == {i.pk: str(i) for i in meeting.items.all()}


@pytest.mark.parametrize(
    "control",
    ["chair-controls", "chair-meeting-controls", "conclude-form", "js/room_chair.js"],
)
def test_only_the_chair_gets_the_chair_controls(client, cabinet, meeting, control):
    assert control.encode() in room(client, cabinet.chair, meeting).content
    client.logout()
    assert control.encode() not in room(client, cabinet.minister, meeting).content
    client.logout()
    assert control.encode() not in room(client, cabinet.secretary, meeting).content


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
    response = room(client, cabinet.guest, meeting)
    state = embedded(response, "room-state")
    assert [i["id"] for i in state["items"]] == [first.pk]
    assert second.title not in response.content.decode()
    assert b"chair-controls" not in response.content
    assert b'data-testid="vote-form"' not in response.content


def test_the_meeting_page_links_to_the_room_once_published(client, cabinet, meeting, draft_meeting):
    client.login(username=cabinet.minister.username, password=PASSWORD)
    page = client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
    assert reverse("meetings:room", args=[meeting.pk]) in page
    client.logout()
    client.login(username=cabinet.secretary.username, password=PASSWORD)
    draft = client.get(reverse("meetings:detail", args=[draft_meeting.pk])).content.decode()
    assert 'data-testid="room-link"' not in draft


# --- The paper viewer's list ----------------------------------------------------------


def add_paper(cabinet, meeting, item, *, pages=3, summary="Tờ trình", **extra):
    return meetings.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=item,
        file=NamedBytes(pdf_bytes(pages=pages)),
        filename="to-trinh.pdf",
        doc_type="to_trinh",
        summary=summary,
        issuing_body="Bộ Tài chính",
        **extra,
    )


def test_the_page_lists_the_papers_with_what_the_viewer_may_do(client, cabinet, meeting):
    first, second = meeting.items.order_by("order")
    meetings.item_update(actor=cabinet.secretary, item=second, presenter=cabinet.minister)
    own = add_paper(cabinet, meeting, first, pages=3, summary="Tờ trình dự án Luật")
    secret = add_paper(
        cabinet,
        meeting,
        second,
        pages=2,
        summary="Báo cáo mật",
        confidentiality="mat",
        recipients=[cabinet.members[2]],
    )
    general = add_paper(cabinet, meeting, None, pages=1, summary="Chương trình họp")
    papers = {
        p["id"]: p for p in embedded(room(client, cabinet.minister, meeting), "room-data")["papers"]
    }
    assert list(papers) == [own.pk, secret.pk, general.pk]  # agenda order, then the meeting's
    assert papers[own.pk] == {
        "id": own.pk,
        "item_id": first.pk,
        "title": "Tờ trình dự án Luật",
        "label": "Submission",  # the document type when it has no number yet
        "version": 1,
        "pages": 3,
        "may_open": True,
        "may_present": False,
        "url": reverse("meetings:paper_file", args=[meeting.pk, own.pk]),
    }
    # Confidential: listed (the agenda shows it too) but not to be fetched; the minister
    # presents the second item, so may put its paper on the screen.
    assert (papers[secret.pk]["may_open"], papers[secret.pk]["may_present"]) == (False, True)
    client.logout()
    chair = embedded(room(client, cabinet.secretary, meeting), "room-data")["papers"]
    assert all(p["may_present"] for p in chair)


def test_a_guest_lists_only_the_papers_of_their_items(client, cabinet, meeting):
    first, second = meeting.items.order_by("order")
    mine = add_paper(cabinet, meeting, first, summary="Của khách")
    add_paper(cabinet, meeting, second, summary="Không phải của khách")
    add_paper(cabinet, meeting, None, summary="Của cả phiên họp")
    meetings.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[first]
    )
    response = room(client, cabinet.guest, meeting)
    assert [p["id"] for p in embedded(response, "room-data")["papers"]] == [mine.pk]
    assert "Không phải của khách" not in response.content.decode()
    assert b'data-testid="viewer-present"' not in response.content


def test_the_viewer_loads_pdfjs_and_its_worker_from_our_static_files(client, cabinet, meeting):
    page = room(client, cabinet.minister, meeting).content.decode()
    assert 'data-pdfjs="/static/vendor/pdfjs/pdf.min.mjs"' in page
    assert 'data-worker="/static/vendor/pdfjs/pdf.worker.min.mjs"' in page
    assert "cdn" not in page.lower()
