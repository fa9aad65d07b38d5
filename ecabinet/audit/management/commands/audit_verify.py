"""Check the audit trail: its hash chain, every signed checkpoint of its head, and the
heads other records carry (the minutes); exit non-zero at any break."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ecabinet.audit.checkpoints import anchors_verify, checkpoints_verify
from ecabinet.audit.models import AuditCheckpoint
from ecabinet.audit.services import chain_head, chain_verify


class Command(BaseCommand):
    help = (
        "Verify the audit trail: the hash chain, the chain against every signed and "
        "timestamped checkpoint (and, with --against, an exported copy kept elsewhere), "
        "and the audit head embedded in the minutes. Exits 1 if anything was tampered with."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--against",
            metavar="FILE",
            help="a checkpoint export (audit_checkpoint --export) kept outside this database",
        )

    def handle(self, *args, against: str | None = None, **options):
        export = None
        if against:
            try:
                export = json.loads(Path(against).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot read {against}: {exc}") from exc
        problems = chain_verify() + checkpoints_verify(export=export) + anchors_verify()
        if problems:
            first = problems[0]
            for problem in problems:
                self.stderr.write(f"entry {problem.seq}: {problem.kind}: {problem.message}")
            raise CommandError(
                f"Audit trail broken: first problem at entry {first.seq} ({first.kind}); "
                f"{len(problems)} problem(s) in all."
            )
        seq, head_hash = chain_head()
        checkpoints = AuditCheckpoint.objects.count()
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit trail intact: {seq} entries, head {head_hash}; "
                f"{checkpoints} signed checkpoint(s) hold"
            )
        )
