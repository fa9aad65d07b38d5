"""Signing a document version, and the PIN counter that guards every key.

`version_sign` is deliberately not one transaction: a wrong PIN must be counted even
though the signing fails, and the token, the OCSP responder and the timestamp
authority are not held up inside a database transaction. The writes are short atomic
steps: claiming a PIN attempt before the token sees the PIN (so parallel requests cannot
send more wrong PINs to the token than attempts remain), settling it (a wrong PIN counts,
a right one resets the count with the stored signature, anything else gives it back).
Do not call it inside an outer transaction that rolls back on error, or the claim is
lost and wrong PINs go uncounted.

Nobody unlocks their own key: a personal key is unlocked by another member of the
secretariat, a seal by the body's chair or by two members of the secretariat (one asks,
another approves).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import aiohttp
from asn1crypto import x509 as asn1_x509
from django.conf import settings
from django.db import transaction
from django.db.models import F
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
from signing.models import KeyUnlockRequest, Signature, SignatureKind, SigningKey


class _NamedBytes(io.BytesIO):
    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data)
        self.name = name


@dataclass(frozen=True)
class _Existing:
    kinds: list[str]
    fingerprints: set[str]


T = TypeVar("T")


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


def _pin_attempt_claim(*, key: SigningKey) -> None:
    """Take one of the key's PIN attempts before the token sees the PIN.

    One conditional UPDATE, committed at once: of N requests racing on the same key,
    only as many as there are attempts left (wrong PINs so far plus checks under way
    below SIGNING_PIN_ATTEMPTS) get one, so no more than SIGNING_PIN_ATTEMPTS wrong
    PINs in a row ever reach the token."""
    limit = settings.SIGNING_PIN_ATTEMPTS
    with transaction.atomic():
        claimed = SigningKey.objects.filter(
            pk=key.pk,
            locked=False,
            status=SigningKey.Status.ACTIVE,
            failed_attempts__lt=limit - F("pin_checks_pending"),
        ).update(pin_checks_pending=F("pin_checks_pending") + 1)
    if claimed:
        return
    key.refresh_from_db(fields=["locked", "status", "failed_attempts"])
    _check_key_usable(key)
    raise Conflict(
        _("Other PIN attempts on this key are still being checked; try again in a moment.")
    )


def _pin_attempt_settle(*, key_id: int) -> None:
    """End a claimed attempt that was no wrong PIN (the token is gone, the timestamp
    service was down, a newer version appeared...): the count stays as it was."""
    with transaction.atomic():
        SigningKey.objects.filter(pk=key_id, pin_checks_pending__gt=0).update(
            pin_checks_pending=F("pin_checks_pending") - 1
        )


@transaction.atomic
def _pin_failed(*, actor: User, key_id: int) -> SigningKey:
    """The token refused the PIN: the claimed attempt becomes a wrong PIN, and the key
    locks once the wrong PINs in a row reach the limit."""
    key = SigningKey.objects.select_for_update().get(pk=key_id)
    key.failed_attempts += 1
    key.pin_checks_pending = max(key.pin_checks_pending - 1, 0)
    if key.failed_attempts >= settings.SIGNING_PIN_ATTEMPTS:
        key.locked, key.locked_at = True, key.locked_at or timezone.now()
    key.save(update_fields=["failed_attempts", "pin_checks_pending", "locked", "locked_at"])
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


def _conflict_for(exc: BaseException) -> Conflict | None:
    """The plain words for a signing that failed for a reason other than the PIN."""
    if isinstance(exc, tokens.TokenMissing):
        return Conflict(_("The key's token is not connected to this server."))
    if isinstance(exc, tokens.TokenPinLocked):
        return Conflict(_("The token has locked its PIN; it must be reset."))
    if isinstance(exc, SigningError):
        return Conflict(_("The signature could not be made: %(reason)s") % {"reason": exc})
    if isinstance(exc, TimestampRequestError):
        return Conflict(
            _("The timestamp service cannot be reached; nothing was signed. Try again later.")
        )
    if isinstance(exc, aiohttp.ClientError | ConnectionError | TimeoutError):
        # Fetching revocation data (CRL, OCSP) for the validation data failed.
        return Conflict(
            _(
                "The certificate status service cannot be reached; nothing was signed. "
                "Try again later."
            )
        )
    return None


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
    _pin_attempt_claim(key=key)
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
        stored = _signature_store(
            actor=actor,
            key=key,
            version=version,
            data=signed,
            kind=kind,
            field_name=field_name,
            moment=moment,
        )
    except tokens.WrongPin:
        raise _wrong_pin_error(_pin_failed(actor=actor, key_id=key.pk)) from None
    except BaseException as exc:
        # Not a wrong PIN (the token is gone, the timestamp service is down, a newer
        # version appeared...): the attempt is given back.
        _pin_attempt_settle(key_id=key.pk)
        conflict = _conflict_for(exc)
        if conflict is None:
            raise
        raise conflict from exc
    for hook in _signed_hooks:
        hook(actor=actor, version=version, signed=stored, kind=kind)
    return stored


def seal_use(*, actor: User, body: Body, pin: str, use: Callable[[Any, SigningKey], T]) -> T:
    """Let the body's seal sign something other than a PDF (an edXML package): the same
    rules as a seal on a PDF (the secretariat only, an active and unlocked key), and the
    PIN counted against the key's attempts. `use(session, key)` signs inside the token's
    session; it raises tokens.WrongPin for a PIN the token refused."""
    key = _key_for(actor=actor, kind=SignatureKind.SEAL, body=body, key=None)
    _check_key_usable(key)
    if not pin:
        raise Invalid(_("Enter your PIN."), fields={"pin": [_("Enter your PIN.")]})
    _pin_attempt_claim(key=key)
    try:
        with tokens.session(key.token_label, pin) as session:
            result = use(session, key)
    except tokens.WrongPin:
        raise _wrong_pin_error(_pin_failed(actor=actor, key_id=key.pk)) from None
    except BaseException as exc:
        _pin_attempt_settle(key_id=key.pk)
        conflict = _conflict_for(exc)
        if conflict is None:
            raise
        raise conflict from exc
    # The PIN was right: its attempt is settled and the wrong PINs in a row start again.
    with transaction.atomic():
        SigningKey.objects.filter(pk=key.pk, pin_checks_pending__gt=0).update(
            pin_checks_pending=F("pin_checks_pending") - 1, failed_attempts=0
        )
    return result


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
    # The PIN was right: its attempt is settled and the wrong PINs in a row start again.
    SigningKey.objects.filter(pk=key.pk, pin_checks_pending__gt=0).update(
        pin_checks_pending=F("pin_checks_pending") - 1, failed_attempts=0
    )
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


def _ensure_may_unlock_personal(actor: User, key: SigningKey) -> None:
    if key.user_id == actor.pk:
        raise NotAllowed(
            _("Nobody unlocks their own key; another member of the secretariat must do it.")
        )
    bodies = selectors.secretariat_bodies(actor)
    if not bodies.filter(memberships__user_id=key.user_id, memberships__is_active=True).exists():
        raise NotAllowed(_("Only the secretariat of the owner's body may unlock a key."))


def _ensure_unlockable(key: SigningKey) -> None:
    if not key.locked and not key.failed_attempts:
        raise Conflict(_("This key is not locked."))


def _unlock(*, actor: User, key: SigningKey, details: dict) -> SigningKey:
    previous = key.failed_attempts
    key.locked, key.locked_at, key.failed_attempts = False, None, 0
    # A check lost with its process (a crash mid-signature) would hold an attempt forever.
    key.pin_checks_pending = 0
    key.save(update_fields=["locked", "locked_at", "failed_attempts", "pin_checks_pending"])
    audit.record(
        actor=actor,
        action="signing.key_unlocked",
        target=key,
        body_id=key.body_id,
        details={"failed_attempts_before": previous, **details},
    )
    return key


@transaction.atomic
def key_unlock(*, actor: User, key: SigningKey) -> SigningKey:
    """Let the owner try PINs again, after the secretariat has checked who they are.

    A personal key is unlocked by a member of the secretariat of the owner's body other
    than the owner. A seal is unlocked at once only by the body's chair; its secretariat
    asks with `key_unlock_request` and a second person approves."""
    key = SigningKey.objects.select_for_update().get(pk=key.pk)
    if key.kind == SignatureKind.SEAL:
        if not selectors.is_chair(actor, key.body_id):
            if selectors.is_secretariat(actor, key.body_id):
                raise NotAllowed(
                    _(
                        "A seal is unlocked by the body's chair, or by two members of the "
                        "secretariat: one asks for the unlock and another approves it."
                    )
                )
            raise NotAllowed(_("Only the body's chair may unlock its seal at once."))
        _ensure_unlockable(key)
        _requests_close(key=key, actor=actor, state=KeyUnlockRequest.State.APPROVED)
        return _unlock(actor=actor, key=key, details={"by": "chair"})
    _ensure_may_unlock_personal(actor, key)
    _ensure_unlockable(key)
    return _unlock(actor=actor, key=key, details={"by": "secretariat"})


def _requests_close(*, key: SigningKey, actor: User, state: str) -> None:
    key.unlock_requests.filter(state=KeyUnlockRequest.State.PENDING).update(
        state=state, decided_by=actor, decided_at=timezone.now()
    )


@transaction.atomic
def key_unlock_request(*, actor: User, key: SigningKey, reason: str = "") -> KeyUnlockRequest:
    """A member of the secretariat asks to unlock the body's seal; another member of the
    secretariat or the chair must approve."""
    key = SigningKey.objects.select_for_update().get(pk=key.pk)
    if key.kind != SignatureKind.SEAL:
        raise Conflict(
            _("A personal key needs no request: another member of the secretariat unlocks it.")
        )
    if not selectors.is_secretariat(actor, key.body_id):
        raise NotAllowed(_("Only the body's secretariat may ask to unlock its seal."))
    _ensure_unlockable(key)
    if key.unlock_requests.filter(state=KeyUnlockRequest.State.PENDING).exists():
        raise Conflict(_("An unlock of this seal has already been asked for and awaits approval."))
    request = KeyUnlockRequest.objects.create(key=key, requested_by=actor, reason=reason[:300])
    audit.record(
        actor=actor,
        action="signing.key_unlock_requested",
        target=key,
        body_id=key.body_id,
        details={"request_id": request.pk, "reason": request.reason},
    )
    return request


def _request_locked(request_id: int) -> KeyUnlockRequest:
    request = KeyUnlockRequest.objects.select_for_update().filter(pk=request_id).first()
    if request is None:
        raise NotFound(_("Unlock request not found."))
    if request.state != KeyUnlockRequest.State.PENDING:
        raise Conflict(_("This unlock request has already been decided."))
    return request


@transaction.atomic
def key_unlock_approve(*, actor: User, request: KeyUnlockRequest) -> KeyUnlockRequest:
    """The second person approves: the seal is unlocked, both names are in the trail."""
    key = SigningKey.objects.select_for_update().get(pk=request.key_id)
    request = _request_locked(request.pk)
    if request.requested_by_id == actor.pk:
        raise NotAllowed(
            _(
                "You asked for this unlock; another member of the secretariat or the "
                "body's chair must approve it."
            )
        )
    if not (selectors.is_secretariat(actor, key.body_id) or selectors.is_chair(actor, key.body_id)):
        raise NotAllowed(
            _("Only the body's chair or another member of its secretariat may approve.")
        )
    _ensure_unlockable(key)
    request.state, request.decided_by, request.decided_at = (
        KeyUnlockRequest.State.APPROVED,
        actor,
        timezone.now(),
    )
    request.save(update_fields=["state", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action="signing.key_unlock_approved",
        target=key,
        body_id=key.body_id,
        details={"request_id": request.pk, "requested_by": request.requested_by_id},
    )
    _unlock(
        actor=actor,
        key=key,
        details={
            "by": "two_people",
            "request_id": request.pk,
            "requested_by": request.requested_by_id,
        },
    )
    return request


@transaction.atomic
def key_unlock_refuse(*, actor: User, request: KeyUnlockRequest) -> KeyUnlockRequest:
    """Another member of the secretariat or the chair refuses; the one who asked may
    withdraw. The seal stays locked."""
    request = _request_locked(request.pk)
    body_id = request.key.body_id
    withdrawn = request.requested_by_id == actor.pk
    if not withdrawn and not (
        selectors.is_secretariat(actor, body_id) or selectors.is_chair(actor, body_id)
    ):
        raise NotAllowed(
            _("Only the body's chair or another member of its secretariat may refuse.")
        )
    state = KeyUnlockRequest.State.WITHDRAWN if withdrawn else KeyUnlockRequest.State.REFUSED
    request.state, request.decided_by, request.decided_at = state, actor, timezone.now()
    request.save(update_fields=["state", "decided_by", "decided_at"])
    audit.record(
        actor=actor,
        action=f"signing.key_unlock_{state}",
        target=request.key,
        body_id=body_id,
        details={"request_id": request.pk, "requested_by": request.requested_by_id},
    )
    return request
