"""Records packages built in the background (a package of a long chain of corrections,
each verified, takes 10 seconds and more: too long for a request).

`export_request` queues a job for the person who asked; `export_run` (the task) builds
the package with their rights, through the same `record_export_package` as before, and
keeps the file; `export_download` hands it only to that person, and only while they may
still see the record. Each step is audited. A job runs once: a second run of the task
finds it no longer queued and does nothing.
"""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from archive import selectors
from archive.models import ExportJob, Record
from archive.services import record_export_package
from ecabinet import audit
from ecabinet.errors import Conflict, NotFound, ServiceError
from people.models import User


@transaction.atomic
def export_request(*, actor: User, record: Record) -> ExportJob:
    """Queue a records package of `record` (which the caller got through record_get)."""
    from archive.tasks import export_package_task

    job = ExportJob.objects.create(record=record, requested_by=actor, kind="package")
    audit.record(
        actor=actor,
        action="archive.export_requested",
        target=record,
        details={"job": job.pk, "format": "package"},
    )
    transaction.on_commit(lambda: export_package_task.enqueue(job_id=job.pk))
    return job


@transaction.atomic
def _start(*, job_id: int) -> ExportJob | None:
    job = ExportJob.objects.select_for_update().select_related("record").get(pk=job_id)
    if job.state != ExportJob.State.QUEUED:
        return None
    job.state, job.started_at = ExportJob.State.RUNNING, timezone.now()
    job.save(update_fields=["state", "started_at"])
    return job


@transaction.atomic
def _finish(*, job: ExportJob, data: bytes | None, error: str = "") -> ExportJob:
    job = ExportJob.objects.select_for_update().get(pk=job.pk)
    job.finished_at = timezone.now()
    if data is None:
        job.state, job.error = ExportJob.State.FAILED, error[:2000]
        job.save(update_fields=["state", "error", "finished_at"])
        audit.record(
            actor=job.requested_by,
            action="archive.export_failed",
            target=job.record,
            details={"job": job.pk, "error": job.error},
        )
        return job
    job.sha256, job.size = hashlib.sha256(data).hexdigest(), len(data)
    job.file.save(f"ho-so-luu-tru-{job.record_id}.zip", ContentFile(data), save=False)
    job.state = ExportJob.State.READY
    job.save(update_fields=["state", "file", "sha256", "size", "finished_at"])
    return job


def export_run(*, job_id: int) -> ExportJob | None:
    """Build the package (the task's work). Not one transaction: the job shows "being
    prepared" while it is built, and a failure is kept with its reason."""
    job = _start(job_id=job_id)
    if job is None:
        return None
    actor = job.requested_by
    try:
        # Rights are checked again as the job runs: they may have changed since the asking.
        record = selectors.record_get(actor=actor, record_id=job.record_id)
        data = record_export_package(actor=actor, record=record)
    except ServiceError as exc:
        return _finish(job=job, data=None, error=str(exc.message))
    except Exception as exc:  # a failed job says why, instead of staying "being prepared"
        return _finish(job=job, data=None, error=_("Unexpected error: %(why)s") % {"why": exc})
    return _finish(job=job, data=data)


def export_get(*, actor: User, job_id: int) -> ExportJob:
    """A job, for the person who asked for it, while they may still see its record."""
    job = ExportJob.objects.select_related("record").filter(pk=job_id).first()
    if job is None or job.requested_by_id != actor.pk:
        raise NotFound(_("There is no such export."))
    selectors.record_get(actor=actor, record_id=job.record_id)
    return job


def export_download(*, actor: User, job_id: int) -> tuple[ExportJob, bytes]:
    """The package's bytes, checked against the SHA-256 taken when it was built."""
    job = export_get(actor=actor, job_id=job_id)
    if job.state != ExportJob.State.READY:
        raise Conflict(_("The package is not ready yet."))
    with job.file.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != job.sha256:
        raise Conflict(_("The stored package does not match its fingerprint."))
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="archive.export_downloaded",
            target=job.record,
            details={"job": job.pk, "sha256": job.sha256},
        )
    return job, data


def exports_of(*, actor: User, record: Record):
    """The person's own recent packages of a record, newest first."""
    return ExportJob.objects.filter(requested_by=actor, record=record)[:5]
