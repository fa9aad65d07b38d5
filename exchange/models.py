"""Sending and receiving documents between agencies (Decision 28/2018/QĐ-TTg).

A `Peer` is another agency's system this body exchanges with: its agency code, its
inbox, the public key its requests are signed with and the roots its seal chains to.
A `Dispatch` is one issued document sent to one peer, and is its own outbox row: it is
tried until the peer takes it, with back-off, and keeps the peer's latest status. An
`Incoming` is a package a peer sent here, checked before anything was stored. A
`StatusOut` is a status message this body owes a sender, in the same kind of outbox.
`StatusEntry` keeps every status message, sent or received, as a log.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from archive.models import Record
from people.models import Body
from registers.models import RegisterEntry

AGENCY_CODE = RegexValidator(
    r"^\d{3}\.\d{2}\.\d{2}\.[A-Z]\d{2}$",
    _("An agency code reads like 000.00.00.G01 (QCVN 102:2016)."),
)


class Status(models.TextChoices):
    """What the recipient has done with a document, in the order it happens. The two-digit
    codes are what the status message carries (docs/exchange.md)."""

    RECEIVED = "01", pgettext_lazy("exchange status", "Received")
    REFUSED = "02", pgettext_lazy("exchange status", "Refused")
    REGISTERED = "03", pgettext_lazy("exchange status", "Registered")
    ASSIGNED = "04", pgettext_lazy("exchange status", "Assigned")
    PROCESSING = "05", pgettext_lazy("exchange status", "Being processed")
    COMPLETED = "06", pgettext_lazy("exchange status", "Completed")


# A later status never gives way to an earlier one that arrives late.
STATUS_ORDER = {
    Status.RECEIVED: 1,
    Status.REGISTERED: 2,
    Status.ASSIGNED: 3,
    Status.PROCESSING: 4,
    Status.COMPLETED: 5,
    Status.REFUSED: 6,
}


class Peer(models.Model):
    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="peers", verbose_name=_("body")
    )
    code = models.CharField(_("agency code"), max_length=13, validators=[AGENCY_CODE])
    name = models.CharField(_("agency"), max_length=200)
    inbox_url = models.URLField(_("inbox address"), max_length=300)
    # Ed25519, PEM: every request the peer makes is signed with its private half.
    public_key = models.TextField(_("request key"))
    # PEM certificates its seal and its signers chain to; empty for a peer that only
    # answers (its packages are refused until its roots are known).
    seal_roots = models.TextField(_("trusted roots of its seal"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exchange peer")
        verbose_name_plural = _("exchange peers")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["body", "code"], name="peer_once_per_body")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Outbox(models.Model):
    """What every outbox row shares: tried until the peer answers, with back-off."""

    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)

    class Meta:
        abstract = True


class Dispatch(Outbox):
    class State(models.TextChoices):
        QUEUED = "queued", pgettext_lazy("exchange status", "Waiting to be sent")
        DELIVERED = "delivered", pgettext_lazy("exchange status", "Delivered")
        REFUSED = "refused", pgettext_lazy("exchange status", "Refused")

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    peer = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="dispatches")
    record = models.ForeignKey(Record, on_delete=models.PROTECT, related_name="dispatches")
    document_id = models.CharField(_("document id"), max_length=200)
    number_symbol = models.CharField(_("number and symbol"), max_length=100)
    subject = models.CharField(_("summary"), max_length=500)
    package = models.FileField(upload_to="exchange/out/%Y/", max_length=300)
    package_sha256 = models.CharField(max_length=64)
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    status = models.CharField(_("status"), max_length=2, choices=Status, blank=True)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    status_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document sent")
        verbose_name_plural = _("documents sent")
        ordering = ["record", "peer__name"]
        constraints = [
            models.UniqueConstraint(fields=["peer", "document_id"], name="dispatch_once_per_peer")
        ]

    def __str__(self) -> str:
        return f"{self.number_symbol} → {self.peer.code}"


class Incoming(models.Model):
    class State(models.TextChoices):
        RECEIVED = "received", pgettext_lazy("exchange status", "Received")
        REGISTERED = "registered", pgettext_lazy("exchange status", "Registered")
        ASSIGNED = "assigned", pgettext_lazy("exchange status", "Assigned")
        PROCESSING = "processing", pgettext_lazy("exchange status", "Being processed")
        COMPLETED = "completed", pgettext_lazy("exchange status", "Completed")

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="+")
    sender = models.ForeignKey(Peer, on_delete=models.PROTECT, related_name="incoming")
    document_id = models.CharField(_("document id"), max_length=200)
    number_symbol = models.CharField(_("number and symbol"), max_length=100)
    type_name = models.CharField(_("document type"), max_length=100, blank=True)
    subject = models.CharField(_("summary"), max_length=500)
    promulgation_date = models.DateField(_("date of the document"))
    signers = models.CharField(_("signed by"), max_length=500, blank=True)
    package = models.FileField(upload_to="exchange/in/%Y/", max_length=300)
    package_sha256 = models.CharField(max_length=64)
    pdf = models.FileField(upload_to="exchange/in/%Y/", max_length=300)
    pdf_name = models.CharField(max_length=255)
    pdf_sha256 = models.CharField(max_length=64)
    state = models.CharField(_("state"), max_length=12, choices=State, default=State.RECEIVED)
    register_entry = models.OneToOneField(
        RegisterEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="incoming"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("document received")
        verbose_name_plural = _("documents received")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["sender", "document_id"], name="incoming_once_per_sender"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number_symbol} ← {self.sender.code}"


class StatusOut(Outbox):
    """A status message owed to the sender of an incoming document."""

    incoming = models.ForeignKey(Incoming, on_delete=models.PROTECT, related_name="statuses_out")
    code = models.CharField(max_length=2, choices=Status)
    reason = models.CharField(max_length=500, blank=True)
    staff = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["incoming", "code"], name="status_out_once")]

    def __str__(self) -> str:
        return f"{self.incoming_id}: {self.code}"


class StatusEntry(models.Model):
    """A status message received for a document sent (`dispatch`)."""

    dispatch = models.ForeignKey(Dispatch, on_delete=models.PROTECT, related_name="statuses")
    code = models.CharField(max_length=2, choices=Status)
    reason = models.CharField(max_length=500, blank=True)
    staff = models.CharField(max_length=200, blank=True)
    stated_at = models.DateTimeField()  # the recipient's own time, from the message
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["dispatch", "recorded_at"]
        constraints = [
            models.UniqueConstraint(fields=["dispatch", "code"], name="status_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.dispatch_id}: {self.code}"
