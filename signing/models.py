"""Signing keys on PKCS#11 tokens and the signatures made with them.

The server knows where a key is (token and key label) and its certificate, never the
PIN that unlocks it: a signature needs the owner's PIN at the moment of signing.
"""

from __future__ import annotations

import hashlib

from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentVersion
from people.models import Body


class SignatureKind(models.TextChoices):
    PERSONAL = "personal", _("Personal signature")
    SEAL = "seal", _("Agency seal")


class SigningKey(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        REVOKED = "revoked", _("Revoked")
        REPLACED = "replaced", _("Replaced")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_keys",
        verbose_name=_("owner"),
    )
    body = models.ForeignKey(
        Body,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seal_keys",
        verbose_name=_("agency"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SignatureKind)
    token_label = models.CharField(_("token"), max_length=32)
    key_label = models.CharField(_("key label"), max_length=64)
    certificate = models.BinaryField(_("certificate (DER)"))
    subject = models.CharField(_("certificate subject"), max_length=500)
    serial = models.CharField(_("serial number"), max_length=80)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.ACTIVE)
    failed_attempts = models.PositiveSmallIntegerField(_("wrong PINs in a row"), default=0)
    # Attempts claimed and not yet answered by the token; they count against the limit
    # so that parallel requests cannot send more PINs to the token than attempts remain.
    pin_checks_pending = models.PositiveSmallIntegerField(_("PIN checks under way"), default=0)
    locked = models.BooleanField(_("locked"), default=False)
    locked_at = models.DateTimeField(_("locked at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("signing key")
        verbose_name_plural = _("signing keys")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, body__isnull=True, kind="personal")
                    | models.Q(user__isnull=True, body__isnull=False, kind="seal")
                ),
                name="signingkey_owner_matches_kind",
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="active", user__isnull=False),
                name="signingkey_one_active_per_user",
            ),
            models.UniqueConstraint(
                fields=["body"],
                condition=models.Q(status="active", body__isnull=False),
                name="signingkey_one_active_seal_per_body",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def certificate_der(self) -> bytes:
        return bytes(self.certificate)

    @property
    def certificate_pem(self) -> str:
        return pem.armor("CERTIFICATE", self.certificate_der).decode("ascii")

    def asn1_certificate(self) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(self.certificate_der)

    @staticmethod
    def fingerprint_of(der: bytes) -> str:
        return hashlib.sha256(der).hexdigest()


class Signature(models.Model):
    """One signature made by e-Cabinet: which version was signed, the new version that
    carries the signature, who entered the PIN, and with which certificate."""

    key = models.ForeignKey(
        SigningKey, on_delete=models.PROTECT, related_name="signatures", verbose_name=_("key")
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="signatures_made",
        verbose_name=_("signed by"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=SignatureKind)
    source_version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed version"),
    )
    signed_version = models.OneToOneField(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="signature",
        verbose_name=_("resulting version"),
    )
    field_name = models.CharField(_("signature field"), max_length=100)
    level = models.CharField(_("PAdES level"), max_length=10)
    signed_at = models.DateTimeField(_("signed at"))
    certificate_fingerprint = models.CharField(_("certificate SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["signed_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.signer} · {self.signed_version}"


class KeyUnlockRequest(models.Model):
    """A member of the secretariat asks to unlock the body's seal; a second person (the
    body's chair or another member of the secretariat) approves or refuses. Nobody
    unlocks a key they use themselves."""

    class State(models.TextChoices):
        PENDING = "pending", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    key = models.ForeignKey(
        SigningKey,
        on_delete=models.CASCADE,
        related_name="unlock_requests",
        verbose_name=_("key"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("key unlock request")
        verbose_name_plural = _("key unlock requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key"],
                condition=models.Q(state="pending"),
                name="keyunlockrequest_one_pending_per_key",
            ),
            models.CheckConstraint(
                condition=models.Q(state="pending")
                | models.Q(decided_by__isnull=False, decided_at__isnull=False),
                name="keyunlockrequest_decided_has_decider",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} · {self.get_state_display()}"
