"""Every write to annotations: save (create or update by the device's client id), share,
delete. Each checks that the actor may open the paper, stores, audits a real change once,
and tells the people the note is shared with (after commit, on their person stream)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from annotations.events import AnnotationDeleted, AnnotationShared, AnnotationUpdated
from annotations.models import Annotation
from annotations.pages import version_pages
from annotations.selectors import audience, ensure_can_annotate, paper_version
from annotations.validation import clean_annotation
from ecabinet import audit
from ecabinet.errors import Conflict, Invalid, NotFound
from ecabinet.realtime.events import publish
from meetings.access import paper_can_open
from meetings.models import MeetingPaper
from notifications.alerts import person_stream
from people.models import User

CONTENT = ("page", "kind", "data", "text", "colour")


def _own(*, actor: User, client_id: uuid.UUID) -> Annotation:
    annotation = (
        Annotation.objects.select_for_update(of=("self",))
        .select_related("paper__meeting", "paper__document", "paper__item", "version")
        .filter(author=actor, client_id=client_id)
        .first()
    )
    if annotation is None:
        raise NotFound(_("Annotation not found."))
    ensure_can_annotate(user=actor, paper=annotation.paper)
    return annotation


def _details(annotation: Annotation, **extra: Any) -> dict[str, Any]:
    return {
        "client_id": str(annotation.client_id),
        "paper_id": annotation.paper_id,
        "meeting_id": annotation.paper.meeting_id,
        "version": annotation.version.number,
        "page": annotation.page,
        "kind": annotation.kind,
        **extra,
    }


def _record(actor: User, action: str, annotation: Annotation, **extra: Any) -> None:
    audit.record(
        actor=actor,
        action=action,
        target=annotation,
        body_id=annotation.paper.meeting.body_id,
        details=_details(annotation, **extra),
    )


def as_seen(annotation: Annotation) -> dict[str, Any]:
    """The note as a reader sees it (the events' fields)."""
    return {
        "client_id": str(annotation.client_id),
        "author_id": annotation.author_id,
        "author_name": str(annotation.author),
        "paper_id": annotation.paper_id,
        "meeting_id": annotation.paper.meeting_id,
        "version": annotation.version.number,
        "page": annotation.page,
        "kind": annotation.kind,
        "data": annotation.data,
        "text": annotation.text,
        "colour": annotation.colour,
        "visibility": annotation.visibility,
        "updated_at": annotation.updated_at.isoformat(),
    }


def _announce(annotation: Annotation, before: set[int], after: set[int], changed: bool) -> None:
    """Newly shared -> shared; still shared and changed -> updated; no longer -> deleted.
    Person streams in ascending id order (notifications.alerts: no lock circles)."""
    seen = as_seen(annotation)
    gone = {key: seen[key] for key in ("client_id", "author_id", "paper_id", "meeting_id")}
    gone |= {"version": seen["version"], "page": seen["page"]}
    for user_id in sorted(before | after):
        if user_id in after and user_id not in before:
            event = AnnotationShared(**seen)
        elif user_id in after and changed:
            event = AnnotationUpdated(**seen)
        elif user_id not in after:
            event = AnnotationDeleted(**gone)
        else:
            continue
        publish(stream=person_stream(user_id), event=event)


@transaction.atomic
def annotation_save(
    *,
    actor: User,
    client_id: uuid.UUID,
    paper: MeetingPaper,
    version_number: int | None,
    page: int,
    kind: str,
    data: Any,
    text: str = "",
    colour: str = "#ffd400",
) -> tuple[Annotation, str]:
    """Create the note, or update the actor's note with this client id. Sending the same
    note twice stores it once and audits it once. Returns the note and what happened:
    "created", "updated" or "unchanged"."""
    ensure_can_annotate(user=actor, paper=paper)
    version = paper_version(paper=paper, number=version_number)
    fields = clean_annotation(
        kind=kind,
        data=data,
        text=text,
        colour=colour,
        page=page,
        pages=version_pages(actor=actor, version=version),
    )
    fields["page"] = page
    existing = (
        Annotation.objects.select_for_update(of=("self",))
        .select_related("version", "paper__meeting")
        .filter(author=actor, client_id=client_id)
        .first()
    )
    if existing is None:
        annotation = Annotation.objects.create(
            client_id=client_id,
            author=actor,
            paper=paper,
            version=version,
            page_text_hash=version_pages(actor=actor, version=version)[page - 1]["hash"],
            **fields,
        )
        _record(actor, "annotation.saved", annotation, created=True)
        return annotation, "created"
    if existing.paper_id != paper.pk or existing.version_id != version.pk:
        message = _("This note belongs to another paper or version.")
        raise Conflict(message)
    if existing.deleted_at is not None:
        raise Conflict(_("This note was deleted."))
    if all(getattr(existing, key) == value for key, value in fields.items()):
        return existing, "unchanged"  # the same note sent again (an outbox replayed)
    before = audience(existing)
    if fields["page"] != existing.page:
        existing.page_text_hash = version_pages(actor=actor, version=version)[page - 1]["hash"]
    for key, value in fields.items():
        setattr(existing, key, value)
    existing.save()
    _record(actor, "annotation.saved", existing, created=False)
    _announce(existing, before, audience(existing), changed=True)
    return existing, "updated"


@transaction.atomic
def annotation_delete(*, actor: User, client_id: uuid.UUID) -> Annotation:
    """Delete the actor's note (kept, marked deleted); its readers see it go. Deleting
    it again changes nothing."""
    annotation = _own(actor=actor, client_id=client_id)
    if annotation.deleted_at is not None:
        return annotation
    before = audience(annotation)
    annotation.deleted_at = timezone.now()
    annotation.save(update_fields=["deleted_at", "updated_at"])
    _record(actor, "annotation.deleted", annotation)
    _announce(annotation, before, set(), changed=True)
    return annotation


def _recipients(paper: MeetingPaper, user_ids: Iterable[int]) -> list[User]:
    """The named people, each of whom may open the paper; anyone else is named back."""
    ids = sorted(set(user_ids))
    people = {u.pk: u for u in User.objects.filter(pk__in=ids, is_active=True)}
    unknown = [str(i) for i in ids if i not in people]
    if unknown:
        message = _("Unknown people: %(ids)s.") % {"ids": ", ".join(unknown)}
        raise Invalid(message, fields={"shared_with": [message]})
    refused = [p for p in people.values() if not paper_can_open(user=p, paper=paper)]
    if refused:
        names = ", ".join(sorted(str(p) for p in refused))
        message = _("These people may not open this paper: %(names)s.") % {"names": names}
        raise Invalid(message, fields={"shared_with": [message]})
    return list(people.values())


@transaction.atomic
def annotation_share(
    *,
    actor: User,
    client_id: uuid.UUID,
    visibility: str,
    shared_with: Iterable[int] = (),
) -> Annotation:
    """Keep the note private, share it with named people (each of whom may open the
    paper), or with everyone in the meeting who may open it."""
    annotation = _own(actor=actor, client_id=client_id)
    if annotation.deleted_at is not None:
        raise Conflict(_("This note was deleted."))
    if visibility not in Annotation.Visibility.values:
        message = _("Choose private, people or meeting.")
        raise Invalid(message, fields={"visibility": [message]})
    people = []
    if visibility == Annotation.Visibility.PEOPLE:
        people = [p for p in _recipients(annotation.paper, shared_with) if p.pk != actor.pk]
        if not people:
            message = _("Name at least one person to share the note with.")
            raise Invalid(message, fields={"shared_with": [message]})
    before = audience(annotation)
    old = (annotation.visibility, {p.pk for p in annotation.shared_with.all()})
    new = (visibility, {p.pk for p in people})
    if old == new:
        return annotation
    annotation.visibility = visibility
    annotation.save(update_fields=["visibility", "updated_at"])
    annotation.shared_with.set(people)
    _record(
        actor, "annotation.shared", annotation, visibility=visibility, shared_with=sorted(new[1])
    )
    _announce(annotation, before, audience(annotation), changed=False)
    return annotation
