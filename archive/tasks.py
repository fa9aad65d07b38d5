"""Background work for the archive: thin wrappers around archive/exports.py."""

from __future__ import annotations

from django_tasks import task

from archive import exports


@task()
def export_package_task(*, job_id: int) -> str:
    job = exports.export_run(job_id=job_id)
    return job.state if job is not None else "skipped"
