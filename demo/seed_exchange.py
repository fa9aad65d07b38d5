"""Demo: the issued resolution (demo/seed_resolutions.py) sent over the document exchange
to two ministries, each a body of this same demo with its own clerk (văn thư): the
Ministry of Health has registered it, assigned it to its minister and completed it; the
Ministry of Finance has registered it. The Government Office's page shows both
recipients with their statuses, and each ministry's clerk finds it under "Exchange".

The ministries are served by this same instance, so the messages go through
`exchange.transport.SameInstance` (the inbox's own checks, no network) while seeding.
Idempotent: a resolution already sent is left alone.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.hashers import make_password

from archive.models import Record
from demo.data import EMAIL_DOMAIN, GOVERNMENT, PASSWORD, REGULAR_MEETING
from ecabinet.errors import ServiceError
from exchange import services as exchange
from exchange.models import Dispatch, Incoming, Peer
from exchange.wire import own_public_pem
from people.agencies import agency_key
from people.models import Body, Role, User
from people.services import body_create, membership_grant
from signing.certs import trust_root_paths


@dataclass(frozen=True)
class MinistrySpec:
    name: str
    short_name: str
    code: str  # a demo code in the national list's form
    clerk: str
    clerk_name: str
    handler: str  # the minister, already a member of the Government
    steps: tuple[str, ...]  # what the ministry has done with the resolution


MINISTRIES = (
    MinistrySpec(
        "Bộ Y tế",
        "BYT",
        "000.00.16.G10",
        "vanthu.byt",
        "Nguyễn Thị Hòa",
        "bt.yte",
        ("register", "processing", "completed"),
    ),
    MinistrySpec(
        "Bộ Tài chính",
        "BTC",
        "000.00.12.G10",
        "vanthu.btc",
        "Trần Văn Khánh",
        "bt.taichinh",
        ("register",),
    ),
)


@contextlib.contextmanager
def _same_instance():
    previous = settings.EXCHANGE_TRANSPORT
    settings.EXCHANGE_TRANSPORT = "exchange.transport.SameInstance"
    try:
        yield
    finally:
        settings.EXCHANGE_TRANSPORT = previous


def seed_exchange() -> bool:
    """Send the demo resolution to the two ministries if it was not sent; True if sent."""
    government = Body.objects.filter(name=GOVERNMENT.name).first()
    secretary = User.objects.filter(username=REGULAR_MEETING.secretary).first()
    record = (
        Record.objects.filter(body=government, kind=Record.Kind.RESOLUTION).order_by("pk").first()
        if government
        else None
    )
    if record is None or secretary is None or Dispatch.objects.filter(record=record).exists():
        return False
    ministries = [(spec, _ministry(spec)) for spec in MINISTRIES]
    peers = [_peers(government, body, spec) for spec, body in ministries]
    from signing.provisioning import DEMO_SEAL_PIN

    with _same_instance():
        try:
            exchange.dispatch_create(actor=secretary, record=record, peers=peers, pin=DEMO_SEAL_PIN)
        except ServiceError:
            return False  # a seal made elsewhere with another PIN: send it by hand
        exchange.outbox_run()
        for spec, body in ministries:
            _handle(spec, body)
        exchange.outbox_run()
    return True


def _ministry(spec: MinistrySpec) -> Body:
    body = Body.objects.filter(name=spec.name).first()
    if body is None:
        body = body_create(
            actor=None, name=spec.name, short_name=spec.short_name, kind=Body.Kind.MINISTRY
        )
    body.agency_code = spec.code
    body.save(update_fields=["agency_code"])
    family, _sep, given = spec.clerk_name.rpartition(" ")
    clerk, _created = User.objects.get_or_create(
        username=spec.clerk,
        defaults={
            "full_name": spec.clerk_name,
            "first_name": given,
            "last_name": family,
            "title": f"Văn thư {spec.name}",
            "organisation": spec.name,
            "organisation_key": agency_key(spec.name),
            "email": f"{spec.clerk}@{EMAIL_DOMAIN}",
            "password": make_password(PASSWORD),
        },
    )
    for user, role in (
        (clerk, Role.SECRETARIAT),
        (User.objects.get(username=spec.handler), Role.MEMBER),
    ):
        if not body.memberships.filter(user=user, role=role).exists():
            membership_grant(actor=None, body=body, user=user, role=role)
    return body


def _peers(government: Body, ministry: Body, spec: MinistrySpec) -> Peer:
    """Each side knows the other; both are this instance, with its key and roots."""
    common = {
        "actor": None,
        "inbox_url": settings.SITE_URL.rstrip("/") + "/exchange/inbox/",
        "public_key": own_public_pem(),
        "seal_roots": "".join(p.read_text() for p in trust_root_paths() if p.exists()),
    }
    exchange.peer_save(
        body=ministry, code=government.agency_code, name="Văn phòng Chính phủ", **common
    )
    return exchange.peer_save(body=government, code=spec.code, name=spec.name, **common)


def _handle(spec: MinistrySpec, body: Body) -> None:
    incoming = Incoming.objects.filter(body=body).order_by("-received_at").first()
    if incoming is None:
        return
    clerk = User.objects.get(username=spec.clerk)
    handler = User.objects.get(username=spec.handler)
    for step in spec.steps:
        if step == "register":
            assigned = handler if len(spec.steps) > 1 else None
            incoming = exchange.incoming_register(actor=clerk, incoming=incoming, handler=assigned)
        else:
            incoming = exchange.incoming_progress(actor=handler, incoming=incoming, state=step)
