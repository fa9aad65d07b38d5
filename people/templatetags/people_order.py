"""`{{ people|in_order:body_id }}`: people in the body's protocol order, then by given name
in Vietnamese (people/collation.py), for templates that list a relation's people."""

from __future__ import annotations

from collections.abc import Iterable

from django import template

from people.collation import sort_people
from people.models import Body, User

register = template.Library()


@register.filter
def in_order(people: Iterable[User], body: Body | int | None = None) -> list[User]:
    return sort_people(people, body=body)
