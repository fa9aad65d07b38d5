"""Errors that services raise; views and the API turn them into responses.

Each carries a message written for the person who caused it. Services never return
an HTTP status: the mapping lives here so HTML pages and JSON agree.
"""

from __future__ import annotations


class ServiceError(Exception):
    status = 400
    code = "error"

    def __init__(self, message: str, *, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.fields = fields or {}


class NotAllowed(ServiceError):
    """The actor is known but may not do this (wrong role, wrong body)."""

    status = 403
    code = "forbidden"


class NotFound(ServiceError):
    """The object does not exist, or the actor may not know that it exists."""

    status = 404
    code = "not_found"


class Conflict(ServiceError):
    """The request is valid but the object's state does not allow it now."""

    status = 409
    code = "conflict"


class Invalid(ServiceError):
    """The input is wrong; `fields` says which field and why."""

    status = 422
    code = "invalid"


class TooLarge(ServiceError):
    status = 413
    code = "too_large"
