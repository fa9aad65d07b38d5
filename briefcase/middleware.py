"""Refuses every request that carries the id of a revoked briefcase device.

The briefcase app sends `X-Ecabinet-Device: <uuid>` with its requests (papers, manifest,
key). A revoked device gets 410 {"error": "device_revoked"} before any view runs, so no
view (meetings' paper files among them) needs to know about devices.
"""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

HEADER = "X-Ecabinet-Device"


def revoked_response() -> JsonResponse:
    return JsonResponse(
        {
            "error": "device_revoked",
            "detail": _("This device was revoked: its briefcase must be deleted."),
            "fields": {},
        },
        status=410,
    )


def header_device_id(request: HttpRequest) -> uuid.UUID | None:
    raw = request.headers.get(HEADER, "").strip()
    if not raw:
        return None
    try:
        return uuid.UUID(raw)
    except ValueError:
        return None


class RevokedDeviceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        device_id = header_device_id(request)
        if device_id is not None:
            from briefcase.models import Device

            if Device.objects.filter(public_id=device_id, revoked_at__isnull=False).exists():
                return revoked_response()
        return self.get_response(request)
