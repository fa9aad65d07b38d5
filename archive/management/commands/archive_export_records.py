"""Write the file each archived record serves now into a folder, for checks outside the
product (scripts/verify_records.py)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from archive import renewal
from archive.models import Record


class Command(BaseCommand):
    help = (
        "Write the latest file of every archived record (or of --record ID) to --out as "
        "record-<id>-<kind>.pdf, checked against its stored SHA-256. Nothing is changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="folder to write into")
        parser.add_argument("--record", type=int, action="append", metavar="ID")

    def handle(self, *args, out: str, record=None, **options):
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        records = Record.objects.select_related("version").order_by("pk")
        if record:
            records = records.filter(pk__in=record)
        count = 0
        for item in records:
            number, sha256, data = renewal.latest_bytes(item)
            (folder / f"record-{item.pk}-{item.kind}.pdf").write_bytes(data)
            self.stdout.write(f"record {item.pk} ({item.kind}) revision {number} {sha256}")
            count += 1
        self.stdout.write(f"{count} record(s) written to {folder}")
