"""Read receipts: who opened which paper, when, and which pages they saw.

Opening the file (`services.paper_open`) records the first and last opening; the in-app
reader adds the pages it showed through `POST /api/papers/{id}/reading`. Only those who
may open a paper are recorded, and only the chair and the secretariat see everyone's
reading; a member sees their own unread papers in their work list. Reading is not
audited: the download beside it already is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.models import DocumentVersion
from ecabinet.errors import Invalid, NotAllowed, NotFound
from meetings.access import MeetingAccess, ensure_can_open_paper, ensure_can_view
from meetings.models import Meeting, MeetingPaper, PaperReading, Participant
from meetings.selectors import participants_in_order
from people.models import User

MAX_PAGES_PER_POST = 200  # a reader batches a few seconds of page turns, never more


# --- Service ------------------------------------------------------------------


def paper_reading_record(
    *,
    actor: User,
    paper: MeetingPaper,
    version: DocumentVersion | None = None,
    pages: Iterable[int] = (),
) -> PaperReading:
    """Record that the actor opened this version of the paper (the latest if none is
    named) and saw these pages. Refused, with nothing stored, for someone who may not
    open the paper or for pages the version does not have."""
    ensure_can_open_paper(user=actor, paper=paper)
    if version is None:
        version = paper.document.versions.order_by("-number").first()
    if version is None or version.document_id != paper.document_id:
        raise NotFound(_("That version of the paper does not exist."))
    pages = list(pages)
    if len(pages) > MAX_PAGES_PER_POST:
        message = _("Send at most %(n)d pages at a time.") % {"n": MAX_PAGES_PER_POST}
        raise Invalid(message, fields={"pages": [message]})
    if any(not 1 <= page <= version.page_count for page in pages):
        message = _("Pages run from 1 to %(n)d.") % {"n": version.page_count}
        raise Invalid(message, fields={"pages": [message]})
    return reading_store(actor=actor, paper=paper, version=version, pages=pages)


@transaction.atomic
def reading_store(
    *, actor: User, paper: MeetingPaper, version: DocumentVersion, pages: list[int]
) -> PaperReading:
    """Store a checked reading (the caller has decided the actor may open the paper)."""
    now = timezone.now()
    reading, created = PaperReading.objects.select_for_update().get_or_create(
        user=actor,
        version=version,
        defaults={"paper": paper, "first_opened_at": now, "last_opened_at": now},
    )
    seen = sorted(set(reading.pages) | set(pages))
    if not created:
        reading.last_opened_at = now
    reading.pages = seen
    reading.save(update_fields=["last_opened_at", "pages"])
    return reading


# --- Selectors ----------------------------------------------------------------


def ensure_can_see_reading(*, user: User, meeting: Meeting) -> MeetingAccess:
    """Everyone's reading is for those who run the meeting."""
    access = ensure_can_view(user=user, meeting=meeting)
    if not (access.can_manage or access.can_chair):
        raise NotAllowed(_("Only the chair and the secretariat see who has read the papers."))
    return access


@dataclass
class ReaderRow:
    person: User
    rank: int  # the person's place in protocol order
    opened_at: datetime | None = None
    pages_read: int = 0


@dataclass
class PaperRow:
    paper: MeetingPaper
    version: DocumentVersion | None
    readers: list[ReaderRow] = field(default_factory=list)

    @property
    def opened(self) -> int:
        return sum(1 for r in self.readers if r.opened_at is not None)


def _readers_of(paper: MeetingPaper, participants: list[Participant]) -> list[tuple[int, User]]:
    """Who is expected to read this paper: the invited who may open it, ranked."""
    document = paper.document
    recipients = {u.pk for u in document.recipients.all()} if document.is_confidential else None
    people = []
    for rank, p in enumerate(participants):
        if p.kind == Participant.Kind.GUEST:
            if paper.item_id is None or paper.item_id not in {i.pk for i in p.items.all()}:
                continue
        if recipients is not None and p.user_id not in recipients | {document.created_by_id}:
            continue
        people.append((rank, p.user))
    return people


def meeting_reading(*, meeting: Meeting) -> list[PaperRow]:
    """Per paper (its latest version), each expected reader in protocol order: when they
    first opened it and how many distinct pages they saw. Callers check who asks."""
    seats = [Participant.Kind.MEMBER, Participant.Kind.DEPUTY, Participant.Kind.GUEST]
    participants = participants_in_order(
        meeting.participants.filter(kind__in=seats)
        .select_related("user")
        .prefetch_related("items"),
        body=meeting.body_id,
    )
    papers = (
        meeting.papers.select_related("document", "item")
        .prefetch_related("document__versions", "document__recipients")
        .order_by("item__order", "id")
    )
    # Every reading of the meeting's papers in one query, looked up by version and person.
    readings = {
        (r.version_id, r.user_id): r for r in PaperReading.objects.filter(paper__meeting=meeting)
    }
    rows = []
    for paper in papers:
        version = max(paper.document.versions.all(), key=lambda v: v.number, default=None)
        row = PaperRow(paper=paper, version=version)
        for rank, person in _readers_of(paper, participants):
            reading = readings.get((version.pk if version else None, person.pk))
            row.readers.append(
                ReaderRow(
                    person=person,
                    rank=rank,
                    opened_at=reading.first_opened_at if reading else None,
                    pages_read=len(reading.pages) if reading else 0,
                )
            )
        rows.append(row)
    return rows


@dataclass(frozen=True)
class Unread:
    person: User
    papers: list[MeetingPaper]  # not opened
    total: int  # papers meant for them


def unread_by_person(rows: list[PaperRow]) -> list[Unread]:
    """The same table turned around: each person, the papers they have not opened and how
    many are meant for them, in protocol order, only those with something unread."""
    people: dict[int, tuple[int, User]] = {}
    unread: dict[int, list[MeetingPaper]] = {}
    total: dict[int, int] = {}
    for row in rows:
        for reader in row.readers:
            people[reader.person.pk] = (reader.rank, reader.person)
            total[reader.person.pk] = total.get(reader.person.pk, 0) + 1
            if reader.opened_at is None:
                unread.setdefault(reader.person.pk, []).append(row.paper)
    ranked = sorted(people.values(), key=lambda pair: pair[0])
    return [
        Unread(person=person, papers=unread[person.pk], total=total[person.pk])
        for _rank, person in ranked
        if person.pk in unread
    ]
