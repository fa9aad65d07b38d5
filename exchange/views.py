"""The inbox other agencies' systems post to. No session and no CSRF token: each request
is signed with its sender's request key (exchange/wire.py), checked before it is parsed.
A refusal is answered with a status message (code 02) that says why."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from exchange import services, wire
from exchange.models import Status


def _headers(request: HttpRequest) -> dict[str, str]:
    names = (wire.HEADER_FROM, wire.HEADER_TO, wire.HEADER_DATE, wire.HEADER_SIGNATURE)
    return {name: request.headers.get(name, "") for name in names}


def _read(request: HttpRequest) -> bytes:
    """At most one byte more than the limit: enough to know it is too large."""
    return request.read(settings.EXCHANGE_MAX_BYTES + 1)


def _answer(request: HttpRequest, *, code: str, reason: str, document_id: str, status: int):
    body = wire.status_build(
        wire.StatusMessage(
            sender_code=request.headers.get(wire.HEADER_TO, "") or "-",
            sender_name="",
            document_id=document_id or "-",
            code=code,
            reason=reason,
            staff="",
            moment=timezone.now(),
        )
    )
    return HttpResponse(body, status=status, content_type="application/xml")


def _refusal(request: HttpRequest, refusal: wire.Refused) -> HttpResponse:
    return _answer(
        request, code=Status.REFUSED, reason=refusal.reason, document_id="", status=refusal.status
    )


@csrf_exempt
@require_POST
def packages(request: HttpRequest) -> HttpResponse:
    data = _read(request)
    try:
        incoming, new = services.package_receive(
            headers=_headers(request), path=request.path, data=data
        )
    except wire.Refused as refusal:
        return _answer(
            request,
            code=Status.REFUSED,
            reason=refusal.reason,
            document_id="",
            status=refusal.status,
        )
    return _answer(
        request,
        code=Status.RECEIVED,
        reason="" if new else "already received",
        document_id=incoming.document_id,
        status=202 if new else 200,
    )


@csrf_exempt
@require_POST
def statuses(request: HttpRequest) -> HttpResponse:
    data = _read(request)
    try:
        services.status_receive(headers=_headers(request), path=request.path, data=data)
    except wire.Refused as refusal:
        return _answer(
            request,
            code=Status.REFUSED,
            reason=refusal.reason,
            document_id="",
            status=refusal.status,
        )
    return HttpResponse(status=204)
