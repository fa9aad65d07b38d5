"""Signed, timestamped checkpoints of the audit chain's head, and `audit_verify` against
them and against the head the minutes carry.

Each attack is the one a person with write access to the database would make: rewrite
history from one entry and recompute every hash after it; delete the last entries and
move the head row back; alter a checkpoint to fit; alter the head the minutes record.
The chain alone (`chain_verify`) finds none of them; `audit_verify` finds each.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from ecabinet import audit
from ecabinet.audit import checkpoints
from ecabinet.audit.models import AuditCheckpoint, AuditEntry, AuditHead
from ecabinet.audit.services import chain_verify, entry_hash
from signing import audit_notary
from tests.pki_fixtures import dev_pki, signing_settings  # noqa: F401

pytestmark = pytest.mark.django_db

TOKEN = "ecab-audit-test"
PIN = "246810"


@pytest.fixture(scope="session")
def checkpoint_token(dev_pki):  # noqa: F811
    """One checkpoint key for the session: a token lives outside the database."""
    with override_settings(SIGNING_PKI_DIR=dev_pki.dir, SIGNING_SOFTHSM2_CONF=str(dev_pki.conf)):
        audit_notary.key_provision(pki=dev_pki.pki, pin=PIN, label=TOKEN)
    return TOKEN


@pytest.fixture
def notarised(signing_settings, checkpoint_token):  # noqa: F811
    signing_settings.AUDIT_CHECKPOINT_TOKEN = checkpoint_token
    signing_settings.AUDIT_CHECKPOINT_PIN = PIN
    signing_settings.AUDIT_CHECKPOINT_SECONDS = 3600
    return signing_settings


def _record(cabinet, n: int) -> None:
    for i in range(n):
        audit.record(
            actor=cabinet.secretary,
            action="test.action",
            body_id=cabinet.body.pk,
            details={"n": i, "text": "biên bản"},
        )


@pytest.fixture
def trail(cabinet, notarised):
    _record(cabinet, 20)
    return list(AuditEntry.objects.order_by("seq"))


def _raw(sql, params):
    # Tampering goes around the ORM, as someone with database access would.
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _rewrite_from(seq: int) -> None:
    """Change the entry `seq`, recompute its hash and every hash after it, and move the
    head: the chain is whole again, as the finding showed."""
    _raw("UPDATE audit_auditentry SET action = %s WHERE seq = %s", ["forged", seq])
    prev = AuditEntry.objects.get(seq=seq - 1).hash if seq > 1 else "0" * 64
    for entry in AuditEntry.objects.filter(seq__gte=seq).order_by("seq"):
        entry.prev_hash = prev
        entry.hash = entry_hash(entry)
        _raw(
            "UPDATE audit_auditentry SET prev_hash = %s, hash = %s WHERE id = %s",
            [entry.prev_hash, entry.hash, entry.pk],
        )
        prev = entry.hash
    last = AuditEntry.objects.order_by("-seq").first()
    _raw("UPDATE audit_audithead SET seq = %s, hash = %s", [last.seq, last.hash])


def _truncate(count: int) -> None:
    last_seq = AuditEntry.objects.order_by("-seq").first().seq
    _raw("DELETE FROM audit_auditentry WHERE seq > %s", [last_seq - count])
    last = AuditEntry.objects.order_by("-seq").first()
    _raw("UPDATE audit_audithead SET seq = %s, hash = %s", [last.seq, last.hash])


def _verify_fails(match: str, *args) -> str:
    with pytest.raises(CommandError) as info:
        call_command("audit_verify", *args)
    assert match in str(info.value), str(info.value)
    return str(info.value)


def test_a_checkpoint_signs_the_head_with_a_timestamp(trail, cabinet, capsys):
    made = checkpoints.checkpoint_create()
    head = AuditHead.objects.get()
    assert (made.number, made.seq, made.hash, made.count) == (1, head.seq, head.hash, head.seq)
    assert abs(made.timestamped_at - made.made_at) < dt.timedelta(minutes=1)
    assert "audit checkpoints" in made.signer
    statement = json.loads(made.statement)
    assert statement["hash"] == head.hash and statement["prev"] == "0" * 64
    # A head that has not moved is not signed again.
    assert checkpoints.checkpoint_create().pk == made.pk
    _record(cabinet, 2)
    second = checkpoints.checkpoint_create()
    assert second.number == 2
    assert json.loads(second.statement)["prev"] == checkpoints.statement_digest(made.statement)
    call_command("audit_verify")
    assert "2 signed checkpoint(s) hold" in capsys.readouterr().out


def test_entries_after_the_last_checkpoint_are_not_a_problem(trail, cabinet):
    checkpoints.checkpoint_create()
    _record(cabinet, 3)
    call_command("audit_verify")


def test_rewriting_history_and_recomputing_the_hashes_is_detected(trail):
    checkpoints.checkpoint_create()
    _rewrite_from(trail[5].seq)
    assert chain_verify() == []  # the chain alone is fooled
    _verify_fails("(rewritten)")


def test_truncating_the_last_entries_and_moving_the_head_back_is_detected(trail):
    checkpoints.checkpoint_create()
    _truncate(5)
    assert chain_verify() == []
    _verify_fails("(truncated)")


def test_a_checkpoint_altered_to_fit_a_rewritten_chain_is_detected(trail):
    made = checkpoints.checkpoint_create()
    _rewrite_from(trail[5].seq)
    head = AuditHead.objects.get()
    forged = made.statement.replace(made.hash, head.hash)
    _raw(
        "UPDATE audit_auditcheckpoint SET hash = %s, statement = %s WHERE id = %s",
        [head.hash, forged, made.pk],
    )
    _verify_fails("(checkpoint)")
    problems = checkpoints.checkpoints_verify()
    assert any("signature does not hold" in p.message for p in problems)


def test_a_checkpoint_s_columns_changed_without_its_statement_are_detected(trail):
    made = checkpoints.checkpoint_create()
    _raw("UPDATE audit_auditcheckpoint SET count = %s WHERE id = %s", [3, made.pk])
    _verify_fails("(checkpoint)")


def test_a_removed_checkpoint_is_found_against_the_exported_copy(trail, cabinet, tmp_path):
    checkpoints.checkpoint_create()
    _record(cabinet, 2)
    checkpoints.checkpoint_create()
    export = tmp_path / "checkpoints.json"
    call_command("audit_checkpoint", "--export", str(export))
    call_command("audit_verify", "--against", str(export))
    # Rewrite, then drop every checkpoint: the database alone no longer knows better.
    _rewrite_from(trail[5].seq)
    _raw("DELETE FROM audit_auditcheckpoint", [])
    call_command("audit_verify")
    _verify_fails("(", "--against", str(export))
    problems = checkpoints.checkpoints_verify(export=json.loads(export.read_text()))
    assert {p.kind for p in problems} >= {"checkpoint", "rewritten"}


def test_the_periodic_checkpoint_waits_for_its_period_and_a_moved_head(trail, cabinet, settings):
    now = timezone.now()
    first = checkpoints.checkpoint_due(now=now)
    assert first is not None
    _record(cabinet, 1)
    assert checkpoints.checkpoint_due(now=now + dt.timedelta(minutes=30)) is None
    later = now + dt.timedelta(seconds=settings.AUDIT_CHECKPOINT_SECONDS + 1)
    # made_at is the time stated; the TSA's time must agree, so sign "now" for real.
    settings.AUDIT_CHECKPOINT_SECONDS = 1
    second = checkpoints.checkpoint_due(now=timezone.now() + dt.timedelta(seconds=2))
    assert second is not None and second.seq == first.seq + 1
    assert checkpoints.checkpoint_due(now=later) is None  # the head has not moved


def test_a_checkpoint_whose_stated_time_the_tsa_contradicts_is_refused(trail):
    checkpoints.checkpoint_create(now=timezone.now() - dt.timedelta(days=2))
    problems = checkpoints.checkpoints_verify()
    assert any("timestamp authority's time" in p.message for p in problems)


def test_the_command_makes_a_checkpoint(trail, capsys):
    call_command("audit_checkpoint")
    assert "checkpoint 1:" in capsys.readouterr().out
    assert AuditCheckpoint.objects.count() == 1


def test_auditors_see_the_latest_checkpoint_and_download_them_all(trail, cabinet, client):
    from django.urls import reverse

    checkpoints.checkpoint_create()
    client.force_login(cabinet.auditor)
    page = client.get(reverse("audit:list", args=[cabinet.body.pk])).content.decode()
    assert 'data-ok="yes"' in page
    assert "Latest signed checkpoint: no. 1, up to entry" in page
    download = client.get(reverse("audit:checkpoints", args=[cabinet.body.pk]))
    assert download["Content-Disposition"] == 'attachment; filename="audit-checkpoints.json"'
    data = json.loads(download.content)
    assert [c["number"] for c in data["checkpoints"]] == [1]
    assert checkpoints.checkpoints_verify(export=data) == []
    # After a rewrite, the page says the chain is broken.
    _rewrite_from(trail[3].seq)
    page = client.get(reverse("audit:list", args=[cabinet.body.pk])).content.decode()
    assert 'data-ok="no"' in page and "(rewritten)" in page
    client.force_login(cabinet.secretary)
    assert client.get(reverse("audit:checkpoints", args=[cabinet.body.pk])).status_code == 403


def test_the_periodic_task_makes_a_due_checkpoint(trail):
    from ecabinet.audit.tasks import audit_checkpoint_task

    result = audit_checkpoint_task.enqueue()  # the immediate backend runs it now
    assert result.return_value == 1
    assert AuditCheckpoint.objects.get().seq == trail[-1].seq
