"""Reads for following the tasks of issued resolutions: the dashboard's counts per lead
agency and per resolution, the filtered list (and its CSV), one task with its reports,
and the tasks of the person's own agency."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ecabinet.errors import NotAllowed, NotFound
from people.models import Membership, Role, User
from resolutions.access import (
    TASK_FOLLOWERS,
    agency_key,
    can_follow_tasks,
    can_report_task,
    ensure_can_view_task,
    user_agencies,
)
from resolutions.models import Resolution, ResolutionTask, TaskState


def _issued() -> QuerySet[ResolutionTask]:
    return ResolutionTask.objects.filter(resolution__state=Resolution.State.ISSUED).select_related(
        "resolution", "resolution__body"
    )


def followed_body_ids(*, user: User) -> list[int]:
    """The bodies whose tasks this person follows (secretariat, chair, auditor)."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user, is_active=True, role__in=TASK_FOLLOWERS)
        .values_list("body_id", flat=True)
        .distinct()
    )


def tasks_followed(*, user: User, body_id: int | None = None) -> QuerySet[ResolutionTask]:
    """Every task of the issued resolutions of the bodies the person follows; refused to
    anyone who follows none."""
    bodies = followed_body_ids(user=user)
    if body_id is not None:
        if body_id not in bodies:
            if (
                user.is_authenticated
                and Membership.objects.filter(user=user, body_id=body_id, is_active=True).exists()
            ):
                raise NotAllowed(_("Only the secretariat, the chair and auditors follow tasks."))
            raise NotFound(_("Body not found."))
        bodies = [body_id]
    elif not bodies:
        raise NotAllowed(_("Only the secretariat, the chair and auditors follow tasks."))
    return _issued().filter(resolution__body_id__in=bodies)


def tasks_of_my_agency(*, user: User) -> QuerySet[ResolutionTask]:
    """The tasks whose lead agency is the person's (or the assisted member's) agency,
    in every body they serve in: the agencies access.user_agencies gives, matched against
    the key stored with each task (people/agencies.py)."""
    if not user.is_authenticated:
        return ResolutionTask.objects.none()
    bodies = Membership.objects.filter(
        user=user, is_active=True, role__in=[Role.MEMBER, Role.ASSISTANT]
    ).values_list("body_id", flat=True)
    mine = Q(pk__in=[])
    for body_id in set(bodies):
        agencies = user_agencies(user=user, body_id=body_id)
        if agencies:
            mine |= Q(resolution__body_id=body_id, lead_agency_key__in=agencies)
    return _issued().filter(mine)


def tasks_filter(
    tasks: QuerySet[ResolutionTask],
    *,
    agency: str = "",
    state: str = "",
    overdue: bool | None = None,
    resolution_id: int | None = None,
    today: dt.date | None = None,
) -> QuerySet[ResolutionTask]:
    today = today or timezone.localdate()
    if agency:
        tasks = tasks.filter(lead_agency_key=agency_key(agency))
    if state:
        tasks = tasks.filter(state=state)
    if resolution_id:
        tasks = tasks.filter(resolution_id=resolution_id)
    late = Q(deadline__lt=today) & ~Q(state=TaskState.COMPLETED)
    if overdue is True:
        tasks = tasks.filter(late)
    elif overdue is False:
        tasks = tasks.exclude(late)
    return tasks.order_by("deadline", "resolution_id", "order", "id")


@dataclass
class Counts:
    label: str
    key: str = ""
    total: int = 0
    open: int = 0
    overdue: int = 0
    on_time: int = 0
    late: int = 0
    extra: dict = field(default_factory=dict)

    def add(self, task: ResolutionTask, today: dt.date) -> None:
        self.total += 1
        if task.state != TaskState.COMPLETED:
            self.open += 1
            if task.is_overdue(today):
                self.overdue += 1
        elif task.completed_on_time:
            self.on_time += 1
        else:
            self.late += 1

    @property
    def completed(self) -> int:
        return self.on_time + self.late


def tasks_counts(
    tasks: QuerySet[ResolutionTask], *, today: dt.date | None = None
) -> dict[str, list[Counts]]:
    """Counts per lead agency (by name, as typed first) and per resolution."""
    today = today or timezone.localdate()
    agencies: dict[str, Counts] = {}
    resolutions: dict[int, Counts] = defaultdict(lambda: Counts(label=""))
    for task in tasks:
        key = agency_key(task.lead_agency)
        agencies.setdefault(key, Counts(label=task.lead_agency, key=task.lead_agency)).add(
            task, today
        )
        row = resolutions[task.resolution_id]
        if not row.label:
            row.label = task.resolution.number_symbol or task.resolution.title
            row.key = str(task.resolution_id)
            row.extra = {"title": task.resolution.title}
        row.add(task, today)
    return {
        "agencies": sorted(agencies.values(), key=lambda c: c.label.casefold()),
        "resolutions": sorted(resolutions.values(), key=lambda c: c.label),
    }


@dataclass
class ResolutionProgress:
    tasks: list[ResolutionTask]
    counts: Counts
    today: dt.date


def resolution_tasks_progress(
    *, actor: User, resolution: Resolution, today: dt.date | None = None
) -> ResolutionProgress | None:
    """The progress of the tasks an issued resolution assigns, for its page: None before
    it is issued (nothing is followed yet) and for anyone who does not follow the body's
    tasks on the dashboard. One query for the tasks, however many there are."""
    if resolution.state != Resolution.State.ISSUED:
        return None
    if not can_follow_tasks(user=actor, body_id=resolution.body_id):
        return None
    today = today or timezone.localdate()
    followed = tasks_followed(user=actor, body_id=resolution.body_id)
    tasks = list(
        tasks_filter(followed, resolution_id=resolution.pk, today=today)
        .select_related("article")
        .order_by("order", "id")  # as the resolution lists them
    )
    counts = Counts(label=resolution.number_symbol or resolution.title, key=str(resolution.pk))
    for task in tasks:
        counts.add(task, today)
    return ResolutionProgress(tasks=tasks, counts=counts, today=today)


def task_get(*, actor: User, pk: int) -> ResolutionTask:
    task = _issued().filter(pk=pk).first()
    if task is None:
        raise NotFound(_("Task not found."))
    ensure_can_view_task(user=actor, task=task)
    return task


def task_permissions(*, actor: User, task: ResolutionTask) -> dict[str, bool]:
    from people.selectors import user_roles

    report = can_report_task(user=actor, task=task)
    secretariat = Role.SECRETARIAT in user_roles(user=actor, body_id=task.resolution.body_id)
    return {
        "report": report and task.state != TaskState.COMPLETED,
        "reopen": secretariat and task.state == TaskState.COMPLETED,
        "follow": can_follow_tasks(user=actor, body_id=task.resolution.body_id),
    }
