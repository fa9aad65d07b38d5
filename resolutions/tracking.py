"""Following the tasks an issued resolution assigns: the lead agency reports progress
and completion (a short text and, if it likes, a PDF), the secretariat may report on the
agency's behalf and reopens a task completed too soon, with a reason.

A task moves assigned → in progress → completed; each report is a `TaskReport` row kept
for good, and every change is audited. Only the tasks of an issued resolution are
followed: a draft can still change and a cancelled one binds nobody.
"""

from __future__ import annotations

from typing import IO

from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.pdf import pdf_inspect
from ecabinet import audit
from ecabinet.errors import Conflict, Invalid
from notifications.services import notifications_settle, notify
from people.agencies import agency_key
from people.models import User
from resolutions.access import (
    ensure_can_reopen_task,
    ensure_can_report_task,
    is_of_lead_agency,
)
from resolutions.models import Resolution, ResolutionTask, TaskReport, TaskState
from resolutions.reminders import REMINDER_KINDS, agency_people, secretariat_of

MAX_REPORT = 5_000
MAX_REASON = 500


def _lock(task_id: int) -> ResolutionTask:
    return (
        ResolutionTask.objects.select_for_update(of=("self",))
        .select_related("resolution")
        .get(pk=task_id)
    )


def _ensure_followed(task: ResolutionTask) -> None:
    if task.resolution.state != Resolution.State.ISSUED:
        raise Conflict(_("Only the tasks of an issued resolution are reported on."))


def _clean_text(text: str, *, field: str, limit: int, missing: str) -> str:
    text = (text or "").strip()
    if not text:
        raise Invalid(missing, fields={field: [missing]})
    if len(text) > limit:
        message = _("At most %(limit)d characters.") % {"limit": limit}
        raise Invalid(message, fields={field: [message]})
    return text


def _check_incoming(task: ResolutionTask, incoming, attachment) -> None:
    """A document received over the exchange backs the report only when the body of the
    resolution received it from the task's lead agency."""
    if incoming is None:
        return
    if attachment is not None:
        message = _("Attach a PDF or choose a received document, not both.")
        raise Invalid(message, fields={"incoming": [message]})
    if incoming.body_id != task.resolution.body_id or (
        agency_key(incoming.sender.name) != task.lead_agency_key
    ):
        message = _("The document was not received from the task's lead agency.")
        raise Invalid(message, fields={"incoming": [message]})


def _report(
    *,
    actor: User,
    task: ResolutionTask,
    kind: str,
    text: str,
    attachment: IO[bytes] | None,
    filename: str,
    incoming=None,
) -> TaskReport:
    _check_incoming(task, incoming, attachment)
    facts = pdf_inspect(attachment) if attachment is not None else None
    report = TaskReport(
        task=task,
        author=actor,
        agency=task.lead_agency,
        on_behalf=not is_of_lead_agency(user=actor, task=task),
        kind=kind,
        text=text,
        incoming=incoming,
    )
    if attachment is not None and facts is not None:
        attachment.seek(0)
        report.attachment_name = (filename or "bao-cao.pdf")[-255:]
        report.attachment_sha256 = facts.sha256
        report.attachment.save(report.attachment_name, File(attachment), save=False)
    report.save()
    return report


def _audit(*, actor: User, action: str, task: ResolutionTask, report: TaskReport) -> None:
    audit.record(
        actor=actor,
        action=action,
        target=task,
        body_id=task.resolution.body_id,
        details={
            "resolution_id": task.resolution_id,
            "report_id": report.pk,
            "state": task.state,
            "on_behalf": report.on_behalf,
            "attachment_sha256": report.attachment_sha256,
            "incoming_id": report.incoming_id,
        },
    )


@transaction.atomic
def task_report_progress(
    *,
    actor: User,
    task: ResolutionTask,
    text: str,
    attachment: IO[bytes] | None = None,
    filename: str = "",
    incoming=None,
) -> TaskReport:
    """Report how far the task is; an assigned task is then in progress. A completed
    task takes no more progress reports (the secretariat reopens it first)."""
    task = _lock(task.pk)
    ensure_can_report_task(user=actor, task=task)
    _ensure_followed(task)
    if task.state == TaskState.COMPLETED:
        raise Conflict(_("This task is completed; the secretariat reopens it first."))
    text = _clean_text(text, field="text", limit=MAX_REPORT, missing=_("Write what has been done."))
    report = _report(
        actor=actor,
        task=task,
        kind=TaskReport.Kind.PROGRESS,
        text=text,
        attachment=attachment,
        filename=filename,
        incoming=incoming,
    )
    task.state = TaskState.IN_PROGRESS
    task.save(update_fields=["state"])
    _audit(actor=actor, action="resolution_task.progress", task=task, report=report)
    return report


@transaction.atomic
def task_report_completion(
    *,
    actor: User,
    task: ResolutionTask,
    text: str,
    attachment: IO[bytes] | None = None,
    filename: str = "",
    incoming=None,
) -> TaskReport:
    """Report the task done: it is completed now (on time if on or before its deadline)."""
    task = _lock(task.pk)
    ensure_can_report_task(user=actor, task=task)
    _ensure_followed(task)
    if task.state == TaskState.COMPLETED:
        raise Conflict(_("This task is already completed."))
    text = _clean_text(
        text, field="text", limit=MAX_REPORT, missing=_("Write what the agency delivered.")
    )
    report = _report(
        actor=actor,
        task=task,
        kind=TaskReport.Kind.COMPLETION,
        text=text,
        attachment=attachment,
        filename=filename,
        incoming=incoming,
    )
    task.state = TaskState.COMPLETED
    task.completed_at = timezone.now()
    task.save(update_fields=["state", "completed_at"])
    _audit(actor=actor, action="resolution_task.completed", task=task, report=report)
    # The reminders asked for this report: they stop asking.
    notifications_settle(
        recipient=agency_people(task=task) + secretariat_of(body_id=task.resolution.body_id),
        subject=f"resolution_task:{task.pk}",
        kinds=REMINDER_KINDS,
    )
    return report


@transaction.atomic
def task_reopen(*, actor: User, task: ResolutionTask, reason: str) -> TaskReport:
    """The secretariat finds the output wanting: the task is in progress again and its
    lead agency is told why."""
    task = _lock(task.pk)
    ensure_can_reopen_task(user=actor, task=task)
    _ensure_followed(task)
    if task.state != TaskState.COMPLETED:
        raise Conflict(_("Only a completed task is reopened."))
    reason = _clean_text(
        reason, field="reason", limit=MAX_REASON, missing=_("Give the reason for reopening.")
    )
    report = _report(
        actor=actor,
        task=task,
        kind=TaskReport.Kind.REOPENED,
        text=reason,
        attachment=None,
        filename="",
    )
    task.state = TaskState.IN_PROGRESS
    task.completed_at = None
    task.save(update_fields=["state", "completed_at"])
    _audit(actor=actor, action="resolution_task.reopened", task=task, report=report)
    notify(
        recipients=agency_people(task=task),
        kind="resolution_task.reopened",
        data={"task": task.content[:200], "resolution": task.resolution.title, "reason": reason},
        subject=f"resolution_task:{task.pk}",
        url=f"/resolutions/tasks/{task.pk}/",
    )
    return report
