"""The minutes state when the meeting really started and ended, not the plan; the
demo's closed meeting tells a consistent story (start < every speech and vote < end)."""

from __future__ import annotations

import datetime as dt
import io
import subprocess

import pytest
from django.core.management import call_command
from django.utils import timezone

from demo.seed_minutes import TITLE
from ecabinet.dates import vi_when
from meetings.models import Meeting
from meetings.models_live import Attendance, ItemState, SpeakerRequest
from minutes import services
from minutes.models import Minutes
from tests import pki_fixtures
from tests.record_helpers import hold, planned_meeting
from voting.models import Vote

pytestmark = pytest.mark.django_db

dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signing_settings = pki_fixtures.signing_settings


def _text(pdf: bytes) -> str:
    run = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True)
    return " ".join(run.stdout.decode().split())


def test_a_meeting_keeps_when_it_really_started_and_ended(cabinet):
    planned = timezone.now() - dt.timedelta(hours=5)
    meeting = planned_meeting(cabinet, starts_at=planned, ends_at=planned + dt.timedelta(hours=2))
    before = timezone.now()
    meeting = hold(cabinet, meeting)
    meeting.refresh_from_db()
    assert before <= meeting.started_at <= meeting.ended_at <= timezone.now()
    # The plan stays the plan.
    assert (meeting.starts_at, meeting.ends_at) == (planned, planned + dt.timedelta(hours=2))


def test_the_minutes_of_a_meeting_that_ran_late_state_the_real_times(cabinet):
    # Planned 09:00-11:30 this morning; it opened late and is closing only now.
    planned = timezone.now() - dt.timedelta(hours=6)
    meeting = planned_meeting(
        cabinet, starts_at=planned, ends_at=planned + dt.timedelta(hours=2, minutes=30)
    )
    meeting = hold(cabinet, meeting)
    minutes = Minutes.objects.get(meeting=meeting)
    facts = minutes.facts["meeting"]
    assert dt.datetime.fromisoformat(facts["started_at"]) == meeting.started_at
    assert dt.datetime.fromisoformat(facts["ended_at"]) == meeting.ended_at
    text = _text(services.minutes_preview(actor=cabinet.secretary, minutes=minutes))
    assert f"bắt đầu lúc {vi_when(meeting.started_at)}" in text
    assert f"kết thúc lúc {vi_when(meeting.ended_at)}" in text
    assert f"Phiên họp kết thúc lúc {vi_when(meeting.ended_at)}" in text
    assert vi_when(meeting.ends_at) not in text  # the planned end is not a fact
    assert vi_when(meeting.starts_at) not in text


def test_the_demo_s_closed_meeting_is_consistent(signing_settings):
    call_command("seed_demo", stdout=io.StringIO())
    meeting = Meeting.objects.get(title=TITLE)
    start, end = meeting.started_at, meeting.ended_at
    assert meeting.state == Meeting.State.CLOSED
    assert start == meeting.starts_at  # it opened on time
    assert start < end and end > meeting.ends_at  # it ran over its plan
    moments = []
    for vote in Vote.objects.filter(meeting=meeting):
        moments += [vote.opened_at, vote.closed_at]
    for request in SpeakerRequest.objects.filter(meeting=meeting):
        moments += [request.requested_at, request.started_at, request.ended_at]
    for state in ItemState.objects.filter(item__meeting=meeting):
        moments += [state.opened_at, state.closed_at]
    assert len(moments) >= 9 and all(start < moment < end for moment in moments)
    assert all(a.checked_in_at <= start for a in Attendance.objects.filter(meeting=meeting))
    facts = Minutes.objects.get(meeting=meeting).facts
    assert dt.datetime.fromisoformat(facts["meeting"]["started_at"]) == start
    assert dt.datetime.fromisoformat(facts["meeting"]["ended_at"]) == end
    for item in facts["items"]:
        for vote in item["votes"]:
            opened = dt.datetime.fromisoformat(vote["opened_at"])
            closed = dt.datetime.fromisoformat(vote["closed_at"])
            assert start < opened < closed < end
        for speaker in item["speakers"]:
            assert start < dt.datetime.fromisoformat(speaker["started_at"]) < end
