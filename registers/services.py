"""Numbering in the registers. Every write here is audited.

A number is taken with the register's row locked, inside the transaction that writes
the entry: two issues racing wait for each other, and a transaction that fails gives
its number back with everything else, so the register has no gap and no number twice.
"""

from __future__ import annotations

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.search import fold
from documents.models import Document, DocumentType
from ecabinet import audit
from ecabinet.errors import Conflict, Invalid
from people.models import Body, User
from people.selectors import body_people, body_symbol
from registers.access import ensure_can_register
from registers.models import Register, RegisterEntry

# The abbreviations of Decree 30/2020, Appendix III. An official letter (công văn) has
# none: its symbol is the issuer's, then the drafting unit's.
SERIES = {
    DocumentType.RESOLUTION: "NQ",
    DocumentType.DECISION: "QĐ",
    DocumentType.NOTICE: "TB",
    DocumentType.REPORT: "BC",
    DocumentType.SUBMISSION: "TTr",
    DocumentType.MINUTES: "BB",
    DocumentType.OFFICIAL_LETTER: "",
    DocumentType.OTHER: "",
}
_UNIT = re.compile(r"^[A-ZĐ0-9]{1,10}$")
SUMMARY_MAX = 500


def _text(value: str, field: str, *, required: bool = True, limit: int = 200) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise Invalid(_("This field is required."), fields={field: [_("This field is required.")]})
    if len(value) > limit:
        message = _("At most %(n)d characters.") % {"n": limit}
        raise Invalid(message, fields={field: [message]})
    return value


def _take(*, body: Body, direction: str, year: int, series: str) -> tuple[Register, int]:
    """The next number of the register, its row locked until the transaction ends."""
    register, _created = Register.objects.get_or_create(
        body=body, direction=direction, year=year, series=series
    )
    register = Register.objects.select_for_update().get(pk=register.pk)
    register.last_number += 1
    register.save(update_fields=["last_number"])
    return register, register.last_number


def number_symbol(*, number: int, series: str, body: Body, unit: str = "") -> str:
    """ "15/NQ-CP", "05/CP-KTTH": numbers under 10 with a leading zero (Decree 30, art. 15)."""
    issuer = body_symbol(body=body)
    symbol = f"{series}-{issuer}" if series else issuer
    return f"{number:02d}/{symbol}" + (f"-{unit}" if unit else "")


def _search_text(*parts: str) -> str:
    return fold(" ".join(p for p in parts if p))


@transaction.atomic
def register_issue(
    *,
    actor: User,
    body: Body,
    doc_type: str,
    summary: str,
    signer: str,
    recipients: str,
    unit: str = "",
    document: Document | None = None,
    note: str = "",
) -> RegisterEntry:
    """Give a document the body issues the next number of its series for this year."""
    ensure_can_register(user=actor, body=body)
    if doc_type not in SERIES:
        message = _("A draft is not issued; choose the kind of document issued.")
        raise Invalid(message, fields={"doc_type": [message]})
    unit = (unit or "").strip().upper()
    if unit and not _UNIT.match(unit):
        message = _("The unit's symbol is up to 10 capital letters or digits, e.g. KTTH.")
        raise Invalid(message, fields={"unit": [message]})
    summary = _text(summary, "summary", limit=SUMMARY_MAX)
    signer = _text(signer, "signer")
    recipients = _text(recipients, "recipients", limit=2000)
    note = _text(note, "note", required=False, limit=500)
    if document is not None and document.body_id != body.pk:
        raise Invalid(_("The document belongs to another body."), fields={"document": ["?"]})
    today = timezone.localdate()
    series = SERIES[doc_type]
    register, number = _take(
        body=body, direction=Register.Direction.OUT, year=today.year, series=series
    )
    symbol = number_symbol(number=number, series=series, body=body, unit=unit)
    entry = RegisterEntry.objects.create(
        register=register,
        number=number,
        number_symbol=symbol,
        state=RegisterEntry.State.ISSUED,
        doc_type=doc_type,
        document_date=today,
        summary=summary,
        signer=signer,
        recipients=recipients,
        document=document,
        note=note,
        registered_by=actor,
        search_text=_search_text(symbol, summary, signer, recipients, note),
    )
    audit.record(
        actor=actor,
        action="register.issued",
        target=entry,
        body_id=body.pk,
        details={
            "number_symbol": symbol,
            "doc_type": doc_type,
            "document": document and document.pk,
        },
    )
    return entry


def register_attach_document(*, entry: RegisterEntry, document: Document) -> RegisterEntry:
    """Point an outgoing entry at the document its number was written on, when that
    document is made after the number (a resolution is rendered with its number). Runs
    inside the caller's transaction, which issued the entry and audited it."""
    if entry.document_id not in (None, document.pk):
        raise Conflict(_("This number already belongs to another document."))
    if document.body_id != entry.register.body_id:
        raise Invalid(_("The document belongs to another body."), fields={"document": ["?"]})
    RegisterEntry.objects.filter(pk=entry.pk).update(document=document)
    entry.document = document
    return entry


@transaction.atomic
def register_cancel(*, actor: User, entry: RegisterEntry, reason: str) -> RegisterEntry:
    """Withdraw an issue whose number was taken: the number stays, marked cancelled."""
    entry = (
        RegisterEntry.objects.select_for_update().select_related("register__body").get(pk=entry.pk)
    )
    body = entry.register.body
    ensure_can_register(user=actor, body=body)
    if entry.register.direction != Register.Direction.OUT:
        raise Conflict(_("Only an outgoing number can be cancelled."))
    if entry.state == RegisterEntry.State.CANCELLED:
        raise Conflict(_("This number is already cancelled."))
    reason = _text(reason, "reason", limit=500)
    entry.state, entry.cancelled_at, entry.cancelled_by, entry.cancel_reason = (
        RegisterEntry.State.CANCELLED,
        timezone.now(),
        actor,
        reason,
    )
    entry.save(update_fields=["state", "cancelled_at", "cancelled_by", "cancel_reason"])
    audit.record(
        actor=actor,
        action="register.cancelled",
        target=entry,
        body_id=body.pk,
        details={"number_symbol": entry.number_symbol, "reason": reason},
    )
    return entry


@transaction.atomic
def register_receive(
    *,
    actor: User,
    body: Body,
    sender: str,
    number_symbol: str,
    document_date: dt.date,
    doc_type: str,
    summary: str,
    handler: User | None = None,
    document: Document | None = None,
    note: str = "",
) -> RegisterEntry:
    """Enter a received document in the incoming register with the next incoming number."""
    ensure_can_register(user=actor, body=body)
    if doc_type not in DocumentType.values:
        raise Invalid(
            _("Choose a document type."), fields={"doc_type": [_("Choose a document type.")]}
        )
    sender = _text(sender, "sender")
    their_symbol = _text(number_symbol, "number_symbol", limit=100)
    summary = _text(summary, "summary", limit=SUMMARY_MAX)
    note = _text(note, "note", required=False, limit=500)
    today = timezone.localdate()
    if document_date is None or document_date > today:
        message = _("The document's date cannot be after today.")
        raise Invalid(message, fields={"document_date": [message]})
    if handler is not None and not body_people(body=body).filter(pk=handler.pk).exists():
        message = _("The person who handles it must serve in the body.")
        raise Invalid(message, fields={"handler": [message]})
    register, number = _take(body=body, direction=Register.Direction.IN, year=today.year, series="")
    entry = RegisterEntry.objects.create(
        register=register,
        number=number,
        number_symbol=their_symbol,
        state=RegisterEntry.State.RECEIVED,
        doc_type=doc_type,
        document_date=document_date,
        summary=summary,
        sender=sender,
        handler=handler,
        document=document,
        note=note,
        registered_by=actor,
        search_text=_search_text(str(number), their_symbol, summary, sender, note),
    )
    audit.record(
        actor=actor,
        action="register.received",
        target=entry,
        body_id=body.pk,
        details={"number": number, "sender": sender, "number_symbol": their_symbol},
    )
    return entry
