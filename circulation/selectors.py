"""Reads for the draft pages and the API."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from circulation.access import OVERSEEING_ROLES, CirculationAccess, ensure_can_view
from circulation.models import Circulation, Comment
from documents.models import DocumentVersion
from people.models import User
from people.selectors import user_roles


def _annotated(qs: QuerySet[Circulation]) -> QuerySet[Circulation]:
    return (
        qs.select_related("document", "author", "body")
        .annotate(
            comment_count=Count("comments", distinct=True),
            open_count=Count("comments", filter=Q(comments__answered_in=None), distinct=True),
        )
        .order_by("state", "deadline", "-id")
    )


def drafts_sent(*, user: User) -> QuerySet[Circulation]:
    return _annotated(Circulation.objects.filter(author=user))


def drafts_received(*, user: User) -> QuerySet[Circulation]:
    return _annotated(Circulation.objects.filter(recipients=user))


def drafts_overseen(*, user: User) -> QuerySet[Circulation]:
    """For the secretariat and the chair: the body's drafts that others circulated."""
    body_ids = [
        m.body_id
        for m in user.memberships.filter(is_active=True)
        if user_roles(user=user, body_id=m.body_id) & OVERSEEING_ROLES
    ]
    qs = Circulation.objects.filter(body_id__in=body_ids).exclude(author=user)
    return _annotated(qs.exclude(recipients=user))


def circulation_for(*, user: User, pk: int) -> tuple[Circulation, CirculationAccess]:
    circulation = get_object_or_404(
        Circulation.objects.select_related("document", "author", "body"), pk=pk
    )
    return circulation, ensure_can_view(user=user, circulation=circulation)


@dataclass(frozen=True)
class VersionComments:
    version: DocumentVersion
    general: list[Comment]  # on the draft as a whole
    by_page: list[tuple[int, list[Comment]]]
    answers: list[Comment]  # comments this version answered

    @property
    def count(self) -> int:
        return len(self.general) + sum(len(c) for _p, c in self.by_page)


def comments_by_version(*, circulation: Circulation) -> list[VersionComments]:
    """Newest version first; under each, the comments made on it, then per page."""
    versions = list(circulation.document.versions.select_related("uploaded_by").order_by("-number"))
    comments = list(
        circulation.comments.select_related("author", "version", "answered_in").order_by(
            "page", "created_at", "id"
        )
    )
    result = []
    for version in versions:
        mine = [c for c in comments if c.version_id == version.pk]
        pages: dict[int, list[Comment]] = {}
        for comment in mine:
            if comment.page is not None:
                pages.setdefault(comment.page, []).append(comment)
        result.append(
            VersionComments(
                version=version,
                general=[c for c in mine if c.page is None],
                by_page=sorted(pages.items()),
                answers=[c for c in comments if c.answered_in_id == version.pk],
            )
        )
    return result


def unanswered_comments(*, circulation: Circulation) -> QuerySet[Comment]:
    return circulation.comments.filter(answered_in=None).select_related("author", "version")
