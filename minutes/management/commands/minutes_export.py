"""Write a meeting's archived, signed minutes, byte for byte:
`manage.py minutes_export --meeting ID --out FILE`. Check it with `verify_pdf FILE`."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ecabinet.errors import ServiceError
from minutes.selectors import minutes_export_bytes


class Command(BaseCommand):
    help = "Write the archived, signed minutes of a meeting to a file"

    def add_arguments(self, parser):
        parser.add_argument("--meeting", type=int, required=True, help="meeting id")
        parser.add_argument("--out", required=True, help="file to write (PDF)")

    def handle(self, *args, **options):
        out = Path(options["out"])
        try:
            data = minutes_export_bytes(meeting_id=options["meeting"])
        except ServiceError as error:
            raise CommandError(error.message) from error
        if not out.parent.is_dir():
            raise CommandError(f"No such folder: {out.parent}")
        out.write_bytes(data)
        self.stdout.write(f"{out} ({len(data)} bytes)")
