"""The meeting page after the close shows what was decided (each item's conclusion, each
vote's result in words and counts, when the meeting really ran) and offers nothing that
no longer applies (leave, positions, the room); before the start it says when it starts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from ecabinet import dates
from meetings import services
from tests.record_helpers import CONCLUSION, QUESTION, hold, planned_meeting
from tests.roles import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(cabinet):
    past = timezone.now() - dt.timedelta(hours=4)
    meeting = planned_meeting(cabinet, starts_at=past, ends_at=past + dt.timedelta(hours=2))
    # A leave request still waiting when the meeting closes: nothing to decide after.
    services.leave_request(actor=cabinet.members[3], meeting=meeting, reason="Công tác")
    return hold(cabinet, meeting)


def page(cabinet, role: str, meeting, lang: str = "en") -> str:
    response = client_for(cabinet, role).get(
        reverse("meetings:detail", args=[meeting.pk]), HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_member_sees_the_conclusions_and_results_and_no_leave_request(cabinet, closed):
    html = page(cabinet, "minister", closed)
    first, second = closed.items.order_by("order")
    assert 'data-testid="leave-link"' not in html and "Ask for leave" not in html
    assert f'data-testid="conclusion-{first.pk}"' in html and CONCLUSION in html
    assert f'data-testid="not-discussed-{second.pk}"' in html
    vote = first.votes.get()
    assert f'data-testid="vote-result-{vote.pk}" data-adopted="1"' in html
    assert QUESTION in html
    # The rule in words, then the counts.
    assert "Adopted: 4 in favour of" in html
    assert "In favour: 4" in html and "Against: 1" in html and "Abstain: 0" in html


def test_in_vietnamese_xin_vang_mat_is_no_longer_offered(cabinet, closed):
    html = page(cabinet, "minister", closed, lang="vi")
    assert "Xin vắng mặt" not in html
    assert "Kết luận" in html and CONCLUSION in html
    assert "Được thông qua: 4 tán thành" in html and "Tán thành: 4" in html


def test_the_chair_has_nothing_left_to_decide_or_collect(cabinet, closed):
    html = page(cabinet, "chair", closed)
    assert 'data-testid="pending-leaves"' not in html
    assert 'data-testid="positions-link"' not in html
    assert 'data-testid="start-form"' not in html and 'data-testid="close-button"' not in html
    assert 'data-testid="room-link"' not in html
    assert 'data-testid="minutes-link"' in html


def test_the_page_says_when_the_meeting_really_ran_beside_the_plan(cabinet, closed):
    html = page(cabinet, "secretary", closed)
    with translation.override("en"):
        held = dates.when(closed.started_at)
    assert 'data-testid="meeting-held"' in html and held in html
    assert "Planned" in html


def test_a_guest_sees_the_outcome_of_their_own_item_only(cabinet):
    past = timezone.now() - dt.timedelta(hours=4)
    meeting = planned_meeting(cabinet, starts_at=past, ends_at=past + dt.timedelta(hours=2))
    first, second = meeting.items.order_by("order")
    services.guest_invite(
        actor=cabinet.secretary, meeting=meeting, user=cabinet.guest, items=[second]
    )
    meeting = hold(cabinet, meeting)
    html = page(cabinet, "guest", meeting)
    assert CONCLUSION not in html and QUESTION not in html  # item 1 is not theirs
    assert f'data-testid="not-discussed-{second.pk}"' in html
    assert CONCLUSION in page(cabinet, "observer", meeting)  # observers read what was decided


def test_before_the_start_the_page_says_when_the_meeting_starts(cabinet):
    soon = timezone.now() + dt.timedelta(days=2, hours=3)
    meeting = planned_meeting(cabinet, starts_at=soon, ends_at=soon + dt.timedelta(hours=2))
    html = page(cabinet, "minister", meeting)
    with translation.override("en"):
        when = dates.when(soon)
    assert 'data-testid="starts-at"' in html
    html = html.replace("\xa0", " ")  # "2 days": Django's time-until keeps number and unit together
    assert f"The meeting starts at {when}, in 2 days" in html
    assert "Ask for leave" in html  # before the start a member may still ask
    vi = page(cabinet, "minister", meeting, lang="vi").replace("\xa0", " ")
    with translation.override("vi"):
        assert f"Phiên họp bắt đầu lúc {dates.when(soon)}, còn 2 ngày" in vi


def test_a_meeting_past_its_time_but_not_opened_says_so(cabinet):
    past = timezone.now() - dt.timedelta(minutes=20)
    meeting = planned_meeting(cabinet, starts_at=past, ends_at=past + dt.timedelta(hours=2))
    html = page(cabinet, "minister", meeting)
    assert "the chair has not opened it yet" in html
