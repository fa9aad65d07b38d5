"""Reads for the exchange's pages: what was sent and how each recipient answered, what
arrived and who handles it. The secretariat and the register's readers see their body's;
a handler sees what is assigned to them; a body sees only what was sent to it."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from archive.models import Record
from ecabinet.errors import NotFound
from exchange.models import Dispatch, Incoming, Peer
from people.models import Role, User
from people.selectors import user_roles
from registers.access import READERS


def _reads(user: User, body_id: int) -> bool:
    return bool(READERS & user_roles(user=user, body_id=body_id))


def _registers(user: User, body_id: int) -> bool:
    return Role.SECRETARIAT in user_roles(user=user, body_id=body_id)


def dispatches_of_record(*, actor: User, record: Record) -> list[Dispatch] | None:
    """Each recipient the record was sent to, with its latest status and the log of
    statuses; None for someone who does not read the body's registers."""
    if not actor.is_authenticated or not _reads(actor, record.body_id):
        return None
    return list(
        Dispatch.objects.filter(record=record)
        .select_related("peer")
        .prefetch_related("statuses")
        .order_by("peer__name")
    )


def peers_to_send(*, actor: User, record: Record) -> list[Peer]:
    """The body's peers this record has not been sent to, for the secretariat."""
    if not actor.is_authenticated or not _registers(actor, record.body_id):
        return []
    sent = Dispatch.objects.filter(record=record).values("peer_id")
    return list(Peer.objects.filter(body_id=record.body_id, active=True).exclude(pk__in=sent))


def incoming_visible_to(*, user: User) -> QuerySet[Incoming]:
    from people.models import Membership

    bodies = Membership.objects.filter(user=user, role__in=READERS, is_active=True).values(
        "body_id"
    )
    return (
        Incoming.objects.filter(Q(body_id__in=bodies) | Q(handler=user))
        .select_related("sender", "body", "handler", "register_entry")
        .order_by("-received_at")
    )


def incoming_get(*, actor: User, pk: int) -> Incoming:
    found = incoming_visible_to(user=actor).filter(pk=pk).first()
    if found is None:
        raise NotFound(_("Document not found."))
    return found


def incoming_permissions(*, actor: User, incoming: Incoming) -> dict[str, bool]:
    registers = _registers(actor, incoming.body_id)
    handler = incoming.handler_id == actor.pk
    state = incoming.state
    return {
        "register": registers and state == Incoming.State.RECEIVED,
        "assign": registers and state == Incoming.State.REGISTERED,
        "process": handler and state == Incoming.State.ASSIGNED,
        "complete": handler and state in (Incoming.State.ASSIGNED, Incoming.State.PROCESSING),
    }


def received_from_agency(*, body_id: int, key: str) -> list[Incoming]:
    """What the body received from the peer whose name is the agency `key` names
    (people.agencies.agency_key), newest first."""
    from people.agencies import agency_key

    peers = [p.pk for p in Peer.objects.filter(body_id=body_id) if agency_key(p.name) == key]
    if not key or not peers:
        return []
    return list(
        Incoming.objects.filter(body_id=body_id, sender_id__in=peers).order_by("-received_at")[:50]
    )
