"""Signing over JSON: my keys, signing a version of a draft or a meeting paper with a
PIN, verifying a version, and unlocking a key after too many wrong PINs.

Who may sign what is decided exactly as on the pages: a draft by circulation's access
rules (whoever may open it signs with their own key; the seal is the body's
secretariat's), a meeting paper by `meetings.paper_signing`. This module is imported
only by `ecabinet/api.py`; the signing services below it know nothing of drafts or
meetings.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from circulation.selectors import circulation_for
from documents.models import DocumentVersion
from documents.services import version_read_original
from ecabinet.api import ERRORS
from ecabinet.errors import Conflict, NotAllowed, NotFound
from meetings.models import MeetingPaper
from meetings.paper_signing import ensure_can_sign_paper, ensure_can_verify_paper
from people.models import Body, User
from signing import selectors, services
from signing.models import SignatureKind, SigningKey
from signing.schemas import KeyOut, SignIn, SignOut, VerifyOut
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


def _version(document, number: int) -> DocumentVersion:
    version = document.versions.filter(number=number).first()
    if version is None:
        raise NotFound(_("That version does not exist."))
    return version


def _ensure_latest(version: DocumentVersion) -> None:
    # Checked before the PIN is used: each signature makes a new version, so an older
    # one could not be stored anyway (version_sign checks again under a lock).
    latest = version.document.versions.order_by("-number").values_list("pk", flat=True).first()
    if version.pk != latest:
        raise Conflict(_("Only the latest version can be signed; open it and sign that one."))


def _sign(request: HttpRequest, version: DocumentVersion, data: SignIn, body: Body):
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


def _verify(request: HttpRequest, version: DocumentVersion) -> dict:
    data = version_read_original(actor=request.user, version=version, purpose="verify")
    return {"version": _version_out(version), **pdf_verify(data).as_dict()}


def _draft_version(request: HttpRequest, draft_id: int, number: int):
    circulation, access = circulation_for(user=request.user, pk=draft_id)
    if not access.can_open:
        raise NotAllowed(_("This draft is confidential; only its named recipients may open it."))
    return circulation, _version(circulation.document, number)


@router.post("/drafts/{draft_id}/versions/{number}/sign", response={201: SignOut, **ERRORS})
def draft_version_sign(request: HttpRequest, draft_id: int, number: int, data: SignIn):
    """Sign the latest version of a draft with my key, or (secretariat) apply the body's
    seal. A wrong PIN signs nothing and answers 422 with the attempts left."""
    circulation, version = _draft_version(request, draft_id, number)
    _ensure_latest(version)
    return _sign(request, version, data, circulation.body)


@router.get("/drafts/{draft_id}/versions/{number}/verify", response={200: VerifyOut, **ERRORS})
def draft_version_verify(request: HttpRequest, draft_id: int, number: int):
    """The same report as the verify page, for the stored bytes of the version."""
    _circulation, version = _draft_version(request, draft_id, number)
    return _verify(request, version)


def _paper(paper_id: int):
    return get_object_or_404(
        MeetingPaper.objects.select_related("meeting__body", "item", "document"), pk=paper_id
    )


@router.post("/papers/{paper_id}/versions/{number}/sign", response={201: SignOut, **ERRORS})
def paper_version_sign(request: HttpRequest, paper_id: int, number: int, data: SignIn):
    """Sign the latest version of a meeting paper: the presenter's side, the chair and
    the secretariat with their own keys; the secretariat also with the body's seal.
    The stored original is signed, never a reader's watermarked copy."""
    paper = _paper(paper_id)
    ensure_can_verify_paper(user=request.user, paper=paper)  # before saying which versions exist
    version = _version(paper.document, number)
    ensure_can_sign_paper(user=request.user, paper=paper, version=version, kind=data.kind)
    return _sign(request, version, data, paper.meeting.body)


@router.get("/papers/{paper_id}/versions/{number}/verify", response={200: VerifyOut, **ERRORS})
def paper_version_verify(request: HttpRequest, paper_id: int, number: int):
    paper = _paper(paper_id)
    ensure_can_verify_paper(user=request.user, paper=paper)
    return _verify(request, _version(paper.document, number))
