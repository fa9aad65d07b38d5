"""The reminders about the tasks of issued resolutions: once three days before the
deadline, once a day while overdue, to the lead agency's people and the secretariat;
the sweep run twice on a day sends nothing new, and completed tasks, tasks without a
deadline and tasks of a draft are left alone."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone, translation

from notifications.kinds import render
from notifications.models import Notification
from resolutions import reminders, tracking
from resolutions.models import Resolution
from tests.test_resolution_tasks_helpers import add_task, issued_resolution

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def at(days: int) -> dt.datetime:
    return NOW + dt.timedelta(days=days)


def told(kind: str) -> list[str]:
    return sorted(
        Notification.objects.filter(kind=f"resolution_task.{kind}").values_list(
            "recipient__username", flat=True
        )
    )


def test_a_task_three_days_from_its_deadline_is_reminded_once(cabinet):
    resolution = issued_resolution(cabinet)
    add_task(resolution, days=5)
    assert reminders.tasks_remind(now=NOW).as_dict() == {"due_soon": 0, "overdue": 0}
    assert reminders.tasks_remind(now=at(2)).as_dict() == {"due_soon": 1, "overdue": 0}
    assert told("due_soon") == ["assistant", "minister1", "secretary"]
    assert reminders.tasks_remind(now=at(2)).as_dict() == {"due_soon": 0, "overdue": 0}
    assert reminders.tasks_remind(now=at(4)).as_dict() == {"due_soon": 0, "overdue": 0}
    assert len(told("due_soon")) == 3
    note = Notification.objects.filter(kind="resolution_task.due_soon").first()
    with translation.override("vi"):
        words = render(kind=note.kind, data=note.data)
    assert "15/NQ-CP" in words.title and "Bộ Tài chính" in words.message


def test_an_overdue_task_is_reminded_once_a_day(cabinet):
    resolution = issued_resolution(cabinet)
    task = add_task(resolution, days=1)
    reminders.tasks_remind(now=NOW)  # the reminder before the deadline
    assert reminders.tasks_remind(now=at(2)).as_dict() == {"due_soon": 0, "overdue": 1}
    assert reminders.tasks_remind(now=at(2)).as_dict() == {"due_soon": 0, "overdue": 0}
    assert reminders.tasks_remind(now=at(3)).as_dict() == {"due_soon": 0, "overdue": 1}
    assert len(told("overdue")) == 6  # two days, three people each
    task.refresh_from_db()
    assert task.reminded_overdue_on == timezone.localdate(at(3))


def test_the_command_runs_the_same_sweep_and_is_idempotent(cabinet, capsys):
    add_task(issued_resolution(cabinet), days=-1)
    call_command("resolution_tasks_remind")
    call_command("resolution_tasks_remind")
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("1 about overdue tasks") and out[1].endswith("0 about overdue tasks")
    assert len(told("overdue")) == 3


def test_completed_undated_and_unissued_tasks_are_not_reminded(cabinet):
    resolution = issued_resolution(cabinet)
    done = add_task(resolution, days=-1)
    tracking.task_report_completion(actor=cabinet.members[1], task=done, text="Xong")
    add_task(resolution, days=None)
    add_task(issued_resolution(cabinet, state=Resolution.State.DRAFT), days=-1)
    add_task(issued_resolution(cabinet, state=Resolution.State.CANCELLED), days=1)
    assert reminders.tasks_remind(now=NOW).as_dict() == {"due_soon": 0, "overdue": 0}
    assert not Notification.objects.exists()


def test_the_people_of_another_agency_are_not_told(cabinet):
    add_task(issued_resolution(cabinet), agency="Bộ Y tế", days=-3)
    reminders.tasks_remind(now=NOW)
    assert told("overdue") == ["minister3", "secretary"]


def test_reporting_completion_settles_the_reminders(cabinet):
    task = add_task(issued_resolution(cabinet), days=-1)
    reminders.tasks_remind(now=NOW)
    assert Notification.objects.filter(read_at=None).count() == 3
    tracking.task_report_completion(actor=cabinet.assistant, task=task, text="Xong")
    assert not Notification.objects.filter(read_at=None).exists()
