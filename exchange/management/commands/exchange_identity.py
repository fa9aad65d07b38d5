"""What another agency needs to add this one as a peer: JSON with the agency code, the
request key (public half) and the roots its seal chains to."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from exchange.wire import own_public_pem
from people.models import Body
from signing.certs import trust_root_paths


class Command(BaseCommand):
    help = "Print this agency's exchange identity (JSON) for a peer to add."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--body", required=True, help="the body's agency code")
        parser.add_argument("--inbox-url", required=True, help="this system's inbox address")

    def handle(self, *args, body: str, inbox_url: str, **options) -> None:
        found = Body.objects.filter(agency_code=body).first()
        if found is None:
            raise CommandError(f"no body has the agency code {body}")
        roots = "".join(p.read_text() for p in trust_root_paths() if p.exists())
        identity = {
            "code": found.agency_code,
            "name": found.name,
            "inbox_url": inbox_url,
            "public_key": own_public_pem(),
            "seal_roots": roots,
        }
        self.stdout.write(json.dumps(identity, ensure_ascii=False, indent=2))
