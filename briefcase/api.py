"""Devices and the briefcase over JSON: /api/devices, /api/briefcase (docs/briefcase.md).

A device is named by its public uuid. One the caller may not know about, or a malformed
id, answers 404. A revoked device answers 410 {"error": "device_revoked"}: the app then
deletes what it holds. `status` and `wiped` need no sign-in: the app asks them after its
session is gone, the uuid is the only thing it has, and neither says anything about the
person.
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Annotated

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from briefcase import selectors, services
from briefcase.models import Device
from ecabinet.api_types import ERRORS, ErrorOut
from ecabinet.errors import NotFound

router = Router(tags=["briefcase"])

# The answers of an operation about a device: the usual ones and "revoked".
DEVICE_ERRORS = {**ERRORS, 410: ErrorOut}

DeviceId = Annotated[str, Path(max_length=64, description="The device's public id (a uuid).")]
Count = Annotated[int, Field(ge=0, le=1_000_000)]


class DeviceIn(Schema):
    name: str = Field(max_length=500)


class DeviceRegisteredOut(Schema):
    id: str
    name: str
    offline_hours: int


class DeviceStoredOut(Schema):
    meetings: int
    papers: int
    bytes: int
    at: datetime


class DeviceOut(Schema):
    id: str
    name: str
    created_at: datetime
    last_seen_at: datetime | None
    revoked_at: datetime | None
    wiped_at: datetime | None
    revoke_reason: str
    current: bool
    stored: DeviceStoredOut | None  # None until the app first says what it holds


class DeviceKeyOut(Schema):
    key: str
    offline_hours: int
    expires_at: datetime


class DeviceStatusOut(Schema):
    state: str


class DeviceRevokeIn(Schema):
    reason: str = Field(default="", max_length=2000)


class DeviceStoredIn(Schema):
    meetings: Count
    papers: Count
    bytes: Annotated[int, Field(ge=0, le=2**53)]


class BriefcasePositionOut(Schema):
    value: str
    note: str


class BriefcaseItemOut(Schema):
    id: int
    number: int
    title: str
    presenting_agency: str
    position: BriefcasePositionOut | None
    can_mark_position: bool


class BriefcasePaperOut(Schema):
    id: int
    item_id: int | None
    title: str
    version: int
    sha256: str
    size: int
    page_count: int
    confidentiality: str
    urgency: str
    offline: bool
    reason: str
    file_url: str


class BriefcaseMeetingOut(Schema):
    id: int
    title: str
    starts_at: datetime
    location: str
    state: str
    body: str
    url: str
    items: list[BriefcaseItemOut]
    papers: list[BriefcasePaperOut]


class BriefcaseOut(Schema):
    offline_hours: int
    generated_at: datetime
    meetings: list[BriefcaseMeetingOut]


def device_out(device: Device, *, session_key: str | None) -> dict:
    stored = device.stored or {}
    return {
        "id": str(device.public_id),
        "name": device.name,
        "created_at": device.created_at,
        "last_seen_at": device.last_seen_at,
        "revoked_at": device.revoked_at,
        "wiped_at": device.wiped_at,
        "revoke_reason": device.revoke_reason,
        "current": bool(session_key) and device.session_key == session_key,
        "stored": stored if {"meetings", "papers", "bytes", "at"} <= set(stored) else None,
    }


@router.post("/devices", response={201: DeviceRegisteredOut, **ERRORS})
def device_register(request: HttpRequest, data: DeviceIn):
    """Register this browser as a device that keeps a briefcase (at most
    BRIEFCASE_MAX_DEVICES active ones per person: 409 beyond)."""
    device = services.device_register(
        actor=request.user, name=data.name, user_agent=request.headers.get("User-Agent", "")
    )
    return Status(
        201,
        {
            "id": str(device.public_id),
            "name": device.name,
            "offline_hours": settings.BRIEFCASE_OFFLINE_HOURS,
        },
    )


@router.get("/devices", response={200: list[DeviceOut], **ERRORS})
def device_list(request: HttpRequest):
    session_key = request.session.session_key
    return [device_out(d, session_key=session_key) for d in selectors.devices_of(user=request.user)]


@router.post("/devices/{device_id}/key", response={200: DeviceKeyOut, **DEVICE_ERRORS})
def device_key(request: HttpRequest, device_id: DeviceId):
    """The device's data key (base64 of 32 bytes), for this session only. Only the
    device's own person; a revoked device gets 410 and the attempt is audited."""
    device = services.device_key_release(
        actor=request.user, device_id=device_id, session_key=request.session.session_key
    )
    return {
        "key": base64.b64encode(bytes(device.key)).decode("ascii"),
        "offline_hours": settings.BRIEFCASE_OFFLINE_HOURS,
        "expires_at": services.offline_until(device.last_seen_at),
    }


@router.get("/devices/{device_id}/status", response={200: DeviceStatusOut, **ERRORS}, auth=None)
def device_status(request: HttpRequest, device_id: DeviceId):
    """Whether the device may keep its briefcase: "active" or "revoked". No sign-in."""
    state = selectors.device_state(device_id=device_id)
    if state is None:
        raise NotFound(_("Device not found."))
    return {"state": state}


@router.post("/devices/{device_id}/revoke", response={200: DeviceOut, **ERRORS})
def device_revoke(request: HttpRequest, device_id: DeviceId, data: DeviceRevokeIn):
    """The person, or the secretariat of a body they serve in, revokes a device: its
    session ends and an open app deletes its briefcase at once."""
    session_key = request.session.session_key
    device = services.device_revoke(actor=request.user, device_id=device_id, reason=data.reason)
    return device_out(device, session_key=session_key)


@router.post("/devices/{device_id}/wiped", response={200: DeviceStatusOut, **ERRORS}, auth=None)
def device_wiped(request: HttpRequest, device_id: DeviceId):
    """The app deleted everything it held. No sign-in."""
    device = services.device_mark_wiped(device_id=device_id)
    return {"state": "revoked" if device.is_revoked else "active"}


@router.post("/devices/{device_id}/stored", response={200: DeviceOut, **DEVICE_ERRORS})
def device_stored(request: HttpRequest, device_id: DeviceId, data: DeviceStoredIn):
    """What the app holds now (shown on the devices page)."""
    device = services.device_report_stored(
        actor=request.user,
        device_id=device_id,
        meetings=data.meetings,
        papers=data.papers,
        size=data.bytes,
    )
    return device_out(device, session_key=request.session.session_key)


@router.get("/briefcase", response={200: BriefcaseOut, **DEVICE_ERRORS})
def briefcase(request: HttpRequest, device: Annotated[str | None, Query(max_length=64)] = None):
    """The person's upcoming meetings with the items they see and every paper's current
    version; Mật and above are listed with offline false and the reason."""
    if device is not None:
        services.device_seen(actor=request.user, device_id=device)
    return selectors.briefcase_manifest(user=request.user)
