"""Reading the minutes: for the page, the API and the export command."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from documents.services import version_open, version_read_original
from ecabinet.errors import NotFound
from meetings.access import MeetingAccess, meeting_access
from meetings.models import AgendaItem, Meeting
from minutes.models import Minutes, MinutesDraft
from people.models import User


def minutes_of(*, meeting: Meeting) -> list[Minutes]:
    """Every edition, the newest first."""
    return list(
        Minutes.objects.filter(meeting=meeting)
        .select_related("current_version", "document", "corrects")
        .order_by("-edition")
    )


# Enough for two years of monthly sessions; older minutes are long approved.
APPROVABLE_LIMIT = 24


def meetings_with_minutes_to_approve(*, meeting: Meeting) -> list[Meeting]:
    """The earlier closed meetings of the same body that have minutes and are not yet on
    this agenda for approval, the newest first: the choices for "approve the minutes of
    an earlier meeting". The caller has checked that the person prepares `meeting`."""
    linked = AgendaItem.objects.filter(meeting=meeting, minutes_of__isnull=False).values(
        "minutes_of"
    )
    return list(
        Meeting.objects.filter(
            body_id=meeting.body_id,
            state=Meeting.State.CLOSED,
            starts_at__lte=meeting.starts_at,
        )
        .filter(Exists(Minutes.objects.filter(meeting=OuterRef("pk"))))
        .exclude(pk=meeting.pk)
        .exclude(pk__in=linked)
        .order_by("-starts_at", "-pk")[:APPROVABLE_LIMIT]
    )


def meeting_find(*, meeting_id: int) -> Meeting | None:
    """A meeting by id, whoever may see it: the services decide who may use it."""
    return Meeting.objects.select_related("body").filter(pk=meeting_id).first()


def minutes_archived(*, meeting: Meeting) -> Minutes | None:
    """The edition in force: the newest signed and archived one."""
    return (
        Minutes.objects.filter(meeting=meeting, state=Minutes.State.ARCHIVED)
        .select_related("current_version", "meeting__body")
        .order_by("-edition")
        .first()
    )


def drafts_of(*, minutes: Minutes) -> list[MinutesDraft]:
    return list(minutes.drafts.select_related("saved_by").order_by("-number"))


def latest_draft(*, minutes: Minutes) -> MinutesDraft | None:
    return minutes.drafts.order_by("-number").first()


def minutes_get(*, actor: User, minutes_id: int) -> tuple[Minutes, MeetingAccess]:
    minutes = (
        Minutes.objects.select_related("meeting__body", "current_version", "corrects")
        .filter(pk=minutes_id)
        .first()
    )
    if minutes is None:
        raise NotFound(_("Minutes not found."))
    access = meeting_access(user=actor, meeting=minutes.meeting)
    if not access.can_view or access.is_guest:
        raise NotFound(_("Minutes not found."))
    return minutes, access


def meeting_for_minutes(*, actor: User, meeting_id: int) -> tuple[Meeting, MeetingAccess]:
    """The meeting, for someone who may read its minutes: not a guest, who sees only
    their own items."""
    meeting = Meeting.objects.select_related("body").filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound(_("Meeting not found."))
    access = meeting_access(user=actor, meeting=meeting)
    if not access.can_view or access.is_guest:
        raise NotFound(_("Meeting not found."))
    return meeting, access


@dataclass(frozen=True)
class Permissions:
    edit: bool
    sign_secretary: bool
    sign_chair: bool
    seal: bool


def permissions(*, actor: User, minutes: Minutes, access: MeetingAccess) -> Permissions:
    named = minutes.facts.get("signers") or {}
    state = minutes.state
    return Permissions(
        edit=access.can_manage and state == Minutes.State.DRAFTING,
        sign_secretary=state == Minutes.State.SECRETARY
        and (named.get("secretary") or {}).get("id") == actor.pk,
        sign_chair=state == Minutes.State.CHAIR
        and access.can_chair
        and (named.get("chair") or {}).get("id") == actor.pk,
        seal=state == Minutes.State.SEAL and access.can_manage,
    )


def minutes_summary(minutes: Minutes) -> dict[str, Any]:
    version = minutes.current_version
    return {
        "id": minutes.pk,
        "meeting_id": minutes.meeting_id,
        "edition": minutes.edition,
        "corrects": minutes.corrects_id,
        "state": minutes.state,
        "number_symbol": minutes.number_symbol,
        "signers": minutes.facts.get("signers") or {},
        "audit_head": minutes.audit_head,
        "version": version.number if version else None,
        "sha256": version.sha256 if version else None,
        "archive_record_id": minutes.archive_record_id,
        "issued_at": minutes.issued_at.isoformat() if minutes.issued_at else None,
        "archived_at": minutes.archived_at.isoformat() if minutes.archived_at else None,
    }


def minutes_pdf(*, actor: User, minutes: Minutes):
    """The issued or signed PDF as it stands, for a reader of the meeting (audited)."""
    if minutes.current_version is None:
        raise NotFound(_("The minutes have not been issued yet."))
    return version_open(
        actor=actor, version=minutes.current_version, context={"minutes_id": minutes.pk}
    )


def minutes_export_bytes(*, meeting_id: int) -> bytes:
    """The archived, signed PDF byte for byte (checked against its SHA-256), for the
    export command run by the operator."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    minutes = minutes_archived(meeting=meeting) if meeting else None
    if minutes is None:
        raise NotFound(_("This meeting has no signed, archived minutes."))
    return version_read_original(actor=None, version=minutes.current_version, purpose="export")
