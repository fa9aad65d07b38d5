"""Handing ballot work to the task worker, and knowing whether it can be deferred.

With the database backend (`TASKS_BACKEND=database`, worked by `manage.py db_worker`)
each reminder and the close are enqueued with `run_after` when the ballot opens, and the
minute sweep re-enqueues itself. The immediate backend cannot defer (it would run the
close at once), so there the sweep is the only mechanism: `manage.py ballots_tick`
(once, or `--loop`), and the ballot pages close a ballot whose deadline has passed.
Nothing here is trusted alone: every scheduled run calls an idempotent service.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.utils import timezone

from ballots.models import Ballot
from ecabinet import periodic

logger = logging.getLogger(__name__)


def backend_can_defer() -> bool:
    from ballots.tasks import ballots_tick_task

    return periodic.can_defer(ballots_tick_task)


def schedule_ballot(*, ballot: Ballot) -> int:
    """Enqueue the reminders and the close of a ballot that just opened (after commit)."""
    if not backend_can_defer():
        return 0
    from ballots.services import reminder_hours
    from ballots.tasks import ballot_close_task, ballot_remind_task

    now, count = timezone.now(), 0
    for hours in reminder_hours():
        at = ballot.deadline - dt.timedelta(hours=hours)
        if at > now:
            ballot_remind_task.using(run_after=at).enqueue(ballot_id=ballot.pk, hours=hours)
            count += 1
    ballot_close_task.using(run_after=ballot.deadline).enqueue(ballot_id=ballot.pk)
    schedule_tick(now=now)
    return count + 1


def schedule_tick(*, now: dt.datetime | None = None) -> bool:
    """Enqueue the next minute sweep unless one is already waiting (ecabinet/periodic.py)."""
    from ballots.tasks import ballots_tick_task

    return periodic.enqueue_next(ballots_tick_task, seconds=settings.BALLOT_TICK_SECONDS, now=now)
