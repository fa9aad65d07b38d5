"""Changing bodies and memberships. Each change is audited."""

from __future__ import annotations

from django.db import transaction

from ecabinet import audit
from ecabinet.errors import Invalid
from people.models import Body, Membership, Role, User


@transaction.atomic
def membership_grant(
    *,
    actor: User | None,
    body: Body,
    user: User,
    role: str,
    assists: User | None = None,
    position_in_body: str = "",
    sort_order: int = 100,
) -> Membership:
    if role not in Role.values:
        raise Invalid(f"Unknown role: {role}")
    if (role == Role.ASSISTANT) != (assists is not None):
        raise Invalid("An assistant must name the member they assist, and only an assistant may.")
    membership, created = Membership.objects.update_or_create(
        body=body,
        user=user,
        role=role,
        defaults={
            "assists": assists,
            "is_active": True,
            "position_in_body": position_in_body,
            "sort_order": sort_order,
        },
    )
    if created:
        audit.record(
            actor=actor,
            action="membership.granted",
            target=membership,
            body_id=body.pk,
            details={"user": user.get_username(), "role": role},
        )
    return membership


@transaction.atomic
def membership_revoke(*, actor: User | None, membership: Membership) -> None:
    membership.is_active = False
    membership.save(update_fields=["is_active"])
    audit.record(
        actor=actor,
        action="membership.revoked",
        target=membership,
        body_id=membership.body_id,
        details={"user": membership.user.get_username(), "role": membership.role},
    )
