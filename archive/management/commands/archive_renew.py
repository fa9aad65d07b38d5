"""Renew archive timestamps by hand: the records that are due, or every record."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from archive import renewal


class Command(BaseCommand):
    help = (
        "Add a document timestamp with fresh validation data to archived records: with "
        "--due those whose last timestamp's TSA certificate ends within "
        "ARCHIVE_RENEW_MARGIN_DAYS (or that have none, or a weak digest), with --all every "
        "record. Each renewal is a new revision; the files filed stay as they are. A record "
        "that fails is reported and the others go on; the exit status is 1 if any failed. "
        "With --loop N it repeats every N seconds (for the embedded set-up)."
    )

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--due", action="store_true", help="only the records that are due")
        which.add_argument("--all", action="store_true", help="every record")
        parser.add_argument("--record", type=int, action="append", metavar="ID")
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS")

    def handle(self, *args, due=False, all=False, record=None, loop=0, **options):  # noqa: A002
        if not settings.SIGNING_TSA_URL:
            raise CommandError("No timestamp authority is configured (SIGNING_TSA_URL).")
        while True:
            report = renewal.renew_sweep(everything=all, source="command", record_ids=record)
            renewal.schedule_renewal()
            for record_id in report.renewed:
                self.stdout.write(f"renewed record {record_id}")
            for record_id, error in report.failed.items():
                self.stderr.write(f"FAILED record {record_id}: {error}")
            self.stdout.write(
                f"renewed {len(report.renewed)} record(s), {report.skipped + len(report.checked)}"
                f" not due, {len(report.failed)} failed"
                f" (margin {settings.ARCHIVE_RENEW_MARGIN_DAYS} days)"
            )
            if loop <= 0:
                break
            time.sleep(loop)
        if report.failed:
            raise CommandError(f"{len(report.failed)} record(s) could not be renewed")
