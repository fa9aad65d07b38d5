"""Every change to a meeting goes through here: checked, audited, and announced."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import IO

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.models import Confidentiality, DocumentVersion, Urgency
from documents.services import (
    document_add_version,
    document_create,
    upload_prepare,
    version_open,
)
from ecabinet import audit
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from ecabinet.realtime.events import publish
from meetings import live
from meetings.access import (
    ensure_can_chair,
    ensure_can_manage,
    ensure_can_open_paper,
    ensure_can_see_item,
    ensure_can_view,
)
from meetings.events import AgendaChanged, MeetingStateChanged
from meetings.models import (
    AgendaItem,
    LeaveRequest,
    Meeting,
    MeetingPaper,
    Participant,
    Position,
)
from meetings.reading import reading_store
from meetings.realtime import access_changed
from meetings.selectors import meeting_quorum
from notifications.services import notifications_settle, notify
from people.eligibility import ensure_may_deputise, ensure_may_present
from people.models import Body, Role, User
from people.selectors import body_chair, body_members, user_has_role, user_roles

# --- Meetings ---------------------------------------------------------------


def _lock(meeting: Meeting) -> Meeting:
    return Meeting.objects.select_for_update().select_related("body").get(pk=meeting.pk)


def _ensure_agenda_editable(meeting: Meeting) -> None:
    if not meeting.agenda_is_editable:
        raise Conflict(
            _("The meeting is %(state)s; its agenda can no longer be changed.")
            % {"state": meeting.get_state_display().lower()}
        )


def _validate_times(starts_at: datetime | None, ends_at: datetime | None) -> None:
    if starts_at is None:
        raise Invalid(_("The start time is required."), fields={"starts_at": [_("Required.")]})
    if ends_at is not None and ends_at <= starts_at:
        message = _("The meeting must end after it starts.")
        raise Invalid(message, fields={"ends_at": [message]})


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    body: Body,
    title: str,
    starts_at: datetime,
    kind: str = Meeting.Kind.REGULAR,
    ends_at: datetime | None = None,
    location: str = "",
    is_online: bool = False,
    online_link: str = "",
) -> Meeting:
    """Create a draft meeting and invite every member of the body."""
    if not user_has_role(user=actor, body_id=body.pk, roles={Role.SECRETARIAT}):
        raise NotAllowed(_("Only the secretariat can create meetings of this body."))
    if not title.strip():
        raise Invalid(_("The title is required."), fields={"title": [_("Required.")]})
    if kind not in Meeting.Kind.values:
        raise Invalid(_("Unknown kind of meeting."), fields={"kind": [_("Choose from the list.")]})
    _validate_times(starts_at, ends_at)
    meeting = Meeting.objects.create(
        body=body,
        title=title.strip(),
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        location=location.strip() or body.place,
        is_online=is_online,
        online_link=online_link.strip(),
        created_by=actor,
    )
    Participant.objects.bulk_create(
        Participant(meeting=meeting, user=member, kind=Participant.Kind.MEMBER, may_vote=True)
        for member in body_members(body=body)
    )
    audit.record(
        actor=actor,
        action="meeting.created",
        target=meeting,
        details={"kind": kind, "starts_at": starts_at, "title": meeting.title},
    )
    return meeting


@transaction.atomic
def meeting_update(*, actor: User, meeting: Meeting, **changes) -> Meeting:
    meeting = _lock(meeting)
    ensure_can_manage(user=actor, meeting=meeting)
    _ensure_agenda_editable(meeting)
    allowed = {"title", "kind", "starts_at", "ends_at", "location", "is_online", "online_link"}
    unknown = set(changes) - allowed
    if unknown:
        raise Invalid(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    if "kind" in changes and changes["kind"] not in Meeting.Kind.values:
        raise Invalid(_("Unknown kind of meeting."), fields={"kind": [_("Choose from the list.")]})
    if "title" in changes and not str(changes["title"]).strip():
        raise Invalid(_("The title is required."), fields={"title": [_("Required.")]})
    _validate_times(
        changes.get("starts_at", meeting.starts_at), changes.get("ends_at", meeting.ends_at)
    )
    before = {name: getattr(meeting, name) for name in changes}
    for name, value in changes.items():
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    meeting.save()
    changed = {
        k: [before[k], getattr(meeting, k)] for k in changes if before[k] != getattr(meeting, k)
    }
    if changed:
        audit.record(actor=actor, action="meeting.updated", target=meeting, details=changed)
    return meeting


def _transition(meeting: Meeting, state: str) -> None:
    if not meeting.can_move_to(state):
        raise Conflict(
            _("A meeting that is %(current)s cannot become %(target)s.")
            % {
                "current": meeting.get_state_display().lower(),
                "target": Meeting.State(state).label.lower(),
            }
        )
    meeting.state = state


def meeting_audience(*, meeting: Meeting) -> list[User]:
    """Everyone to tell about the meeting: participants and the assistants of members."""
    people = {p.user_id: p.user for p in meeting.participants.select_related("user")}
    member_ids = list(
        meeting.participants.filter(kind=Participant.Kind.MEMBER).values_list("user_id", flat=True)
    )
    assistants = User.objects.filter(
        memberships__body_id=meeting.body_id,
        memberships__role=Role.ASSISTANT,
        memberships__assists_id__in=member_ids,
        memberships__is_active=True,
    )
    for user in assistants:
        people.setdefault(user.pk, user)
    return list(people.values())


@transaction.atomic
def meeting_publish(*, actor: User, meeting: Meeting) -> Meeting:
    meeting = _lock(meeting)
    ensure_can_manage(user=actor, meeting=meeting)
    if meeting.state == Meeting.State.DRAFT and not meeting.items.exists():
        raise Conflict(_("Add at least one agenda item before publishing."))
    _transition(meeting, Meeting.State.PUBLISHED)
    meeting.published_at = timezone.now()
    meeting.save(update_fields=["state", "published_at"])
    audience = meeting_audience(meeting=meeting)
    audit.record(
        actor=actor,
        action="meeting.published",
        target=meeting,
        details={"notified": len(audience)},
    )
    _announce_state(meeting)
    notify(
        recipients=audience,
        kind="meeting.published",
        data={
            "body": meeting.body.name,
            "meeting": meeting.title,
            "starts_at": meeting.starts_at,
            "place": meeting.location,
        },
        subject=f"meeting:{meeting.pk}",
        url=reverse("meetings:detail", args=[meeting.pk]),
    )
    return meeting


@transaction.atomic
def meeting_start(*, actor: User, meeting: Meeting, override_reason: str = "") -> Meeting:
    """Open the session. Without a quorum the chair must say why it goes ahead anyway;
    the reason and the figures are kept in the audit trail."""
    meeting = _lock(meeting)
    ensure_can_chair(user=actor, meeting=meeting)
    _transition(meeting, Meeting.State.IN_PROGRESS)
    quorum = meeting_quorum(meeting=meeting)
    override_reason = (override_reason or "").strip()
    if not quorum["reached"] and not override_reason:
        raise Conflict(
            _(
                "No quorum: %(present)d of %(members)d members are present, %(needed)d are "
                "needed. Give a reason to start anyway."
            )
            % quorum
        )
    meeting.started_at = timezone.now()
    meeting.save(update_fields=["state", "started_at"])
    details = {"quorum": quorum}
    if not quorum["reached"]:
        details["quorum_override_reason"] = override_reason
    audit.record(actor=actor, action="meeting.started", target=meeting, details=details)
    _announce_state(meeting)
    live.room_open(meeting=meeting, override_reason="" if quorum["reached"] else override_reason)
    return meeting


@transaction.atomic
def meeting_close(*, actor: User, meeting: Meeting) -> Meeting:
    """End the session: the last speaker stops, then the meeting is closed."""
    meeting = _lock(meeting)
    ensure_can_chair(user=actor, meeting=meeting)
    _transition(meeting, Meeting.State.CLOSED)
    live.room_close(meeting=meeting)
    meeting.ended_at = timezone.now()
    meeting.ends_at = meeting.ends_at or meeting.ended_at  # a plan left open ends here
    meeting.save(update_fields=["state", "ends_at", "ended_at"])
    audit.record(actor=actor, action="meeting.closed", target=meeting)
    for hook in _closed_hooks:
        hook(actor=actor, meeting=meeting)
    _announce_state(meeting)
    return meeting


# Apps above meetings that act in the closing's own transaction register here, from their
# AppConfig.ready(): voting refuses to close over an open vote (a hook that raises rolls the
# closing back); the minutes app builds the first draft of the minutes from the record.
# One explicit list that meeting_close runs, rather than a signal nobody sees being sent.
_closed_hooks: list[Callable[..., object]] = []


def meeting_closed_hook_add(hook: Callable[..., object]) -> None:
    """Run `hook(actor=, meeting=)` whenever a meeting closes, inside that transaction."""
    if hook not in _closed_hooks:
        _closed_hooks.append(hook)


def _announce_state(meeting: Meeting) -> None:
    publish(meeting_id=meeting.pk, event=MeetingStateChanged(meeting.pk, meeting.state))


def _announce_agenda(meeting: Meeting) -> None:
    if meeting.state == Meeting.State.DRAFT:
        return  # nobody but the secretariat and the chair sees a draft
    item_ids = list(meeting.items.order_by("order", "id").values_list("pk", flat=True))
    publish(meeting_id=meeting.pk, event=AgendaChanged(meeting.pk, item_ids))


# --- Agenda -----------------------------------------------------------------

ITEM_FIELDS = {
    "title",
    "description",
    "presenting_agency",
    "presenter",
    "presenter_name",
    "duration_minutes",
}


def _check_presenter(fields: dict, meeting: Meeting, item: AgendaItem | None = None) -> None:
    """The presenter speaks for the item's agency (people/eligibility.py). Naming only a
    presenter fills in their agency."""
    presenter = fields["presenter"] if "presenter" in fields else getattr(item, "presenter", None)
    if presenter is None:
        return
    if "presenting_agency" in fields:
        agency = str(fields["presenting_agency"] or "").strip()
    else:
        agency = item.presenting_agency if item else ""
    if not agency and presenter.organisation.strip():
        agency = fields["presenting_agency"] = presenter.organisation.strip()
    ensure_may_present(body=meeting.body, agency=agency, presenter=presenter)


def _validate_item(fields: dict, meeting: Meeting) -> None:
    errors: dict[str, list[str]] = {}
    if "title" in fields and not str(fields["title"]).strip():
        errors["title"] = [_("The title is required.")]
    duration = fields.get("duration_minutes")
    if duration is not None and not (1 <= int(duration) <= 600):
        errors["duration_minutes"] = [_("Between 1 and 600 minutes.")]
    if errors:
        raise Invalid(_("Some agenda item details are wrong."), fields=errors)


@transaction.atomic
def item_add(*, actor: User, meeting: Meeting, title: str, **fields) -> AgendaItem:
    meeting = _lock(meeting)
    ensure_can_manage(user=actor, meeting=meeting)
    _ensure_agenda_editable(meeting)
    unknown = set(fields) - ITEM_FIELDS
    if unknown:
        raise Invalid(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    _validate_item({"title": title, **fields}, meeting)
    _check_presenter(fields, meeting)
    last = meeting.items.aggregate(m=Max("order"))["m"] or 0
    item = AgendaItem.objects.create(meeting=meeting, order=last + 1, title=title.strip(), **fields)
    audit.record(
        actor=actor,
        action="agenda.item_added",
        target=item,
        body_id=meeting.body_id,
        details={"meeting_id": meeting.pk, "order": item.order, "title": item.title},
    )
    _announce_agenda(meeting)
    return item


@transaction.atomic
def item_update(*, actor: User, item: AgendaItem, **changes) -> AgendaItem:
    meeting = _lock(item.meeting)
    ensure_can_manage(user=actor, meeting=meeting)
    _ensure_agenda_editable(meeting)
    unknown = set(changes) - ITEM_FIELDS
    if unknown:
        raise Invalid(_("Unknown fields: %s") % ", ".join(sorted(unknown)))
    _validate_item(changes, meeting)
    item = AgendaItem.objects.select_related("presenter").get(pk=item.pk)
    if {"presenter", "presenting_agency"} & set(changes):
        _check_presenter(changes, meeting, item)
    for name, value in changes.items():
        setattr(item, name, value.strip() if isinstance(value, str) else value)
    item.save()
    audit.record(
        actor=actor,
        action="agenda.item_updated",
        target=item,
        body_id=meeting.body_id,
        details={"meeting_id": meeting.pk, "fields": sorted(changes)},
    )
    _announce_agenda(meeting)
    return item


@transaction.atomic
def item_delete(*, actor: User, item: AgendaItem) -> None:
    meeting = _lock(item.meeting)
    ensure_can_manage(user=actor, meeting=meeting)
    _ensure_agenda_editable(meeting)
    if meeting.state != Meeting.State.DRAFT and meeting.items.count() == 1:
        raise Conflict(_("A published meeting must keep at least one agenda item."))
    audit.record(
        actor=actor,
        action="agenda.item_deleted",
        target=item,
        body_id=meeting.body_id,
        details={"meeting_id": meeting.pk, "title": item.title},
    )
    MeetingPaper.objects.filter(item=item).update(item=None)
    item.delete()
    _renumber(meeting)
    _announce_agenda(meeting)


def _renumber(meeting: Meeting) -> None:
    for index, item in enumerate(meeting.items.order_by("order", "id"), start=1):
        if item.order != index:
            AgendaItem.objects.filter(pk=item.pk).update(order=index)


@transaction.atomic
def item_move(*, actor: User, item: AgendaItem, to_position: int) -> AgendaItem:
    """Move an item to a 1-based position in the agenda; the others shift."""
    meeting = _lock(item.meeting)
    ensure_can_manage(user=actor, meeting=meeting)
    _ensure_agenda_editable(meeting)
    items = list(meeting.items.order_by("order", "id"))
    if not 1 <= to_position <= len(items):
        raise Invalid(_("Position must be between 1 and %d.") % len(items))
    moving = next(i for i in items if i.pk == item.pk)
    items.remove(moving)
    items.insert(to_position - 1, moving)
    for index, each in enumerate(items, start=1):
        if each.order != index:
            AgendaItem.objects.filter(pk=each.pk).update(order=index)
    audit.record(
        actor=actor,
        action="agenda.item_moved",
        target=moving,
        body_id=meeting.body_id,
        details={"meeting_id": meeting.pk, "to": to_position},
    )
    moving.refresh_from_db()
    _announce_agenda(meeting)
    return moving


# --- Participants -----------------------------------------------------------


@transaction.atomic
def guest_invite(
    *, actor: User, meeting: Meeting, user: User, items: list[AgendaItem]
) -> Participant:
    """Invite a guest to some items only. Guests never vote."""
    meeting = _lock(meeting)
    ensure_can_manage(user=actor, meeting=meeting)
    _ensure_agenda_editable(meeting)
    if not user_roles(user=user, body_id=meeting.body_id):
        raise Invalid(
            _("%(name)s is not registered with %(body)s; register them as a guest first.")
            % {"name": user, "body": meeting.body}
        )
    if not items:
        raise Invalid(_("Choose at least one agenda item for the guest."))
    if any(item.meeting_id != meeting.pk for item in items):
        raise Invalid(_("Those items belong to another meeting."))
    participant, created = Participant.objects.get_or_create(
        meeting=meeting, user=user, defaults={"kind": Participant.Kind.GUEST}
    )
    if participant.kind != Participant.Kind.GUEST:
        raise Conflict(
            _("%(name)s already takes part as %(kind)s.")
            % {"name": user, "kind": participant.get_kind_display().lower()}
        )
    participant.items.add(*items)
    access_changed(user_id=user.pk)  # an open socket learns the items it may now see
    audit.record(
        actor=actor,
        action="meeting.guest_invited",
        target=participant,
        body_id=meeting.body_id,
        details={
            "meeting_id": meeting.pk,
            "user": user.get_username(),
            "items": sorted(i.pk for i in items),
        },
    )
    if meeting.state == Meeting.State.PUBLISHED:
        notify(
            recipients=[user],
            kind="meeting.invited",
            data={"meeting": meeting.title, "items": [i.title for i in items]},
            subject=f"meeting:{meeting.pk}",
            url=reverse("meetings:detail", args=[meeting.pk]),
        )
    return participant


@transaction.atomic
def participant_remove(*, actor: User, participant: Participant) -> None:
    meeting = _lock(participant.meeting)
    ensure_can_manage(user=actor, meeting=meeting)
    _ensure_agenda_editable(meeting)
    audit.record(
        actor=actor,
        action="meeting.participant_removed",
        target=participant,
        body_id=meeting.body_id,
        details={
            "meeting_id": meeting.pk,
            "user": participant.user.get_username(),
            "kind": participant.kind,
        },
    )
    participant.delete()
    access_changed(user_id=participant.user_id)


# --- Papers -----------------------------------------------------------------


def paper_add(
    *,
    actor: User,
    meeting: Meeting,
    file: IO[bytes],
    filename: str,
    doc_type: str,
    summary: str,
    issuing_body: str,
    item: AgendaItem | None = None,
    number_symbol: str = "",
    issued_date: date | None = None,
    confidentiality: str = Confidentiality.NORMAL,
    urgency: str = Urgency.NORMAL,
    recipients: list[User] | None = None,
) -> MeetingPaper:
    # A Word paper is converted before the transaction: LibreOffice takes seconds, and
    # the meeting's row (and SQLite's write lock) must not wait for it. Checked before
    # and again under the lock, so nobody unauthorised makes the server convert.
    ensure_can_manage(user=actor, meeting=meeting)
    _ensure_agenda_editable(meeting)
    upload = upload_prepare(file=file, filename=filename)
    with transaction.atomic():
        return _paper_store(
            actor=actor,
            meeting=meeting,
            upload=upload,
            filename=filename,
            item=item,
            recipients=recipients,
            metadata={
                "doc_type": doc_type,
                "summary": summary,
                "issuing_body": issuing_body,
                "number_symbol": number_symbol,
                "issued_date": issued_date,
                "confidentiality": confidentiality,
                "urgency": urgency,
            },
        )


def _paper_store(*, actor, meeting, upload, filename, item, recipients, metadata) -> MeetingPaper:
    meeting = _lock(meeting)
    ensure_can_manage(user=actor, meeting=meeting)
    _ensure_agenda_editable(meeting)
    if item is not None and item.meeting_id != meeting.pk:
        raise Invalid(_("That agenda item belongs to another meeting."))
    for person in recipients or []:
        if not user_roles(user=person, body_id=meeting.body_id):
            raise Invalid(
                _("%(name)s is not a person of %(body)s.") % {"name": person, "body": meeting.body},
                fields={"recipients": [_("Recipients must be people of this body.")]},
            )
    document = document_create(
        actor=actor,
        body=meeting.body,
        file=upload,
        filename=filename,
        issued_place=meeting.body.place,
        recipients=recipients,
        **metadata,
    )
    paper = MeetingPaper.objects.create(meeting=meeting, item=item, document=document)
    audit.record(
        actor=actor,
        action="meeting.paper_added",
        target=paper,
        body_id=meeting.body_id,
        details={
            "meeting_id": meeting.pk,
            "item_id": item.pk if item else None,
            "document_id": document.pk,
        },
    )
    return paper


def paper_add_version(
    *, actor: User, paper: MeetingPaper, file: IO[bytes], filename: str, note: str = ""
) -> DocumentVersion:
    ensure_can_manage(user=actor, meeting=paper.meeting)  # and again under the lock
    upload = upload_prepare(file=file, filename=filename)  # before the transaction
    with transaction.atomic():
        meeting = _lock(paper.meeting)
        ensure_can_manage(user=actor, meeting=meeting)
        _ensure_agenda_editable(meeting)
        return document_add_version(
            actor=actor, document=paper.document, file=upload, filename=filename, note=note
        )


def paper_open(*, actor: User, paper: MeetingPaper, version_number: int | None = None):
    """Check the actor may open the paper, then hand out the file (audited) and note
    that they opened it (meetings/reading.py)."""
    ensure_can_open_paper(user=actor, paper=paper)
    versions = paper.document.versions.order_by("-number")
    version = (
        versions.filter(number=version_number).first()
        if version_number is not None
        else versions.first()
    )
    if version is None:
        raise NotFound(_("That version of the paper does not exist."))
    handle = version_open(
        actor=actor, version=version, context={"meeting_id": paper.meeting_id, "paper_id": paper.pk}
    )
    try:
        reading_store(actor=actor, paper=paper, version=version, pages=[])  # a read receipt
    except BaseException:
        handle.close()  # the caller never gets it to close
        raise
    return version, handle


# --- Positions before the meeting ------------------------------------------


@transaction.atomic
def position_mark(*, actor: User, item: AgendaItem, stance: str, comment: str = "") -> Position:
    # Read the meeting's state afresh: the caller's copy may predate a start.
    item = AgendaItem.objects.select_related("meeting").get(pk=item.pk)
    access = ensure_can_see_item(user=actor, item=item)
    member = access.acting_for
    if member is None:
        raise NotAllowed(_("Only members (or their approved deputies) mark positions."))
    if item.meeting.state != Meeting.State.PUBLISHED:
        raise Conflict(
            _("Positions can be marked only while the meeting is published and before it starts.")
        )
    if stance not in Position.Stance.values:
        raise Invalid(_("Choose a position from the list."), fields={"stance": [_("Unknown.")]})
    comment = comment.strip()
    if stance == Position.Stance.OBJECT and not comment:
        message = _("Say why you object.")
        raise Invalid(message, fields={"comment": [message]})
    position, created = Position.objects.select_for_update().update_or_create(
        item=item,
        member=member,
        defaults={"stance": stance, "comment": comment, "marked_by": actor},
    )
    details = {"meeting_id": item.meeting_id, "stance": stance, "comment": comment}
    if member.pk != actor.pk:
        details["on_behalf_of"] = member.get_username()  # a deputy acting: a delegation
    audit.record(
        actor=actor,
        action="position.marked" if created else "position.changed",
        target=position,
        body_id=item.meeting.body_id,
        details=details,
    )
    _invitation_settle(meeting=item.meeting, member=member, actor=actor)
    return position


def _invitation_settle(*, meeting: Meeting, member: User, actor: User) -> None:
    """A position on every item is the preparation the invitation asked for: it stops
    asking the member, and the deputy who marked them in the member's stead."""
    if Position.objects.filter(item__meeting=meeting, member=member).count() < (
        meeting.items.count()
    ):
        return
    notifications_settle(
        recipient=[member, actor],
        subject=f"meeting:{meeting.pk}",
        kinds=["meeting.published", "meeting.invited"],
    )


# --- Leave and deputies -----------------------------------------------------


@transaction.atomic
def leave_request(
    *, actor: User, meeting: Meeting, reason: str, deputy: User | None = None
) -> LeaveRequest:
    meeting = _lock(meeting)
    access = ensure_can_view(user=actor, meeting=meeting)
    if access.participant is None or access.participant.kind != Participant.Kind.MEMBER:
        raise NotAllowed(_("Only an invited member can ask for leave from this meeting."))
    if meeting.state not in {Meeting.State.PUBLISHED, Meeting.State.IN_PROGRESS}:
        raise Conflict(_("Leave can be asked only for a published meeting."))
    if not reason.strip():
        raise Invalid(_("Give a reason."), fields={"reason": [_("Required.")]})
    if deputy is not None:
        if deputy.pk == actor.pk:
            raise Invalid(_("You cannot be your own deputy."), fields={"deputy": [_("Invalid.")]})
        ensure_may_deputise(body=meeting.body, member=actor, deputy=deputy)
    if LeaveRequest.objects.filter(
        meeting=meeting,
        member=actor,
        status__in=[LeaveRequest.Status.PENDING, LeaveRequest.Status.APPROVED],
    ).exists():
        raise Conflict(_("You have already asked for leave from this meeting."))
    leave = LeaveRequest.objects.create(
        meeting=meeting, member=actor, reason=reason.strip(), deputy=deputy
    )
    audit.record(
        actor=actor,
        action="leave.requested",
        target=leave,
        body_id=meeting.body_id,
        details={"meeting_id": meeting.pk, "deputy": deputy.get_username() if deputy else None},
    )
    chair = body_chair(body=meeting.body_id)
    if chair:
        notify(
            recipients=[chair],
            kind="leave.requested",
            data={"member": str(actor), "meeting": meeting.title, "reason": reason.strip()},
            subject=f"leave:{leave.pk}",
            url=reverse("meetings:leave", args=[meeting.pk]),
        )
    return leave


@transaction.atomic
def leave_decide(
    *,
    actor: User,
    leave: LeaveRequest,
    approve: bool,
    deputy_may_vote: bool = False,
    deputy_may_speak: bool = True,
    note: str = "",
) -> LeaveRequest:
    leave = LeaveRequest.objects.select_for_update().select_related("meeting").get(pk=leave.pk)
    meeting = leave.meeting
    ensure_can_chair(user=actor, meeting=meeting)
    if leave.status != LeaveRequest.Status.PENDING:
        raise Conflict(_("This request has already been decided."))
    leave.status = LeaveRequest.Status.APPROVED if approve else LeaveRequest.Status.REFUSED
    leave.decided_by = actor
    leave.decided_at = timezone.now()
    leave.decision_note = note.strip()
    leave.deputy_may_vote = bool(approve and leave.deputy_id and deputy_may_vote)
    leave.deputy_may_speak = bool(approve and leave.deputy_id and deputy_may_speak)
    leave.save()
    if approve and leave.deputy_id:
        existing = Participant.objects.filter(meeting=meeting, user_id=leave.deputy_id).first()
        if existing is not None and existing.kind != Participant.Kind.DEPUTY:
            raise Conflict(_("The deputy already takes part in this meeting in their own right."))
        Participant.objects.update_or_create(
            meeting=meeting,
            user_id=leave.deputy_id,
            defaults={
                "kind": Participant.Kind.DEPUTY,
                "on_behalf_of_id": leave.member_id,
                "may_vote": leave.deputy_may_vote,
                "may_speak": leave.deputy_may_speak,
            },
        )
    audit.record(
        actor=actor,
        action="leave.approved" if approve else "leave.refused",
        target=leave,
        body_id=meeting.body_id,
        details={
            "meeting_id": meeting.pk,
            "member": leave.member.get_username(),
            "deputy": leave.deputy.get_username() if leave.deputy_id else None,
            "deputy_may_vote": leave.deputy_may_vote,
            "deputy_may_speak": leave.deputy_may_speak,
        },
    )
    # Decided: the request stops asking the chair who decided and the body's chair.
    notifications_settle(
        recipient=[actor, body_chair(body=meeting.body_id)],
        subject=f"leave:{leave.pk}",
        kinds=["leave.requested"],
    )
    recipients = [leave.member] + ([leave.deputy] if approve and leave.deputy_id else [])
    notify(
        recipients=recipients,
        kind="leave.decided",
        data={"meeting": meeting.title, "approved": bool(approve), "note": leave.decision_note},
        subject=f"leave:{leave.pk}",
        url=reverse("meetings:detail", args=[meeting.pk]),
    )
    return leave
