"""Putting keys on tokens and recording them: the development PKI's set-up, PKCS#12
import, and revocation. Every write is audited; the actor is None when an operator
runs a management command on the server (the audit trail says "system")."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from ecabinet import audit
from ecabinet.errors import Conflict, Invalid, NotAllowed
from people.models import Body, User
from signing import pki as dev_pki
from signing import selectors, tokens
from signing.certs import certificate_kind
from signing.models import SignatureKind, SigningKey

DEMO_USER_PIN = "123456"  # development only; documented in docs/signing.md
DEMO_SEAL_PIN = "654321"  # noqa: S105 - development only
KEY_LABEL = "signing-key"


def _token_label(prefix: str) -> str:
    # Unique: a token must never be mistaken for an older one with the same owner.
    return f"ecab-{prefix}-{secrets.token_hex(4)}"[:32]


@transaction.atomic
def _key_record(
    *, actor, user: User | None, body: Body | None, token_label: str, cert_der: bytes
) -> SigningKey:
    owner = {"user": user} if user is not None else {"body": body}
    SigningKey.objects.select_for_update().filter(status=SigningKey.Status.ACTIVE, **owner).update(
        status=SigningKey.Status.REPLACED
    )
    cert = asn1_x509.Certificate.load(cert_der)
    key = SigningKey.objects.create(
        **owner,
        kind=SignatureKind.PERSONAL if user is not None else SignatureKind.SEAL,
        token_label=token_label,
        key_label=KEY_LABEL,
        certificate=cert_der,
        subject=cert.subject.human_friendly[:500],
        serial=format(cert.serial_number, "x"),
        fingerprint=SigningKey.fingerprint_of(cert_der),
        not_before=cert.not_valid_before,
        not_after=cert.not_valid_after,
    )
    audit.record(
        actor=actor,
        action="signing.key_registered",
        target=key,
        body_id=body.pk if body is not None else None,
        details={"token": token_label, "serial": key.serial, "sha256": key.fingerprint},
    )
    return key


def key_provision(
    *,
    actor: User | None,
    pki: dev_pki.DevPki,
    pin: str,
    user: User | None = None,
    body: Body | None = None,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
) -> SigningKey:
    """Development: a new SoftHSM token with a key generated on it and a certificate
    from the development CA, for a person or (with `body`) an agency's seal."""
    if settings.IS_PRODUCTION:
        raise NotAllowed(_("The development PKI does not run in production."))
    if (user is None) == (body is None):
        raise Invalid(_("A key belongs to a person or to an agency."))
    label = _token_label("seal" if body is not None else "u")
    tokens.softhsm_token_create(label, pin=pin, so_pin=secrets.token_hex(8))
    if user is not None:
        subject = dev_pki.signer_subject(
            common_name=user.full_name or user.get_username(),
            title=user.title,
            organisation=user.organisation or _first_body_name(user),
            uid=user.get_username(),
        )
    else:
        subject = dev_pki.signer_subject(common_name=body.name, organisation=body.name)
    with tokens.session(label, pin, rw=True) as sess:
        public_key = tokens.key_generate(sess, KEY_LABEL)
        cert_der = dev_pki.certificate_issue(
            pki,
            public_key_der=public_key,
            subject=subject,
            seal=body is not None,
            not_before=not_before,
            not_after=not_after,
        )
        tokens.certificate_store(sess, KEY_LABEL, cert_der)
    return _key_record(actor=actor, user=user, body=body, token_label=label, cert_der=cert_der)


def _first_body_name(user: User) -> str:
    membership = user.memberships.filter(is_active=True).select_related("body").first()
    return membership.body.name if membership else ""


def key_import_p12(
    *, actor: User | None, user: User, data: bytes, passphrase: str, pin: str
) -> SigningKey:
    """Put the key and certificate of a PKCS#12 file on the person's token (a new
    SoftHSM token when they have none) and make it their signing key."""
    if actor is not None and actor.pk != user.pk:
        raise NotAllowed(_("Only the owner may import a key for themselves."))
    try:
        key, cert, _extra = pkcs12.load_key_and_certificates(data, passphrase.encode() or None)
    except ValueError as exc:
        message = _("The file is not a PKCS#12 file, or the passphrase is wrong.")
        raise Invalid(message, fields={"file": [message]}) from exc
    if key is None or cert is None:
        raise Invalid(_("The PKCS#12 file holds no key and certificate."))
    cert_der = cert.public_bytes(serialization.Encoding.DER)
    if certificate_kind(asn1_x509.Certificate.load(cert_der)) != SignatureKind.PERSONAL:
        raise Invalid(_("This is an agency seal certificate, not a personal one."))
    key_der = key.private_bytes(
        serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    current = selectors.key_of_user(user)
    label = current.token_label if current is not None else _token_label("u")
    if current is None:
        tokens.softhsm_token_create(label, pin=pin, so_pin=secrets.token_hex(8))
    try:
        with tokens.session(label, pin, rw=True) as sess:
            tokens.private_key_import(sess, KEY_LABEL, key_der)
            tokens.certificate_store(sess, KEY_LABEL, cert_der)
    except tokens.WrongPin as exc:
        message = _("Wrong token PIN; nothing was imported.")
        raise Invalid(message, fields={"pin": [message]}) from exc
    return _key_record(actor=actor, user=user, body=None, token_label=label, cert_der=cert_der)


@transaction.atomic
def key_revoke(
    *, actor: User | None, key: SigningKey, reason: str = "key_compromise"
) -> SigningKey:
    """Development: revoke the key's certificate at the development CA (OCSP and CRL
    say so at once) and retire the key. A production CA revokes through its own desk."""
    pki = dev_pki.pki_open(Path(settings.SIGNING_PKI_DIR))
    if pki is None or settings.IS_PRODUCTION:
        raise Conflict(_("Revoke the certificate at the certificate authority that issued it."))
    key = SigningKey.objects.select_for_update().get(pk=key.pk)
    dev_pki.certificate_revoke(pki, serial=int(key.serial, 16), reason=reason)
    key.status = SigningKey.Status.REVOKED
    key.save(update_fields=["status"])
    audit.record(
        actor=actor,
        action="signing.key_revoked",
        target=key,
        body_id=key.body_id,
        details={"serial": key.serial, "reason": reason},
    )
    return key


@dataclass
class InitReport:
    pki: dev_pki.DevPki
    created: bool
    users: list[tuple[User, str]] = field(default_factory=list)  # new keys and their PIN
    bodies: list[tuple[Body, str]] = field(default_factory=list)


def dev_pki_init(
    *,
    users: list[User] | None = None,
    user_pin: str = DEMO_USER_PIN,
    seal_pin: str = DEMO_SEAL_PIN,
    port: int | None = None,
) -> InitReport:
    """Create what is missing: the CAs, a key for each signer, a seal for each body."""
    if settings.IS_PRODUCTION:
        raise NotAllowed(_("The development PKI does not run in production."))
    pki_dir = Path(settings.SIGNING_PKI_DIR)
    pki_dir.mkdir(parents=True, exist_ok=True)
    if settings.SIGNING_SOFTHSM2_CONF and not Path(settings.SIGNING_SOFTHSM2_CONF).exists():
        tokens.softhsm_conf_write(Path(settings.SIGNING_SOFTHSM2_CONF).parent)
    pki, created = dev_pki.pki_create(pki_dir, port=port or settings.SIGNING_DEV_PKI_PORT)
    report = InitReport(pki, created)
    for user in users if users is not None else selectors.signer_users():
        if selectors.key_of_user(user) is None:
            key_provision(actor=None, pki=pki, pin=user_pin, user=user)
            report.users.append((user, user_pin))
    for body in Body.objects.all():
        if selectors.seal_key_of_body(body) is None:
            key_provision(actor=None, pki=pki, pin=seal_pin, body=body)
            report.bodies.append((body, seal_pin))
    from signing import audit_notary  # the audit checkpoints' key (docs/audit.md)

    if not audit_notary.key_present():
        audit_notary.key_provision(pki=pki, pin=settings.AUDIT_CHECKPOINT_PIN)
    return report
