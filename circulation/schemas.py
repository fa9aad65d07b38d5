"""Shapes of the draft circulation API."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from documents.models import Confidentiality, DocumentType, Urgency
from ecabinet.api_types import Id


def _choice(choices, default=...):
    # Listed for clients; the service checks the value and names the field when wrong.
    return Field(default, json_schema_extra={"enum": list(choices.values)})


class PersonOut(Schema):
    id: int
    name: str


class DraftVersionOut(Schema):
    number: int
    original_filename: str
    size: int
    sha256: str
    page_count: int
    note: str
    uploaded_at: datetime
    uploaded_by: PersonOut
    has_source: bool
    source_filename: str
    source_sha256: str


class CommentOut(Schema):
    id: int
    author: PersonOut
    version: int
    page: int | None
    text: str
    created_at: datetime
    answered_in: int | None  # the version number that answered it


class DraftBrief(Schema):
    id: int
    body_id: int
    document_id: int
    summary: str
    doc_type: str
    number_symbol: str
    confidentiality: str
    urgency: str
    author: PersonOut
    deadline: datetime
    state: str
    accepts_comments: bool
    comment_count: int
    unanswered_count: int


class DraftOut(DraftBrief):
    issuing_body: str
    request: str
    created_at: datetime
    closed_at: datetime | None
    recipients: list[PersonOut]
    can_comment: bool
    can_manage: bool
    can_open: bool
    versions: list[DraftVersionOut]
    comments: list[CommentOut]


class DraftList(Schema):
    received: list[DraftBrief]
    sent: list[DraftBrief]


class DraftIn(Schema):
    """Sent as multipart form fields with the file (PDF or .docx)."""

    body_id: Id
    doc_type: str = _choice(DocumentType)
    number_symbol: str = Field("", max_length=100)
    summary: str = Field(max_length=500)
    issuing_body: str = Field(max_length=200)
    confidentiality: str = _choice(Confidentiality, Confidentiality.NORMAL.value)
    urgency: str = _choice(Urgency, Urgency.NORMAL.value)
    deadline: datetime
    request: str = ""
    recipient_ids: list[Id] | None = None  # None: every member of the body


class DraftVersionIn(Schema):
    note: str = Field("", max_length=300)
    answers: list[Id] = []


class CommentIn(Schema):
    text: str = Field(max_length=10_000)
    page: int | None = None
    version: int | None = None  # default: the latest


class SegmentOut(Schema):
    text: str
    changed: bool


class DiffRowOut(Schema):
    kind: str
    old_no: int | None
    new_no: int | None
    skipped: int
    segments: list[SegmentOut]


class DiffOut(Schema):
    old: int
    new: int
    added: int
    removed: int
    rows: list[DiffRowOut]
