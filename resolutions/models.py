"""Resolutions (Nghị quyết): drafted from a closed meeting or a closed written ballot,
circulated for comments, numbered in the body's outgoing register, signed by the chair
("TM. CHÍNH PHỦ / THỦ TƯỚNG"), sealed and issued.

The text is structured: articles (Điều 1, 2, …) and the tasks the resolution assigns
(lead agency, cooperating agencies, deadline, expected output), so the tasks can be
followed and the issued document sent to the agencies. The rendered PDF and its signed
and sealed revisions are the versions of `document`.
"""

import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ballots.models import Ballot
from circulation.models import Circulation
from documents.models import Document, DocumentVersion
from meetings.models import Meeting
from people.models import Body
from registers.models import RegisterEntry


class Resolution(models.Model):
    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("resolution", "Draft")
        CIRCULATING = "circulating", _("Circulated for comments")
        NUMBERED = "numbered", _("Numbered, awaiting the chair's signature")
        SIGNED = "signed", _("Signed, awaiting the seal")
        ISSUED = "issued", _("Issued")
        CANCELLED = "cancelled", _("Cancelled")

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="resolutions", verbose_name=_("body")
    )
    meeting = models.ForeignKey(
        Meeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("meeting"),
    )
    ballot = models.ForeignKey(
        Ballot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("written ballot"),
    )
    title = models.CharField(_("title"), max_length=500)  # trích yếu
    preamble = models.TextField(_("legal bases"), blank=True)  # căn cứ ban hành
    # Nơi nhận: one recipient a line, as printed under the signature.
    recipients = models.TextField(_("recipients"), blank=True)
    state = models.CharField(_("state"), max_length=20, choices=State, default=State.DRAFT)
    circulation = models.ForeignKey(
        Circulation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    register_entry = models.ForeignKey(
        RegisterEntry, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    number_symbol = models.CharField(_("number and symbol"), max_length=100, blank=True)
    issued_on = models.DateField(_("date of the document"), null=True, blank=True)
    # Who signs "TM. CHÍNH PHỦ / THỦ TƯỚNG": the body's chair when the number was taken.
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    signer_title = models.CharField(max_length=100, blank=True)
    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The version the next signature goes on: the numbered PDF, then the signed one.
    current_version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sign_box = models.JSONField(default=dict, blank=True)  # page and box of the chair
    # archive.Record primary key (kept as a plain id, as the minutes do).
    archive_record_id = models.PositiveBigIntegerField(null=True, blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    issued_at = models.DateTimeField(_("issued"), null=True, blank=True)

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["-created_at", "-id"]
        constraints = [
            # One resolution in the works (or issued) per meeting and per ballot.
            models.UniqueConstraint(
                fields=["meeting"],
                condition=models.Q(meeting__isnull=False) & ~models.Q(state="cancelled"),
                name="resolution_one_per_meeting",
            ),
            models.UniqueConstraint(
                fields=["ballot"],
                condition=models.Q(ballot__isnull=False) & ~models.Q(state="cancelled"),
                name="resolution_one_per_ballot",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.number_symbol or '—'} · {self.title}"

    @property
    def is_editable(self) -> bool:
        return self.state in (self.State.DRAFT, self.State.CIRCULATING)


class ResolutionArticle(models.Model):
    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="articles")
    number = models.PositiveSmallIntegerField(_("article"))
    text = models.TextField(_("text"))

    class Meta:
        ordering = ["resolution", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["resolution", "number"], name="resolution_article_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"Điều {self.number}"


class TaskState(models.TextChoices):
    ASSIGNED = "assigned", pgettext_lazy("resolution task", "Assigned")
    IN_PROGRESS = "in_progress", pgettext_lazy("resolution task", "In progress")
    COMPLETED = "completed", pgettext_lazy("resolution task", "Completed")


class ResolutionTask(models.Model):
    """A task the resolution assigns: followed until done (lead agency reports)."""

    resolution = models.ForeignKey(Resolution, on_delete=models.CASCADE, related_name="tasks")
    article = models.ForeignKey(
        ResolutionArticle, on_delete=models.SET_NULL, null=True, blank=True, related_name="tasks"
    )
    order = models.PositiveSmallIntegerField(default=0)
    lead_agency = models.CharField(_("lead agency"), max_length=200)
    # people.agencies.agency_key(lead_agency), matched in SQL against a person's
    # organisation_key; written with the name by the service.
    lead_agency_key = models.CharField(max_length=600, db_index=True, editable=False, default="")
    cooperating_agencies = models.CharField(_("cooperating agencies"), max_length=500, blank=True)
    content = models.TextField(_("task"))
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    expected_output = models.CharField(_("expected output"), max_length=300, blank=True)
    # Following the task once the resolution is issued (resolutions/tracking.py).
    state = models.CharField(
        _("progress"), max_length=20, choices=TaskState, default=TaskState.ASSIGNED
    )
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # The reminders the sweep sent (resolutions/reminders.py): the one before the
    # deadline once, the overdue one once a day; stored so a second run sends nothing.
    reminded_due_at = models.DateTimeField(null=True, blank=True)
    reminded_overdue_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["resolution", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="completed", completed_at__isnull=False)
                | (~models.Q(state="completed") & models.Q(completed_at__isnull=True)),
                name="resolution_task_completed_at_with_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lead_agency}: {self.content[:60]}"

    def is_overdue(self, today: dt.date) -> bool:
        """The deadline has passed (the deadline day itself still counts as in time)
        and the task is not completed."""
        return (
            self.deadline is not None
            and today > self.deadline
            and self.state != TaskState.COMPLETED
        )

    @property
    def completed_on_time(self) -> bool | None:
        """None while open; a task without a deadline is on time when completed."""
        if self.completed_at is None:
            return None
        if self.deadline is None:
            return True
        return timezone.localdate(self.completed_at) <= self.deadline


def task_report_upload_to(instance: "TaskReport", filename: str) -> str:
    return f"resolution-tasks/{instance.task_id}/{uuid.uuid4().hex}.pdf"


class TaskReport(models.Model):
    """What the lead agency (or the secretariat on its behalf) reported on a task, and
    the secretariat's reopening with its reason: the task's history, never edited."""

    class Kind(models.TextChoices):
        PROGRESS = "progress", _("Progress report")
        COMPLETION = "completion", _("Completion report")
        REOPENED = "reopened", _("Reopened")

    task = models.ForeignKey(ResolutionTask, on_delete=models.CASCADE, related_name="reports")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The agency the report speaks for (the task's lead agency when it was written).
    agency = models.CharField(_("agency"), max_length=200)
    on_behalf = models.BooleanField(_("by the secretariat on the agency's behalf"), default=False)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    text = models.TextField(_("report"))
    attachment = models.FileField(
        _("attachment"), upload_to=task_report_upload_to, max_length=300, blank=True
    )
    attachment_name = models.CharField(max_length=255, blank=True)
    attachment_sha256 = models.CharField(max_length=64, blank=True)
    # The lead agency's own document, received over the exchange (exchange/).
    incoming = models.ForeignKey(
        "exchange.Incoming",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="task_reports",
        verbose_name=_("document received over the exchange"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["task", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.task_id}"
