"""Signing over JSON: my keys, unlocking a key after too many wrong PINs, and the
helpers with which the apps above (circulation for drafts, meetings for papers) answer
their own sign and verify endpoints once they have decided who may sign what.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from documents.models import DocumentVersion
from documents.services import version_read_original
from ecabinet.api import ERRORS
from ecabinet.errors import Conflict, NotFound
from people.models import Body, User
from signing import selectors, services
from signing.models import SignatureKind, SigningKey
from signing.schemas import KeyOut, SignIn
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


def _keys_managed_by(user: User) -> QuerySet[SigningKey]:
    """Keys whose PIN counter this person may reset: the seals of the bodies where they
    are secretariat and the keys of those bodies' people (as `key_unlock` decides)."""
    bodies = selectors.secretariat_bodies(user)
    people = User.objects.filter(memberships__body__in=bodies, memberships__is_active=True)
    return SigningKey.objects.filter(Q(body__in=bodies) | Q(user__in=people)).distinct()


@router.get("/signing/keys", response={200: list[KeyOut], **ERRORS})
def key_list(request: HttpRequest):
    """My own key, and the seals of the bodies where I am secretariat."""
    keys = selectors.keys_visible_to(request.user).select_related("user", "body")
    return [_key_out(k) for k in keys]


@router.get("/signing/keys/locked", response={200: list[KeyOut], **ERRORS})
def key_list_locked(request: HttpRequest):
    """For the secretariat: keys of their bodies locked by, or counting, wrong PINs."""
    keys = _keys_managed_by(request.user).filter(Q(locked=True) | Q(failed_attempts__gt=0))
    return [_key_out(k) for k in keys.select_related("user", "body")]


@router.post("/signing/keys/{key_id}/unlock", response={200: KeyOut, **ERRORS})
def key_unlock(request: HttpRequest, key_id: int):
    """Reset the wrong-PIN counter, once the secretariat has checked who the owner is.
    The owner learns why they may not (403); anyone else, that there is no such key."""
    key = _keys_managed_by(request.user).filter(pk=key_id).first()
    if key is None:
        key = SigningKey.objects.filter(pk=key_id, user=request.user).first()
    if key is None:
        raise NotFound(_("Signing key not found."))
    return _key_out(services.key_unlock(actor=request.user, key=key))


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
