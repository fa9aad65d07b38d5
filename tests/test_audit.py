"""The audit trail is hash-chained; audit_verify finds the first tampered entry."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from ecabinet import audit
from ecabinet.audit.models import AuditEntry
from ecabinet.audit.services import chain_verify


@pytest.fixture
def trail(cabinet):
    for n in range(5):
        audit.record(
            actor=cabinet.secretary,
            action="test.action",
            body_id=cabinet.body.pk,
            details={"n": n, "text": "biên bản"},
        )
    return list(AuditEntry.objects.order_by("seq"))


def test_every_entry_links_to_the_one_before(trail):
    for before, after in zip(trail, trail[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.seq == before.seq + 1
    assert chain_verify() == []


def test_audit_verify_passes_on_an_intact_trail(trail, capsys):
    call_command("audit_verify")
    assert "intact" in capsys.readouterr().out


def _raw(sql, params):
    # Tampering goes around the ORM, as someone with database access would.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def test_an_edited_entry_is_reported_with_its_number(trail, capsys):
    victim = trail[-3]
    _raw("UPDATE audit_auditentry SET action = %s WHERE id = %s", ["forged", victim.pk])
    with pytest.raises(CommandError, match=f"first problem at entry {victim.seq} \\(edited\\)"):
        call_command("audit_verify")


def test_edited_details_are_reported(trail):
    _raw("UPDATE audit_auditentry SET details = %s WHERE id = %s", ['{"n": 99}', trail[1].pk])
    problems = chain_verify()
    assert problems[0].seq == trail[1].seq
    assert problems[0].kind == "edited"


def test_a_deleted_entry_is_reported(trail):
    _raw("DELETE FROM audit_auditentry WHERE id = %s", [trail[2].pk])
    problems = chain_verify()
    assert problems[0].seq == trail[2].seq
    assert problems[0].kind == "deleted"


def test_deleting_the_last_entries_is_reported(trail):
    _raw("DELETE FROM audit_auditentry WHERE seq >= %s", [trail[-2].seq])
    problems = chain_verify()
    assert [p.kind for p in problems] == ["truncated"]
    with pytest.raises(CommandError):
        call_command("audit_verify")


def test_an_inserted_entry_is_reported(trail):
    forged = AuditEntry.objects.get(pk=trail[1].pk)
    # Shift later entries up by one and slip a forged copy in at position 3.
    _raw("UPDATE audit_auditentry SET seq = seq + 1000 WHERE seq >= %s", [trail[2].seq])
    _raw("UPDATE audit_auditentry SET seq = seq - 999 WHERE seq >= %s", [1000])
    forged.pk = None
    forged.seq = trail[2].seq
    forged.hash = "f" * 64
    forged.save()
    problems = chain_verify()
    assert problems[0].seq == trail[2].seq
    assert problems[0].kind in {"inserted", "edited"}


def test_the_actor_and_target_are_stored(cabinet, meeting):
    entry = AuditEntry.objects.filter(action="meeting.published").get()
    assert entry.actor == cabinet.secretary
    assert entry.target_type == "meetings.meeting"
    assert entry.target_id == str(meeting.pk)
    assert entry.body_id == cabinet.body.pk
