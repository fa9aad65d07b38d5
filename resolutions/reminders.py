"""Reminders about the tasks of issued resolutions (the Government Office follows
overdue tasks): once when a task is DUE_SOON_DAYS from its deadline, and once a day
while it is overdue, to the people of its lead agency and the body's secretariat.

What was sent is stored on the task (`reminded_due_at`, `reminded_overdue_on`) in the
same transaction as the notifications, under the task's row lock, so the sweep may run
any number of times, twice at once, or late: each reminder goes out once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ecabinet import audit
from notifications.services import notify
from people.models import Role, User
from resolutions.access import agency_key
from resolutions.models import Resolution, ResolutionTask, TaskState

DUE_SOON_DAYS = 3
REMINDER_KINDS = ("resolution_task.due_soon", "resolution_task.overdue")


def agency_people(*, task: ResolutionTask) -> list[User]:
    """The members of the body whose organisation is the task's lead agency, and their
    assistants."""
    body_id = task.resolution.body_id
    key = agency_key(task.lead_agency)
    members = [
        user
        for user in User.objects.filter(
            memberships__body_id=body_id,
            memberships__role=Role.MEMBER,
            memberships__is_active=True,
            is_active=True,
        ).distinct()
        if user.organisation.strip() and agency_key(user.organisation) == key
    ]
    assistants = User.objects.filter(
        memberships__body_id=body_id,
        memberships__role=Role.ASSISTANT,
        memberships__is_active=True,
        memberships__assists__in=members,
        is_active=True,
    ).distinct()
    return [*members, *assistants]


def secretariat_of(*, body_id: int) -> list[User]:
    return list(
        User.objects.filter(
            memberships__body_id=body_id,
            memberships__role=Role.SECRETARIAT,
            memberships__is_active=True,
            is_active=True,
        ).distinct()
    )


@dataclass
class SweepReport:
    due_soon: int = 0
    overdue: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"due_soon": self.due_soon, "overdue": self.overdue}


def _candidates(today: dt.date):
    soon = today + dt.timedelta(days=DUE_SOON_DAYS)
    return (
        ResolutionTask.objects.filter(
            resolution__state=Resolution.State.ISSUED, deadline__isnull=False
        )
        .exclude(state=TaskState.COMPLETED)
        .filter(
            Q(deadline__lt=today) & (Q(reminded_overdue_on=None) | Q(reminded_overdue_on__lt=today))
            | Q(deadline__gte=today, deadline__lte=soon, reminded_due_at=None)
        )
        .values_list("pk", flat=True)
    )


@transaction.atomic
def task_remind(*, task_id: int, today: dt.date, now: dt.datetime) -> str | None:
    """Send the reminder due on this task today, if any; "due_soon", "overdue" or None."""
    task = (
        ResolutionTask.objects.select_for_update(of=("self",))
        .select_related("resolution")
        .get(pk=task_id)
    )
    if (
        task.resolution.state != Resolution.State.ISSUED
        or task.state == TaskState.COMPLETED
        or task.deadline is None
    ):
        return None
    if task.is_overdue(today):
        if task.reminded_overdue_on is not None and task.reminded_overdue_on >= today:
            return None
        kind, sent = "overdue", {"reminded_overdue_on": today}
    elif task.deadline - today <= dt.timedelta(days=DUE_SOON_DAYS) and not task.reminded_due_at:
        kind, sent = "due_soon", {"reminded_due_at": now}
    else:
        return None
    data = {
        "task": task.content[:200],
        "agency": task.lead_agency,
        "resolution": task.resolution.number_symbol or task.resolution.title[:200],
        "deadline": task.deadline.isoformat(),
        "days": abs((task.deadline - today).days),
    }
    recipients = agency_people(task=task) + secretariat_of(body_id=task.resolution.body_id)
    notify(
        recipients=recipients,
        kind=f"resolution_task.{kind}",
        data=data,
        subject=f"resolution_task:{task.pk}",
        url=f"/resolutions/tasks/{task.pk}/",
    )
    ResolutionTask.objects.filter(pk=task.pk).update(**sent)
    audit.record(
        actor=None,
        action=f"resolution_task.reminded_{kind}",
        target=task,
        body_id=task.resolution.body_id,
        details={"recipients": len({u.pk for u in recipients}), "deadline": data["deadline"]},
    )
    return kind


def tasks_remind(*, now: dt.datetime | None = None) -> SweepReport:
    """The daily sweep over every open task of an issued resolution with a deadline."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    report = SweepReport()
    for task_id in list(_candidates(today)):
        kind = task_remind(task_id=task_id, today=today, now=now)
        if kind == "due_soon":
            report.due_soon += 1
        elif kind == "overdue":
            report.overdue += 1
    return report


# Each hour: a reminder is due once a day at most, and an hour's lag after midnight or
# after a restart is harmless.
SWEEP_SECONDS = 3600


def schedule_reminders(*, now: dt.datetime | None = None) -> bool:
    """Enqueue the next sweep unless one is waiting (ecabinet/periodic.py). The immediate
    backend cannot defer: there `manage.py resolution_tasks_remind --loop` runs it."""
    from ecabinet import periodic
    from resolutions.tasks import resolution_tasks_remind_task

    return periodic.enqueue_next(resolution_tasks_remind_task, seconds=SWEEP_SECONDS, now=now)
