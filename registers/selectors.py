"""Reads of the registers for their pages, the API and the CSV export."""

from __future__ import annotations

from django.db.models import QuerySet

from archive.search import fold
from people.models import Body
from registers.models import Register, RegisterEntry

QUERY_MAX_CHARS = 200


def register_entries(
    *, body: Body, direction: str, year: int | None = None, q: str = "", doc_type: str = ""
) -> QuerySet[RegisterEntry]:
    """The register's entries, newest number first; `q` matches every word given,
    accents optional ("nghi quyet" finds "Nghị quyết")."""
    entries = RegisterEntry.objects.filter(
        register__body=body, register__direction=direction
    ).select_related("register", "handler", "document", "registered_by")
    if year:
        entries = entries.filter(register__year=year)
    if doc_type:
        entries = entries.filter(doc_type=doc_type)
    for word in fold(q[:QUERY_MAX_CHARS]).split()[:16]:
        entries = entries.filter(search_text__contains=word)
    return entries.order_by("-register__year", "-registered_at", "-number")


def register_years(*, body: Body, direction: str) -> list[int]:
    return list(
        Register.objects.filter(body=body, direction=direction)
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
