"""Refuses every request that carries the id of a revoked briefcase device.

The briefcase app sends `X-Ecabinet-Device: <uuid>` with its requests (papers, manifest,
key). A revoked device gets 410 {"error": "device_revoked"} before any view runs, so no
view (meetings' paper files among them) needs to know about devices, and each refusal is
kept in the audit trail. Only what a wiping app still has to say passes: its status, its
"wiped" and signing out.
"""

from __future__ import annotations

import re

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from briefcase.models import Device, parse_device_id
from briefcase.services import device_refusal_record

HEADER = "X-Ecabinet-Device"
# What a revoked device may still ask: whether it is revoked, to say it wiped, to sign out.
PASSES = re.compile(r"^/(api/devices/[^/]+/(status|wiped)|accounts/logout/)$")


def revoked_response() -> JsonResponse:
    return JsonResponse(
        {
            "error": "device_revoked",
            "detail": _("This device was revoked: its briefcase must be deleted."),
            "fields": {},
        },
        status=410,
    )


class RevokedDeviceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        raw = request.headers.get(HEADER)
        if raw and not PASSES.match(request.path):
            public_id = parse_device_id(raw)
            device = (
                Device.objects.filter(public_id=public_id, revoked_at__isnull=False).first()
                if public_id is not None
                else None
            )
            if device is not None:
                device_refusal_record(
                    device=device, actor=None, what=f"{request.method} {request.path}"
                )
                return revoked_response()
        return self.get_response(request)
