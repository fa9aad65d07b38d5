"""For the people of a lead agency: the tasks of issued resolutions their agency leads
that are due within DUE_WITHIN_DAYS or overdue (resolutions/tracking.py), each a duty
until its completion is reported.

One query, as every kind of duty: the agency is matched in SQL against the person's
organisation (as a member of the resolution's body) or the organisation of the member
they assist, through the keys stored beside the names (people/agencies.py), so a task
typed "BỘ Y TẾ" or "Bộ  Y tế" is the duty of whoever resolutions/access.py lets report
on it, on SQLite as on PostgreSQL."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from people.agencies import agency_key
from people.models import Membership, Role, User
from resolutions.models import Resolution, ResolutionTask, TaskState
from worklist.duties import Duty, due_words, urgency_of

DUE_WITHIN_DAYS = 7


def agency_tasks_pending(user: User) -> QuerySet[ResolutionTask]:
    soon = timezone.localdate() + dt.timedelta(days=DUE_WITHIN_DAYS)
    body = OuterRef("resolution__body_id")
    assisting = Membership.objects.filter(
        user=user,
        is_active=True,
        role=Role.ASSISTANT,
        body_id=body,
        assists__organisation_key=OuterRef("lead_agency_key"),
        assists__memberships__body_id=body,
        assists__memberships__role=Role.MEMBER,
        assists__memberships__is_active=True,
    )
    mine = Q(Exists(assisting))
    organisation = agency_key(user.organisation)
    if organisation:
        member = Membership.objects.filter(
            user=user, is_active=True, role=Role.MEMBER, body_id=body
        )
        mine |= Q(lead_agency_key=organisation) & Q(Exists(member))
    return (
        ResolutionTask.objects.filter(
            mine,
            resolution__state=Resolution.State.ISSUED,
            deadline__lte=soon,
        )
        # A blank name is nobody's agency (as in access.user_agencies).
        .exclude(lead_agency_key="")
        .exclude(state=TaskState.COMPLETED)
        .select_related("resolution")
    )


def agency_tasks_build(user: User, tasks: QuerySet[ResolutionTask]) -> list[Duty]:
    duties = []
    for task in tasks.order_by("deadline", "id"):
        # Due at the end of the deadline day, Vietnam time.
        due = timezone.make_aware(dt.datetime.combine(task.deadline, dt.time(23, 59)))
        duties.append(
            Duty(
                kind="resolution_task",
                title=task.content[:300],
                action=_("Report on the task"),
                detail=_("Resolution %(number)s, lead agency %(agency)s · %(due)s")
                % {
                    "number": task.resolution.number_symbol,
                    "agency": task.lead_agency,
                    "due": due_words(due),
                },
                url=reverse("resolutions:task", args=[task.pk]),
                at=task.resolution.issued_at or task.resolution.created_at,
                due=due,
                urgency=urgency_of(due),
            )
        )
    return duties
