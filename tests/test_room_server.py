"""What the tablet room is told by the server: how many members in the room have not
voted (for the chair's confirmation before closing), that nothing stays on the screen
after the close, and what the page says before the start."""

# ruff: noqa: F811  (fixtures imported from tests/test_voting_support.py)

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from meetings import live as live_services
from meetings import services as meeting_services
from meetings.models import LiveState
from tests.factories import PASSWORD, NamedBytes, pdf_bytes
from tests.roles import client_for
from tests.test_voting_support import (  # noqa: F401
    absent,
    add_deputy,
    item,
    live,
    open_vote,
    start,
)
from voting import services


def shown(cabinet, role, vote):
    return client_for(cabinet, role).get(f"/api/votes/{vote.pk}").json()


# --- Present members who have not voted -----------------------------------------------


def test_the_chair_is_told_how_many_present_members_have_not_voted(cabinet, item):
    vote = open_vote(cabinet, item)
    assert shown(cabinet, "chair", vote)["present_not_voted"] == 6
    services.ballot_cast(actor=cabinet.members[1], vote_id=vote.pk, choice="yes")
    services.ballot_cast(actor=cabinet.members[2], vote_id=vote.pk, choice="no")
    assert shown(cabinet, "chair", vote)["present_not_voted"] == 4
    assert shown(cabinet, "secretary", vote)["present_not_voted"] == 4


def test_members_who_left_the_room_are_not_counted(cabinet, item, absent):
    vote = open_vote(cabinet, item)
    absent.add(cabinet.members[4].pk)
    absent.add(cabinet.members[5].pk)
    assert shown(cabinet, "chair", vote)["present_not_voted"] == 4


def test_a_deputy_who_may_vote_fills_the_absent_members_seat(cabinet, live, item, absent):
    member = cabinet.members[5]
    absent.add(member.pk)
    add_deputy(cabinet, live, member, may_vote=True)
    vote = open_vote(cabinet, item)
    assert shown(cabinet, "chair", vote)["present_not_voted"] == 6


def test_a_secret_vote_counts_who_voted_never_how(cabinet, item):
    vote = open_vote(cabinet, item, mode="secret")
    services.ballot_cast(actor=cabinet.members[1], vote_id=vote.pk, choice="yes", receipt="r" * 22)
    assert shown(cabinet, "chair", vote)["present_not_voted"] == 5


def test_members_and_closed_votes_get_no_count(cabinet, item):
    vote = open_vote(cabinet, item)
    assert shown(cabinet, "minister", vote)["present_not_voted"] is None
    services.vote_close(actor=cabinet.chair, vote_id=vote.pk)
    assert shown(cabinet, "chair", vote)["present_not_voted"] is None


# --- The screen after the close ----------------------------------------------------------


def add_paper(cabinet, meeting, item):
    return meeting_services.paper_add(
        actor=cabinet.secretary,
        meeting=meeting,
        item=item,
        file=NamedBytes(pdf_bytes(pages=2, text="Tờ trình")),
        filename="to-trinh.pdf",
        doc_type="to_trinh",
        summary="Tờ trình",
        issuing_body="Bộ Tài chính",
    )


@pytest.fixture
def paper_meeting(cabinet, meeting):
    """A meeting in progress with a paper on its first item (papers come before the start)."""
    paper = add_paper(cabinet, meeting, meeting.items.order_by("order").first())
    return start(meeting, cabinet.chair), paper


def test_closing_the_meeting_clears_the_screen(cabinet, paper_meeting):
    live, paper = paper_meeting
    live_services.presentation_show(actor=cabinet.secretary, paper=paper, page=2)
    snapshot = client_for(cabinet, "minister").get(f"/api/meetings/{live.pk}/live").json()
    assert snapshot["presentation"]["paper_id"] == paper.pk
    meeting_services.meeting_close(actor=cabinet.chair, meeting=live)
    state = LiveState.objects.get(meeting=live)
    assert (state.presentation_paper_id, state.presentation_page) == (None, None)
    snapshot = client_for(cabinet, "minister").get(f"/api/meetings/{live.pk}/live").json()
    assert snapshot["presentation"] is None


def test_a_room_closed_with_a_page_left_on_screen_shows_none(cabinet, paper_meeting):
    """A meeting closed before closing cleared the screen keeps its last page."""
    live, paper = paper_meeting
    meeting_services.meeting_close(actor=cabinet.chair, meeting=live)
    LiveState.objects.filter(meeting=live).update(presentation_paper=paper, presentation_page=1)
    snapshot = client_for(cabinet, "minister").get(f"/api/meetings/{live.pk}/live").json()
    assert snapshot["presentation"] is None


# --- The page before the start -------------------------------------------------------


def room_data(client, meeting, language="vi"):
    response = client.get(f"/meetings/{meeting.pk}/room/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    found = re.search(
        r'<script id="room-data" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    return response.content.decode(), json.loads(found.group(1))


def test_before_the_start_the_room_says_when_in_vietnam_time(client, cabinet, meeting):
    starts = dt.datetime(2026, 12, 3, 2, 0, tzinfo=dt.UTC)  # 09:00 in Hà Nội
    meeting_services.meeting_update(actor=cabinet.secretary, meeting=meeting, starts_at=starts)
    client.login(username=cabinet.minister.username, password=PASSWORD)
    page, data = room_data(client, meeting)
    assert data["starts_at_text"].startswith("Bắt đầu lúc 09:00")
    assert "03/12/2026" in data["starts_at_text"] or "3/12/2026" in data["starts_at_text"]
    assert data["starts_at_text"].endswith("(giờ Việt Nam)")
    assert data["starts_at_text"] in page
    assert data["labels"]["attendance"]["not_checked_in"] == "Chưa điểm danh"


def test_the_room_lists_every_vote_of_the_meeting(client, cabinet, item):
    first = open_vote(cabinet, item, question="Lần một?")
    services.vote_close(actor=cabinet.chair, vote_id=first.pk)
    second = open_vote(cabinet, item, question="Lần hai?")
    client.login(username=cabinet.minister.username, password=PASSWORD)
    _page, data = room_data(client, item.meeting, language="en")
    assert [v["id"] for v in data["votes"]] == [first.pk, second.pk]
    assert (
        data["votes"][0]["result_words"] == "Not adopted: 0 in favour, at least 4/6 members needed"
    )
    assert data["votes"][1]["result_words"] is None
