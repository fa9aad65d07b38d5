"""Send what the exchange outbox holds: packages and status messages that are due."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from exchange.services import outbox_run


class Command(BaseCommand):
    help = "Send the packages and status messages that are due (once, or --loop SECONDS)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--loop", type=float, default=0, help="run every SECONDS")

    def handle(self, *args, loop: float = 0, **options) -> None:
        while True:
            counts = outbox_run()
            if any(counts.values()):
                self.stdout.write(" ".join(f"{k}={v}" for k, v in counts.items()))
            if not loop:
                return
            time.sleep(loop)
