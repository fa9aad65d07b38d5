"""Duty: papers still unread before a meeting (read receipts, meetings/reading.py)."""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from documents.models import DocumentVersion
from documents.services import confidential_open_q
from ecabinet.templatetags.deadlines import time_left
from meetings.models import Meeting, MeetingPaper, PaperReading, Participant
from people.models import User
from worklist.duties import Duty, urgency_of


def _unread_papers(user: User) -> QuerySet[MeetingPaper]:
    """Papers of the participant's meeting that this person may open and has not opened
    in their latest version (a new version asks to be read again)."""
    latest = (
        DocumentVersion.objects.filter(document=OuterRef("document"))
        .order_by("-number")
        .values("pk")[:1]
    )
    opened = PaperReading.objects.filter(
        paper=OuterRef("pk"), user=user, version=OuterRef("latest")
    )
    return (
        MeetingPaper.objects.filter(meeting=OuterRef("meeting"))
        .filter(confidential_open_q(user=user, prefix="document__"))
        .annotate(latest=Subquery(latest))
        .filter(~Exists(opened))
    )


def unread_papers_pending(user: User) -> QuerySet[Participant]:
    """The person's seats (member or deputy) in published meetings with a paper unread."""
    return Participant.objects.filter(
        user=user,
        kind__in=[Participant.Kind.MEMBER, Participant.Kind.DEPUTY],
        meeting__state=Meeting.State.PUBLISHED,
    ).filter(Exists(_unread_papers(user)))


def unread_papers_build(user: User, participants: QuerySet[Participant]) -> list[Duty]:
    unread = (
        _unread_papers(user)
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk", distinct=True))
        .values("n")
    )
    rows = participants.annotate(
        unread=Subquery(unread, output_field=IntegerField())
    ).select_related("meeting")
    duties = []
    for row in rows:
        meeting = row.meeting
        detail = _("Papers not opened yet: %(n)d") % {"n": row.unread}
        detail += " · " + _("the meeting starts in %(left)s") % {
            "left": time_left(meeting.starts_at)
        }
        duties.append(
            Duty(
                kind="papers_unread",
                title=meeting.title,
                action=_("Read the papers"),
                detail=detail,
                url=reverse("meetings:detail", args=[meeting.pk]) + "#agenda-h",
                at=meeting.published_at or meeting.created_at,
                due=meeting.starts_at,
                urgency=urgency_of(meeting.starts_at),
            )
        )
    return duties
