"""Background work for the archive: thin wrappers around archive/exports.py."""

from __future__ import annotations

from django_tasks import task

from archive import exports


@task()
def export_package_task(*, job_id: int) -> str:
    job = exports.export_run(job_id=job_id)
    return job.state if job is not None else "skipped"


@task()
def archive_renew_task() -> dict:
    """The archive-timestamp sweep; it enqueues the next one (archive/renewal.py)."""
    from archive import renewal

    report = renewal.renew_sweep(source="task")
    renewal.schedule_renewal()
    return report.as_dict()
