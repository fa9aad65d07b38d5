"""Archive pages: search, a record, its original, its verification and its exports."""

from __future__ import annotations

import io
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from archive import exports, selectors, services
from archive.forms import SearchForm
from documents.http import version_response
from ecabinet.errors import Conflict, Invalid
from ecabinet.forms import add_service_errors
from signing.words import stored_by_field


@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    selectors.ensure_may_use_archive(actor=request.user)
    bodies = list(selectors.archive_bodies(actor=request.user))
    form = SearchForm(request.GET or None, bodies=bodies)
    result, status = None, 200
    if not request.GET:
        result = selectors.record_search(actor=request.user)
    elif form.is_valid():
        try:
            result = selectors.record_search(actor=request.user, **form.search_kwargs())
        except Invalid as exc:
            add_service_errors(form, exc)
            status = 422
    else:
        status = 422
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "form": form,
        "result": result,
        "bodies": bodies,
        "query_string": urlencode(query),
        "protection": selectors.protection_for(actor=request.user),
    }
    return render(request, "archive/search.html", context, status=status)


@login_required
def record_page(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get(actor=request.user, record_id=pk)
    chain = selectors.record_chain(record=record)
    context = {
        "record": record,
        "chain": chain,
        "exports": exports.exports_of(actor=request.user, record=record),
        "revisions": selectors.record_revisions(record=record),
        "may_renew": selectors.may_renew(actor=request.user, record=record),
    }
    return render(request, "archive/record.html", context)


def revision_response(record, number: int, sha256: str, data: bytes) -> HttpResponse:
    """A revision of a record, inline; `X-Content-SHA256` fingerprints it and
    `X-Record-Revision` names it (0: the original as filed)."""
    if number == 0:
        return version_response(record.version, io.BytesIO(data))
    stem = record.version.original_filename.rsplit(".", 1)[0] or "record"
    response = FileResponse(
        io.BytesIO(data), content_type="application/pdf", filename=f"{stem}-r{number}.pdf"
    )
    response["X-Content-SHA256"] = sha256
    response["X-Record-Revision"] = str(number)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def record_original(request: HttpRequest, pk: int) -> HttpResponse:
    """The record as kept now: its latest revision (the original while it has none)."""
    record = selectors.record_get(actor=request.user, record_id=pk)
    number, sha256, data = services.record_retrieve(actor=request.user, record=record)
    response = revision_response(record, number, sha256, data)
    response["X-Record-Revision"] = str(number)
    return response


@login_required
def record_revision(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    record = selectors.record_get(actor=request.user, record_id=pk)
    sha256, data = services.record_retrieve_revision(
        actor=request.user, record=record, number=number
    )
    response = revision_response(record, number, sha256, data)
    response["X-Record-Revision"] = str(number)
    return response


@login_required
@require_POST
def record_renew(request: HttpRequest, pk: int) -> HttpResponse:
    """An archivist of the body adds an archive timestamp now."""
    record = selectors.record_get(actor=request.user, record_id=pk)
    try:
        revision = services.record_renew_now(actor=request.user, record=record)
    except (Conflict, Invalid) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Revision %(n)d added: a new archive timestamp, protected until %(until)s.")
            % {"n": revision.number, "until": revision.protected_until.date().isoformat()},
        )
    return redirect("archive:record", record.pk)


@login_required
def record_verify_page(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get(actor=request.user, record_id=pk)
    _data, report = services.record_verify(actor=request.user, record=record)
    context = {
        "report": report,
        "version": record.version,
        "back_url": reverse("archive:record", args=[record.pk]),
        "stored_signatures": stored_by_field(record.version),
    }
    return render(request, "signing/verify.html", context)


def _attachment(data: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def record_package(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get(actor=request.user, record_id=pk)
    data = services.record_export_package(actor=request.user, record=record)
    return _attachment(data, "application/zip", f"ho-so-luu-tru-{record.pk}.zip")


@login_required
def record_edxml(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.record_get(actor=request.user, record_id=pk)
    data = services.record_export_edxml(actor=request.user, record=record)
    return _attachment(data, "application/xml", f"van-ban-{record.pk}.edxml")


@login_required
@require_POST
def record_package_request(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue the records package; its page shows how it goes and offers the file."""
    record = selectors.record_get(actor=request.user, record_id=pk)
    job = exports.export_request(actor=request.user, record=record)
    return redirect("archive:export", job.pk)


@login_required
def export_page(request: HttpRequest, job_id: int) -> HttpResponse:
    job = exports.export_get(actor=request.user, job_id=job_id)
    return render(request, "archive/export.html", {"job": job, "record": job.record})


@login_required
def export_file(request: HttpRequest, job_id: int) -> HttpResponse:
    job, data = exports.export_download(actor=request.user, job_id=job_id)
    return _attachment(data, "application/zip", f"ho-so-luu-tru-{job.record_id}.zip")
