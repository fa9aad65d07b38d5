# ruff: noqa: F811  (fixtures imported from tests/test_voting_support.py)
"""A meeting never closes over an open vote: the vote would stay open with nobody to
close it, and members could go on voting after the session ended."""

from __future__ import annotations

import pytest
from django.test import Client

from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict
from meetings import services as meetings
from meetings.models import Meeting
from minutes.models import Minutes
from tests.test_voting_support import absent, item, live, open_vote  # noqa: F401
from voting import services as voting
from voting.models import Vote

pytestmark = pytest.mark.django_db


def test_closing_a_meeting_with_an_open_vote_is_refused_and_changes_nothing(cabinet, item):
    vote = open_vote(cabinet, item)
    meeting = Meeting.objects.get(pk=item.meeting_id)
    with pytest.raises(Conflict, match="vote is still open"):
        meetings.meeting_close(actor=cabinet.chair, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.state == Meeting.State.IN_PROGRESS
    assert meeting.ended_at is None
    assert Vote.objects.get(pk=vote.pk).state == Vote.State.OPEN
    assert not AuditEntry.objects.filter(action="meeting.closed").exists()
    assert not Minutes.objects.filter(meeting=meeting).exists()


def test_once_the_vote_is_closed_the_meeting_closes(cabinet, item):
    vote = open_vote(cabinet, item)
    voting.vote_close(actor=cabinet.chair, vote_id=vote.pk)
    meeting = meetings.meeting_close(
        actor=cabinet.chair, meeting=Meeting.objects.get(pk=item.meeting_id)
    )
    assert meeting.state == Meeting.State.CLOSED


def test_the_room_is_told_why_in_vietnamese(cabinet, item):
    open_vote(cabinet, item)
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    client.force_login(cabinet.chair)
    response = client.post(f"/api/meetings/{item.meeting_id}/close")
    assert response.status_code == 409
    assert response.json()["detail"] == (
        "Một cuộc biểu quyết vẫn đang mở: hãy kết thúc biểu quyết trước khi bế mạc phiên họp."
    )
