"""Periodic sweeps as chains of deferred tasks (ecabinet/periodic.py): the audit
checkpoint and the archive renewal each keep one run waiting on the database queue,
and on the immediate backend leave it to their `--loop` commands."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from archive.renewal import schedule_renewal
from archive.tasks import archive_renew_task
from ecabinet.audit.tasks import audit_checkpoint_task, schedule_checkpoint
from tests.test_ballots_helpers import DATABASE_TASKS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("schedule", "task", "setting"),
    [
        (schedule_checkpoint, audit_checkpoint_task, "AUDIT_CHECKPOINT_SECONDS"),
        (schedule_renewal, archive_renew_task, "ARCHIVE_RENEW_SECONDS"),
    ],
)
def test_a_sweep_keeps_one_next_run_waiting_on_the_database_queue(
    settings, schedule, task, setting
):
    assert not schedule()  # the immediate backend cannot defer
    settings.TASKS = DATABASE_TASKS
    now = timezone.now()
    assert schedule(now=now)
    assert not schedule(now=now)  # one chain: asking again while one waits adds nothing
    waiting = DBTaskResult.objects.get(task_path=task.module_path)
    assert waiting.run_after == now + dt.timedelta(seconds=getattr(settings, setting))
