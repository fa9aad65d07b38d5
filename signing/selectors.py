"""Reads for signing: whose key is whose, and who may use an agency's seal."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from documents.models import Document, DocumentVersion
from ecabinet.errors import Conflict
from people.models import Body, Membership, Role, User
from signing.models import KeyUnlockRequest, Signature, SignatureKind, SigningKey


def key_of_user(user: User) -> SigningKey | None:
    return SigningKey.objects.filter(user=user, status=SigningKey.Status.ACTIVE).first()


def seal_key_of_body(body: Body) -> SigningKey | None:
    return SigningKey.objects.filter(body=body, status=SigningKey.Status.ACTIVE).first()


def is_secretariat(user: User, body_id: int) -> bool:
    return Membership.objects.filter(
        user=user, body_id=body_id, role=Role.SECRETARIAT, is_active=True
    ).exists()


def secretariat_bodies(user: User) -> QuerySet[Body]:
    return Body.objects.filter(
        memberships__user=user,
        memberships__role=Role.SECRETARIAT,
        memberships__is_active=True,
    ).distinct()


def signer_users() -> QuerySet[User]:
    """Everyone who may sign by default: members, chairs and secretariat of any body."""
    return User.objects.filter(
        memberships__role__in=[Role.MEMBER, Role.CHAIR, Role.SECRETARIAT],
        memberships__is_active=True,
        is_active=True,
    ).distinct()


def signatures_of_document(document: Document) -> QuerySet[Signature]:
    return Signature.objects.filter(signed_version__document=document).select_related(
        "signer", "key", "signed_version"
    )


def keys_visible_to(user: User) -> QuerySet[SigningKey]:
    """The person's own key and the seals of bodies where they are secretariat."""
    bodies = secretariat_bodies(user)
    return SigningKey.objects.filter(status=SigningKey.Status.ACTIVE).filter(
        Q(user=user) | Q(body__in=bodies)
    )


def is_chair(user: User, body_id: int | None) -> bool:
    return Membership.objects.filter(
        user=user, body_id=body_id, role=Role.CHAIR, is_active=True
    ).exists()


def keys_managed_by(user: User) -> QuerySet[SigningKey]:
    """Keys whose locks this person deals with: the seals of the bodies where they are
    secretariat or chair, and the keys of the people of the bodies where they are
    secretariat (the services decide what they may do with each)."""
    bodies = secretariat_bodies(user)
    chaired = Body.objects.filter(
        memberships__user=user, memberships__role=Role.CHAIR, memberships__is_active=True
    )
    people = User.objects.filter(memberships__body__in=bodies, memberships__is_active=True)
    return SigningKey.objects.filter(
        Q(body__in=bodies) | Q(body__in=chaired) | Q(user__in=people)
    ).distinct()


def unlock_requests_pending(keys: QuerySet[SigningKey]) -> dict[int, KeyUnlockRequest]:
    """The request awaiting approval for each of these keys, by key id."""
    pending = KeyUnlockRequest.objects.filter(
        key__in=keys, state=KeyUnlockRequest.State.PENDING
    ).select_related("requested_by")
    return {r.key_id: r for r in pending}


def signed_already(*, version_id: int, kind: str, actor: User) -> DocumentVersion | None:
    """The version a signature of this kind already made from `version_id` (a failure
    after signing, then a retry): the caller adopts it rather than signing twice. A
    personal signature someone else made there is a conflict."""
    made = (
        Signature.objects.filter(source_version_id=version_id, kind=kind)
        .select_related("signed_version")
        .first()
    )
    if made is None:
        return None
    if kind == SignatureKind.PERSONAL and made.signer_id != actor.pk:
        raise Conflict(_("Someone else has signed this version; ask the secretariat."))
    return made.signed_version
