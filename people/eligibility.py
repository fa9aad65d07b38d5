"""Who may be chosen in a pick list: a member's deputy, an agenda item's presenter.

Services call the `ensure_*` functions, so a page, the API and a script are held to the
same rule; forms offer the `*_of` lists, already in protocol order (people/collation.py).

- **A deputy** stands in for one member (answers a written ballot, attends a meeting on
  leave). They are a person registered with the body in the *deputy* role (Thứ trưởng,
  Phó Giám đốc Sở) whose organisation is the member's own. Members and the chair answer
  and sit for themselves, so they are never someone else's deputy; the secretariat,
  archivists, auditors, observers, assistants and guests hold no seat to fill one.
- **A presenter** speaks for the item's presenting agency: a member, the chair, a deputy
  or an invited guest whose organisation is that agency. The record keepers and
  overseers (archivists, auditors, observers), the secretariat and assistants never
  present. An item that names no agency may be presented by anyone who may present.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from ecabinet.errors import Invalid
from people.collation import sort_people
from people.models import Body, Membership, Role, User

SEATED_ROLES = frozenset({Role.MEMBER, Role.CHAIR})
PRESENTER_ROLES = frozenset({Role.MEMBER, Role.CHAIR, Role.DEPUTY, Role.GUEST})


def same_organisation(a: str, b: str) -> bool:
    """Organisations as people type them: case and spacing do not matter; blank is none."""
    a, b = " ".join((a or "").split()).casefold(), " ".join((b or "").split()).casefold()
    return bool(a) and a == b


def _roles_by_person(body: Body | int) -> dict[int, set[str]]:
    body_id = body if isinstance(body, int) else body.pk
    roles: dict[int, set[str]] = {}
    rows = Membership.objects.filter(body_id=body_id, is_active=True, user__is_active=True)
    for user_id, role in rows.values_list("user_id", "role"):
        roles.setdefault(user_id, set()).add(role)
    return roles


def _people(ids: Iterable[int], body: Body | int) -> list[User]:
    return sort_people(User.objects.filter(pk__in=set(ids)), body=body)


def deputies_of(*, body: Body | int, members: Iterable[User]) -> list[User]:
    """Everyone who may stand in for at least one of `members`, in protocol order."""
    members = list(members)
    roles = _roles_by_person(body)
    candidates = User.objects.filter(pk__in=[u for u, r in roles.items() if Role.DEPUTY in r])
    allowed = [
        c.pk
        for c in candidates
        if not roles[c.pk] & SEATED_ROLES
        and any(m.pk != c.pk and same_organisation(c.organisation, m.organisation) for m in members)
    ]
    return _people(allowed, body)


def ensure_may_deputise(*, body: Body, member: User, deputy: User) -> None:
    """Refuse, with the rule in words, a deputy who may not stand in for this member."""
    if deputy in deputies_of(body=body, members=[member]):
        return
    if not member.organisation.strip():
        message = _(
            "%(member)s has no agency on record with %(body)s, so nobody may stand in for them."
        ) % {"member": member, "body": body}
    else:
        message = _(
            "%(person)s may not stand in for %(member)s: only a deputy of %(agency)s "
            "registered with %(body)s may."
        ) % {"person": deputy, "member": member, "agency": member.organisation, "body": body}
    raise Invalid(message, fields={"deputy": [message]})


def presenters_of(*, body: Body | int, agency: str = "") -> list[User]:
    """Who may present an item of `agency` (anyone who may present, if none is named)."""
    roles = _roles_by_person(body)
    candidates = User.objects.filter(pk__in=[u for u, r in roles.items() if r & PRESENTER_ROLES])
    allowed = [
        c.pk for c in candidates if not agency.strip() or same_organisation(c.organisation, agency)
    ]
    return _people(allowed, body)


def ensure_may_present(*, body: Body, agency: str, presenter: User) -> None:
    if presenter in presenters_of(body=body, agency=agency):
        return
    if agency.strip():
        message = _(
            "%(person)s may not present this item: the presenter speaks for %(agency)s "
            "(a member, deputy or guest of that agency)."
        ) % {"person": presenter, "agency": agency.strip()}
    else:
        message = _(
            "%(person)s may not present an item: the presenter is a member, deputy or guest "
            "of %(body)s."
        ) % {"person": presenter, "body": body}
    raise Invalid(message, fields={"presenter": [message]})
