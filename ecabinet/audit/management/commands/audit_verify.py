"""Check the audit trail's hash chain; exit non-zero at the first break."""

from django.core.management.base import BaseCommand, CommandError

from ecabinet.audit.services import chain_head, chain_verify


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail. Exits 1 if any entry was tampered with."

    def handle(self, *args, **options):
        problems = chain_verify()
        if problems:
            first = problems[0]
            for problem in problems:
                self.stderr.write(f"entry {problem.seq}: {problem.kind}: {problem.message}")
            raise CommandError(
                f"Audit trail broken: first problem at entry {first.seq} ({first.kind}); "
                f"{len(problems)} problem(s) in all."
            )
        seq, head_hash = chain_head()
        self.stdout.write(
            self.style.SUCCESS(f"Audit trail intact: {seq} entries, head {head_hash}")
        )
