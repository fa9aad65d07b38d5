"""Meeting papers over JSON: upload with Decree 30 metadata, new versions, metadata, and
the PDF itself (checked against its SHA-256 and audited by the service)."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from documents.http import version_response
from ecabinet.api_types import ERRORS, Id
from ecabinet.errors import Invalid, NotFound
from meetings import services
from meetings.access import ensure_can_manage, ensure_can_see_paper, paper_can_open
from meetings.models import Meeting, MeetingPaper
from meetings.paper_signing import ensure_can_sign_paper, ensure_can_verify_paper
from meetings.reading import paper_reading_record
from meetings.schemas import (
    PaperIn,
    PaperOut,
    PaperReadingIn,
    PaperReadingOut,
    PaperVersionIn,
    PaperVersionOut,
    paper_brief,
)
from meetings.views_papers import paper_open  # the one place that decides "original"
from people.models import User
from signing import api as signing_api
from signing.schemas import SignIn, SignOut, VerifyOut

router = Router(tags=["papers"])

PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "The PDF. X-Content-SHA256 fingerprints the bytes sent; a "
            "confidential paper is watermarked for its reader (X-Watermarked: 1, "
            "X-Version-SHA256 names the stored version) unless original=true is asked "
            "by the uploader, the secretariat or an archivist.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _paper(paper_id: Id) -> MeetingPaper:
    return get_object_or_404(
        MeetingPaper.objects.select_related("meeting__body", "item", "document"), pk=paper_id
    )


def _paper_out(paper: MeetingPaper, can_open: bool) -> dict:
    document = paper.document
    return {
        **paper_brief(paper, can_open),
        "meeting_id": paper.meeting_id,
        "issuing_body": document.issuing_body,
        "issued_place": document.issued_place,
        "issued_date": document.issued_date,
        "created_at": document.created_at,
        "versions": list(document.versions.order_by("number")),
    }


def _paper_inputs(meeting: Meeting, data: PaperIn) -> dict:
    """Turn the ids in the form into objects, naming the field that does not resolve."""
    fields = data.dict(exclude={"recipient_ids", "item_id"})
    fields["item"] = None
    if data.item_id is not None:
        fields["item"] = meeting.items.filter(pk=data.item_id).first()
        if fields["item"] is None:
            message = _("This meeting has no such agenda item.")
            raise Invalid(message, fields={"item_id": [message]})
    ids = set(data.recipient_ids)
    fields["recipients"] = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(fields["recipients"]) != len(ids):
        message = _("Some recipients are unknown.")
        raise Invalid(message, fields={"recipient_ids": [message]})
    return fields


@router.post("/meetings/{meeting_id}/papers", response={201: PaperOut, **ERRORS})
def paper_add(request: HttpRequest, meeting_id: Id, file: File[UploadedFile], data: Form[PaperIn]):
    meeting = get_object_or_404(Meeting.objects.select_related("body"), pk=meeting_id)
    ensure_can_manage(user=request.user, meeting=meeting)
    paper = services.paper_add(
        actor=request.user,
        meeting=meeting,
        file=file,
        filename=file.name or "",
        **_paper_inputs(meeting, data),
    )
    return Status(201, _paper_out(paper, can_open=True))


@router.post("/papers/{paper_id}/versions", response={201: PaperVersionOut, **ERRORS})
def paper_add_version(
    request: HttpRequest, paper_id: Id, file: File[UploadedFile], data: Form[PaperVersionIn]
):
    version = services.paper_add_version(
        actor=request.user,
        paper=_paper(paper_id),
        file=file,
        filename=file.name or "",
        **data.dict(),
    )
    return Status(201, version)


@router.get("/papers/{paper_id}", response={200: PaperOut, **ERRORS})
def paper_detail(request: HttpRequest, paper_id: Id):
    """What the paper is and its versions; visible to whoever sees its agenda item.
    Whether the file itself opens (confidentiality) is in `can_open`."""
    paper = _paper(paper_id)
    access = ensure_can_see_paper(user=request.user, paper=paper)
    return _paper_out(paper, paper_can_open(user=request.user, paper=paper, access=access))


@router.get("/papers/{paper_id}/file", response=ERRORS, openapi_extra=PDF_RESPONSE)
def paper_file(request: HttpRequest, paper_id: Id, v: int | None = None, original: bool = False):
    version, handle = paper_open(
        actor=request.user, paper=_paper(paper_id), version_number=v, original=original
    )
    return version_response(version, handle)


@router.post("/papers/{paper_id}/reading", response={200: PaperReadingOut, **ERRORS})
def paper_reading(request: HttpRequest, paper_id: Id, data: PaperReadingIn):
    """The in-app reader reports the pages it showed (a read receipt for the chair and the
    secretariat). Only someone who may open the paper; pages within the version's."""
    paper = _paper(paper_id)
    version = None
    if data.version is not None:
        version = paper.document.versions.filter(number=data.version).first()
        if version is None:
            raise NotFound(_("That version of the paper does not exist."))
    reading = paper_reading_record(
        actor=request.user, paper=paper, version=version, pages=data.pages
    )
    return {
        "paper_id": paper.pk,
        "version": reading.version.number,
        "page_count": reading.version.page_count,
        "pages_read": len(reading.pages),
        "first_opened_at": reading.first_opened_at,
        "last_opened_at": reading.last_opened_at,
    }


# --- Signing a paper's version ------------------------------------------------------


def _paper_for_signing(paper_id: Id) -> MeetingPaper:
    return get_object_or_404(
        MeetingPaper.objects.select_related("meeting__body", "item", "document"), pk=paper_id
    )


@router.post("/papers/{paper_id}/versions/{number}/sign", response={201: SignOut, **ERRORS})
def paper_version_sign(request: HttpRequest, paper_id: Id, number: int, data: SignIn):
    """Sign the latest version of a meeting paper: the presenter's side, the chair and
    the secretariat with their own keys; the secretariat also with the body's seal.
    The stored original is signed, never a reader's watermarked copy."""
    paper = _paper_for_signing(paper_id)
    ensure_can_verify_paper(user=request.user, paper=paper)  # before saying which versions exist
    version = signing_api.version_numbered(paper.document, number)
    ensure_can_sign_paper(user=request.user, paper=paper, version=version, kind=data.kind)
    return signing_api.version_sign_json(request, version, data, paper.meeting.body)


@router.get("/papers/{paper_id}/versions/{number}/verify", response={200: VerifyOut, **ERRORS})
def paper_version_verify(request: HttpRequest, paper_id: Id, number: int):
    paper = _paper_for_signing(paper_id)
    ensure_can_verify_paper(user=request.user, paper=paper)
    return signing_api.version_verify_json(
        request, signing_api.version_numbered(paper.document, number)
    )
