"""The JSON API: one NinjaAPI; each app adds its router. Errors are JSON that say why.

Every error has one shape, {"error": code, "detail": message, "fields": {name: [why]}},
whether a service refused (ServiceError), the input did not parse (ninja's
ValidationError), the session is missing (401) or the object is unknown (404).

Ids in the path that the user may not see answer 404; ids inside a request body
(a body, a person, an item) that do not resolve answer 422 with the field named.
The interactive docs page is off: ninja's page loads Swagger UI from a CDN unless
`ninja` is an installed app, and no page here may load code from elsewhere.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import django_auth

from ecabinet.errors import ServiceError

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="e-Cabinet API",
    version="1",
    description=(
        "JSON API of e-Cabinet. Session authentication (CSRF token required on unsafe "
        'methods). Errors: {"error": code, "detail": message, "fields": {field: [reasons]}}.'
    ),
    auth=django_auth,
    docs_url="/docs" if settings.API_DOCS else None,  # off in production unless asked
    urls_namespace="api",
)


def _error(
    request: HttpRequest, status: int, code: str, detail: str, fields: dict | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"error": code, "detail": detail, "fields": fields or {}}, status=status
    )


@api.exception_handler(ServiceError)
def _service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.fields)


def _field_name(loc: list | tuple) -> str:
    # ninja locates an error as (source, parameter, field...); a client knows fields only.
    # A body that is missing or not an object as a whole is no field: "__all__".
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"body", "form"}:
        parts = parts[2:]
    else:
        parts = parts[1:]
    return ".".join(parts) or "__all__"


@api.exception_handler(ValidationError)
def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for err in exc.errors:
        fields.setdefault(_field_name(err.get("loc", ())), []).append(str(err.get("msg", "")))
    return _error(request, 422, "invalid", _("Some fields are missing or wrong."), fields)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", _("Sign in first."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    # ninja raises these for an unreadable body (400) and a failed CSRF check (403).
    codes = {400: "bad_request", 403: "forbidden", 429: "throttled"}
    return _error(request, exc.status_code, codes.get(exc.status_code, "error"), exc.message)


@api.exception_handler(MultiPartParserError)
def _unreadable_form(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    # A multipart body without its boundary (or cut short) cannot be read; the CSRF check
    # is the first to try, even before the session is looked at.
    detail = _("The form data cannot be read: the multipart body or its boundary is wrong.")
    return _error(request, 400, "bad_request", detail)


@api.exception_handler(OverflowError)
def _number_too_large(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    # Ids are bounded in the schemas (ecabinet.api_types.Id); any other number too large
    # for the database is refused the same way rather than crashing the request.
    return _error(request, 422, "invalid", _("A number in the request is too large."))


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


api.add_exception_handler(ObjectDoesNotExist, _not_found)


@api.exception_handler(IntegrityError)
def _integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    # Two requests raced and a database constraint kept the second out: a conflict, not
    # a crash. Logged, because a constraint a service did not foresee is worth a look.
    logger.warning("API request hit a database constraint: %s", exc)
    return _error(request, 409, "conflict", _("Someone else changed this at the same time."))


def _register_routers() -> None:
    # Imported here so that the app modules load after Django's app registry.
    from meetings.api import router as meetings_router
    from meetings.api_papers import router as papers_router
    from notifications.api import router as notifications_router
    from people.api import router as people_router

    api.add_router("", people_router)
    api.add_router("", "meetings.api_live.router")  # first: its /start takes a quorum override
    api.add_router("", meetings_router)
    api.add_router("", papers_router)
    api.add_router("", notifications_router)
    api.add_router("", "voting.api.router")
    api.add_router("", "signing.api.router")
    api.add_router("", "circulation.api.router")
    api.add_router("", "ballots.api.router")
    api.add_router("", "minutes.api.router")
    api.add_router("", "archive.api.router")
    api.add_router("", "worklist.api.router")
    api.add_router("", "briefcase.api.router")
    api.add_router("", "registers.api.router")
    api.add_router("", "resolutions.api.router")
    api.add_router("", "annotations.api.router")


_register_routers()
