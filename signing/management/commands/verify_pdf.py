"""Check every signature in a PDF: `manage.py verify_pdf FILE [--trust ROOT.pem] [--json]
[--offline] [--at ISO-TIME]`. Exit code 0 only when every signature is intact, valid,
trusted and in the right order."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from signing.verify import pdf_verify


class Command(BaseCommand):
    help = "Verify the signatures of a PDF"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--trust", action="append", default=None, help="trusted root PEM")
        parser.add_argument("--json", action="store_true")
        parser.add_argument("--offline", action="store_true", help="do not fetch OCSP/CRLs")
        parser.add_argument(
            "--at", default=None, help="judge as of this time (ISO 8601) instead of now"
        )

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        trust = [Path(p) for p in options["trust"]] if options["trust"] else None
        report = pdf_verify(
            path.read_bytes(),
            trust_roots=trust,
            fetching=not options["offline"],
            at=_moment(options["at"]),
        )
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        else:
            self._print(report)
        if not report.ok:
            sys.exit(1)

    def _print(self, report):
        for n, sig in enumerate(report.signatures, 1):
            mark = "OK " if sig.ok else "BAD"
            self.stdout.write(f"[{mark}] #{n} {sig.field_name} ({sig.kind}): {sig.signer}")
            self.stdout.write(
                f"      intact={sig.intact} valid={sig.valid} trusted={sig.trusted} "
                f"coverage={sig.coverage} changes_after={sig.modifications}"
            )
            if sig.signing_time or sig.timestamp_time:
                self.stdout.write(
                    f"      signed={sig.signing_time} timestamp={sig.timestamp_time} "
                    f"{sig.timestamp_authority}"
                )
            for problem in sig.problems:
                self.stdout.write(f"      ! {problem}")
            for note in sig.notes:
                self.stdout.write(f"      i {note}")
        for problem in report.problems:
            self.stdout.write(f"! {problem}")
        self.stdout.write("VALID" if report.ok else "NOT VALID")


def _moment(value: str | None) -> datetime | None:
    """An ISO 8601 time; without an offset it is taken in the server's time zone."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(
            f"--at takes an ISO 8601 time such as 2031-01-31T09:00+07:00, not {value!r}"
        ) from exc
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment
