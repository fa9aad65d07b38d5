"""Changing bodies and memberships. Each change is audited."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from ecabinet import audit
from ecabinet.errors import Invalid, NotAllowed, NotFound
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


@transaction.atomic
def login_lockout_record(*, username: str, ip_address: str) -> None:
    """Write a lockout into the trail of every body the person serves in, so each
    body's auditors see it; a user name nobody holds goes into the trail with no body."""
    user = User.objects.filter(username=username).first()
    details = {
        "username": username,
        "ip_address": ip_address,
        "failures": settings.AXES_FAILURE_LIMIT,
    }
    for body_id in account_body_ids(user):
        audit.record(
            actor=None,
            action="account.locked_out",
            target=user,
            body_id=body_id,
            details=details,
        )


@transaction.atomic
def login_unlock(*, actor: User, body: Body, username: str) -> int:
    """Lift every lock on `username` (from every address). Only the secretariat of a
    body the person serves in may, and never for their own account."""
    from axes.models import AccessAttempt

    from people.selectors import body_login_usernames, user_has_role

    if not user_has_role(user=actor, body_id=body.pk, roles={Role.SECRETARIAT}):
        raise NotAllowed(_("Only the body's secretariat unlocks accounts."))
    if username not in body_login_usernames(body=body):
        raise NotFound(_("No such account in this body."))
    if username == actor.get_username():
        raise NotAllowed(_("Another member of the secretariat must unlock your account."))
    attempts = list(AccessAttempt.objects.select_for_update().filter(username=username))
    failures = sum(a.failures_since_start for a in attempts)
    addresses = sorted({a.ip_address or "" for a in attempts})
    AccessAttempt.objects.filter(pk__in=[a.pk for a in attempts]).delete()
    user = User.objects.get(username=username)
    audit.record(
        actor=actor,
        action="account.unlocked",
        target=user,
        body_id=body.pk,
        details={"username": username, "addresses": addresses, "failures": failures},
    )
    return len(attempts)


@transaction.atomic
def password_change(*, actor: User, form: Any) -> None:
    """Save a validated PasswordChangeForm (old password checked, Django's password
    validators passed) and audit it in every body the person serves in."""
    form.save()
    for body_id in account_body_ids(actor):
        audit.record(actor=actor, action="account.password_changed", target=actor, body_id=body_id)


def account_body_ids(user: User | None) -> list[int | None]:
    """The bodies whose trail records an account event: every body the person serves
    in, or no body (None) for a person who serves nowhere or a name nobody holds."""
    if user is None:
        return [None]
    ids = sorted(set(user.memberships.filter(is_active=True).values_list("body_id", flat=True)))
    return list(ids) or [None]
