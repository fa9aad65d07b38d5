"""Who holds which role where. Every permission check in the project starts here."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from people.models import Body, Membership, Role, User

# Roles that run a body's meetings and see drafts before they are published.
MANAGING_ROLES = frozenset({Role.CHAIR, Role.SECRETARIAT})


def user_roles_forget(*, user: User) -> None:
    """Drop the roles remembered on this user object. A request's user lives for one
    request; a WebSocket's user lives for hours, so the socket forgets before each use."""
    if hasattr(user, "_ecabinet_roles"):
        del user._ecabinet_roles


def user_roles(*, user: User, body_id: int) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cache = getattr(user, "_ecabinet_roles", None)
    if cache is None:
        cache = {}
        user._ecabinet_roles = cache
    if body_id not in cache:
        found = users_roles(user_ids={user.pk}, body_id=body_id)
        cache[body_id] = found.get(user.pk, frozenset())
    return cache[body_id]


def users_roles(*, user_ids: set[int], body_id: int) -> dict[int, frozenset[str]]:
    """`user_roles` for several people at once, in one query (none for those with none)."""
    found: dict[int, set[str]] = {}
    memberships = Membership.objects.filter(user_id__in=user_ids, body_id=body_id, is_active=True)
    for user_id, role in memberships.values_list("user_id", "role"):
        found.setdefault(user_id, set()).add(role)
    return {user_id: frozenset(roles) for user_id, roles in found.items()}


def user_has_role(*, user: User, body_id: int, roles: set[str] | frozenset[str]) -> bool:
    return bool(user_roles(user=user, body_id=body_id) & set(roles))


def user_bodies(*, user: User) -> QuerySet[Body]:
    if not user.is_authenticated:
        return Body.objects.none()
    return Body.objects.filter(memberships__user=user, memberships__is_active=True).distinct()


def body_members(*, body: Body | int) -> QuerySet[User]:
    """The voting members of a body ("all members" in its rules)."""
    body_id = body if isinstance(body, int) else body.pk
    return (
        User.objects.filter(
            memberships__body_id=body_id,
            memberships__role=Role.MEMBER,
            memberships__is_active=True,
        )
        .order_by("memberships__sort_order", "id")
        .distinct()
    )


def body_chair(*, body: Body | int) -> User | None:
    body_id = body if isinstance(body, int) else body.pk
    return User.objects.filter(
        memberships__body_id=body_id, memberships__role=Role.CHAIR, memberships__is_active=True
    ).first()


def assisted_members(*, user: User, body_id: int) -> QuerySet[User]:
    """The members this user assists in this body."""
    return User.objects.filter(
        assistant_memberships__user=user,
        assistant_memberships__body_id=body_id,
        assistant_memberships__role=Role.ASSISTANT,
        assistant_memberships__is_active=True,
    )


def body_people(*, body: Body | int, roles: set[str] | None = None) -> QuerySet[User]:
    body_id = body if isinstance(body, int) else body.pk
    qs = User.objects.filter(memberships__body_id=body_id, memberships__is_active=True)
    if roles:
        qs = qs.filter(memberships__role__in=roles)
    return qs.distinct().order_by("full_name", "username")


def body_login_usernames(*, body: Body | int) -> set[str]:
    """User names of everyone serving in the body, whatever their role."""
    return set(body_people(body=body).values_list("username", flat=True))


def body_login_failures(*, body: Body | int) -> list[dict]:
    """Wrong-password counters (per user name, address and browser) of the body's
    people, most recent first, each marked whether it now locks that pair."""
    from axes.models import AccessAttempt
    from django.conf import settings

    limit = settings.AXES_FAILURE_LIMIT
    cool_off = settings.AXES_COOLOFF_TIME
    now = timezone.now()
    attempts = AccessAttempt.objects.filter(username__in=body_login_usernames(body=body)).order_by(
        "-attempt_time"
    )
    return [
        {
            "attempt": attempt,
            "locked": attempt.failures_since_start >= limit
            and (cool_off is None or attempt.attempt_time + cool_off > now),
        }
        for attempt in attempts
    ]


def body_symbol(*, body: Body) -> str:
    """The body's symbol in document numbers (Decree 30): its short name if one word,
    else the initials of its name ("Chính phủ" signs as CP)."""
    words = (body.short_name or body.name).split()
    return words[0] if len(words) == 1 else "".join(w[0] for w in words).upper()
