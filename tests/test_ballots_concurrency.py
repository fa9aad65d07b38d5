"""Racing writers: one answer per member, one reminder per member, one close.

Runs on PostgreSQL, where transactions really overlap (set DATABASE_URL); the embedded
SQLite test database serialises writers anyway."""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection
from django.utils import timezone

from ballots import services
from ballots.models import Answer, Ballot, Reminder
from ballots.sweep import ballots_tick
from documents.models import DocumentVersion
from ecabinet.audit.models import AuditEntry
from ecabinet.audit.services import chain_verify
from ecabinet.errors import Conflict
from notifications.models import Notification
from tests.test_ballots_helpers import answer, open_ballot

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def _in_thread(fn):
    def run(*args):
        try:
            return fn(*args)
        finally:
            close_old_connections()

    return run


def test_concurrent_submissions_leave_exactly_one_answer_per_member(cabinet):
    ballot = open_ballot(cabinet)

    @_in_thread
    def submit(args):
        member, choice = args
        try:
            answer(member, ballot, choice, choice)
            return "ok"
        except Conflict:
            return "refused"

    work = [(m, c) for m in cabinet.members for c in ("agree", "disagree", "agree")]
    with ThreadPoolExecutor(max_workers=8) as pool:
        outcomes = list(pool.map(submit, work))
    assert outcomes.count("ok") == len(cabinet.members)
    answers = Answer.objects.filter(ballot=ballot)
    assert answers.count() == len(cabinet.members)
    assert all(a.state == "submitted" and a.version.number == 1 for a in answers)
    forms = DocumentVersion.objects.filter(document__in=[a.document_id for a in answers])
    assert forms.count() == len(cabinet.members)
    assert AuditEntry.objects.filter(action="ballot.answer_submitted").count() == len(
        cabinet.members
    )
    assert chain_verify() == []


def test_racing_sweeps_remind_each_member_once_and_close_once(cabinet):
    ballot = open_ballot(cabinet)
    Ballot.objects.filter(pk=ballot.pk).update(opened_at=timezone.now() - dt.timedelta(days=3))
    at_2 = ballot.deadline - dt.timedelta(hours=1)

    @_in_thread
    def sweep(now):
        return ballots_tick(now=now)

    with ThreadPoolExecutor(max_workers=6) as pool:
        reports = list(pool.map(sweep, [at_2] * 6))
    assert sum(r.reminded for r in reports) == len(cabinet.members)
    assert Reminder.objects.filter(ballot=ballot).count() == len(cabinet.members)
    assert Notification.objects.filter(kind="ballot.reminder").count() == len(cabinet.members)
    with ThreadPoolExecutor(max_workers=6) as pool:
        reports = list(pool.map(sweep, [ballot.deadline] * 6))
    assert sum(len(r.closed) for r in reports) == 1
    assert AuditEntry.objects.filter(action="ballot.closed").count() == 1
    assert not services.ballot_close_due(ballot_id=ballot.pk)


def test_an_answer_racing_the_close_is_either_counted_or_refused(cabinet):
    ballot = open_ballot(cabinet)
    Ballot.objects.filter(pk=ballot.pk).update(deadline=timezone.now() + dt.timedelta(seconds=2))
    ballot.refresh_from_db()

    @_in_thread
    def submit(member):
        try:
            answer(member, ballot, "agree", "agree")
            return True
        except Conflict:
            return False

    @_in_thread
    def close(_):
        while not services.ballot_close_due(ballot_id=ballot.pk):
            if Ballot.objects.get(pk=ballot.pk).state == "closed":
                return
            time.sleep(0.05)

    with ThreadPoolExecutor(max_workers=7) as pool:
        closing = pool.submit(close, None)
        accepted = list(pool.map(submit, cabinet.members))
        closing.result(timeout=30)
    ballot.refresh_from_db()
    final = Answer.objects.filter(ballot=ballot, state="submitted")
    assert final.count() == sum(accepted)
    assert all(a.submitted_at < ballot.deadline <= ballot.closed_at for a in final)
