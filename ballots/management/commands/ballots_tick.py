"""Run the ballot sweep: close ballots past their deadline, send due reminders."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from ballots.scheduling import schedule_tick
from ballots.sweep import ballots_tick


class Command(BaseCommand):
    help = (
        "Close written ballots whose deadline has passed and send the reminders that are "
        "due, each once; records a heartbeat for /ballots/health/. Safe to run any number "
        "of times, also beside the worker. With --loop N it repeats every N seconds (for "
        "the embedded set-up, whose in-process tasks cannot be deferred)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS")

    def handle(self, *args, loop: int = 0, **options):
        while True:
            report = ballots_tick(source="command")
            # With a database task queue, make sure the minute chain is running.
            schedule_tick()
            self.stdout.write(
                f"closed {len(report.closed)} ballot(s), sent {report.reminded} reminder(s)"
                + (f", {report.errors} error(s)" if report.errors else "")
            )
            if loop <= 0:
                return
            time.sleep(loop)
