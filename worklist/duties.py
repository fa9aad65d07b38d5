"""A duty: one thing a person has to do, as the home page and `GET /api/me/work` show it.

Every selector in worklist/ returns these, so the page, the API and the count in the
navigation read one list. A duty is never stored: it is what the records say is still
undone, so it disappears the moment the service that does it commits.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecabinet.templatetags.deadlines import time_left
from people.models import Membership, Role, User


class Urgency:
    NOW = "now"  # a live vote: minutes, not days
    OVERDUE = "overdue"
    SOON = "soon"  # due within SOON_WITHIN
    NORMAL = "normal"


SOON_WITHIN = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Duty:
    kind: str  # a stable code: "vote", "ballot_answer", … (see worklist/selectors.py)
    title: str  # what it is about: the question, the ballot's subject, the meeting
    action: str  # what to do, the label of the one tap
    detail: str  # why it is here, with the deadline in words; names for the secretariat
    url: str
    at: dt.datetime  # since when it waits: the newest first
    due: dt.datetime | None = None
    urgency: str = Urgency.NORMAL


@dataclass(frozen=True)
class DutyKind:
    """One kind of duty: `pending` is the one query that finds what is undone (the nav
    counts it), `build` turns those rows into duties for the page and the API."""

    code: str
    pending: Callable[[User], QuerySet]
    build: Callable[[User, QuerySet], list[Duty]]


def urgency_of(due: dt.datetime | None, now: dt.datetime | None = None) -> str:
    if due is None:
        return Urgency.NORMAL
    now = now or timezone.now()
    if due <= now:
        return Urgency.OVERDUE
    return Urgency.SOON if due - now <= SOON_WITHIN else Urgency.NORMAL


def due_words(deadline: dt.datetime) -> str:
    """The deadline in words, as the pages say it: "còn 2 ngày, 3 giờ"."""
    if deadline <= timezone.now():
        return _("the deadline has passed")
    return _("%(left)s left") % {"left": time_left(deadline)}


def bodies_where(user: User, *roles: str) -> QuerySet:
    """A subquery of the bodies where the person holds one of these roles: kept lazy, so
    each duty kind stays one query."""
    return Membership.objects.filter(user=user, is_active=True, role__in=roles).values("body_id")


CHAIR, SECRETARIAT = Role.CHAIR, Role.SECRETARIAT
