"""Cross-cutting request handling: upload limits and turning service errors into pages."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from ecabinet.errors import ServiceError

# Room for the form fields that travel with a file.
FORM_MARGIN_BYTES = 1024 * 1024


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def error_response(
    request: HttpRequest, status: int, code: str, message: str, fields: dict | None = None
) -> HttpResponse:
    if wants_json(request):
        return JsonResponse(
            {"error": code, "detail": message, "fields": fields or {}}, status=status
        )
    return render(
        request,
        "error.html",
        {"status": status, "code": code, "message": message, "fields": fields or {}},
        status=status,
    )


class _DropFiles(FileUploadHandler):
    """Reads past every file of a refused upload and keeps none of it, so that the form's
    other fields still arrive."""

    def new_file(self, *args, **kwargs):
        raise SkipFile()

    def receive_data_chunk(self, raw_data, start):
        return None

    def file_complete(self, file_size):
        return None


def _keeps_fields(request: HttpRequest) -> bool:
    """A page's form (not the API): it can be shown again with what was typed."""
    return (
        request.method == "POST"
        and not wants_json(request)
        and request.content_type == "multipart/form-data"
    )


class UploadSizeLimitMiddleware:
    """Refuse an oversized body from its Content-Length, before any file in it is kept.

    The API and anything but a page's form get a bare 413. A page's form is handled by
    its view without the file (none of it is stored, not even in a temporary file): the
    form comes back with what was typed and says why (templates/_form_errors.html, from
    `request.upload_refused_mb`), with status 413."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.PAPER_MAX_UPLOAD_MB * 1024 * 1024 + FORM_MARGIN_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit and _keeps_fields(request):
            request.upload_handlers = [_DropFiles(request)]
            request.upload_refused_mb = settings.PAPER_MAX_UPLOAD_MB
            response = self.get_response(request)
            if response.status_code < 300 or response.status_code == 422:
                response.status_code = 413
            return response
        if length > limit:
            return error_response(
                request,
                413,
                "too_large",
                _("The upload is too large: the limit is %(limit)d MB.")
                % {"limit": settings.PAPER_MAX_UPLOAD_MB},
            )
        return self.get_response(request)


class ServiceErrorMiddleware:
    """A service refused: show the person why, with the right status, never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 405 and not response.content:
            # Django answers a wrong method with an empty body; say what happened.
            return error_response(
                request, 405, "method_not_allowed", _("This address does not accept that request.")
            )
        return response

    def process_exception(self, request: HttpRequest, exception: Exception):
        if isinstance(exception, ServiceError):
            return error_response(
                request, exception.status, exception.code, exception.message, exception.fields
            )
        return None
