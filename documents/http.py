"""Handing a version's bytes to a browser, the same way from every page and endpoint."""

from __future__ import annotations

from typing import IO

from django.http import FileResponse

from documents.models import DocumentVersion
from documents.services import WatermarkedCopy


def version_response(version: DocumentVersion, handle: IO[bytes]) -> FileResponse:
    """The PDF inline. `X-Content-SHA256` fingerprints the bytes sent: for a watermarked
    copy that is the copy, and `X-Version-SHA256` still names the stored version."""
    response = FileResponse(
        handle, content_type="application/pdf", filename=version.original_filename
    )
    watermarked = isinstance(handle, WatermarkedCopy)
    response["X-Content-SHA256"] = handle.sha256 if watermarked else version.sha256
    response["X-Version-SHA256"] = version.sha256
    response["X-Watermarked"] = "1" if watermarked else "0"
    # Papers may be confidential: keep them out of shared and back-button caches.
    response["Cache-Control"] = "private, no-store"
    return response


def source_response(version: DocumentVersion, handle: IO[bytes]) -> FileResponse:
    """The Word original, as an attachment (it is for editing, not for reading here)."""
    response = FileResponse(
        handle,
        content_type=version.source_content_type or "application/octet-stream",
        filename=version.source_filename or "document.docx",
        as_attachment=True,
    )
    response["X-Content-SHA256"] = version.source_sha256
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
