"""A meeting run through the real services, for the minutes tests (no tests here)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta

from meetings import live as live_services
from meetings import live_speakers
from meetings import services as meeting_services
from meetings.models import Meeting, Participant
from minutes import services
from minutes.models import Minutes
from voting import services as voting_services

CONCLUSION = "Thống nhất thông qua dự thảo Nghị định, giao Bộ Tài chính hoàn thiện."


@contextmanager
def tally_at_every_ballot():
    """Each ballot pushes its tally at once. A burst of ballots from one thread would
    otherwise arm a trailing push on a timer thread, whose write on the shared in-memory
    SQLite of a transactional test collides with this thread's next one ("database table
    is locked")."""
    interval = voting_services.TALLY_INTERVAL
    voting_services.TALLY_INTERVAL = timedelta(0)
    try:
        yield
    finally:
        voting_services.TALLY_INTERVAL = interval


def run_meeting(cabinet, *, items: int = 2) -> Meeting:
    """Publish, take leave and attendance, start, discuss item 1 with a speaker and a
    named vote, conclude it, and close the meeting."""
    from tests.factories import deputy_of, make_meeting

    meeting = make_meeting(cabinet.body, cabinet.secretary, items=items, publish=True)
    away = cabinet.members[5]
    # A deputy of the absent minister's own ministry (people/eligibility.py).
    deputy = deputy_of(away, cabinet.body, "thutruong5", full_name="Lê Văn Phó")
    leave = meeting_services.leave_request(
        actor=away, meeting=meeting, reason="Công tác nước ngoài", deputy=deputy
    )
    meeting_services.leave_decide(actor=cabinet.chair, leave=leave, approve=True)
    for user_id in meeting.participants.filter(kind=Participant.Kind.MEMBER).values_list(
        "user_id", flat=True
    ):
        if user_id != away.pk:
            live_services.attendance_mark(
                actor=cabinet.secretary, meeting=meeting, user_id=user_id, present=True
            )
    if meeting.participants.filter(user=deputy).exists():
        live_services.attendance_mark(
            actor=cabinet.secretary, meeting=meeting, user_id=deputy.pk, present=True
        )
    meeting = meeting_services.meeting_start(actor=cabinet.chair, meeting=meeting)
    item = meeting.items.order_by("order").first()
    live_services.item_open(actor=cabinet.chair, item=item)
    live_speakers.speaker_request(actor=cabinet.minister, item=item)
    live_speakers.speaker_next(actor=cabinet.chair, meeting=meeting)
    live_speakers.speaker_finish(actor=cabinet.chair, meeting=meeting)
    vote = voting_services.vote_open(actor=cabinet.chair, item=item, question="Thông qua dự thảo?")
    with tally_at_every_ballot():
        for n, member in enumerate(cabinet.members[:5]):
            choice = "no" if n == 4 else "yes"
            voting_services.ballot_cast(actor=member, vote_id=vote.pk, choice=choice)
    voting_services.vote_close(actor=cabinet.chair, vote_id=vote.pk)
    live_services.item_close(actor=cabinet.chair, item=item, conclusion=CONCLUSION)
    return meeting_services.meeting_close(actor=cabinet.chair, meeting=meeting)


def drafted(cabinet) -> Minutes:
    meeting = run_meeting(cabinet)
    return Minutes.objects.get(meeting=meeting)  # built as the meeting closed


def issued(cabinet) -> Minutes:
    minutes = drafted(cabinet)
    return services.minutes_issue(actor=cabinet.secretary, minutes=minutes)
