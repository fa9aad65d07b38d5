"""Periodic work as a chain of deferred tasks: each run enqueues the next.

With the database task backend (`TASKS_BACKEND=database`, `manage.py db_worker`) a sweep
(the ballots' tick, the audit checkpoints, the archive renewal) keeps itself going this
way. The immediate backend cannot defer: there a `--loop` command runs beside the server
(scripts/run.sh). Two chains racing make two runs for a while; harmless, as every sweep
is idempotent, and the next round sees the other's task and lets its own chain end.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def can_defer(task) -> bool:
    return bool(task.get_backend().supports_defer)


def next_run_waiting(task, *, now: dt.datetime) -> bool:
    """Is a later run of this task already waiting in the database queue?"""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # pragma: no cover - the database backend is not installed
        return False
    return DBTaskResult.objects.filter(
        task_path=task.module_path, status="READY", run_after__gt=now
    ).exists()


def enqueue_next(task, *, seconds: float, now: dt.datetime | None = None) -> bool:
    """Enqueue the task `seconds` from now unless it cannot be deferred or a run is
    already waiting; True if one was enqueued."""
    if not can_defer(task):
        return False
    now = now or timezone.now()
    if next_run_waiting(task, now=now):
        return False
    task.using(run_after=now + dt.timedelta(seconds=seconds)).enqueue()
    return True
