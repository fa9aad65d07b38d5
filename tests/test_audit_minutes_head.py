"""`audit_verify` checks the audit head the minutes carry (in their record and embedded
in the PDF) against the chain, so a rewritten chain or an altered head shows even
between checkpoints."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ecabinet.audit.checkpoints import anchors_verify
from ecabinet.audit.models import AuditEntry
from ecabinet.audit.services import chain_verify, entry_hash
from minutes import pdf
from tests.minutes_helpers import issued

pytestmark = pytest.mark.django_db


def _raw(sql, params):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.fixture
def minutes(cabinet):
    return issued(cabinet)


def test_the_minutes_head_matches_the_chain(minutes, capsys):
    with minutes.current_version.file.open("rb") as handle:
        embedded = pdf.embedded_record(handle.read())["audit_head_at_closing"]
    assert embedded == minutes.audit_head == AuditEntry.objects.get(action="meeting.closed").hash
    assert anchors_verify() == []
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out


def test_a_chain_rewritten_before_the_closing_contradicts_the_minutes(minutes):
    closed = AuditEntry.objects.get(action="meeting.closed")
    _raw("UPDATE audit_auditentry SET actor_name = %s WHERE seq = %s", ["forged", closed.seq - 2])
    prev = AuditEntry.objects.get(seq=closed.seq - 3).hash
    for entry in AuditEntry.objects.filter(seq__gte=closed.seq - 2).order_by("seq"):
        entry.prev_hash = prev
        entry.hash = entry_hash(entry)
        _raw(
            "UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE id = %s",
            [entry.prev_hash, entry.hash, entry.pk],
        )
        prev = entry.hash
    _raw("UPDATE audit_audithead SET hash = %s", [prev])
    assert chain_verify() == []
    with pytest.raises(CommandError, match=r"\(anchor\)"):
        call_command("audit_verify")
    assert any("is not in the chain" in p.message for p in anchors_verify())


def test_an_altered_head_in_the_minutes_record_is_detected(minutes):
    other = AuditEntry.objects.filter(action="minutes.drafted").get()
    _raw("UPDATE minutes_minutes SET audit_head = %s WHERE id = %s", [other.hash, minutes.pk])
    with pytest.raises(CommandError, match=r"\(anchor\)"):
        call_command("audit_verify")
    messages = [p.message for p in anchors_verify()]
    assert any("differs from the stored one" in m for m in messages)
    assert any("not the one it should" in m for m in messages)


def test_a_minutes_pdf_replaced_in_storage_is_detected(minutes):
    version = minutes.current_version
    with version.file.open("rb") as handle:
        data = handle.read()
    with open(version.file.path, "wb") as handle:
        handle.write(
            data.replace(b"/Producer", b"/Produced", 1) if b"/Producer" in data else data + b"\n"
        )
    assert any("does not match its SHA-256" in p.message for p in anchors_verify())
