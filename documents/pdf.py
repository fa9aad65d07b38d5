"""Checking that an upload really is a PDF we can serve to every tablet."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import IO

import pikepdf
from django.conf import settings
from django.utils.translation import gettext as _

from documents.pdf_safety import pdf_refuse_scripts
from ecabinet.errors import Invalid, TooLarge


@dataclass(frozen=True)
class PdfFacts:
    size: int
    sha256: str
    page_count: int


def max_upload_bytes() -> int:
    return settings.PAPER_MAX_UPLOAD_MB * 1024 * 1024


def pdf_inspect(stream: IO[bytes], *, size: int | None = None) -> PdfFacts:
    """Refuse anything that is not a readable, unencrypted, script-free PDF within the
    size limit."""
    stream.seek(0, 2)
    actual_size = stream.tell()
    if size is None:
        size = actual_size
    if size > max_upload_bytes() or actual_size > max_upload_bytes():
        raise TooLarge(
            _("The file is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": actual_size / 1024 / 1024, "limit": settings.PAPER_MAX_UPLOAD_MB}
        )
    if actual_size == 0:
        raise Invalid(_("The file is empty."), fields={"file": [_("The file is empty.")]})
    stream.seek(0)
    # The PDF header must be in the first 1024 bytes (ISO 32000-1, 7.5.2).
    if b"%PDF-" not in stream.read(1024):
        message = _("This file is not a PDF, whatever its name says.")
        raise Invalid(message, fields={"file": [message]})
    stream.seek(0)
    digest = hashlib.sha256()
    for chunk in iter(lambda: stream.read(1024 * 1024), b""):
        digest.update(chunk)
    stream.seek(0)
    try:
        with pikepdf.open(stream) as pdf:
            if pdf.is_encrypted:
                raise _encrypted()
            page_count = len(pdf.pages)
            # Bounded work for every reader (docs/circulation.md): pages, then their sizes.
            pdf_refuse_oversized(pdf)
            # Scripts and self-running actions: the rule is in documents/pdf_safety.py.
            pdf_refuse_scripts(pdf)
    except pikepdf.PasswordError as exc:
        raise _encrypted() from exc
    except pikepdf.PdfError as exc:
        message = _("The PDF is damaged and cannot be read.")
        raise Invalid(message, fields={"file": [message]}) from exc
    finally:
        stream.seek(0)
    if page_count == 0:
        message = _("The PDF has no pages.")
        raise Invalid(message, fields={"file": [message]})
    return PdfFacts(size=actual_size, sha256=digest.hexdigest(), page_count=page_count)


POINTS_PER_MM = 72 / 25.4


def pdf_refuse_oversized(pdf: pikepdf.Pdf) -> None:
    """Refuse more pages than PAPER_MAX_PAGES, and any page with a side outside
    PAPER_PAGE_MIN_MM..PAPER_PAGE_MAX_MM. A page's size is its /MediaBox and its visible
    /CropBox (inherited from the page tree where the page names none) times its
    /UserUnit; the pages counted are the page tree's leaves, whatever /Count claims."""
    pages = len(pdf.pages)
    if pages > settings.PAPER_MAX_PAGES:
        message = _("The PDF has %(pages)d pages; a paper may have at most %(limit)d.") % {
            "pages": pages,
            "limit": settings.PAPER_MAX_PAGES,
        }
        raise Invalid(message, fields={"file": [message]})
    low, high = settings.PAPER_PAGE_MIN_MM, settings.PAPER_PAGE_MAX_MM
    for number, page in enumerate(pdf.pages, start=1):
        try:
            unit = float(page.obj.get("/UserUnit", 1))
            boxes = [[float(v) for v in box] for box in (page.mediabox, page.cropbox)]
            if any(len(box) != 4 for box in boxes):
                raise ValueError(number)
        except (TypeError, ValueError, pikepdf.PdfError):
            boxes, unit = [[0, 0, 0, 0]], 1.0
        for x0, y0, x1, y1 in boxes:
            width = abs(x1 - x0) * unit / POINTS_PER_MM
            height = abs(y1 - y0) * unit / POINTS_PER_MM
            # Half a millimetre either way: sizes are written in rounded points.
            if not (low - 0.5 <= min(width, height) and max(width, height) <= high + 0.5):
                message = _(
                    "Page %(page)d measures %(width).0f × %(height).0f mm; each side of a "
                    "page must be between %(low)d and %(high)d mm."
                ) % {"page": number, "width": width, "height": height, "low": low, "high": high}
                raise Invalid(message, fields={"file": [message]})


def _encrypted() -> Invalid:
    message = _("The PDF is encrypted or password-protected; upload an unprotected copy.")
    return Invalid(message, fields={"file": [message]})
