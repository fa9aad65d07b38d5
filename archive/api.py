"""The archive over JSON: search, a record, its original, its verification, its exports.
Records of a body the caller does not archive for answer 404, as on the pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema, Status

from archive import selectors, services
from archive.models import Record
from archive.views import _attachment, revision_response
from ecabinet.api_types import ERRORS, MAX_ID, Id

router = Router(tags=["archive"])
RevisionNumber = Annotated[int, Field(ge=0, le=MAX_ID)]


class RecordOut(Schema):
    id: int
    kind: str
    title: str
    number: str
    body_id: int
    body: str
    issued_on: date
    sha256: str
    signers: list[str]
    filed_at: datetime
    supersedes_id: int | None
    meta: dict
    source_url: str

    @staticmethod
    def resolve_body(obj: Record) -> str:
        return obj.body.name


class RevisionOut(Schema):
    number: int
    sha256: str
    size: int
    previous_sha256: str
    timestamped_at: datetime
    protected_until: datetime
    algorithm: str
    created_at: datetime


class RecordDetailOut(RecordOut):
    filename: str
    size: int
    page_count: int
    superseded_by_id: int | None
    protected_until: datetime | None
    revision: int  # the revision served by .../original (0: the original as filed)
    latest_sha256: str

    @staticmethod
    def resolve_revision(obj: Record) -> int:
        return obj.revisions.count()

    @staticmethod
    def resolve_latest_sha256(obj: Record) -> str:
        latest = obj.revisions.order_by("-number").values_list("sha256", flat=True).first()
        return latest or obj.sha256

    @staticmethod
    def resolve_filename(obj: Record) -> str:
        return obj.version.original_filename

    @staticmethod
    def resolve_size(obj: Record) -> int:
        return obj.version.size

    @staticmethod
    def resolve_page_count(obj: Record) -> int:
        return obj.version.page_count

    @staticmethod
    def resolve_superseded_by_id(obj: Record) -> int | None:
        later = Record.objects.filter(supersedes=obj).values_list("pk", flat=True).first()
        return later


class SearchOut(Schema):
    total: int
    total_exact: bool  # False: more than `total` match; narrow the search
    page: int
    per_page: int
    num_pages: int
    results: list[RecordOut]


@router.get("/archive/records", response={200: SearchOut, **ERRORS})
def search(
    request: HttpRequest,
    q: str = "",
    body: int | None = None,
    kind: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    page: int = 1,
    per_page: int = 20,
):
    result = selectors.record_search(
        actor=request.user,
        q=q,
        body=body,
        kind=kind or None,
        date_from=date_from,
        date_to=date_to,
        page=page,
        per_page=per_page,
    )
    return {
        "total": result.total,
        "total_exact": result.total_exact,
        "page": result.page,
        "per_page": result.per_page,
        "num_pages": result.num_pages,
        "results": result.records,
    }


@router.get("/archive/records/{record_id}", response={200: RecordDetailOut, **ERRORS})
def detail(request: HttpRequest, record_id: Id):
    return selectors.record_get(actor=request.user, record_id=record_id)


@router.get("/archive/records/{record_id}/original", response={200: None, **ERRORS})
def original(request: HttpRequest, record_id: Id) -> HttpResponse:
    """The record as kept now: its latest revision (the original while it has none)."""
    record = selectors.record_get(actor=request.user, record_id=record_id)
    number, sha256, data = services.record_retrieve(actor=request.user, record=record)
    response = revision_response(record, number, sha256, data)
    response["X-Record-Revision"] = str(number)
    return response


@router.get("/archive/records/{record_id}/revisions", response={200: list[RevisionOut], **ERRORS})
def revisions(request: HttpRequest, record_id: Id):
    """Each renewal of the record's archive timestamps; revision 0 is the original."""
    record = selectors.record_get(actor=request.user, record_id=record_id)
    return selectors.record_revisions(record=record)


@router.get("/archive/records/{record_id}/revisions/{number}", response={200: None, **ERRORS})
def revision(request: HttpRequest, record_id: Id, number: RevisionNumber) -> HttpResponse:
    record = selectors.record_get(actor=request.user, record_id=record_id)
    sha256, data = services.record_retrieve_revision(
        actor=request.user, record=record, number=number
    )
    response = revision_response(record, number, sha256, data)
    response["X-Record-Revision"] = str(number)
    return response


@router.post("/archive/records/{record_id}/renew", response={201: RevisionOut, **ERRORS})
def renew(request: HttpRequest, record_id: Id):
    """Add an archive timestamp now (archivists of the record's body)."""
    record = selectors.record_get(actor=request.user, record_id=record_id)
    return Status(201, services.record_renew_now(actor=request.user, record=record))


@router.get("/archive/records/{record_id}/verification", response={200: dict, **ERRORS})
def verification(request: HttpRequest, record_id: Id):
    record = selectors.record_get(actor=request.user, record_id=record_id)
    _data, report = services.record_verify(actor=request.user, record=record)
    return {"record": record.pk, "sha256": record.sha256, **report.as_dict()}


@router.get("/archive/records/{record_id}/package", response={200: None, **ERRORS})
def package(request: HttpRequest, record_id: Id) -> HttpResponse:
    record = selectors.record_get(actor=request.user, record_id=record_id)
    data = services.record_export_package(actor=request.user, record=record)
    return _attachment(data, "application/zip", f"ho-so-luu-tru-{record.pk}.zip")


@router.get("/archive/records/{record_id}/edxml", response={200: None, **ERRORS})
def edxml(request: HttpRequest, record_id: Id) -> HttpResponse:
    record = selectors.record_get(actor=request.user, record_id=record_id)
    data = services.record_export_edxml(actor=request.user, record=record)
    return _attachment(data, "application/xml", f"van-ban-{record.pk}.edxml")
