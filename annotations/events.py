"""What a shared note's readers are told, live, on their own person stream.

Each event carries the note as the reader sees it (the author's name, kind, page, data,
text), so an open reader draws it without asking. Published inside the service's
transaction (ecabinet.realtime.events.publish sends after commit), only to people who
may open the paper.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ecabinet.realtime.events import Event


@dataclass(frozen=True)
class AnnotationShared(Event):
    """A note now shared with the reader (new to them)."""

    type = "annotation.shared"
    client_id: str
    author_id: int
    author_name: str
    paper_id: int
    meeting_id: int
    version: int
    page: int
    kind: str
    data: dict[str, Any]
    text: str
    colour: str
    visibility: str
    updated_at: str


@dataclass(frozen=True)
class AnnotationUpdated(AnnotationShared):
    """A note the reader already sees was changed."""

    type = "annotation.updated"


@dataclass(frozen=True)
class AnnotationDeleted(Event):
    """A note the reader saw is gone for them: deleted, or no longer shared with them."""

    type = "annotation.deleted"
    client_id: str
    author_id: int
    paper_id: int
    meeting_id: int
    version: int
    page: int
