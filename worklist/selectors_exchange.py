"""Documents received over the exchange (exchange/): for the secretariat, what waits to be
entered in the incoming register or assigned; for the person it is assigned to, what waits
to be processed and completed. One query each; the sender sees each step as a status."""

from __future__ import annotations

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from exchange.models import Incoming
from people.models import Membership, Role, User
from worklist.duties import Duty


def incoming_to_register_pending(user: User) -> QuerySet[Incoming]:
    bodies = Membership.objects.filter(user=user, is_active=True, role=Role.SECRETARIAT)
    return Incoming.objects.filter(
        body_id__in=bodies.values("body_id"),
        state__in=(Incoming.State.RECEIVED, Incoming.State.REGISTERED),
    ).select_related("sender")


def incoming_to_register_build(user: User, documents: QuerySet[Incoming]) -> list[Duty]:
    return [
        Duty(
            kind="exchange_register",
            title=f"{d.number_symbol}: {d.subject}"[:300],
            action=_("Enter in the incoming register")
            if d.state == Incoming.State.RECEIVED
            else _("Assign"),
            detail=_("Received over the exchange from %(sender)s") % {"sender": d.sender.name},
            url=reverse("exchange:incoming", args=[d.pk]),
            at=d.received_at,
        )
        for d in documents.order_by("-received_at", "-pk")
    ]


def incoming_to_handle_pending(user: User) -> QuerySet[Incoming]:
    return Incoming.objects.filter(
        handler=user, state__in=(Incoming.State.ASSIGNED, Incoming.State.PROCESSING)
    ).select_related("sender")


def incoming_to_handle_build(user: User, documents: QuerySet[Incoming]) -> list[Duty]:
    return [
        Duty(
            kind="exchange_handle",
            title=f"{d.number_symbol}: {d.subject}"[:300],
            action=_("Report to the sender"),
            detail=_("Received over the exchange from %(sender)s") % {"sender": d.sender.name},
            url=reverse("exchange:incoming", args=[d.pk]),
            at=d.received_at,
        )
        for d in documents.order_by("-received_at", "-pk")
    ]
