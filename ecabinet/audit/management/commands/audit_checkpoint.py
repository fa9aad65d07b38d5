"""Sign the audit chain's head now (a checkpoint), or export every checkpoint."""

from __future__ import annotations

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ecabinet.audit.checkpoints import (
    CheckpointError,
    checkpoint_create,
    checkpoint_due,
    checkpoints_export,
)
from ecabinet.audit.tasks import schedule_checkpoint


class Command(BaseCommand):
    help = (
        "Make a signed, timestamped checkpoint of the audit chain's head (skipped when the "
        "head has not moved, unless --force). --loop N: every N seconds, make one when "
        "AUDIT_CHECKPOINT_SECONDS have passed. --export FILE: write every checkpoint to "
        "FILE (JSON) for keeping outside the database; audit_verify --against FILE checks it."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true")
        parser.add_argument("--loop", type=int, default=0, metavar="SECONDS")
        parser.add_argument("--export", metavar="FILE")

    def handle(self, *args, force=False, loop=0, export=None, **options):
        if export:
            data = checkpoints_export()
            Path(export).write_text(json.dumps(data, indent=1), encoding="utf-8")
            self.stdout.write(f"{len(data['checkpoints'])} checkpoint(s) written to {export}")
            return
        try:
            if loop <= 0:
                made = checkpoint_create(force=force)
                self.stdout.write(
                    f"checkpoint {made.number}: entry {made.seq}, {made.count} entries, "
                    f"hash {made.hash}, timestamped {made.timestamped_at.isoformat()}"
                )
                schedule_checkpoint()
                return
        except CheckpointError as exc:
            raise CommandError(f"No checkpoint made: {exc}") from exc
        while True:
            try:
                made = checkpoint_due()
            except CheckpointError as exc:  # the next round tries again
                self.stderr.write(f"No checkpoint made: {exc}")
                made = None
            if made is not None:
                self.stdout.write(f"checkpoint {made.number}: entry {made.seq}")
            time.sleep(loop)
