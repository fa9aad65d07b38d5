"""Background work for resolutions: the reminders about the tasks they assign, a thin
wrapper around the idempotent sweep (resolutions/reminders.py)."""

from __future__ import annotations

from django_tasks import task


@task()
def resolution_tasks_remind_task() -> dict:
    """The hourly sweep; it enqueues the next one."""
    from resolutions import reminders

    report = reminders.tasks_remind()
    reminders.schedule_reminders()
    return report.as_dict()
