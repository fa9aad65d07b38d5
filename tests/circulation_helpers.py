"""Shared set-up for the draft circulation tests."""

from __future__ import annotations

import datetime as dt
import functools

from django.utils import timezone

from circulation import services
from tests.docx_samples import docx_bytes
from tests.factories import NamedBytes, pdf_bytes


@functools.cache
def draft_pdf(text: str = "Điều 1. Phạm vi điều chỉnh", pages: int = 2) -> bytes:
    return pdf_bytes(pages=pages, text=text)


@functools.cache
def draft_docx(*paragraphs: str) -> bytes:
    return docx_bytes(*paragraphs)


def circulate(cabinet, *, data: bytes | None = None, filename="du-thao.pdf", **extra):
    fields = {
        "doc_type": "du_thao_nghi_dinh",
        "summary": "Dự thảo Nghị định về quản lý đầu tư công",
        "issuing_body": "Bộ Tài chính",
        "deadline": timezone.now() + dt.timedelta(days=3),
    }
    fields.update(extra)
    return services.circulation_start(
        actor=fields.pop("actor", cabinet.secretary),
        body=cabinet.body,
        file=NamedBytes(data or draft_pdf(), filename),
        filename=filename,
        **fields,
    )


def expire(circulation) -> None:
    """Move the deadline into the past (a test shortcut, not a service)."""
    type(circulation).objects.filter(pk=circulation.pk).update(
        deadline=timezone.now() - dt.timedelta(minutes=1)
    )
    circulation.refresh_from_db()
