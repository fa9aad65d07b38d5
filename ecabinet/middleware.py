"""Cross-cutting request handling: upload limits and turning service errors into pages."""

from __future__ import annotations

from django.conf import settings
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


class UploadSizeLimitMiddleware:
    """Refuse an oversized body from its Content-Length, before reading it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = settings.PAPER_MAX_UPLOAD_MB * 1024 * 1024 + FORM_MARGIN_BYTES
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
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
