"""Writes on briefcase devices: register, hand out the data key, revoke, and what the app
reports (its wipe, what it stores). Keyword-only, `actor=` explicit, audited.

A device is named in the path by its public uuid. Anything that does not resolve, or that
the actor may not know about, is NotFound: nobody learns that another person's device
exists. A revoked device is `Revoked` (410), which the app takes as the order to wipe.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from importlib import import_module

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from briefcase.models import Device, parse_device_id
from ecabinet import audit
from ecabinet.errors import Conflict, Invalid, NotFound, ServiceError
from ecabinet.realtime.events import Event, publish
from notifications.alerts import person_stream
from people.models import Membership, Role, User

REASON_MAX = 500


class Revoked(ServiceError):
    """The device was revoked: no key, no paper; the app deletes what it holds."""

    status = 410
    code = "device_revoked"


@dataclass(frozen=True)
class DeviceRevoked(Event):
    """On the person's stream: an app open on that device wipes itself at once."""

    type = "device.revoked"
    device_id: str


def revoked_error() -> Revoked:
    return Revoked(_("This device was revoked: its briefcase must be deleted."))


def _not_found() -> NotFound:
    return NotFound(_("Device not found."))


def _device(device_id: str | uuid.UUID, *, lock: bool = False) -> Device:
    public_id = parse_device_id(device_id)
    if public_id is None:
        raise _not_found()
    qs = Device.objects.select_related("user")
    if lock:
        qs = qs.select_for_update(of=("self",))
    device = qs.filter(public_id=public_id).first()
    if device is None:
        raise _not_found()
    return device


def _own_device(*, actor: User, device_id: str | uuid.UUID, lock: bool = False) -> Device:
    device = _device(device_id, lock=lock)
    if device.user_id != actor.pk:
        raise _not_found()
    return device


def can_manage_devices_of(*, actor: User, user: User | int) -> bool:
    """The person themselves, or the secretariat of a body the person serves in."""
    user_id = user if isinstance(user, int) else user.pk
    if not actor.is_authenticated:
        return False
    if actor.pk == user_id:
        return True
    bodies = Membership.objects.filter(user=actor, role=Role.SECRETARIAT, is_active=True).values(
        "body_id"
    )
    return Membership.objects.filter(user_id=user_id, is_active=True, body_id__in=bodies).exists()


def offline_until(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) + dt.timedelta(hours=settings.BRIEFCASE_OFFLINE_HOURS)


# --- Services -----------------------------------------------------------------------


@transaction.atomic
def device_register(*, actor: User, name: str, user_agent: str = "") -> Device:
    name = " ".join((name or "").split())
    if not name:
        message = _("Give the device a name.")
        raise Invalid(message, fields={"name": [message]})
    if len(name) > Device.NAME_MAX:
        message = _("A device name has at most %(n)d characters.") % {"n": Device.NAME_MAX}
        raise Invalid(message, fields={"name": [message]})
    # One registration at a time per person, so two tabs cannot both pass the limit.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    active = Device.objects.filter(user=actor, revoked_at__isnull=True).count()
    limit = settings.BRIEFCASE_MAX_DEVICES
    if active >= limit:
        raise Conflict(
            _(
                "You already have %(n)d devices with a briefcase, the most allowed. "
                "Revoke one you no longer use in My devices first."
            )
            % {"n": limit}
        )
    device = Device.objects.create(user=actor, name=name, user_agent=(user_agent or "")[:300])
    audit.record(
        actor=actor,
        action="device.registered",
        target=device,
        details={"device": str(device.public_id), "name": name},
    )
    return device


def device_key_release(*, actor: User, device_id: str, session_key: str | None) -> Device:
    """The data key for the app on this device, in this session. A revoked device is
    refused, and the refused attempt is kept in the audit trail (a lost tablet replaying
    its request is worth knowing about)."""
    with transaction.atomic():
        device = _own_device(actor=actor, device_id=device_id, lock=True)
        if not device.is_revoked:
            if not session_key:
                raise Conflict(_("Sign in again: this browser has no session."))
            now = timezone.now()
            fields = ["last_seen_at"]
            if device.session_key != session_key:
                # Once per session: a reload in the same session is not news.
                audit.record(
                    actor=actor,
                    action="device.key_released",
                    target=device,
                    details={"device": str(device.public_id)},
                )
                device.session_key = session_key
                fields.append("session_key")
            device.last_seen_at = now
            device.save(update_fields=fields)
            return device
    device_refusal_record(device=device, actor=actor, what="key")
    raise revoked_error()


# A revoked device replaying the same request is noted once per this many seconds: enough
# to see it in the trail, and a flood of replays cannot queue on the audit chain's lock.
REFUSAL_NOTE_SECONDS = 60


@transaction.atomic
def device_refusal_record(*, device: Device, actor: User | None, what: str) -> None:
    """A revoked device asked for something (its key, a paper): refused, and noted."""
    what = what[:200]
    digest = hashlib.sha256(f"{device.public_id} {what}".encode()).hexdigest()
    if not cache.add(f"briefcase:refused:{digest}", 1, REFUSAL_NOTE_SECONDS):
        return
    audit.record(
        actor=actor if actor is not None and actor.is_authenticated else None,
        action="device.refused",
        target=device,
        details={"device": str(device.public_id), "asked": what},
    )


def _end_session(session_key: str) -> None:
    if not session_key:
        return
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore(session_key=session_key).delete()


@transaction.atomic
def device_revoke(*, actor: User, device_id: str, reason: str = "") -> Device:
    """Stop the device: no more key or papers; its session is ended (that browser is
    signed out) and an app open on it is told at once to delete what it holds."""
    device = _device(device_id, lock=True)
    if not can_manage_devices_of(actor=actor, user=device.user_id):
        raise _not_found()
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_MAX:
        message = _("A reason has at most %(n)d characters.") % {"n": REASON_MAX}
        raise Invalid(message, fields={"reason": [message]})
    if actor.pk != device.user_id and not reason:
        message = _("Say why the device is revoked: the member will read it.")
        raise Invalid(message, fields={"reason": [message]})
    if device.is_revoked:
        return device  # already done: nothing new to record
    device.revoked_at = timezone.now()
    device.revoked_by = actor
    device.revoke_reason = reason
    device.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
    _end_session(device.session_key)
    audit.record(
        actor=actor,
        action="device.revoked",
        target=device,
        details={
            "device": str(device.public_id),
            "user_id": device.user_id,
            "reason": reason,
            "session_ended": bool(device.session_key),
        },
    )
    publish(stream=person_stream(device.user_id), event=DeviceRevoked(str(device.public_id)))
    return device


@transaction.atomic
def device_mark_wiped(*, device_id: str) -> Device:
    """The app says it deleted everything it held. No sign-in is needed (the session is
    gone by then): the uuid names the device, and saying "wiped" only ever removes."""
    device = _device(device_id, lock=True)
    if device.wiped_at is None:
        device.wiped_at = timezone.now()
        device.stored = {}
        device.save(update_fields=["wiped_at", "stored"])
        audit.record(
            actor=None,
            action="device.wiped",
            target=device,
            details={"device": str(device.public_id), "user_id": device.user_id},
        )
    return device


@transaction.atomic
def device_report_stored(
    *, actor: User, device_id: str, meetings: int, papers: int, size: int
) -> Device:
    device = _own_device(actor=actor, device_id=device_id, lock=True)
    if device.is_revoked:
        raise revoked_error()
    now = timezone.now()
    device.stored = {
        "meetings": meetings,
        "papers": papers,
        "bytes": size,
        "at": now.isoformat(),
    }
    device.last_seen_at = now
    device.save(update_fields=["stored", "last_seen_at"])
    return device


@transaction.atomic
def device_seen(*, actor: User, device_id: str) -> Device:
    """The app fetched its manifest: the device is in touch (no audit: it happens often)."""
    device = _own_device(actor=actor, device_id=device_id, lock=True)
    if device.is_revoked:
        raise revoked_error()
    device.last_seen_at = timezone.now()
    device.save(update_fields=["last_seen_at"])
    return device
