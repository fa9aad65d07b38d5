"""Annotations over JSON: the notes a member sees on a paper's version, saving one (PUT by
the device's client id: idempotent, so an offline outbox may send it again), sharing,
deleting, the notes not carried over to a new version, and the export as PDF."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.decorators import decorate_view

from annotations import services
from annotations.carryover import carry_over_if_due, uncarried
from annotations.export import annotations_export
from annotations.models import Annotation
from annotations.schemas import (
    AnnotationIn,
    AnnotationListOut,
    AnnotationOut,
    AnnotationPersonOut,
    AnnotationShareIn,
)
from annotations.selectors import annotations_for, ensure_can_annotate, paper_readers, paper_version
from annotations.validation import MAX_DATA_BYTES, MAX_TEXT
from ecabinet.api_types import ERRORS, Id
from ecabinet.middleware import error_response
from ecabinet.realtime.events import last_seq
from meetings.models import MeetingPaper
from notifications.alerts import person_stream

router = Router(tags=["annotations"])

# The largest body worth parsing: the data, the text in 4-byte characters, the rest.
MAX_BODY_BYTES = MAX_DATA_BYTES + MAX_TEXT * 4 + 4096

PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "The annotated pages with the member's notes as PDF annotations.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _bounded_body(view):
    """Refuse an oversized body before it is parsed (413, in the API's error shape)."""

    def wrapper(request: HttpRequest, *args, **kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > MAX_BODY_BYTES or len(request.body) > MAX_BODY_BYTES:
            detail = _("The annotation is too large: at most %(n)d KB.") % {
                "n": MAX_BODY_BYTES // 1024
            }
            return error_response(request, 413, "too_large", detail)
        return view(request, *args, **kwargs)

    return wrapper


def _paper(paper_id: int) -> MeetingPaper:
    return get_object_or_404(
        MeetingPaper.objects.select_related("meeting__body", "item", "document"), pk=paper_id
    )


def annotation_out(annotation: Annotation, user) -> dict:
    mine = annotation.author_id == user.pk
    carried = annotation.carried_from
    return {
        **services.as_seen(annotation),
        "mine": mine,
        "shared_with": sorted(p.pk for p in annotation.shared_with.all()) if mine else [],
        "carried_from_version": carried.version.number if carried is not None else None,
        "created_at": annotation.created_at,
        "updated_at": annotation.updated_at,
    }


@router.get("/papers/{paper_id}/annotations", response={200: AnnotationListOut, **ERRORS})
def annotation_list(request: HttpRequest, paper_id: Id, v: int | None = None):
    """The member's own notes on this version (the latest if `v` is left out) and those
    shared with them. The first time, their notes on an earlier version are carried over
    where the page text still matches."""
    paper = _paper(paper_id)
    ensure_can_annotate(user=request.user, paper=paper)
    version = paper_version(paper=paper, number=v)
    seq = last_seq(stream=person_stream(request.user.pk))  # before reading: nothing missed
    record = carry_over_if_due(actor=request.user, paper=paper, version=version)
    notes = annotations_for(user=request.user, paper=paper, version=version)
    return {
        "paper_id": paper.pk,
        "version": version.number,
        "page_count": version.page_count,
        "seq": seq,
        "not_carried_over": record.left if record else 0,
        "annotations": [annotation_out(a, request.user) for a in notes],
    }


@router.get(
    "/papers/{paper_id}/annotations/uncarried", response={200: list[AnnotationOut], **ERRORS}
)
def annotation_uncarried(request: HttpRequest, paper_id: Id, v: int | None = None):
    """The member's notes on the earlier version that could not be carried over to this
    one (their page's text changed)."""
    paper = _paper(paper_id)
    ensure_can_annotate(user=request.user, paper=paper)
    version = paper_version(paper=paper, number=v)
    return [
        annotation_out(a, request.user)
        for a in uncarried(actor=request.user, paper=paper, version=version)
    ]


@router.get(
    "/papers/{paper_id}/annotations/people", response={200: list[AnnotationPersonOut], **ERRORS}
)
def annotation_people(request: HttpRequest, paper_id: Id):
    """Whom a note on this paper may be shared with: those who may open it."""
    paper = _paper(paper_id)
    ensure_can_annotate(user=request.user, paper=paper)
    return [
        {"id": p.pk, "name": p.display_name}
        for p in paper_readers(paper=paper)
        if p.pk != request.user.pk
    ]


@router.get("/papers/{paper_id}/annotations/export", response=ERRORS, openapi_extra=PDF_RESPONSE)
def annotation_export(request: HttpRequest, paper_id: Id, v: int | None = None):
    data = annotations_export(actor=request.user, paper=_paper(paper_id), version_number=v)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ghi-chu-{paper_id}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@router.put("/annotations/{client_id}", response={200: AnnotationOut, 201: AnnotationOut, **ERRORS})
@decorate_view(_bounded_body)
def annotation_put(request: HttpRequest, client_id: uuid.UUID, data: AnnotationIn):
    """Create or update the member's note with this client id (made by the device).
    The same note sent twice is stored once: 201 the first time, 200 after."""
    annotation, outcome = services.annotation_save(
        actor=request.user,
        client_id=client_id,
        paper=_paper(data.paper_id),
        version_number=data.version,
        page=data.page,
        kind=data.kind,
        data=data.data.dict(exclude_none=True),
        text=data.text,
        colour=data.colour,
    )
    return Status(201 if outcome == "created" else 200, annotation_out(annotation, request.user))


@router.post("/annotations/{client_id}/share", response={200: AnnotationOut, **ERRORS})
def annotation_share(request: HttpRequest, client_id: uuid.UUID, data: AnnotationShareIn):
    annotation = services.annotation_share(
        actor=request.user,
        client_id=client_id,
        visibility=data.visibility,
        shared_with=data.shared_with,
    )
    return annotation_out(annotation, request.user)


@router.delete("/annotations/{client_id}", response={204: None, **ERRORS})
def annotation_delete(request: HttpRequest, client_id: uuid.UUID):
    services.annotation_delete(actor=request.user, client_id=client_id)
    return Status(204, None)
