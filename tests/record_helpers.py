"""A meeting held through the real services, planned at given times, for the tests of
the record (dates, minutes times, the meeting page after the close). No tests here."""

from __future__ import annotations

import datetime as dt

from meetings import live, live_speakers
from meetings import services as meetings
from meetings.models import Meeting, Participant
from tests.minutes_helpers import tally_at_every_ballot
from voting import services as voting

CONCLUSION = "Thống nhất thông qua dự thảo Nghị định, giao Bộ Tài chính hoàn thiện."
QUESTION = "Thông qua dự thảo Nghị định?"


def planned_meeting(cabinet, *, starts_at: dt.datetime, ends_at: dt.datetime) -> Meeting:
    meeting = meetings.meeting_create(
        actor=cabinet.secretary,
        body=cabinet.body,
        title="Phiên họp Chính phủ thường kỳ tháng 12",
        starts_at=starts_at,
        ends_at=ends_at,
        location="Hà Nội",
    )
    for n in range(2):
        meetings.item_add(
            actor=cabinet.secretary,
            meeting=meeting,
            title=f"Nội dung {n + 1}",
            presenting_agency="Bộ Tài chính",
        )
    return meetings.meeting_publish(actor=cabinet.secretary, meeting=meeting)


def hold(cabinet, meeting: Meeting) -> Meeting:
    """Everyone checks in; item 1 hears a speaker, votes 4 to 1 and is concluded; item 2
    is never reached; the chair closes the meeting."""
    members = meeting.participants.filter(kind=Participant.Kind.MEMBER)
    for user_id in members.values_list("user_id", flat=True):
        live.attendance_mark(
            actor=cabinet.secretary, meeting=meeting, user_id=user_id, present=True
        )
    meeting = meetings.meeting_start(actor=cabinet.chair, meeting=meeting)
    item = meeting.items.order_by("order").first()
    live.item_open(actor=cabinet.chair, item=item)
    live_speakers.speaker_request(actor=cabinet.minister, item=item)
    live_speakers.speaker_next(actor=cabinet.chair, meeting=meeting)
    live_speakers.speaker_finish(actor=cabinet.chair, meeting=meeting)
    vote = voting.vote_open(actor=cabinet.chair, item=item, question=QUESTION)
    with tally_at_every_ballot():
        for n, member in enumerate(cabinet.members[:5]):
            voting.ballot_cast(actor=member, vote_id=vote.pk, choice="no" if n == 4 else "yes")
    voting.vote_close(actor=cabinet.chair, vote_id=vote.pk)
    live.item_close(actor=cabinet.chair, item=item, conclusion=CONCLUSION)
    return meetings.meeting_close(actor=cabinet.chair, meeting=meeting)
