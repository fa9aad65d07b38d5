"""Carrying a member's notes over to a new version of a paper.

Done lazily, the first time the member reads the notes of a version on which they have
none yet (no signal and no hook in meetings: adding a version knows nothing of notes).
The notes of the latest earlier version they annotated are copied where the page's text
still matches: the same page number first, else any page whose text hash is the same.
The rest are "not carried over" and listed for the member. Done once per member and
version (CarryOver), audited when something was carried.
"""

from __future__ import annotations

import uuid

from django.db import IntegrityError, transaction

from annotations.models import Annotation, CarryOver
from annotations.pages import version_pages
from documents.models import DocumentVersion
from ecabinet import audit
from meetings.models import MeetingPaper
from people.models import User


def _target_page(source: Annotation, pages: list[dict]) -> int | None:
    same = source.page
    if same <= len(pages) and pages[same - 1]["hash"] == source.page_text_hash:
        return same
    for n, fact in enumerate(pages, start=1):
        if fact["hash"] == source.page_text_hash:
            return n
    return None


def _copy(source: Annotation, version: DocumentVersion, page: int) -> Annotation:
    # A client id of its own, the same however often this runs (uuid5 of the source's).
    client_id = uuid.uuid5(source.client_id, f"version:{version.pk}")
    copy = Annotation.objects.create(
        client_id=client_id,
        author=source.author,
        paper=source.paper,
        version=version,
        page=page,
        kind=source.kind,
        data=source.data,
        text=source.text,
        colour=source.colour,
        visibility=source.visibility,
        page_text_hash=source.page_text_hash,
        carried_from=source,
    )
    copy.shared_with.set(source.shared_with.all())
    return copy


def _source_version(*, user: User, paper: MeetingPaper, version: DocumentVersion):
    return (
        DocumentVersion.objects.filter(
            document_id=paper.document_id,
            number__lt=version.number,
            annotations__author=user,
            annotations__paper=paper,
            annotations__deleted_at__isnull=True,
        )
        .order_by("-number")
        .first()
    )


def carry_over(
    *, actor: User, paper: MeetingPaper, old_version: DocumentVersion, new_version: DocumentVersion
) -> CarryOver:
    """Copy the actor's notes on `old_version` to `new_version` where the page text still
    matches. Idempotent: a second call returns the first one's record."""
    pages = version_pages(actor=actor, version=new_version)  # read outside the lock
    try:
        with transaction.atomic():
            record = CarryOver.objects.create(
                user=actor, version=new_version, from_version=old_version
            )
            carried = []
            sources = Annotation.objects.filter(
                author=actor, paper=paper, version=old_version, deleted_at__isnull=True
            ).prefetch_related("shared_with")
            for source in sources:
                page = _target_page(source, pages)
                if page is None:
                    record.left += 1
                    continue
                carried.append(_copy(source, new_version, page))
            record.carried = len(carried)
            record.save(update_fields=["carried", "left"])
            if carried or record.left:
                audit.record(
                    actor=actor,
                    action="annotation.carried_over",
                    target=paper,
                    body_id=paper.meeting.body_id,
                    details={
                        "paper_id": paper.pk,
                        "from_version": old_version.number,
                        "to_version": new_version.number,
                        "carried": len(carried),
                        "not_carried": record.left,
                    },
                )
            return record
    except IntegrityError:
        # Two readers of the same member (tablet and laptop) at once: the other carried.
        return CarryOver.objects.get(user=actor, version=new_version)


def carry_over_if_due(
    *, actor: User, paper: MeetingPaper, version: DocumentVersion
) -> CarryOver | None:
    """Carry the actor's notes to this version if it is the first time they read it with
    notes on an earlier one and none on this one."""
    done = CarryOver.objects.filter(user=actor, version=version).first()
    if done is not None:
        return done
    if Annotation.objects.filter(author=actor, paper=paper, version=version).exists():
        return None
    source = _source_version(user=actor, paper=paper, version=version)
    if source is None:
        return None
    return carry_over(actor=actor, paper=paper, old_version=source, new_version=version)


def uncarried(*, actor: User, paper: MeetingPaper, version: DocumentVersion) -> list[Annotation]:
    """The actor's notes on the version carried from that were not carried over."""
    record = CarryOver.objects.filter(user=actor, version=version).first()
    if record is None:
        return []
    carried = Annotation.objects.filter(
        author=actor, version=version, carried_from__isnull=False
    ).values("carried_from_id")
    return list(
        Annotation.objects.filter(
            author=actor,
            paper=paper,
            version=record.from_version,
            deleted_at__isnull=True,
        )
        .exclude(pk__in=carried)
        .select_related("author", "version", "paper__meeting")
        .order_by("page", "created_at", "id")
    )
