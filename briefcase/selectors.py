"""Reads: a person's devices, the secretariat's view of its members' devices, and the
briefcase manifest (what the app on a device keeps for reading offline).

The manifest asks meetings (meetings.access, meetings.selectors) who sees what; it adds
only what the briefcase decides: Mật and above never go offline.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from briefcase.models import Device, parse_device_id
from documents.models import DocumentVersion
from meetings.access import meeting_access
from meetings.models import AgendaItem, Meeting, MeetingPaper, Participant, Position
from meetings.selectors import meetings_visible_to
from people.collation import sort_people
from people.models import Body, Membership, Role, User

# Who a meeting's briefcase is for: those invited to take part (guests item by item).
INVITED = [Participant.Kind.MEMBER, Participant.Kind.DEPUTY, Participant.Kind.GUEST]
UPCOMING = [Meeting.State.PUBLISHED, Meeting.State.IN_PROGRESS]


def devices_of(*, user: User) -> QuerySet[Device]:
    return (
        Device.objects.filter(user=user)
        .select_related("revoked_by")
        .order_by("revoked_at", "-created_at", "-id")
    )


def device_of(*, user: User, device_id: Any) -> Device | None:
    public_id = parse_device_id(device_id)
    if public_id is None:
        return None
    return Device.objects.filter(user=user, public_id=public_id).first()


def device_state(*, device_id: Any) -> str | None:
    """ "active" or "revoked"; None for no such device. Nothing about its person."""
    public_id = parse_device_id(device_id)
    if public_id is None:
        return None
    found = Device.objects.filter(public_id=public_id).values_list("revoked_at", flat=True)
    if not found:
        return None
    return "revoked" if found[0] else "active"


def bodies_managed_by(*, user: User) -> QuerySet[Body]:
    """The bodies whose secretariat this person is."""
    if not user.is_authenticated:
        return Body.objects.none()
    return Body.objects.filter(
        memberships__user=user,
        memberships__role=Role.SECRETARIAT,
        memberships__is_active=True,
    ).distinct()


@dataclass
class PersonDevices:
    person: User
    devices: list[Device]


def member_devices(*, body: Body) -> list[PersonDevices]:
    """Everyone serving in the body, in protocol order, with their devices
    (people without a device are listed too: the page says they have none)."""
    people = list(
        User.objects.filter(
            pk__in=Membership.objects.filter(body=body, is_active=True).values("user_id")
        )
    )
    devices: dict[int, list[Device]] = defaultdict(list)
    for device in Device.objects.filter(user__in=people).select_related("revoked_by"):
        devices[device.user_id].append(device)
    return [
        PersonDevices(person, sorted(devices[person.pk], key=_device_order))
        for person in sort_people(people, body=body)
    ]


def _device_order(device: Device) -> tuple:
    return (device.revoked_at is not None, -device.created_at.timestamp())


# --- The manifest ---------------------------------------------------------------------


def briefcase_meetings(*, user: User) -> QuerySet[Meeting]:
    """The meetings the person is invited to that are still ahead or under way."""
    invited = Participant.objects.filter(user=user, kind__in=INVITED).values("meeting_id")
    return (
        meetings_visible_to(user=user)
        .filter(state__in=UPCOMING, pk__in=invited)
        .order_by("starts_at", "id")
    )


def not_offline_reason(paper: MeetingPaper) -> str:
    if paper.document.is_confidential:
        return _("Papers marked Mật or above are never kept offline.")
    return ""


def _current(paper: MeetingPaper) -> DocumentVersion | None:
    versions = paper.document.current_versions
    return versions[0] if versions else None


def _paper_entry(paper: MeetingPaper) -> dict[str, Any] | None:
    version = _current(paper)
    if version is None:
        return None
    document = paper.document
    reason = not_offline_reason(paper)
    return {
        "id": paper.pk,
        "item_id": paper.item_id,
        "title": document.summary,
        "version": version.number,
        "sha256": version.sha256,
        "size": version.size,
        "page_count": version.page_count,
        "confidentiality": document.confidentiality,
        "urgency": document.urgency,
        "offline": not reason,
        "reason": reason,
        "file_url": f"/api/papers/{paper.pk}/file?v={version.number}",
    }


def _meeting_entry(meeting: Meeting, user: User) -> dict[str, Any] | None:
    access = meeting_access(user=user, meeting=meeting)
    if not access.can_view:
        return None
    items = list(meeting.items.order_by("order", "id"))
    if access.visible_item_ids is not None:
        items = [i for i in items if i.pk in access.visible_item_ids]
    item_ids = {i.pk for i in items}
    positions: dict[int, Position] = {}
    if access.acting_for is not None:
        positions = {
            p.item_id: p
            for p in Position.objects.filter(item__meeting=meeting, member=access.acting_for)
        }
    papers = (
        MeetingPaper.objects.filter(meeting=meeting)
        .select_related("document")
        .prefetch_related(
            Prefetch(
                "document__versions",
                queryset=DocumentVersion.objects.order_by("-number"),
                to_attr="current_versions",
            )
        )
        .order_by("item__order", "id")
    )
    paper_entries = []
    for paper in papers:
        # Guests: only the papers of their items; papers for the whole meeting are not
        # theirs (meetings.access.paper_can_open says the same).
        if paper.item_id is None and access.is_guest:
            continue
        if paper.item_id is not None and paper.item_id not in item_ids:
            continue
        entry = _paper_entry(paper)
        if entry is not None:
            paper_entries.append(entry)
    can_mark = access.can_mark_positions
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "location": meeting.location,
        "state": meeting.state,
        "body": meeting.body.name,
        "url": reverse("meetings:detail", args=[meeting.pk]),
        "items": [_item_entry(item, positions.get(item.pk), can_mark) for item in items],
        "papers": paper_entries,
    }


def _item_entry(item: AgendaItem, position: Position | None, can_mark: bool) -> dict[str, Any]:
    return {
        "id": item.pk,
        "number": item.order,
        "title": item.title,
        "presenting_agency": item.presenting_agency,
        "position": {"value": position.stance, "note": position.comment} if position else None,
        "can_mark_position": can_mark,
    }


def briefcase_manifest(*, user: User) -> dict[str, Any]:
    """What the app keeps for this person: their upcoming meetings, each with the items
    they see and the current version of every paper (Mật and above listed, not kept)."""
    meetings = [
        entry
        for meeting in briefcase_meetings(user=user)
        if (entry := _meeting_entry(meeting, user)) is not None
    ]
    return {
        "offline_hours": settings.BRIEFCASE_OFFLINE_HOURS,
        "generated_at": timezone.now(),
        "meetings": meetings,
    }
