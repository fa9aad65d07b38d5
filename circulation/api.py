"""Draft circulation over JSON: list, circulate (PDF or .docx), read, comment, new
versions answering comments, close, compare versions, and the files (audited)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from circulation import services
from circulation.access import CirculationAccess, ensure_opens
from circulation.models import Circulation, Comment
from circulation.schemas import (
    CommentIn,
    CommentOut,
    DiffOut,
    DraftIn,
    DraftList,
    DraftOut,
    DraftVersionIn,
    DraftVersionOut,
)
from circulation.selectors import circulation_for, drafts_received, drafts_sent
from documents.http import source_response, version_response
from ecabinet.api_types import ERRORS, Id
from ecabinet.errors import Invalid
from people.collation import sort_people
from people.models import Body, User
from signing import api as signing_api
from signing.schemas import SignIn, SignOut, VerifyOut

router = Router(tags=["drafts"])

PDF_RESPONSE = {
    "responses": {
        200: {
            "description": "The version's PDF; watermarked for the reader when the draft "
            "is confidential (X-Watermarked: 1) unless original=true is asked by the "
            "uploader, the secretariat or an archivist.",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


def _person(user: User) -> dict:
    return {"id": user.pk, "name": user.display_name}


def _brief(c: Circulation) -> dict:
    document = c.document
    comment_count = getattr(c, "comment_count", None)
    open_count = getattr(c, "open_count", None)
    if comment_count is None:
        comment_count = c.comments.count()
        open_count = c.comments.filter(answered_in=None).count()
    return {
        "id": c.pk,
        "body_id": c.body_id,
        "document_id": document.pk,
        "summary": document.summary,
        "doc_type": document.doc_type,
        "number_symbol": document.number_symbol,
        "confidentiality": document.confidentiality,
        "urgency": document.urgency,
        "author": _person(c.author),
        "deadline": c.deadline,
        "state": c.state,
        "accepts_comments": c.accepts_comments,
        "comment_count": comment_count,
        "unanswered_count": open_count,
    }


def _version(v) -> dict:
    return {
        **{f: getattr(v, f) for f in ("number", "original_filename", "size", "sha256")},
        **{f: getattr(v, f) for f in ("page_count", "note", "uploaded_at", "has_source")},
        "uploaded_by": _person(v.uploaded_by),
        "source_filename": v.source_filename,
        "source_sha256": v.source_sha256,
    }


def _comment(c: Comment) -> dict:
    return {
        "id": c.pk,
        "author": _person(c.author),
        "version": c.version.number,
        "page": c.page,
        "text": c.text,
        "created_at": c.created_at,
        "answered_in": c.answered_in.number if c.answered_in_id else None,
    }


def _detail(c: Circulation, access: CirculationAccess) -> dict:
    versions = c.document.versions.select_related("uploaded_by").order_by("number")
    comments = c.comments.select_related("author", "version", "answered_in")
    return {
        **_brief(c),
        "issuing_body": c.document.issuing_body,
        "request": c.request,
        "created_at": c.created_at,
        "closed_at": c.closed_at,
        "recipients": [
            _person(u) for u in sort_people(c.recipients.all(), body=c.document.body_id)
        ],
        "can_comment": access.can_comment,
        "can_manage": access.can_manage,
        "can_open": access.can_open,
        "versions": [_version(v) for v in versions],
        "comments": [_comment(x) for x in comments],
    }


@router.get("/drafts", response={200: DraftList, **ERRORS})
def draft_list(request: HttpRequest):
    """Drafts I am asked to comment on, and drafts I circulate."""
    return {
        "received": [_brief(c) for c in drafts_received(user=request.user)],
        "sent": [_brief(c) for c in drafts_sent(user=request.user)],
    }


@router.post("/drafts", response={201: DraftOut, **ERRORS})
def draft_start(request: HttpRequest, file: File[UploadedFile], data: Form[DraftIn]):
    body = Body.objects.filter(pk=data.body_id).first()
    if body is None:
        raise Invalid(_("Unknown body."), fields={"body_id": [_("Unknown body.")]})
    recipients = None
    if data.recipient_ids is not None:
        ids = set(data.recipient_ids)
        recipients = list(User.objects.filter(pk__in=ids, is_active=True))
        if len(recipients) != len(ids):
            message = _("Some recipients are unknown.")
            raise Invalid(message, fields={"recipient_ids": [message]})
    fields = data.dict(exclude={"body_id", "recipient_ids"})
    circulation = services.circulation_start(
        actor=request.user,
        body=body,
        file=file,
        filename=file.name or "",
        recipients=recipients,
        **fields,
    )
    circulation, access = circulation_for(user=request.user, pk=circulation.pk)
    return Status(201, _detail(circulation, access))


@router.get("/drafts/{draft_id}", response={200: DraftOut, **ERRORS})
def draft_detail(request: HttpRequest, draft_id: Id):
    circulation, access = circulation_for(user=request.user, pk=draft_id)
    return _detail(circulation, access)


@router.post("/drafts/{draft_id}/comments", response={201: CommentOut, **ERRORS})
def comment_add(request: HttpRequest, draft_id: Id, data: CommentIn):
    circulation, _access = circulation_for(user=request.user, pk=draft_id)
    comment = services.comment_add(
        actor=request.user,
        circulation=circulation,
        text=data.text,
        page=data.page,
        version_number=data.version,
    )
    return Status(201, _comment(comment))


@router.post("/drafts/{draft_id}/versions", response={201: DraftVersionOut, **ERRORS})
def version_add(
    request: HttpRequest, draft_id: Id, file: File[UploadedFile], data: Form[DraftVersionIn]
):
    """A new version (PDF or .docx); `answers` lists the comment ids it answers."""
    circulation, _access = circulation_for(user=request.user, pk=draft_id)
    version = services.circulation_add_version(
        actor=request.user,
        circulation=circulation,
        file=file,
        filename=file.name or "",
        note=data.note,
        answers=data.answers,
    )
    return Status(201, _version(version))


@router.post("/drafts/{draft_id}/close", response={200: DraftOut, **ERRORS})
def draft_close(request: HttpRequest, draft_id: Id):
    circulation, _access = circulation_for(user=request.user, pk=draft_id)
    services.circulation_close(actor=request.user, circulation=circulation)
    circulation, access = circulation_for(user=request.user, pk=draft_id)
    return _detail(circulation, access)


@router.get("/drafts/{draft_id}/diff", response={200: DiffOut, **ERRORS})
def draft_diff(request: HttpRequest, draft_id: Id, a: int, b: int):
    """What changed in the text from version `a` to version `b` (pdftotext, difflib)."""
    circulation, _access = circulation_for(user=request.user, pk=draft_id)
    diff = services.circulation_compare(
        actor=request.user, circulation=circulation, old_number=a, new_number=b
    )
    return {"old": a, "new": b, "added": diff.added, "removed": diff.removed, "rows": diff.rows}


@router.get(
    "/drafts/{draft_id}/versions/{number}/file", response=ERRORS, openapi_extra=PDF_RESPONSE
)
def version_file(request: HttpRequest, draft_id: Id, number: int, original: bool = False):
    circulation, _access = circulation_for(user=request.user, pk=draft_id)
    version, handle = services.circulation_open_version(
        actor=request.user, circulation=circulation, number=number, original=original
    )
    return version_response(version, handle)


@router.get("/drafts/{draft_id}/versions/{number}/source", response=ERRORS)
def version_source(request: HttpRequest, draft_id: Id, number: int):
    """The Word .docx the version was converted from (404 for a PDF upload)."""
    circulation, _access = circulation_for(user=request.user, pk=draft_id)
    version, handle = services.circulation_open_source(
        actor=request.user, circulation=circulation, number=number
    )
    return source_response(version, handle)


# --- Signing a version --------------------------------------------------------------
# Whoever may open the draft signs it with their own key; the body's secretariat applies
# its seal (signing.services.version_sign checks the key and the order).


def _draft_version(request: HttpRequest, draft_id: Id, number: int):
    circulation, access = circulation_for(user=request.user, pk=draft_id)
    ensure_opens(access)
    return circulation, signing_api.version_numbered(circulation.document, number)


@router.post("/drafts/{draft_id}/versions/{number}/sign", response={201: SignOut, **ERRORS})
def draft_version_sign(request: HttpRequest, draft_id: Id, number: int, data: SignIn):
    """Sign the latest version of a draft with my key, or (secretariat) apply the body's
    seal. A wrong PIN signs nothing and answers 422 with the attempts left."""
    circulation, version = _draft_version(request, draft_id, number)
    signing_api.ensure_latest(version)
    return signing_api.version_sign_json(request, version, data, circulation.body)


@router.get("/drafts/{draft_id}/versions/{number}/verify", response={200: VerifyOut, **ERRORS})
def draft_version_verify(request: HttpRequest, draft_id: Id, number: int):
    """The same report as the verify page, for the stored bytes of the version."""
    _circulation, version = _draft_version(request, draft_id, number)
    return signing_api.version_verify_json(request, version)
