"""The member's devices that keep an encrypted briefcase of papers for reading offline.

The server holds each device's data key (32 random bytes): the app asks for it once per
page session and never stores it in the clear. Revoking a device stops the key and the
papers; at its next contact the app deletes what it stored and signs out.
"""

import secrets
import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def parse_device_id(raw: object) -> uuid.UUID | None:
    """A device's public id from a path, a query or a header; None if it is not a uuid."""
    if isinstance(raw, uuid.UUID):
        return raw
    try:
        return uuid.UUID(str(raw or "").strip())
    except ValueError:
        return None


def new_key() -> bytes:
    return secrets.token_bytes(32)


class Device(models.Model):
    NAME_MAX = 100

    public_id = models.UUIDField(_("device id"), default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="devices",
        verbose_name=_("user"),
    )
    name = models.CharField(_("name"), max_length=NAME_MAX)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True)
    key = models.BinaryField(_("data key"), max_length=32, default=new_key, editable=False)
    # The last session that fetched the key: revoking deletes it (signs that browser out).
    session_key = models.CharField(max_length=40, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )
    revoke_reason = models.CharField(_("reason"), max_length=500, blank=True)
    wiped_at = models.DateTimeField(_("wiped"), null=True, blank=True)
    # What the app says it holds: {"meetings": n, "papers": n, "bytes": n, "at": iso}.
    stored = models.JSONField(_("stored"), default=dict, blank=True)

    class Meta:
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "revoked_at"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
