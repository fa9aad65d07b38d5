"""Inputs of votes shared by the JSON API and the tablet's socket commands."""

from __future__ import annotations

from ninja import Field, Schema


class CastIn(Schema):
    """A ballot: the choice, the secret vote's receipt, and the member voted for (a
    deputy or the secretariat recording a seat)."""

    choice: str = Field(max_length=32)
    receipt: str | None = Field(None, max_length=128)
    member_id: int | None = Field(None, ge=1, le=2**63 - 1)


class CloseIn(Schema):
    chair_receipt: str | None = Field(None, max_length=128)
