"""The registers over JSON: read with filters, issue a number, enter a received
document, cancel an issue. The same services and rules as the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from ecabinet.api_types import ERRORS, Id
from ecabinet.errors import Invalid, NotFound
from people.models import Body, User
from registers import services
from registers.access import ensure_can_read_registers
from registers.models import RegisterEntry
from registers.selectors import register_entries

router = Router(tags=["registers"])
Text = Annotated[str, Field(max_length=2000)]


class EntryOut(Schema):
    id: int
    direction: str
    year: int
    number: int
    number_symbol: str
    state: str
    doc_type: str
    document_date: date
    summary: str
    signer: str
    recipients: str
    sender: str
    handler_id: int | None
    document_id: int | None
    note: str
    registered_at: datetime
    cancel_reason: str

    @staticmethod
    def resolve_direction(obj: RegisterEntry) -> str:
        return obj.register.direction

    @staticmethod
    def resolve_year(obj: RegisterEntry) -> int:
        return obj.register.year


class IssueIn(Schema):
    doc_type: Annotated[str, Field(max_length=30)]
    summary: Text
    signer: Annotated[str, Field(max_length=200)]
    recipients: Text
    unit: Annotated[str, Field(max_length=10)] = ""
    note: Annotated[str, Field(max_length=500)] = ""


class ReceiveIn(Schema):
    sender: Annotated[str, Field(max_length=200)]
    number_symbol: Annotated[str, Field(max_length=100)]
    document_date: date
    doc_type: Annotated[str, Field(max_length=30)]
    summary: Text
    handler_id: Id | None = None
    note: Annotated[str, Field(max_length=500)] = ""


class CancelIn(Schema):
    reason: Annotated[str, Field(max_length=500)]


def _body(request: HttpRequest, body_id: int) -> Body:
    body = Body.objects.filter(pk=body_id).first()
    if body is None:
        raise NotFound(_("Register not found."))
    ensure_can_read_registers(user=request.user, body=body)
    return body


class EntryFilters(Schema):
    year: Annotated[int, Field(ge=1900, le=9999)] | None = None
    q: Annotated[str, Field(max_length=200)] = ""
    doc_type: Annotated[str, Field(max_length=30)] = ""
    limit: Annotated[int, Field(ge=1, le=500)] = 100


def _entries(request: HttpRequest, body_id: int, direction: str, filters: EntryFilters):
    body = _body(request, body_id)
    rows = register_entries(
        body=body, direction=direction, year=filters.year, q=filters.q, doc_type=filters.doc_type
    )
    return list(rows[: filters.limit])


@router.get("/bodies/{body_id}/registers/out", response={200: list[EntryOut], **ERRORS})
def outgoing(request: HttpRequest, body_id: Id, filters: Query[EntryFilters]):
    """The outgoing register, newest first; `q` matches every word, accents optional."""
    return _entries(request, body_id, "out", filters)


@router.get("/bodies/{body_id}/registers/in", response={200: list[EntryOut], **ERRORS})
def incoming(request: HttpRequest, body_id: Id, filters: Query[EntryFilters]):
    """The incoming register, newest first."""
    return _entries(request, body_id, "in", filters)


@router.post("/bodies/{body_id}/registers/out", response={201: EntryOut, **ERRORS})
def issue(request: HttpRequest, body_id: Id, data: IssueIn):
    body = _body(request, body_id)
    return Status(201, services.register_issue(actor=request.user, body=body, **data.dict()))


@router.post("/bodies/{body_id}/registers/in", response={201: EntryOut, **ERRORS})
def receive(request: HttpRequest, body_id: Id, data: ReceiveIn):
    body = _body(request, body_id)
    values = data.dict()
    handler_id = values.pop("handler_id")
    handler = None
    if handler_id is not None:
        handler = User.objects.filter(pk=handler_id).first()
        if handler is None:
            message = _("No such person.")
            raise Invalid(message, fields={"handler_id": [message]})
    return Status(
        201, services.register_receive(actor=request.user, body=body, handler=handler, **values)
    )


@router.post("/register-entries/{entry_id}/cancel", response={200: EntryOut, **ERRORS})
def cancel(request: HttpRequest, entry_id: Id, data: CancelIn):
    entry = RegisterEntry.objects.select_related("register__body").filter(pk=entry_id).first()
    if entry is None:
        raise NotFound(_("Register not found."))
    ensure_can_read_registers(user=request.user, body=entry.register.body)
    return services.register_cancel(actor=request.user, entry=entry, reason=data.reason)
