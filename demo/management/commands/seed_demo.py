"""Demo data for `make run`: the Government and a provincial People's Committee."""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand
from django.test.utils import override_settings

from demo.data import BODIES, PASSWORD
from demo.seeding import seed_demo
from people.models import Role


class Command(BaseCommand):
    help = (
        "Create the demo data, safely and only once: the Government (Prime Minister, "
        "Deputy Prime Ministers, ministers, secretariat, archivist, auditor, observer, "
        "assistant, guest) with a published regular meeting, agenda, PDF papers and "
        "positions, and the People's Committee of Lào Cai with a draft meeting. Every demo "
        f"account has the password {PASSWORD!r}. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--send-email",
            action="store_true",
            help="Send the invitation e-mails through EMAIL_BACKEND. By default they are "
            "dropped: the demo addresses (@demo.ecabinet.gov.vn) do not exist.",
        )

    def handle(self, *args, send_email: bool = False, **options):
        started = time.monotonic()
        # WeasyPrint reports every layout step at INFO; the demo has a dozen papers.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
        if send_email:
            report = seed_demo()
        else:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                report = seed_demo()
        elapsed = time.monotonic() - started
        if report.changed_anything:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data created in {elapsed:.1f} s: {report.users_created} accounts, "
                    f"{report.memberships_granted} roles, meetings: "
                    + "; ".join(report.meetings_created or ["none"])
                )
            )
        else:
            self.stdout.write("Demo data already present; nothing changed.")
        self._print_logins()

    def _print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for every account: {PASSWORD})")
        for spec in BODIES:
            self.stdout.write(f"\n{spec.short_name}")
            for person in spec.people:
                roles = ", ".join(str(Role(role).label) for role in person.roles)
                self.stdout.write(
                    f"  {person.username:<16} {roles:<22} {person.full_name:<22} {person.title}"
                )
