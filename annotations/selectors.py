"""Reads: the notes a person sees on a paper's version, and who may be shown them."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from annotations.models import Annotation
from documents.models import DocumentVersion
from ecabinet.errors import NotAllowed, NotFound
from meetings.access import MeetingAccess, ensure_can_open_paper, paper_can_open
from meetings.models import MeetingPaper
from people.models import Membership, Role, User

# Roles that may see a meeting without being invited to it (meetings/access.py).
_SEEING_ROLES = [Role.CHAIR, Role.SECRETARIAT, Role.OBSERVER, Role.ASSISTANT, Role.ARCHIVIST]


def ensure_can_annotate(*, user: User, paper: MeetingPaper) -> MeetingAccess:
    """Only someone who may open the paper annotates it or reads its notes; to anyone
    else the paper's notes do not exist (404, whatever the reason)."""
    try:
        return ensure_can_open_paper(user=user, paper=paper)
    except (NotAllowed, NotFound) as exc:
        raise NotFound(_("Paper not found.")) from exc


def paper_version(*, paper: MeetingPaper, number: int | None) -> DocumentVersion:
    """The paper's version of that number (the latest if none)."""
    versions = paper.document.versions.order_by("-number")
    version = versions.filter(number=number).first() if number is not None else versions.first()
    if version is None:
        raise NotFound(_("That version of the paper does not exist."))
    return version


def annotations_for(
    *, user: User, paper: MeetingPaper, version: DocumentVersion
) -> QuerySet[Annotation]:
    """The user's own notes and those shared with them (named, or with the whole
    meeting). The caller has checked that the user may open the paper (which is what a
    meeting-wide share needs); nobody ever sees another's private note."""
    return (
        Annotation.objects.filter(paper=paper, version=version, deleted_at__isnull=True)
        .filter(
            Q(author=user)
            | Q(visibility=Annotation.Visibility.MEETING)
            | Q(visibility=Annotation.Visibility.PEOPLE, shared_with=user)
        )
        .select_related("author", "carried_from__version")
        .prefetch_related("shared_with")
        .distinct()
        .order_by("page", "created_at", "id")
    )


def paper_readers(*, paper: MeetingPaper) -> list[User]:
    """Everyone who may open the paper: those invited to the meeting and those who see
    it by their role in the body, each judged by meetings.access."""
    meeting = paper.meeting
    ids = set(meeting.participants.values_list("user_id", flat=True))
    ids |= set(
        Membership.objects.filter(body_id=meeting.body_id, role__in=_SEEING_ROLES).values_list(
            "user_id", flat=True
        )
    )
    people = User.objects.filter(pk__in=ids, is_active=True).order_by("full_name", "pk")
    return [person for person in people if paper_can_open(user=person, paper=paper)]


def audience(annotation: Annotation) -> set[int]:
    """Who sees this note besides its author (and may still open its paper)."""
    if annotation.deleted_at is not None:
        return set()
    if annotation.visibility == Annotation.Visibility.MEETING:
        people = paper_readers(paper=annotation.paper)
    elif annotation.visibility == Annotation.Visibility.PEOPLE:
        people = [
            person
            for person in annotation.shared_with.filter(is_active=True)
            if paper_can_open(user=person, paper=annotation.paper)
        ]
    else:
        return set()
    return {person.pk for person in people} - {annotation.author_id}
