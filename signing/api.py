"""Signing over JSON: my keys, unlocking a key after too many wrong PINs, and the
helpers with which the apps above (circulation for drafts, meetings for papers) answer
their own sign and verify endpoints once they have decided who may sign what.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from documents.models import DocumentVersion
from documents.services import version_read_original
from ecabinet.api_types import ERRORS, Id
from ecabinet.errors import Conflict, NotFound
from people.models import Body
from signing import selectors, services
from signing.models import KeyUnlockRequest, SignatureKind, SigningKey
from signing.schemas import KeyOut, SignIn, UnlockRequestIn, UnlockRequestOut
from signing.verify import pdf_verify

router = Router(tags=["signing"])


# --- Keys --------------------------------------------------------------------


def _key_state(key: SigningKey) -> str:
    now = timezone.now()
    if key.status != SigningKey.Status.ACTIVE:
        return "inactive"
    if key.locked:
        return "locked"
    if now > key.not_after:
        return "expired"
    if now < key.not_before:
        return "not_yet_valid"
    return "ready"


def _key_out(key: SigningKey) -> dict:
    cert = key.asn1_certificate()
    return {
        "id": key.pk,
        "kind": key.kind,
        "owner": {"id": key.user_id, "name": str(key.user)} if key.user_id else None,
        "body": {"id": key.body_id, "name": key.body.name} if key.body_id else None,
        "certificate": {
            "subject": key.subject,
            "issuer": cert.issuer.human_friendly,
            "serial": key.serial,
            "sha256": key.fingerprint,
            "not_before": key.not_before,
            "not_after": key.not_after,
        },
        "state": _key_state(key),
        "locked": key.locked,
        "locked_at": key.locked_at,
        "failed_attempts": key.failed_attempts,
        "attempts_left": max(settings.SIGNING_PIN_ATTEMPTS - key.failed_attempts, 0),
    }


def _request_out(request: KeyUnlockRequest | None) -> dict | None:
    if request is None:
        return None
    return {
        "id": request.pk,
        "key_id": request.key_id,
        "state": request.state,
        "reason": request.reason,
        "requested_by": {"id": request.requested_by_id, "name": str(request.requested_by)},
        "requested_at": request.requested_at,
        "decided_by": (
            {"id": request.decided_by_id, "name": str(request.decided_by)}
            if request.decided_by_id
            else None
        ),
        "decided_at": request.decided_at,
    }


@router.get("/signing/keys", response={200: list[KeyOut], **ERRORS})
def key_list(request: HttpRequest):
    """My own key, and the seals of the bodies where I am secretariat."""
    keys = selectors.keys_visible_to(request.user).select_related("user", "body")
    return [_key_out(k) for k in keys]


@router.get("/signing/keys/locked", response={200: list[KeyOut], **ERRORS})
def key_list_locked(request: HttpRequest):
    """For the secretariat and the chair: keys of their bodies locked by, or counting,
    wrong PINs, each with the unlock request awaiting approval, if any."""
    keys = selectors.keys_managed_by(request.user).filter(Q(locked=True) | Q(failed_attempts__gt=0))
    pending = selectors.unlock_requests_pending(keys)
    return [
        {**_key_out(k), "unlock_request": _request_out(pending.get(k.pk))}
        for k in keys.select_related("user", "body")
    ]


def _managed_key(request: HttpRequest, key_id: Id) -> SigningKey:
    """The owner learns why they may not (403); anyone else, that there is no such key."""
    key = selectors.keys_managed_by(request.user).filter(pk=key_id).first()
    if key is None:
        key = SigningKey.objects.filter(pk=key_id, user=request.user).first()
    if key is None:
        raise NotFound(_("Signing key not found."))
    return key


@router.post("/signing/keys/{key_id}/unlock", response={200: KeyOut, **ERRORS})
def key_unlock(request: HttpRequest, key_id: Id):
    """Reset the wrong-PIN counter, once the secretariat has checked who the owner is:
    a personal key by a member of the secretariat other than its owner, a seal by the
    body's chair (its secretariat asks with `unlock-request` and a second one approves)."""
    return _key_out(services.key_unlock(actor=request.user, key=_managed_key(request, key_id)))


@router.post("/signing/keys/{key_id}/unlock-request", response={201: UnlockRequestOut, **ERRORS})
def key_unlock_request(request: HttpRequest, key_id: Id, data: UnlockRequestIn):
    """A member of the secretariat asks to unlock the body's seal."""
    made = services.key_unlock_request(
        actor=request.user, key=_managed_key(request, key_id), reason=data.reason
    )
    return Status(201, _request_out(made))


def _pending_request(request: HttpRequest, request_id: Id) -> KeyUnlockRequest:
    keys = selectors.keys_managed_by(request.user)
    found = (
        KeyUnlockRequest.objects.filter(pk=request_id, key__in=keys)
        .select_related("key", "requested_by", "decided_by")
        .first()
    )
    if found is None:
        raise NotFound(_("Unlock request not found."))
    return found


@router.post(
    "/signing/unlock-requests/{request_id}/approve", response={200: UnlockRequestOut, **ERRORS}
)
def key_unlock_approve(request: HttpRequest, request_id: Id):
    """A second person (another member of the secretariat, or the chair) approves: the
    seal is unlocked."""
    done = services.key_unlock_approve(
        actor=request.user, request=_pending_request(request, request_id)
    )
    return _request_out(done)


@router.post(
    "/signing/unlock-requests/{request_id}/refuse", response={200: UnlockRequestOut, **ERRORS}
)
def key_unlock_refuse(request: HttpRequest, request_id: Id):
    """Refused by a second person, or withdrawn by the one who asked: the seal stays
    locked."""
    done = services.key_unlock_refuse(
        actor=request.user, request=_pending_request(request, request_id)
    )
    return _request_out(done)


# --- Signing and verifying a version ----------------------------------------------


def _version_out(version: DocumentVersion) -> dict:
    return {
        "id": version.pk,
        "number": version.number,
        "original_filename": version.original_filename,
        "size": version.size,
        "sha256": version.sha256,
        "page_count": version.page_count,
        "note": version.note,
        "uploaded_at": version.uploaded_at,
    }


def version_numbered(document, number: int) -> DocumentVersion:
    version = document.versions.filter(number=number).first()
    if version is None:
        raise NotFound(_("That version does not exist."))
    return version


def ensure_latest(version: DocumentVersion) -> None:
    # Checked before the PIN is used: each signature makes a new version, so an older
    # one could not be stored anyway (version_sign checks again under a lock).
    latest = version.document.versions.order_by("-number").values_list("pk", flat=True).first()
    if version.pk != latest:
        raise Conflict(_("Only the latest version can be signed; open it and sign that one."))


def version_sign_json(request: HttpRequest, version: DocumentVersion, data: SignIn, body: Body):
    """Sign with the PIN from the request and answer 201 with the new version and the
    signature. The caller has checked who may sign; version_sign checks the key."""
    signed = services.version_sign(
        actor=request.user,
        version=version,
        pin=data.pin,
        kind=data.kind,
        body=body if data.kind == SignatureKind.SEAL else None,
    )
    signature = signed.signature
    return Status(
        201,
        {
            "version": _version_out(signed),
            "signature": {
                "id": signature.pk,
                "kind": signature.kind,
                "field_name": signature.field_name,
                "level": signature.level,
                "signed_at": signature.signed_at,
                "signer": {"id": request.user.pk, "name": str(request.user)},
                "certificate_subject": signature.key.subject,
                "certificate_sha256": signature.certificate_fingerprint,
                "from_version": version.number,
            },
        },
    )


def version_verify_json(request: HttpRequest, version: DocumentVersion) -> dict:
    """The verify page's report on the stored bytes of the version."""
    data = version_read_original(actor=request.user, version=version, purpose="verify")
    return {"version": _version_out(version), **pdf_verify(data).as_dict()}
