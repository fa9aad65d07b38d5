"""Duties in meetings, role by role: a vote open now, positions to mark before the
meeting, leave requests for the chair. Each appears when due and goes once done through
the real services, and never for someone who may not act on it."""

from __future__ import annotations

import pytest

from meetings import services as meeting_services
from meetings.models import Position
from tests.worklist_helpers import duties_of, kinds, leave_with_deputy, start
from voting import services as voting_services

pytestmark = pytest.mark.django_db

OTHERS = ["secretary", "guest", "archivist", "assistant", "observer", "auditor", "outsider"]


@pytest.fixture
def open_vote(cabinet, meeting):
    item = meeting.items.order_by("order").first()
    meeting_services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[item]
    )
    start(cabinet, meeting)
    return voting_services.vote_open(actor=cabinet.chair, item=item, question="Thông qua dự thảo?")


def test_a_vote_open_now_leads_every_member_to_the_room_until_they_vote(client, cabinet, open_vote):
    minister = cabinet.minister
    (duty,) = duties_of(minister, "vote")
    assert duty.title == "Thông qua dự thảo?"
    assert duty.urgency == "now"
    assert duty.url.endswith(
        f"/meetings/{open_vote.meeting_id}/room/?vote={open_vote.pk}#room-vote"
    )
    assert "vote" in kinds(cabinet.chair)  # the chair is a member too
    client.force_login(minister)
    room = client.get(duty.url)
    assert room.status_code == 200 and 'id="room-vote"' in room.content.decode()
    voting_services.ballot_cast(actor=minister, vote_id=open_vote.pk, choice="yes")
    assert duties_of(minister, "vote") == []
    assert "vote" in kinds(cabinet.members[2])


def test_a_secret_ballot_also_ends_the_duty(cabinet, meeting):
    start(cabinet, meeting)
    item = meeting.items.order_by("order").last()
    vote = voting_services.vote_open(actor=cabinet.chair, item=item, question="Bầu?", mode="secret")
    assert duties_of(cabinet.minister, "vote")
    voting_services.ballot_cast(
        actor=cabinet.minister, vote_id=vote.pk, choice="no", receipt="r" * 30
    )
    assert duties_of(cabinet.minister, "vote") == []


@pytest.mark.parametrize("role", OTHERS)
def test_nobody_without_a_seat_is_asked_to_vote(cabinet, open_vote, role):
    assert "vote" not in kinds(getattr(cabinet, role))


def test_a_closed_vote_asks_nothing_more(cabinet, open_vote):
    voting_services.vote_close(actor=cabinet.chair, vote_id=open_vote.pk)
    assert duties_of(cabinet.minister, "vote") == []


def test_a_deputy_allowed_to_vote_is_asked_for_the_member_on_leave(cabinet, meeting):
    away = cabinet.members[3]
    deputy = leave_with_deputy(cabinet, meeting, away)
    assert duties_of(deputy, "positions")  # before the meeting: positions for the seat
    start(cabinet, meeting)
    item = meeting.items.order_by("order").first()
    vote = voting_services.vote_open(actor=cabinet.chair, item=item, question="Thông qua?")
    (duty,) = duties_of(deputy, "vote")
    assert str(away) in duty.detail
    assert duties_of(away, "vote") == []  # on leave: the deputy holds the seat
    voting_services.ballot_cast(actor=deputy, vote_id=vote.pk, choice="yes")
    assert duties_of(deputy, "vote") == []


def test_a_deputy_not_allowed_to_vote_is_not_asked(cabinet, meeting):
    deputy = leave_with_deputy(cabinet, meeting, cabinet.members[3], may_vote=False)
    start(cabinet, meeting)
    item = meeting.items.order_by("order").first()
    voting_services.vote_open(actor=cabinet.chair, item=item, question="Thông qua?")
    assert duties_of(deputy, "vote") == []


def test_members_prepare_positions_until_every_item_is_marked(cabinet, meeting):
    minister = cabinet.minister
    (duty,) = duties_of(minister, "positions")
    assert duty.title == meeting.title
    assert "2 of 2 items" in duty.detail
    assert duty.due == meeting.starts_at
    first, second = meeting.items.order_by("order")
    meeting_services.position_mark(actor=minister, item=first, stance=Position.Stance.NO_OBJECTION)
    (duty,) = duties_of(minister, "positions")
    assert "1 of 2 items" in duty.detail
    meeting_services.position_mark(
        actor=minister, item=second, stance=Position.Stance.OBJECT, comment="Cần đánh giá tác động"
    )
    assert duties_of(minister, "positions") == []
    assert duties_of(cabinet.members[2], "positions")


def test_the_assistant_prepares_for_their_minister_only(cabinet, meeting):
    (duty,) = duties_of(cabinet.assistant, "positions")
    assert str(cabinet.minister) in duty.detail
    for item in meeting.items.all():
        meeting_services.position_mark(
            actor=cabinet.minister, item=item, stance=Position.Stance.NO_OBJECTION
        )
    assert duties_of(cabinet.assistant, "positions") == []


@pytest.mark.parametrize(
    "role", ["secretary", "guest", "archivist", "observer", "auditor", "outsider"]
)
def test_positions_are_asked_only_of_seats(cabinet, meeting, role):
    item = meeting.items.order_by("order").first()
    meeting_services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[item]
    )
    assert "positions" not in kinds(getattr(cabinet, role))


def test_a_draft_meeting_asks_for_no_positions(cabinet, draft_meeting):
    assert "positions" not in kinds(cabinet.minister)


def test_a_started_meeting_no_longer_asks_for_positions(cabinet, meeting):
    start(cabinet, meeting)
    assert "positions" not in kinds(cabinet.minister)


def test_the_chair_decides_leave_requests_and_they_go(cabinet, meeting):
    leave = meeting_services.leave_request(
        actor=cabinet.minister, meeting=meeting, reason="Công tác tại địa phương"
    )
    (duty,) = duties_of(cabinet.chair, "leave")
    assert str(cabinet.minister) in duty.title
    assert "Công tác tại địa phương" in duty.detail
    assert duty.url.endswith(f"/meetings/{meeting.pk}/#leave")
    for role in ["secretary", "minister", "observer", "outsider"]:
        assert "leave" not in kinds(getattr(cabinet, role))
    meeting_services.leave_decide(actor=cabinet.chair, leave=leave, approve=False, note="Cần dự")
    assert duties_of(cabinet.chair, "leave") == []
