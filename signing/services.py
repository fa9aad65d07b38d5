"""Signing a document version, and the PIN counter that guards every key.

`version_sign` is deliberately not one transaction: a wrong PIN must be counted even
though the signing fails, and the token, the OCSP responder and the timestamp
authority are not held up inside a database transaction. The writes are two short
atomic steps: counting a wrong PIN, and storing the signed version. Do not call it
inside an outer transaction that rolls back on error, or wrong PINs go uncounted.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass

import aiohttp
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps import TimestampRequestError

from documents.models import Document, DocumentVersion
from documents.services import document_add_version, version_read_original
from ecabinet import audit
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from people.models import Body, User
from signing import appearance, certs, pades, selectors, tokens
from signing.models import Signature, SignatureKind, SigningKey


class _NamedBytes(io.BytesIO):
    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


@dataclass(frozen=True)
class _Existing:
    kinds: list[str]
    fingerprints: set[str]


def _existing_signatures(data: bytes) -> _Existing:
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = reader.embedded_regular_signatures
    except Exception as exc:  # a PDF pyHanko cannot read cannot be signed either
        raise Invalid(_("This PDF cannot be signed: %(reason)s") % {"reason": exc}) from exc
    kinds, prints = [], set()
    for sig in embedded:
        kinds.append(certs.certificate_kind(sig.signer_cert))
        prints.add(SigningKey.fingerprint_of(sig.signer_cert.dump()))
    return _Existing(kinds, prints)


def _key_for(*, actor: User, kind: str, body: Body | None, key: SigningKey | None) -> SigningKey:
    if kind == SignatureKind.PERSONAL:
        own = selectors.key_of_user(actor)
        if key is not None and key.user_id != actor.pk:
            raise NotAllowed(_("You may sign only with your own key."))
        if own is None:
            raise NotFound(_("You have no signing key yet; ask the secretariat for one."))
        return own
    if kind != SignatureKind.SEAL:
        raise Invalid(_("Unknown kind of signature."))
    if body is None:
        raise Invalid(_("Say which agency's seal to use."))
    if not selectors.is_secretariat(actor, body.pk):
        raise NotAllowed(_("Only the agency's secretariat may apply its seal."))
    seal = selectors.seal_key_of_body(body)
    if seal is None or (key is not None and key.pk != seal.pk):
        raise NotFound(_("This agency has no seal key yet."))
    return seal


def _check_order(*, kind: str, existing: _Existing, key: SigningKey) -> None:
    if SignatureKind.SEAL in existing.kinds:
        raise Conflict(_("The document is sealed; nothing can be signed after the seal."))
    if kind == SignatureKind.SEAL and not existing.kinds:
        raise Conflict(_("The seal comes after at least one personal signature."))
    if key.fingerprint in existing.fingerprints:
        raise Conflict(_("You have already signed this version."))


def _check_key_usable(key: SigningKey) -> None:
    if key.locked:
        raise Conflict(
            _("This key is locked after too many wrong PINs; the secretariat can unlock it.")
        )
    if key.status != SigningKey.Status.ACTIVE:
        raise Conflict(_("This key is no longer active."))


@transaction.atomic
def _pin_failed(*, actor: User, key_id: int) -> SigningKey:
    key = SigningKey.objects.select_for_update().get(pk=key_id)
    key.failed_attempts += 1
    if key.failed_attempts >= settings.SIGNING_PIN_ATTEMPTS:
        key.locked, key.locked_at = True, timezone.now()
    key.save(update_fields=["failed_attempts", "locked", "locked_at"])
    audit.record(
        actor=actor,
        action="signing.pin_wrong",
        target=key,
        body_id=key.body_id,
        details={"failed_attempts": key.failed_attempts, "locked": key.locked},
    )
    return key


def _wrong_pin_error(key: SigningKey) -> Invalid:
    if key.locked:
        message = _(
            "Wrong PIN. The key is now locked after %(n)d wrong PINs; the secretariat can "
            "unlock it."
        ) % {"n": key.failed_attempts}
    else:
        left = settings.SIGNING_PIN_ATTEMPTS - key.failed_attempts
        message = _(
            "Wrong PIN; nothing was signed. %(left)d attempts left before the key locks."
        ) % {"left": left}
    return Invalid(message, fields={"pin": [message]})


def _sign_bytes(*, actor, key, data, kind, body, placement, existing, reason, pin) -> tuple:
    cert = key.asn1_certificate()
    chain = [asn1_x509.Certificate.load(der) for der in _chain_for(key)]
    moment = timezone.now()
    n = len(existing.kinds) + 1
    if kind == SignatureKind.SEAL:
        fields = [f for f in appearance.signature_fields(data) if f.name.startswith("Signature")]
        if placement is None:
            # Over our last signer's block; a file signed elsewhere (other field names, or
            # no visible block) gets the seal where the next block would have gone.
            if fields:
                signer = fields[-1]
            else:
                slot = appearance.personal_placement(data, taken=len(existing.kinds))
                signer = appearance.ExistingField("", slot.page, slot.box)
            placement = appearance.seal_placement(signer)
        box = placement.box
        stamp = appearance.seal_stamp_pdf(agency=body.name, moment=moment, size=box[2] - box[0])
        field_name, name = f"Seal{n}", body.name
    else:
        placement = placement or appearance.personal_placement(data, taken=len(existing.kinds))
        stamp = appearance.personal_stamp_pdf(
            name=actor.full_name or actor.get_username(),
            title=actor.title,
            moment=moment,
            box=placement.box,
        )
        field_name, name = f"Signature{n}", actor.full_name or actor.get_username()
    request = pades.SignRequest(
        data=data,
        field_name=field_name,
        page=placement.page,
        box=placement.box,
        stamp_pdf=stamp,
        seal=kind == SignatureKind.SEAL,
        signer_name=name,
        reason=reason,
        location=(body.place if body else "") or "Hà Nội",
    )
    with tokens.session(key.token_label, pin) as sess:
        signed = pades.pdf_sign(
            request, session=sess, key_label=key.key_label, cert=cert, chain=chain
        )
    return signed, field_name, moment


def _chain_for(key: SigningKey) -> list[bytes]:
    """Intermediate certificates to embed: from the dev PKI, or none (a production
    signer's chain comes from the trust store's intermediates)."""
    from signing.pki import chain_der, pki_open

    pki = pki_open(settings.SIGNING_PKI_DIR)
    return chain_der(pki) if pki is not None else []


def version_sign(
    *,
    actor: User,
    version: DocumentVersion,
    pin: str,
    kind: str = SignatureKind.PERSONAL,
    body: Body | None = None,
    key: SigningKey | None = None,
    placement: appearance.Placement | None = None,
    reason: str = "",
) -> DocumentVersion:
    """Sign `version` with the actor's own key (or, for kind="seal", the seal of `body`
    when the actor is its secretariat) and store the result as a new version.
    The caller has checked that the actor may read the version."""
    key = _key_for(actor=actor, kind=kind, body=body, key=key)
    _check_key_usable(key)
    if not pin:
        raise Invalid(_("Enter your PIN."), fields={"pin": [_("Enter your PIN.")]})
    data = version_read_original(actor=actor, version=version, purpose="sign")
    existing = _existing_signatures(data)
    _check_order(kind=kind, existing=existing, key=key)
    try:
        certs.certificate_check(
            key.asn1_certificate(), [asn1_x509.Certificate.load(der) for der in _chain_for(key)]
        )
    except certs.CertificateRefused as exc:
        raise Conflict(str(exc)) from exc
    try:
        signed, field_name, moment = _sign_bytes(
            actor=actor,
            key=key,
            data=data,
            kind=kind,
            body=body or key.body,
            placement=placement,
            existing=existing,
            reason=reason,
            pin=pin,
        )
    except tokens.WrongPin:
        raise _wrong_pin_error(_pin_failed(actor=actor, key_id=key.pk)) from None
    except tokens.TokenMissing as exc:
        raise Conflict(_("The key's token is not connected to this server.")) from exc
    except tokens.TokenPinLocked as exc:
        raise Conflict(_("The token has locked its PIN; it must be reset.")) from exc
    except SigningError as exc:
        raise Conflict(_("The signature could not be made: %(reason)s") % {"reason": exc}) from exc
    except TimestampRequestError as exc:
        # The PIN was right (the token session opened), so the counter stays as it was.
        raise Conflict(
            _("The timestamp service cannot be reached; nothing was signed. Try again later.")
        ) from exc
    except (aiohttp.ClientError, ConnectionError, TimeoutError) as exc:
        # Fetching revocation data (CRL, OCSP) for the validation data failed.
        raise Conflict(
            _(
                "The certificate status service cannot be reached; nothing was signed. "
                "Try again later."
            )
        ) from exc
    stored = _signature_store(
        actor=actor,
        key=key,
        version=version,
        data=signed,
        kind=kind,
        field_name=field_name,
        moment=moment,
    )
    for hook in _signed_hooks:
        hook(actor=actor, version=version, signed=stored, kind=kind)
    return stored


# Apps above signing whose documents are signed through the generic signing pages learn
# of each signature here (registered from their AppConfig.ready()): circulation tells
# whoever signs a closed draft next. One explicit list, rather than a signal.
_signed_hooks: list[Callable[..., object]] = []


def version_signed_hook_add(hook: Callable[..., object]) -> None:
    """Run `hook(actor=, version=, signed=, kind=)` after every signature is stored."""
    if hook not in _signed_hooks:
        _signed_hooks.append(hook)


@transaction.atomic
def _signature_store(*, actor, key, version, data, kind, field_name, moment) -> DocumentVersion:
    document = Document.objects.select_for_update().get(pk=version.document_id)
    latest = document.versions.order_by("-number").first()
    if latest is None or latest.pk != version.pk:
        raise Conflict(
            _("A newer version of this document appeared while you were signing; sign that one.")
        )
    locked_key = SigningKey.objects.select_for_update().get(pk=key.pk)
    if locked_key.failed_attempts:
        locked_key.failed_attempts = 0
        locked_key.save(update_fields=["failed_attempts"])
    label = _("Sealed") if kind == SignatureKind.SEAL else _("Signed")
    signed_version = document_add_version(
        actor=actor,
        document=document,
        file=_NamedBytes(data, version.original_filename),
        filename=version.original_filename,
        note=f"{label}: {key.subject}"[:300],
    )
    signature = Signature.objects.create(
        key=key,
        signer=actor,
        kind=kind,
        source_version=version,
        signed_version=signed_version,
        field_name=field_name,
        level=pades.level(),
        signed_at=moment,
        certificate_fingerprint=key.fingerprint,
    )
    audit.record(
        actor=actor,
        action="signing.sealed" if kind == SignatureKind.SEAL else "signing.signed",
        target=signature,
        body_id=document.body_id,
        details={
            "document_id": document.pk,
            "from_version": version.number,
            "to_version": signed_version.number,
            "sha256": signed_version.sha256,
            "certificate_sha256": key.fingerprint,
            "level": signature.level,
        },
    )
    return signed_version


def _may_manage(actor: User, key: SigningKey) -> bool:
    if key.body_id is not None:
        return selectors.is_secretariat(actor, key.body_id)
    bodies = selectors.secretariat_bodies(actor)
    return bodies.filter(memberships__user_id=key.user_id, memberships__is_active=True).exists()


@transaction.atomic
def key_unlock(*, actor: User, key: SigningKey) -> SigningKey:
    """Let the owner try PINs again, after the secretariat has checked who they are."""
    key = SigningKey.objects.select_for_update().get(pk=key.pk)
    if not _may_manage(actor, key):
        raise NotAllowed(_("Only the secretariat of the owner's body may unlock a key."))
    if not key.locked and not key.failed_attempts:
        raise Conflict(_("This key is not locked."))
    previous = key.failed_attempts
    key.locked, key.locked_at, key.failed_attempts = False, None, 0
    key.save(update_fields=["locked", "locked_at", "failed_attempts"])
    audit.record(
        actor=actor,
        action="signing.key_unlocked",
        target=key,
        body_id=key.body_id,
        details={"failed_attempts_before": previous},
    )
    return key
