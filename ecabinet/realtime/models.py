"""The per-meeting event log: the one record of what every tablet must have seen.

The channel layer delivers at most once; this table is what a tablet that dropped off
catches up from. Each stream (a meeting, a ballot) numbers its events 1, 2, 3… without gaps:
the counter row is locked while an event is written, in the same transaction as the
change it describes.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class EventStream(models.Model):
    key = models.CharField(max_length=100, unique=True)
    last_seq = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("event stream")

    def __str__(self) -> str:
        return f"{self.key} @{self.last_seq}"


class StoredEvent(models.Model):
    stream = models.CharField(max_length=100)
    seq = models.PositiveBigIntegerField()
    type = models.CharField(max_length=100)
    payload = models.JSONField(default=dict)
    # Events about one agenda item are shown only to those who see that item (guests).
    item_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        ordering = ["stream", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["stream", "seq"], name="event_unique_seq"),
        ]

    def __str__(self) -> str:
        return f"{self.stream}#{self.seq} {self.type}"


class ClientCommand(models.Model):
    """A write sent from a tablet, remembered by the id the tablet gave it, so a retry
    after a dropped connection returns the first answer instead of acting twice."""

    user_id = models.BigIntegerField()
    client_id = models.CharField(max_length=64)
    name = models.CharField(max_length=100)
    # SHA-256 of the name and the validated arguments: the id is bound to this command.
    fingerprint = models.CharField(max_length=64, blank=True, default="")
    result = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("client command")
        constraints = [
            models.UniqueConstraint(fields=["user_id", "client_id"], name="command_once"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.client_id} {self.name}"
