"""The audit trail: an append-only, hash-chained log of every action that matters.

Each entry stores the hash of the entry before it, so editing, inserting or deleting
a row breaks the chain at that point. The head row remembers the last sequence number
and hash, so deleting entries at the end is noticed too.

A hash chain alone proves nothing against someone who can write to the database: they
can rewrite history from any entry and recompute every hash after it. So the head is
checkpointed: at intervals its number, hash and the count of entries are signed with a
key on a token and timestamped by a timestamp authority (`checkpoints.py`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditEntry(models.Model):
    seq = models.PositiveBigIntegerField(_("sequence"), unique=True)
    created_at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_name = models.CharField(_("actor name"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=100, db_index=True)
    target_type = models.CharField(_("target type"), max_length=100, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    target_repr = models.CharField(_("target"), max_length=300, blank=True)
    body_id = models.BigIntegerField(_("body"), null=True, blank=True, db_index=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_repr}"


class AuditHead(models.Model):
    """A single row locked by every writer: it serialises the chain."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"head #{self.seq} {self.hash[:12]}"


class AuditCheckpoint(models.Model):
    """The chain's head as it stood at one moment, signed on a token and timestamped.

    `statement` is the exact text that was signed (canonical JSON); `signature` a
    detached CMS over it carrying an RFC 3161 signature timestamp. The columns repeat
    the statement for queries; the verifier trusts only the signed text.
    """

    number = models.PositiveIntegerField(_("number"), unique=True)
    seq = models.PositiveBigIntegerField(_("last entry"))
    hash = models.CharField(_("hash of the last entry"), max_length=64)
    count = models.PositiveBigIntegerField(_("entries"))
    made_at = models.DateTimeField(_("made"))
    statement = models.TextField(_("signed statement"))
    signature = models.BinaryField(_("signature (CMS)"))
    timestamped_at = models.DateTimeField(_("timestamp time"))
    signer = models.CharField(_("signed by"), max_length=500)

    class Meta:
        ordering = ["number"]
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")

    def __str__(self) -> str:
        return f"checkpoint {self.number}: #{self.seq} {self.hash[:12]}"
