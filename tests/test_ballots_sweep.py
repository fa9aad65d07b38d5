"""Reminders, closing at the deadline, the scheduled tasks and the health report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from ballots import selectors, services
from ballots.models import Ballot, Heartbeat, Reminder
from ballots.scheduling import schedule_tick
from ballots.sweep import ballots_tick
from ballots.tasks import ballot_close_task, ballot_remind_task, ballots_tick_task
from ecabinet.errors import Conflict
from notifications.models import Notification
from tests.test_ballots_helpers import DATABASE_TASKS, answer, open_ballot

pytestmark = pytest.mark.django_db


@pytest.fixture
def ballot(cabinet):
    return open_ballot(cabinet)


def test_reminders_go_once_and_only_to_members_who_have_not_answered(cabinet, ballot):
    answer(cabinet.minister, ballot, "agree", "agree")
    quiet = {m.pk for m in cabinet.members} - {cabinet.minister.pk}
    early = ballot.deadline - dt.timedelta(hours=30)
    assert ballots_tick(now=early).reminded == 0
    at_24 = ballot.deadline - dt.timedelta(hours=23)
    assert ballots_tick(now=at_24).reminded == len(quiet)
    assert ballots_tick(now=at_24 + dt.timedelta(minutes=1)).reminded == 0  # a second sweep
    rows = Reminder.objects.filter(ballot=ballot, hours_before=24)
    assert {r.member_id for r in rows} == quiet
    told = Notification.objects.filter(kind="ballot.reminder")
    assert {n.recipient_id for n in told} == quiet
    answer(cabinet.members[2], ballot, "agree", "disagree")
    at_2 = ballot.deadline - dt.timedelta(hours=1)
    assert ballots_tick(now=at_2).reminded == len(quiet) - 1
    assert Reminder.objects.filter(ballot=ballot, hours_before=2).count() == len(quiet) - 1


def test_a_reminder_time_before_the_opening_is_skipped(cabinet):
    ballot = open_ballot(cabinet, days=0.5)  # opened 12 h before the deadline: no 24 h one
    assert ballots_tick(now=ballot.deadline - dt.timedelta(hours=3)).reminded == 0
    assert ballots_tick(now=ballot.deadline - dt.timedelta(hours=1)).reminded == 6


def test_the_ballot_closes_once_at_the_deadline_and_late_answers_are_refused(cabinet, ballot):
    assert ballots_tick(now=ballot.deadline - dt.timedelta(seconds=1)).closed == []
    first = ballots_tick(now=ballot.deadline)
    assert first.closed == [ballot.pk]
    assert ballots_tick(now=ballot.deadline + dt.timedelta(minutes=1)).closed == []
    ballot.refresh_from_db()
    assert ballot.state == Ballot.State.CLOSED and ballot.closed_at == ballot.deadline
    with pytest.raises(Conflict, match="not open"):
        answer(cabinet.minister, ballot, "agree", "agree")
    assert not services.ballot_close_due(ballot_id=ballot.pk, now=ballot.deadline)


def test_the_sweep_records_a_heartbeat_and_the_command_runs_it(cabinet, ballot, capsys):
    call_command("ballots_tick")
    beat = Heartbeat.objects.get(name="ballots_tick")
    assert beat.runs == 1 and beat.details["source"] == "command"
    assert "closed 0 ballot(s)" in capsys.readouterr().out


def test_health_warns_when_the_worker_looks_stopped_while_ballots_are_open(cabinet, ballot):
    health = selectors.ballots_health()
    assert health["open_ballots"] == 1 and health["worker_stale"] and not health["ok"]
    assert "looks stopped" in health["warnings"][0]
    ballots_tick()
    health = selectors.ballots_health()
    assert health["ok"] and health["runs"] == 1 and health["overdue_tasks"] is None
    later = timezone.now() + dt.timedelta(minutes=10)
    assert selectors.ballots_health(now=later)["worker_stale"]


def test_opening_schedules_reminders_close_and_the_sweep_on_the_database_queue(
    cabinet, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = DATABASE_TASKS
    with django_capture_on_commit_callbacks(execute=True):
        ballot = open_ballot(cabinet)
    queued = {r.task_path: r for r in DBTaskResult.objects.all()}
    assert set(queued) == {
        "notifications.tasks.notification_send_email",  # the invitations
        ballot_remind_task.module_path,
        ballot_close_task.module_path,
        ballots_tick_task.module_path,
    }
    assert queued[ballot_close_task.module_path].run_after == ballot.deadline
    reminders = DBTaskResult.objects.filter(task_path=ballot_remind_task.module_path)
    assert sorted(r.run_after for r in reminders) == [
        ballot.deadline - dt.timedelta(hours=24),
        ballot.deadline - dt.timedelta(hours=2),
    ]
    # One sweep chain: asking again while one waits adds nothing.
    assert not schedule_tick()
    assert DBTaskResult.objects.filter(task_path=ballots_tick_task.module_path).count() == 1


def test_tasks_run_twice_after_a_restart_still_remind_and_close_once(cabinet, settings):
    settings.TASKS = DATABASE_TASKS
    ballot = open_ballot(cabinet)
    Ballot.objects.filter(pk=ballot.pk).update(
        opened_at=timezone.now() - dt.timedelta(days=3),
        deadline=timezone.now() + dt.timedelta(hours=1),
    )
    # A worker killed after the work but before marking the task done runs it again.
    # The 24 h reminder was missed while the worker was down: superseded by the 2 h one.
    assert ballot_remind_task.call(ballot_id=ballot.pk, hours=24) == 0
    assert ballot_remind_task.call(ballot_id=ballot.pk, hours=2) == 6
    assert ballot_remind_task.call(ballot_id=ballot.pk, hours=2) == 0
    assert ballots_tick_task.call()["reminded"] == 0
    Ballot.objects.filter(pk=ballot.pk).update(deadline=timezone.now())
    assert ballot_close_task.call(ballot_id=ballot.pk) is True
    assert ballot_close_task.call(ballot_id=ballot.pk) is False
    assert Reminder.objects.count() == 6


def test_overdue_tasks_are_counted_on_the_database_queue(cabinet, settings):
    settings.TASKS = DATABASE_TASKS
    ballot = open_ballot(cabinet)
    ballot_close_task.using(run_after=timezone.now() - dt.timedelta(minutes=5)).enqueue(
        ballot_id=ballot.pk
    )
    health = selectors.ballots_health()
    assert health["overdue_tasks"] == 1
    assert any("overdue" in w for w in health["warnings"])
