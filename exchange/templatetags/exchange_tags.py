"""The exchange's part of a document's page: to whom it was sent and how each answered,
and for the secretariat, the form that sends it to more recipients."""

from __future__ import annotations

from django import template

from exchange.forms import SendForm
from exchange.selectors import dispatches_of_record, peers_to_send

register = template.Library()


@register.inclusion_tag("exchange/_sent.html", takes_context=True)
def exchange_sent(context, record_id: int | None):
    from archive.models import Record

    user = context["request"].user
    record = Record.objects.filter(pk=record_id).first() if record_id else None
    if record is None:
        return {"shown": False}
    dispatches = dispatches_of_record(actor=user, record=record)
    peers = peers_to_send(actor=user, record=record)
    return {
        "shown": dispatches is not None,
        "record": record,
        "dispatches": dispatches or [],
        "form": SendForm(prefix="send", peers=peers) if peers else None,
        "request": context["request"],
        "csrf_token": context.get("csrf_token"),
    }
