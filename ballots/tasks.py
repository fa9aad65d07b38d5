"""Background work for ballots: thin wrappers around idempotent services.

A task that runs twice, late, or after a restart does no harm: each reminder has a
unique row, each close locks the ballot and checks its state.
"""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from ballots import scheduling, services, sweep


@task()
def ballot_remind_task(*, ballot_id: int, hours: int) -> int:
    return services.ballot_send_reminders(ballot_id=ballot_id, hours=hours, now=timezone.now())


@task()
def ballot_close_task(*, ballot_id: int) -> bool:
    return services.ballot_close_due(ballot_id=ballot_id, now=timezone.now())


@task()
def ballots_tick_task() -> dict:
    """The minute sweep; it enqueues the next one, so one lost task loses one minute."""
    report = sweep.ballots_tick(now=timezone.now(), source="task")
    scheduling.schedule_tick()
    return report.as_dict()
