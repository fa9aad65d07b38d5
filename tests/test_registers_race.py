"""Two issues racing never take the same number, and none is skipped (PostgreSQL, where
transactions really overlap)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection

from documents.models import DocumentType
from registers.models import Register, RegisterEntry
from registers.services import register_issue
from tests.test_registers import receive

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def test_racing_issues_take_every_number_once_with_no_gap(cabinet):
    def take(n):
        try:
            if n % 5 == 4:  # some receive at the same time, in the other register
                return receive(cabinet, summary=f"Văn bản đến {n}").number
            return register_issue(
                actor=cabinet.secretary,
                body=cabinet.body,
                doc_type=DocumentType.RESOLUTION,
                summary=f"Nghị quyết {n}",
                signer="Thủ tướng",
                recipients="Các Bộ",
            ).number
        finally:
            close_old_connections()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(take, range(40)))
    out = list(
        RegisterEntry.objects.filter(register__direction="out")
        .order_by("number")
        .values_list("number", flat=True)
    )
    incoming = list(
        RegisterEntry.objects.filter(register__direction="in")
        .order_by("number")
        .values_list("number", flat=True)
    )
    assert out == list(range(1, 33))
    assert incoming == list(range(1, 9))
    assert Register.objects.count() == 2
