"""Add a peer (or change a known one) from the JSON its `exchange_identity` printed."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ecabinet.errors import ServiceError
from exchange.services import peer_save
from people.models import Body


class Command(BaseCommand):
    help = "Add another agency as an exchange peer of a body, from its identity JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--body", required=True, help="our body's agency code")
        parser.add_argument("identity", help="the peer's identity JSON file")

    def handle(self, *args, body: str, identity: str, **options) -> None:
        found = Body.objects.filter(agency_code=body).first()
        if found is None:
            raise CommandError(f"no body has the agency code {body}")
        try:
            data = json.loads(Path(identity).read_text())
            peer = peer_save(
                actor=None,
                body=found,
                code=data["code"],
                name=data["name"],
                inbox_url=data["inbox_url"],
                public_key=data["public_key"],
                seal_roots=data["seal_roots"],
            )
        except (OSError, ValueError, KeyError) as exc:
            raise CommandError(f"cannot read {identity}: {exc}") from exc
        except ServiceError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"peer {peer.code} {peer.name} -> {peer.inbox_url}")
