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


@transaction.atomic
def body_create(
    *,
    actor: User | None,
    name: str,
    short_name: str = "",
    kind: str = Body.Kind.GOVERNMENT,
    place: str = "Hà Nội",
    quorum: tuple[int, int] = (2, 3),
    majority_base: str = Body.MajorityBase.ALL_MEMBERS,
    tie_break: str = Body.TieBreak.CHAIR_SIDE,
) -> Body:
    """Register a body with its rules (by default the Government's: a two-thirds quorum, a
    majority of all members, the chair's side on a tie)."""
    numerator, denominator = quorum
    if not name.strip():
        raise Invalid("A body needs a name.", fields={"name": ["Required."]})
    if not 0 < numerator <= denominator:
        raise Invalid("The quorum must be a fraction between 0 and 1.")
    if kind not in Body.Kind.values or majority_base not in Body.MajorityBase.values:
        raise Invalid("Unknown kind of body or majority base.")
    if tie_break not in Body.TieBreak.values:
        raise Invalid("Unknown tie-break rule.")
    if Body.objects.filter(name=name.strip()).exists():
        raise Invalid("A body with this name already exists.", fields={"name": ["Taken."]})
    body = Body.objects.create(
        name=name.strip(),
        short_name=short_name.strip(),
        kind=kind,
        place=place.strip(),
        quorum_numerator=numerator,
        quorum_denominator=denominator,
        majority_base=majority_base,
        tie_break=tie_break,
    )
    audit.record(
        actor=actor,
        action="body.created",
        target=body,
        body_id=body.pk,
        details={
            "quorum": f"{numerator}/{denominator}",
            "majority_base": majority_base,
            "tie_break": tie_break,
        },
    )
    return body
