"""Run the sweep of reminders about the tasks of issued resolutions."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from resolutions.reminders import schedule_reminders, tasks_remind


class Command(BaseCommand):
    help = (
        "Remind the lead agency and the secretariat of the tasks of issued resolutions: "
        "once when a task is three days from its deadline, once a day while it is overdue. "
        "Safe to run any number of times. With --loop N it repeats every N seconds (for "
        "the embedded set-up, whose in-process tasks cannot be deferred)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS")

    def handle(self, *args, loop: int = 0, **options):
        while True:
            report = tasks_remind()
            # With a database task queue, make sure the chain is running.
            schedule_reminders()
            self.stdout.write(
                f"sent {report.due_soon} reminder(s) before the deadline, "
                f"{report.overdue} about overdue tasks"
            )
            if loop <= 0:
                return
            time.sleep(loop)
