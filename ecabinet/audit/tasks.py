"""The periodic checkpoint as a background task that enqueues its next run.

With the database task backend (`TASKS_BACKEND=database`, `manage.py db_worker`) the
chain is started by `manage.py audit_checkpoint` and then keeps itself going every
AUDIT_CHECKPOINT_SECONDS. The immediate backend cannot defer: there
`audit_checkpoint --loop` runs beside the server (scripts/run.sh).
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from ecabinet import periodic
from ecabinet.audit import checkpoints

logger = logging.getLogger(__name__)


@task()
def audit_checkpoint_task() -> int | None:
    try:
        made = checkpoints.checkpoint_due(now=timezone.now())
    except checkpoints.CheckpointError:
        # Logged and retried next period: a missing checkpoint widens the window, no more.
        logger.exception("audit checkpoint failed")
        made = None
    schedule_checkpoint()
    return made.number if made is not None else None


def schedule_checkpoint(*, now: dt.datetime | None = None) -> bool:
    """Enqueue the next checkpoint run unless one is already waiting."""
    return periodic.enqueue_next(
        audit_checkpoint_task, seconds=settings.AUDIT_CHECKPOINT_SECONDS, now=now
    )
