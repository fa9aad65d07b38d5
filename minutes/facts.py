"""What the minutes say happened, read from the meeting's record.

`meeting_facts` is the machine-readable record that the PDF embeds as JSON and from
which the first draft is written: attendance and quorum, each item with its presenters,
speakers in order, votes with the rule applied, and the conclusions. It is read once,
when the draft is built, and kept on the minutes, so the signed PDF says what the
record said then.
"""

from __future__ import annotations

from typing import Any

from ecabinet.audit.models import AuditEntry
from meetings.models import LeaveRequest, Meeting, Participant
from meetings.models_live import Attendance, ItemState, SpeakerRequest
from people.collation import sort_by_person
from people.models import Body, User
from people.selectors import body_members
from voting.models import Vote
from voting.selectors import named_ballots

SCHEMA = "ecabinet.minutes/1"


def _person(user: User | None) -> dict[str, Any] | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.full_name or user.get_username(), "title": user.title}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _entry(meeting: Meeting, action: str) -> AuditEntry | None:
    return (
        AuditEntry.objects.filter(
            action=action, target_type="meetings.meeting", target_id=str(meeting.pk)
        )
        .order_by("-seq")
        .first()
    )


def closing_head(meeting: Meeting) -> str:
    """The audit chain's head right after the meeting closed: the hash of that entry."""
    entry = _entry(meeting, "meeting.closed")
    return entry.hash if entry else ""


def _attendance(meeting: Meeting) -> dict[str, Any]:
    attended = {
        a.user_id: a for a in Attendance.objects.filter(meeting=meeting).select_related("user")
    }
    leaves = {
        leave.member_id: leave
        for leave in meeting.leave_requests.filter(
            status=LeaveRequest.Status.APPROVED
        ).select_related("member", "deputy")
    }
    present, on_leave, absent, deputies, guests = [], [], [], [], []
    # The record lists people as the body ranks them, then by given name, in Vietnamese.
    participants = sort_by_person(
        meeting.participants.select_related("user", "on_behalf_of"),
        person=lambda p: p.user,
        body=meeting.body_id,
    )
    for p in participants:
        record = attended.get(p.user_id)
        line = _person(p.user)
        if record is not None:
            line["checked_in_at"] = _iso(record.checked_in_at)
        if p.kind == Participant.Kind.MEMBER:
            if record is not None:
                present.append(line)
            elif p.user_id in leaves:
                leave = leaves[p.user_id]
                line["reason"] = leave.reason
                line["deputy"] = _person(leave.deputy)
                on_leave.append(line)
            else:
                absent.append(line)
        elif p.kind == Participant.Kind.DEPUTY and record is not None:
            line["on_behalf_of"] = _person(p.on_behalf_of)
            deputies.append(line)
        elif p.kind == Participant.Kind.GUEST and record is not None:
            guests.append(line)
    return {
        "present": present,
        "on_leave": on_leave,
        "absent": absent,
        "deputies": deputies,
        "guests": guests,
    }


def _quorum(meeting: Meeting, attendance: dict[str, Any]) -> dict[str, Any]:
    """The figures the chair opened the session on (kept by the audit trail), and the
    seats filled over the session."""
    started = _entry(meeting, "meeting.started")
    at_start = dict((started.details or {}).get("quorum", {})) if started else {}
    members = set(body_members(body=meeting.body_id).values_list("pk", flat=True))
    seats = {p["id"] for p in attendance["present"]} | {
        p["on_behalf_of"]["id"] for p in attendance["deputies"] if p.get("on_behalf_of")
    }
    total = len(members)
    return {
        "at_start": at_start,
        "override_reason": (started.details or {}).get("quorum_override_reason", "")
        if started
        else "",
        "members": total,
        "seats_attended": len(seats & members),
        "needed": meeting.body.quorum_needed(total),
        "rule": f"{meeting.body.quorum_numerator}/{meeting.body.quorum_denominator}",
    }


def _vote(vote: Vote) -> dict[str, Any]:
    result = vote.result or {}
    entry = {
        "id": vote.pk,
        "question": vote.question,
        "mode": vote.mode,
        "state": vote.state,
        "opened_at": _iso(vote.opened_at),
        "closed_at": _iso(vote.closed_at),
        "rule": {
            "majority_base": vote.majority_base,
            "tie_break": vote.tie_break,
            "members_total": vote.members_total,
        },
        "result": result,
        "ballots": [],
    }
    if not vote.is_secret and vote.state == Vote.State.CLOSED:
        entry["ballots"] = [
            {
                "member": _person(b.member),
                "choice": b.choice,
                "cast_by": _person(b.cast_by) if b.cast_by_id != b.member_id else None,
            }
            for b in named_ballots(vote=vote)
        ]
    return entry


def _speakers(item) -> list[dict[str, Any]]:
    spoke = SpeakerRequest.objects.filter(
        item=item, state__in=[SpeakerRequest.State.DONE, SpeakerRequest.State.SPEAKING]
    ).select_related("user", "on_behalf_of")
    lines = []
    for request in spoke.order_by("started_at", "order"):
        line = _person(request.user)
        line["on_behalf_of"] = _person(request.on_behalf_of)
        line["started_at"], line["ended_at"] = _iso(request.started_at), _iso(request.ended_at)
        lines.append(line)
    return lines


def _items(meeting: Meeting) -> list[dict[str, Any]]:
    states = {s.item_id: s for s in ItemState.objects.filter(item__meeting=meeting)}
    votes: dict[int, list[Vote]] = {}
    for vote in Vote.objects.filter(meeting=meeting).order_by("opened_at", "id"):
        votes.setdefault(vote.item_id, []).append(vote)
    items = []
    for item in meeting.items.select_related("presenter", "minutes_of").order_by("order", "id"):
        state = states.get(item.pk)
        items.append(
            {
                "id": item.pk,
                "order": item.order,
                "title": item.title,
                "description": item.description,
                "presenting_agency": item.presenting_agency,
                "presenter": item.presenter_label,
                "state": state.state if state else "pending",
                "conclusion": state.conclusion if state else "",
                "minutes_of_meeting_id": item.minutes_of_id,
                "speakers": _speakers(item),
                "votes": [_vote(v) for v in votes.get(item.pk, [])],
            }
        )
    return items


def meeting_facts(*, meeting: Meeting) -> dict[str, Any]:
    attendance = _attendance(meeting)
    return {
        "schema": SCHEMA,
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "kind": meeting.kind,
            "body": {
                "id": meeting.body_id,
                "name": meeting.body.name,
                # Decree 30 heads the Government's papers "CHÍNH PHỦ".
                "heading": "Chính phủ"
                if meeting.body.kind == Body.Kind.GOVERNMENT
                else meeting.body.name,
            },
            "place": meeting.location,
            # The plan, then what happened: the minutes state the actual times.
            "starts_at": _iso(meeting.starts_at),
            "ends_at": _iso(meeting.ends_at),
            "started_at": _iso(meeting.started_at),
            "ended_at": _iso(meeting.ended_at),
        },
        "attendance": attendance,
        "quorum": _quorum(meeting, attendance),
        "items": _items(meeting),
        "audit_head_at_closing": closing_head(meeting),
    }
