"""Shapes of people and bodies in the JSON API."""

from __future__ import annotations

from ninja import Schema


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    title: str
    organisation: str


class UserBrief(Schema):
    id: int
    username: str
    full_name: str
    title: str


class BodyRolesOut(Schema):
    body_id: int
    body_name: str
    roles: list[str]


class MeOut(Schema):
    user: UserOut
    bodies: list[BodyRolesOut]


class RulesOut(Schema):
    quorum_numerator: int
    quorum_denominator: int
    quorum_fraction: str  # "2/3"
    majority_base: str
    tie_break: str


class BodyOut(Schema):
    id: int
    name: str
    short_name: str
    kind: str
    place: str
    rules: RulesOut
    my_roles: list[str]
