"""Shared helpers for the archive tests (no tests here): real documents, filed records."""

from __future__ import annotations

import datetime as dt
import functools

from archive.services import record_file
from documents.services import document_create
from tests.factories import NamedBytes, pdf_bytes


@functools.cache
def _pdf() -> bytes:
    return pdf_bytes(pages=1, text="Biên bản phiên họp Chính phủ")


def make_version(body, actor, *, data: bytes | None = None, filename: str = "bien-ban.pdf"):
    document = document_create(
        actor=actor,
        body=body,
        file=NamedBytes(data or _pdf(), filename),
        filename=filename,
        doc_type="bien_ban",
        summary="Biên bản phiên họp",
        issuing_body=body.name,
        issued_place="Hà Nội",
    )
    return document.latest_version()


def file_record(
    body,
    actor,
    *,
    title: str = "Biên bản phiên họp Chính phủ thường kỳ",
    text: str = "Chính phủ họp thường kỳ.",
    issued_on: dt.date = dt.date(2026, 10, 5),
    kind: str = "minutes",
    number: str = "",
    version=None,
    **extra,
):
    return record_file(
        actor=actor,
        body=body,
        kind=kind,
        title=title,
        text=text,
        issued_on=issued_on,
        version=version or make_version(body, actor),
        number=number,
        **extra,
    )
