"""Archive records: immutable, signed, final documents filed for the long term.

A record points to one `documents.DocumentVersion` (whose bytes are stored under their
SHA-256) and carries what archivists search by: the body, the kind of record, the date
it was issued, its number, title and text. The archive knows nothing of meetings or
ballots; the apps above it file records and describe their origin in `meta`.

Full-text search lives beside the table, created by migration 0002 for the database in
use: a generated `tsvector` column with a GIN index on PostgreSQL, an FTS5 table on
SQLite (see archive/search.py).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentVersion
from people.models import Body


class Record(models.Model):
    class Kind(models.TextChoices):
        MINUTES = "minutes", _("Minutes")
        BALLOT_REPORT = "ballot_report", _("Ballot report")
        BALLOT_ANSWER = "ballot_answer", _("Signed ballot answer")
        RESOLUTION = "resolution", _("Resolution")

    body = models.ForeignKey(
        Body, on_delete=models.PROTECT, related_name="archive_records", verbose_name=_("body")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    title = models.CharField(_("title"), max_length=500)
    number = models.CharField(_("number and symbol"), max_length=100, blank=True)
    text = models.TextField(_("text"), blank=True)
    issued_on = models.DateField(_("issued on"))
    # One record per stored version: filing the same version again finds this row.
    version = models.OneToOneField(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="archive_record",
        verbose_name=_("version"),
    )
    sha256 = models.CharField("SHA-256", max_length=64)
    signers = models.JSONField(_("signers"), default=list, blank=True)
    source_url = models.CharField(_("source"), max_length=500, blank=True)
    meta = models.JSONField(_("details"), default=dict, blank=True)
    # A correction: this record replaces the one it points to.
    supersedes = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="superseded_by",
        verbose_name=_("corrects"),
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("filed by"),
    )
    filed_at = models.DateTimeField(_("filed"), auto_now_add=True)
    # When the certificate of the TSA behind the last document timestamp of the file served
    # now (the latest revision) ends: after it nothing proves when the record existed.
    # Empty: no document timestamp covers it yet. Kept by archive/renewal.py.
    protected_until = models.DateTimeField(_("protected until"), null=True, blank=True)
    protection_algorithm = models.CharField(
        _("timestamp digest algorithm"), max_length=20, blank=True
    )

    class Meta:
        verbose_name = _("archive record")
        verbose_name_plural = _("archive records")
        ordering = ["-issued_on", "-id"]
        indexes = [
            models.Index(fields=["body", "kind", "issued_on"], name="archive_record_filters"),
            models.Index(fields=["issued_on", "id"], name="archive_record_issued"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(supersedes=models.F("id")),
                name="archive_record_not_self_superseding",
            )
        ]

    def __str__(self) -> str:
        return f"{self.number}: {self.title}" if self.number else self.title


def _revision_upload_to(instance: "RecordRevision", filename: str) -> str:
    return f"archive/revisions/{instance.record_id}/{instance.number}-{instance.sha256}.pdf"


class RecordRevision(models.Model):
    """The record's file with one more archive timestamp: the previous file, byte for byte,
    plus an incremental update with fresh validation data and a document timestamp
    (PAdES B-LTA). The original as filed (revision 0) stays in `Record.version`; each
    renewal adds a row and a file, never changes one."""

    record = models.ForeignKey(
        Record, on_delete=models.PROTECT, related_name="revisions", verbose_name=_("record")
    )
    number = models.PositiveIntegerField(_("revision"))
    file = models.FileField(_("file"), upload_to=_revision_upload_to, max_length=300)
    sha256 = models.CharField("SHA-256", max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    previous_sha256 = models.CharField(_("previous SHA-256"), max_length=64)
    timestamped_at = models.DateTimeField(_("timestamped at"))
    protected_until = models.DateTimeField(_("protected until"))
    algorithm = models.CharField(_("timestamp digest algorithm"), max_length=20)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("renewed by"),
    )
    created_at = models.DateTimeField(_("renewed"), auto_now_add=True)

    class Meta:
        verbose_name = _("record revision")
        verbose_name_plural = _("record revisions")
        ordering = ["record", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "number"], name="archive_revision_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="archive_revision_number_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record} · {self.number}"


def _export_upload_to(instance: "ExportJob", filename: str) -> str:
    return f"exports/{instance.pk}/{filename}"


class ExportJob(models.Model):
    """A records package being built in the background for the person who asked: only
    they download it, and only while they may still see the record."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    record = models.ForeignKey(
        Record, on_delete=models.PROTECT, related_name="export_jobs", verbose_name=_("record")
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("requested by"),
    )
    kind = models.CharField(_("kind"), max_length=20, default="package")
    state = models.CharField(_("state"), max_length=10, choices=State, default=State.QUEUED)
    error = models.TextField(_("why it failed"), blank=True)
    file = models.FileField(_("file"), upload_to=_export_upload_to, max_length=300, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size"), null=True, blank=True)
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("export job")
        verbose_name_plural = _("export jobs")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="ready") | ~models.Q(sha256=""),
                name="archive_exportjob_ready_has_file",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_state_display()} · {self.record}"

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.READY, self.State.FAILED)
