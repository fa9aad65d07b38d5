"""The API's shapes for annotations (names unique across the API)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field

from annotations.validation import MAX_POINTS, MAX_RECTS, MAX_STROKES, MAX_TEXT
from ecabinet.api_types import Id

Coordinate = Annotated[float, Field(ge=-10_000, le=10_000, allow_inf_nan=False)]
Rect = Annotated[list[Coordinate], Field(min_length=4, max_length=4)]
Point = Annotated[list[Coordinate], Field(min_length=2, max_length=2)]
Stroke = Annotated[list[Point], Field(min_length=1, max_length=MAX_POINTS)]


class AnnotationDataIn(Schema):
    """Highlight: rects; ink: strokes (and the pen's width); note: at. In PDF points on
    the page as shown, from its top-left corner, y downwards."""

    model_config = ConfigDict(extra="forbid")

    rects: list[Rect] | None = Field(None, max_length=MAX_RECTS)
    strokes: list[Stroke] | None = Field(None, max_length=MAX_STROKES)
    width: float | None = Field(None, gt=0, le=50, allow_inf_nan=False)
    at: Point | None = None


class AnnotationIn(Schema):
    paper_id: Id
    version: int = Field(ge=1, le=100_000)
    page: int = Field(ge=1, le=100_000)
    kind: Literal["highlight", "ink", "note"]
    data: AnnotationDataIn
    text: str = Field("", max_length=MAX_TEXT)
    colour: str = Field("#ffd400", pattern=r"^#[0-9a-fA-F]{6}$")


class AnnotationShareIn(Schema):
    visibility: Literal["private", "people", "meeting"]
    shared_with: list[Id] = Field(default=[], max_length=200)


class AnnotationOut(Schema):
    client_id: uuid.UUID
    author_id: int
    author_name: str
    mine: bool
    paper_id: int
    version: int
    page: int
    kind: str
    data: dict
    text: str
    colour: str
    visibility: str
    shared_with: list[int]  # only for one's own notes
    carried_from_version: int | None
    created_at: datetime
    updated_at: datetime


class AnnotationListOut(Schema):
    paper_id: int
    version: int
    page_count: int
    seq: int  # the reader's person stream: live notes follow from here
    not_carried_over: int
    annotations: list[AnnotationOut]


class AnnotationPersonOut(Schema):
    id: int
    name: str
