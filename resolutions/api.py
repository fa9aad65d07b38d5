"""Resolutions over JSON: draft from a closed meeting or ballot, read, edit, number and
cancel. Signing and sealing take a PIN on the pages (as the minutes' do)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from ballots.models import Ballot
from ecabinet.api_types import ERRORS, Id
from ecabinet.errors import NotFound
from meetings.models import Meeting
from resolutions import selectors, services
from resolutions.models import Resolution

router = Router(tags=["resolutions"])
Text = Annotated[str, Field(max_length=20_000)]


class ResolutionArticleOut(Schema):
    number: int
    text: str


class ResolutionTaskOut(Schema):
    article: int | None
    lead_agency: str
    cooperating_agencies: str
    content: str
    deadline: date | None
    expected_output: str

    @staticmethod
    def resolve_article(obj) -> int | None:
        return obj.article.number if obj.article_id else None


class ResolutionOut(Schema):
    id: int
    body_id: int
    meeting_id: int | None
    ballot_id: int | None
    title: str
    preamble: str
    recipients: str
    state: str
    number_symbol: str
    issued_on: date | None
    register_entry_id: int | None
    document_id: int | None
    current_version: int | None
    cancel_reason: str
    created_at: datetime
    articles: list[ResolutionArticleOut]
    tasks: list[ResolutionTaskOut]

    @staticmethod
    def resolve_current_version(obj: Resolution) -> int | None:
        return obj.current_version.number if obj.current_version_id else None

    @staticmethod
    def resolve_articles(obj: Resolution):
        return list(obj.articles.all())

    @staticmethod
    def resolve_tasks(obj: Resolution):
        return list(obj.tasks.select_related("article"))


class ResolutionTaskIn(Schema):
    article: Annotated[int, Field(ge=1, le=60)] | None = None
    lead_agency: Annotated[str, Field(max_length=200)]
    cooperating_agencies: Annotated[str, Field(max_length=500)] = ""
    content: Text
    deadline: date | None = None
    expected_output: Annotated[str, Field(max_length=300)] = ""


class ResolutionIn(Schema):
    title: Annotated[str, Field(max_length=500)]
    preamble: Text = ""
    articles: Annotated[list[Text], Field(max_length=60)]
    tasks: Annotated[list[ResolutionTaskIn], Field(max_length=200)] = []
    recipients: Annotated[str, Field(max_length=2000)] | None = None


class ResolutionCancelIn(Schema):
    reason: Annotated[str, Field(max_length=500)]


@router.post("/meetings/{meeting_id}/resolution", response={201: ResolutionOut, **ERRORS})
def draft_from_meeting(request: HttpRequest, meeting_id: Id):
    """Draft the closed meeting's resolution from its record (the secretariat)."""
    meeting = Meeting.objects.filter(pk=meeting_id).first()
    if meeting is None:
        raise NotFound(_("Meeting not found."))
    return Status(201, services.resolution_draft_from_meeting(actor=request.user, meeting=meeting))


@router.post("/ballots/{ballot_id}/resolution", response={201: ResolutionOut, **ERRORS})
def draft_from_ballot(request: HttpRequest, ballot_id: Id):
    """Draft the resolution that adopts a closed written ballot (the secretariat)."""
    ballot = Ballot.objects.filter(pk=ballot_id).first()
    if ballot is None:
        raise NotFound(_("Ballot not found."))
    return Status(201, services.resolution_draft_from_ballot(actor=request.user, ballot=ballot))


@router.get("/resolutions/{resolution_id}", response={200: ResolutionOut, **ERRORS})
def resolution_read(request: HttpRequest, resolution_id: Id):
    return selectors.resolution_get(actor=request.user, pk=resolution_id)


@router.put("/resolutions/{resolution_id}", response={200: ResolutionOut, **ERRORS})
def resolution_update(request: HttpRequest, resolution_id: Id, data: ResolutionIn):
    """Replace the text and tasks of a draft; refused (409) once it is numbered."""
    resolution = selectors.resolution_get(actor=request.user, pk=resolution_id)
    values = data.dict()
    return services.resolution_update(actor=request.user, resolution=resolution, **values)


@router.post("/resolutions/{resolution_id}/number", response={200: ResolutionOut, **ERRORS})
def resolution_number(request: HttpRequest, resolution_id: Id):
    """Take the next number of the outgoing register and render the final PDF."""
    resolution = selectors.resolution_get(actor=request.user, pk=resolution_id)
    return services.resolution_number(actor=request.user, resolution=resolution)


@router.post("/resolutions/{resolution_id}/cancel", response={200: ResolutionOut, **ERRORS})
def resolution_cancel(request: HttpRequest, resolution_id: Id, data: ResolutionCancelIn):
    resolution = selectors.resolution_get(actor=request.user, pk=resolution_id)
    return services.resolution_cancel(actor=request.user, resolution=resolution, reason=data.reason)


# The tasks of issued resolutions (resolutions/api_tasks.py).
router.add_router("", "resolutions.api_tasks.router")
