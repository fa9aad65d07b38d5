"""The body's document registers (Decree 30/2020, Appendix IV): the outgoing register
(sổ đăng ký văn bản đi) gives each document the body issues its number, and the
incoming register (sổ đăng ký văn bản đến) gives each document it receives one.

A register is one counter per body, direction, year and series: a resolution and an
official letter are numbered in series of their own ("15/NQ-CP", "1234/CP"), each from
1 on 1 January. Its row is locked while a number is taken, so two issues never take the
same number and no number is skipped; an entry is never deleted, and an issue withdrawn
after its number was taken stays in the register as cancelled.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from documents.models import Document, DocumentType
from people.models import Body


class Register(models.Model):
    class Direction(models.TextChoices):
        OUT = "out", _("Outgoing")
        IN = "in", _("Incoming")

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="registers", verbose_name=_("body")
    )
    direction = models.CharField(_("direction"), max_length=3, choices=Direction)
    year = models.PositiveSmallIntegerField(_("year"))
    # The kind's abbreviation (NQ, QĐ, BC...), "" for official letters and the incoming register.
    series = models.CharField(_("series"), max_length=10, blank=True)
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("register")
        verbose_name_plural = _("registers")
        constraints = [
            models.UniqueConstraint(
                fields=["body", "direction", "year", "series"], name="register_once_per_series"
            )
        ]

    def __str__(self) -> str:
        return f"{self.body} {self.direction} {self.year} {self.series}".strip()


class RegisterEntry(models.Model):
    class State(models.TextChoices):
        ISSUED = "issued", _("Issued")
        RECEIVED = "received", _("Received")
        CANCELLED = "cancelled", _("Cancelled")

    register = models.ForeignKey(
        Register, on_delete=models.PROTECT, related_name="entries", verbose_name=_("register")
    )
    number = models.PositiveIntegerField(_("number"))
    # Outgoing: the number and symbol this register gave ("15/NQ-CP"). Incoming: the
    # sender's own number and symbol, as written on the document.
    number_symbol = models.CharField(_("number and symbol"), max_length=100)
    state = models.CharField(_("state"), max_length=10, choices=State)
    doc_type = models.CharField(_("document type"), max_length=30, choices=DocumentType)
    document_date = models.DateField(_("date of the document"))
    summary = models.CharField(_("summary"), max_length=500)  # trích yếu
    signer = models.CharField(_("signed by"), max_length=200, blank=True)
    recipients = models.TextField(_("recipients"), blank=True)  # nơi nhận
    sender = models.CharField(_("sender"), max_length=200, blank=True)  # nơi gửi
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="register_entries",
        verbose_name=_("document"),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    # What the register's search compares: the entry's words, lower case, without accents.
    search_text = models.TextField(blank=True, editable=False)
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")
        ordering = ["register", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["register", "number"], name="register_number_once")
        ]

    def __str__(self) -> str:
        return self.number_symbol
