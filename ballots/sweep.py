"""The sweep: everything due, done once, whoever runs it and however often.

`ballots_tick` closes every open ballot whose deadline has passed and sends every
reminder that is due and not yet sent, then records a heartbeat the health page reads.
It is run by the self-re-enqueuing task every minute and by `manage.py ballots_tick`,
so no single scheduled task has to survive a worker restart.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils import timezone

from ballots import services
from ballots.models import Ballot, Heartbeat

logger = logging.getLogger(__name__)

HEARTBEAT = "ballots_tick"


@dataclass
class TickReport:
    closed: list[int] = field(default_factory=list)
    reminded: int = 0
    errors: int = 0

    def as_dict(self) -> dict:
        return asdict(self)


def ballots_tick(*, now: dt.datetime | None = None, source: str = "command") -> TickReport:
    now = now or timezone.now()
    report = TickReport()
    # Each ballot in its own transaction: one that fails does not hold up the others.
    for ballot_id in Ballot.objects.filter(state=Ballot.State.OPEN).values_list("pk", flat=True):
        try:
            for hours in services.reminder_hours():
                report.reminded += services.ballot_send_reminders(
                    ballot_id=ballot_id, hours=hours, now=now
                )
            if services.ballot_close_due(ballot_id=ballot_id, now=now):
                report.closed.append(ballot_id)
        except Exception:  # a sweep must go on to the next ballot; the error is logged
            logger.exception("ballot sweep failed for ballot %s", ballot_id)
            report.errors += 1
    heartbeat_record(now=now, source=source, report=report)
    return report


@transaction.atomic
def heartbeat_record(*, now: dt.datetime, source: str, report: TickReport) -> Heartbeat:
    beat, _ = Heartbeat.objects.select_for_update().get_or_create(
        name=HEARTBEAT, defaults={"last_run_at": now}
    )
    beat.last_run_at = max(beat.last_run_at, now)
    beat.runs += 1
    beat.details = {"source": source, **report.as_dict()}
    beat.save()
    return beat
