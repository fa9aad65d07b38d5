"""Concurrent writers: the audit chain stays whole and each member keeps one position.

Runs on PostgreSQL, where transactions really overlap; the embedded SQLite test database
is in memory and serialises writers anyway."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection

from ecabinet.audit.models import AuditEntry
from ecabinet.audit.services import chain_verify
from meetings import services
from meetings.models import Position
from tests.factories import make_meeting

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)"
)


def _in_thread(fn):
    def run(*args):
        try:
            return fn(*args)
        finally:
            close_old_connections()

    return run


@pytest.mark.django_db(transaction=True)
def test_concurrent_positions_keep_the_chain_whole_and_one_row_per_member(cabinet):
    meeting = make_meeting(cabinet.body, cabinet.secretary, items=1, publish=True)
    item = meeting.items.get()
    before = AuditEntry.objects.count()

    @_in_thread
    def mark(args):
        member, stance = args
        services.position_mark(actor=member, item=item, stance=stance, comment="ý kiến")

    # Every member marks twice at once (a double tap), with different stances.
    work = [(m, s) for m in cabinet.members for s in ("no_objection", "wish_to_speak")]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(mark, work))

    assert Position.objects.filter(item=item).count() == len(cabinet.members)
    assert AuditEntry.objects.count() == before + len(work)
    assert chain_verify() == []
