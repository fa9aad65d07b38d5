"""Shapes of meetings, agendas, papers, positions and leave in the JSON API.

Choice fields travel as plain strings and are checked by the services (one source of
truth for the rules); the schema lists the allowed values for clients.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Schema
from pydantic import AwareDatetime

from documents.models import Confidentiality, DocumentType, Urgency
from ecabinet.api_types import Id
from meetings.access import MeetingAccess
from meetings.models import LeaveRequest, Meeting, MeetingPaper, Participant, Position
from meetings.selectors import ItemSummary, ItemView
from people.schemas import UserBrief


def choice(choices, default=..., **kwargs):
    return Field(default, json_schema_extra={"enum": list(choices.values)}, **kwargs)


# --- Meetings ----------------------------------------------------------------


class MeetingIn(Schema):
    body_id: Id
    title: str = Field(max_length=300)
    kind: str = choice(Meeting.Kind, Meeting.Kind.REGULAR.value)
    starts_at: AwareDatetime
    ends_at: AwareDatetime | None = None
    location: str = Field("", max_length=200)
    is_online: bool = False
    online_link: str = Field("", max_length=300)


class MeetingPatch(Schema):
    """Only the fields sent are changed. `None` defaults are never validated, so a field
    sent as null is refused unless it may be empty (ends_at)."""

    title: str = Field(None, max_length=300)
    kind: str = choice(Meeting.Kind, None)
    starts_at: AwareDatetime = None
    ends_at: AwareDatetime | None = None
    location: str = Field(None, max_length=200)
    is_online: bool = None
    online_link: str = Field(None, max_length=300)


class MeetingOut(Schema):
    id: int
    body_id: int
    body_name: str
    title: str
    kind: str
    state: str
    starts_at: datetime
    ends_at: datetime | None
    location: str
    is_online: bool
    online_link: str
    published_at: datetime | None
    created_at: datetime

    @staticmethod
    def resolve_body_name(obj) -> str:
        # The detail answer arrives as a dict that already holds the name.
        return obj["body_name"] if isinstance(obj, dict) else obj.body.name


class MyAccessOut(Schema):
    can_manage: bool
    can_chair: bool
    is_guest: bool
    can_mark_positions: bool
    participant_kind: str | None
    acting_for: UserBrief | None  # the member whose seat this user takes


class PaperVersionOut(Schema):
    number: int
    original_filename: str
    size: int
    sha256: str
    page_count: int
    note: str
    uploaded_at: datetime


class PaperBrief(Schema):
    id: int
    item_id: int | None
    document_id: int
    doc_type: str
    number_symbol: str
    summary: str
    confidentiality: str
    urgency: str
    can_open: bool
    latest_version: int | None


class PositionOut(Schema):
    item_id: int
    member: UserBrief
    stance: str
    comment: str
    marked_by: UserBrief
    updated_at: datetime


class ItemOut(Schema):
    id: int
    meeting_id: int
    order: int
    title: str
    description: str
    presenting_agency: str
    presenter: UserBrief | None
    presenter_name: str
    duration_minutes: int


class AgendaItemOut(ItemOut):
    papers: list[PaperBrief]
    my_position: PositionOut | None


class MeetingDetailOut(MeetingOut):
    me: MyAccessOut
    agenda: list[AgendaItemOut]
    papers: list[PaperBrief]  # for the meeting as a whole


# --- Agenda and participants -------------------------------------------------


class AgendaItemIn(Schema):
    title: str = Field(max_length=500)
    description: str = ""
    presenting_agency: str = Field("", max_length=200)
    presenter_id: Id | None = None
    presenter_name: str = Field("", max_length=200)
    duration_minutes: int = Field(30, ge=1, le=600)


class ItemPatch(Schema):
    title: str = Field(None, max_length=500)
    description: str = None
    presenting_agency: str = Field(None, max_length=200)
    presenter_id: Id | None = None
    presenter_name: str = Field(None, max_length=200)
    duration_minutes: int = Field(None, ge=1, le=600)


class MoveIn(Schema):
    to_position: int = Field(ge=1)


class GuestIn(Schema):
    user_id: Id
    item_ids: list[Id] = Field(min_length=1)


class ParticipantOut(Schema):
    id: int
    meeting_id: int
    user: UserBrief
    kind: str = choice(Participant.Kind)
    item_ids: list[int]

    @staticmethod
    def resolve_item_ids(obj) -> list[int]:
        return sorted(obj.items.values_list("pk", flat=True))


# --- Papers ------------------------------------------------------------------


class PaperIn(Schema):
    """Decree 30/2020 metadata sent with the file (multipart form fields)."""

    doc_type: str = choice(DocumentType)
    number_symbol: str = Field("", max_length=100)
    summary: str = Field(max_length=500)
    issuing_body: str = Field(max_length=200)
    issued_date: date | None = None
    confidentiality: str = choice(Confidentiality, Confidentiality.NORMAL.value)
    urgency: str = choice(Urgency, Urgency.NORMAL.value)
    recipient_ids: list[Id] = []
    item_id: Id | None = None


class PaperVersionIn(Schema):
    note: str = Field("", max_length=300)


class PaperOut(PaperBrief):
    meeting_id: int
    issuing_body: str
    issued_place: str
    issued_date: date | None
    created_at: datetime
    versions: list[PaperVersionOut]


# --- Positions and leave -----------------------------------------------------


class PositionIn(Schema):
    stance: str = choice(Position.Stance)
    comment: str = ""


# --- The live room (the API's bodies; the tablet's socket commands share them) -------


class ConclusionIn(Schema):
    conclusion: str


class PresentationIn(Schema):
    paper_id: int = Field(ge=1, le=2**63 - 1)
    page: int


class PositionNote(Schema):
    member: UserBrief
    comment: str
    marked_by: UserBrief


class ItemSummaryOut(Schema):
    item_id: int
    order: int
    title: str
    counts: dict[str, int]
    objections: list[PositionNote]
    wish_to_speak: list[PositionNote]
    not_marked: list[UserBrief]
    is_consent_item: bool


class LeaveIn(Schema):
    reason: str = Field(max_length=2000)
    deputy_id: Id | None = None


class LeaveDecisionIn(Schema):
    approve: bool
    deputy_may_vote: bool = False
    deputy_may_speak: bool = True
    note: str = Field("", max_length=500)


class LeaveOut(Schema):
    id: int
    meeting_id: int
    member: UserBrief
    reason: str
    deputy: UserBrief | None
    status: str = choice(LeaveRequest.Status)
    deputy_may_vote: bool
    deputy_may_speak: bool
    decided_at: datetime | None
    decision_note: str
    created_at: datetime


# --- Building answers from what the selectors return -------------------------


def paper_brief(paper: MeetingPaper, can_open: bool) -> dict:
    document = paper.document
    return {
        "id": paper.pk,
        "item_id": paper.item_id,
        "document_id": document.pk,
        "doc_type": document.doc_type,
        "number_symbol": document.number_symbol,
        "summary": document.summary,
        "confidentiality": document.confidentiality,
        "urgency": document.urgency,
        "can_open": can_open,
        "latest_version": max((v.number for v in document.versions.all()), default=None),
    }


def item_view_out(view: ItemView) -> dict:
    return {
        **ItemOut.from_orm(view.item).dict(),
        "papers": [paper_brief(paper, can_open) for paper, can_open in view.papers],
        "my_position": view.my_position,
    }


def meeting_detail_out(
    access: MeetingAccess, agenda: list[ItemView], general: list[tuple[MeetingPaper, bool]]
) -> dict:
    participant = access.participant
    return {
        **MeetingOut.from_orm(access.meeting).dict(),
        "me": {
            "can_manage": access.can_manage,
            "can_chair": access.can_chair,
            "is_guest": access.is_guest,
            "can_mark_positions": access.can_mark_positions,
            "participant_kind": participant.kind if participant else None,
            "acting_for": access.acting_for,
        },
        "agenda": [item_view_out(view) for view in agenda],
        "papers": [paper_brief(paper, can_open) for paper, can_open in general],
    }


def summary_out(summary: ItemSummary) -> dict:
    def note(position: Position) -> dict:
        return {
            "member": position.member,
            "comment": position.comment,
            "marked_by": position.marked_by,
        }

    return {
        "item_id": summary.item.pk,
        "order": summary.item.order,
        "title": summary.item.title,
        "counts": summary.counts,
        "objections": [note(p) for p in summary.objections],
        "wish_to_speak": [note(p) for p in summary.wish_to_speak],
        "not_marked": summary.not_marked,
        "is_consent_item": summary.is_consent_item,
    }


class PaperReadingIn(Schema):
    """Pages the reader showed since its last report (a few seconds of reading)."""

    pages: list[Annotated[int, Field(ge=1, le=100_000)]] = Field(max_length=200)
    version: int | None = Field(None, ge=1, description="The version read; the latest if left out.")


class PaperReadingOut(Schema):
    paper_id: int
    version: int
    page_count: int
    pages_read: int
    first_opened_at: datetime
    last_opened_at: datetime
