"""Putting people in the order a Vietnamese reader expects.

Two rules, applied in this order:

1. **Protocol order of the body.** Where a body ranks its people (the Government: the Prime
   Minister, the Deputy Prime Ministers, then the ministers in the order of the ministries
   set by the National Assembly, then the heads of ministry-level agencies), that rank is
   data: `Membership.sort_order`, the lowest of a person's active roles in the body.
   People the body does not rank share one rank (the default order), so a body without a
   protocol order is sorted by name alone.
2. **The given name, collated in Vietnamese.** Within one rank, people are sorted by their
   given name (tên: the last word of the full name) and then by the full name, as
   Vietnamese registers, class lists and delegation lists are: "Nguyễn Văn An" comes before
   "Bùi Thị Hoa". Sorting by the family name first would bunch a third of the country
   under "Nguyễn" and is not how such lists are read.

Collation is ICU's for the "vi" locale (PyICU), not code points: tones are secondary to
letters (Hà before Hoàng, Phạm before Phan, Tạ before Trịnh), Ă and Â follow A, Đ follows D,
Ơ follows O, Ư follows U; digits compare as numbers ("Nguyễn Văn 2" before "… 10").

Lists are small (a body has at most a few hundred people), so callers fetch with a plain
query and sort here, in Python, rather than teaching each database Vietnamese.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterable
from typing import TypeVar

import icu

from people.models import Body, Membership, User

T = TypeVar("T")

# Anyone the body does not rank, or who is not in the body at all, comes after the ranked.
UNRANKED = sys.maxsize

# A Collator is not thread-safe; Daphne serves sync views from a thread pool.
_local = threading.local()


def _collator() -> icu.Collator:
    collator = getattr(_local, "collator", None)
    if collator is None:
        collator = icu.Collator.createInstance(icu.Locale("vi"))
        collator.setAttribute(icu.UCollAttribute.NUMERIC_COLLATION, icu.UCollAttributeValue.ON)
        _local.collator = collator
    return collator


def vietnamese_key(text: str) -> bytes:
    """A sort key that orders `text` as a Vietnamese dictionary does."""
    return _collator().getSortKey(" ".join((text or "").split()))


def given_name(full_name: str) -> str:
    """The given name (tên): the last word of a Vietnamese full name."""
    words = full_name.split()
    return words[-1] if words else ""


def protocol_ranks(*, body: Body | int | None, user_ids: Iterable[int]) -> dict[int, int]:
    """Each person's rank in the body's protocol order (lowest active role wins)."""
    if body is None:
        return {}
    body_id = body if isinstance(body, int) else body.pk
    ranks: dict[int, int] = {}
    rows = Membership.objects.filter(
        body_id=body_id, user_id__in=set(user_ids), is_active=True
    ).values_list("user_id", "sort_order")
    for user_id, order in rows:
        ranks[user_id] = min(order, ranks.get(user_id, order))
    return ranks


def person_key(user: User, ranks: dict[int, int] | None = None) -> tuple:
    name = user.full_name or user.get_username()
    return (
        (ranks or {}).get(user.pk, UNRANKED),
        vietnamese_key(given_name(name)),
        vietnamese_key(name),
        user.get_username(),
    )


def sort_people(users: Iterable[User], *, body: Body | int | None = None) -> list[User]:
    """The people in the body's protocol order, then by given name (see the module)."""
    users = list(users)
    ranks = protocol_ranks(body=body, user_ids=(u.pk for u in users))
    return sorted(users, key=lambda u: person_key(u, ranks))


def sort_by_person(
    items: Iterable[T], *, person: Callable[[T], User], body: Body | int | None = None
) -> list[T]:
    """Rows about people (participants, answers, ballots) in the order of their person."""
    items = list(items)
    ranks = protocol_ranks(body=body, user_ids=(person(i).pk for i in items))
    return sorted(items, key=lambda i: person_key(person(i), ranks))
