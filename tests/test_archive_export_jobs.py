# ruff: noqa: F811 - fixtures imported from tests.pki_fixtures are re-bound as arguments
"""The records package is built by a background task: the page says queued, being
prepared, ready or failed (with why), refreshes itself, and offers the file only to the
person who asked, while they may still see the record. Each step is audited."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile

import pytest
from django.test import Client

from archive import exports
from archive.models import ExportJob
from ecabinet.audit.models import AuditEntry
from people.models import Membership, Role
from signing.services import version_sign
from tests.archive_helpers import file_record
from tests.factories import PASSWORD
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    dev_pki,
    make_document,
    signers,
    signing_settings,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


@pytest.fixture
def record(cabinet, signers):
    document = make_document(cabinet.body, cabinet.secretary)
    v2 = version_sign(actor=signers.chair, version=document.latest_version(), pin=USER_PIN)
    return file_record(cabinet.body, cabinet.secretary, version=v2, signers=["Trần Đức Khiêm"])


def test_asking_for_a_package_queues_a_task_whose_page_offers_the_file_when_ready(
    cabinet, record, django_capture_on_commit_callbacks
):
    archivist = client_for(cabinet.archivist)
    page = archivist.get(f"/archive/{record.pk}/").content.decode()
    assert f'action="/archive/{record.pk}/package/"' in page and 'data-busy="' in page

    # Before the task has run: queued, and the page refreshes itself.
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = archivist.post(f"/archive/{record.pk}/package/")
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response.url == f"/archive/exports/{job.pk}/"
    waiting = archivist.get(response.url).content.decode()
    assert 'data-state="queued"' in waiting and 'data-refresh-after="2"' in waiting
    assert 'data-testid="export-download"' not in waiting
    assert archivist.get(f"/archive/exports/{job.pk}/file/").status_code == 409

    # The task runs (the immediate backend runs it when the request's transaction commits).
    for callback in callbacks:
        callback()
    job.refresh_from_db()
    assert job.state == "ready" and job.started_at and job.finished_at
    ready = archivist.get(f"/archive/exports/{job.pk}/").content.decode()
    assert 'data-state="ready"' in ready and "data-refresh-after" not in ready
    assert job.sha256 in ready and 'data-testid="export-download"' in ready

    download = archivist.get(f"/archive/exports/{job.pk}/file/")
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert hashlib.sha256(download.content).hexdigest() == job.sha256
    with zipfile.ZipFile(io.BytesIO(download.content)) as package:
        manifest = json.loads(package.read("manifest.json"))
    assert [r["id"] for r in manifest["records"]] == [record.pk]
    actions = list(
        AuditEntry.objects.filter(action__startswith="archive.export").values_list(
            "action", flat=True
        )
    )
    assert actions == ["archive.export_requested", "archive.exported", "archive.export_downloaded"]
    # Running the task again does nothing.
    assert exports.export_run(job_id=job.pk) is None


def test_only_the_person_who_asked_and_may_see_the_record_downloads_it(
    cabinet, record, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = exports.export_request(actor=cabinet.archivist, record=record)
    job.refresh_from_db()
    assert job.state == "ready"
    # The secretariat may see the record, but did not ask: 404, as for an outsider.
    for other in (cabinet.secretary, cabinet.outsider, cabinet.minister):
        assert client_for(other).get(f"/archive/exports/{job.pk}/").status_code == 404
        assert client_for(other).get(f"/archive/exports/{job.pk}/file/").status_code == 404
    # The one who asked, once no longer an archivist: 404 as well.
    Membership.objects.filter(user=cabinet.archivist, role=Role.ARCHIVIST).update(is_active=False)
    gone = client_for(cabinet.archivist)
    assert gone.get(f"/archive/exports/{job.pk}/file/").status_code in (403, 404)
    assert not AuditEntry.objects.filter(action="archive.export_downloaded").exists()
    # Nobody may ask for a package of a record they cannot see.
    assert client_for(cabinet.outsider).post(f"/archive/{record.pk}/package/").status_code in (
        403,
        404,
    )
    assert ExportJob.objects.count() == 1


def test_a_failed_export_says_why_and_offers_to_try_again(
    cabinet, record, django_capture_on_commit_callbacks
):
    # The stored file no longer matches its fingerprint: the package cannot be made.
    path = record.version.file.path
    with open(path, "ab") as handle:
        handle.write(b"\n% changed")
    archivist = client_for(cabinet.archivist)
    with django_capture_on_commit_callbacks(execute=True):
        response = archivist.post(f"/archive/{record.pk}/package/")
    job = ExportJob.objects.get()
    assert job.state == "failed" and job.error
    page = archivist.get(response.url).content.decode()
    assert 'data-state="failed"' in page and 'data-testid="export-error"' in page
    assert job.error in page and 'data-testid="export-again"' in page
    assert "data-refresh-after" not in page
    assert AuditEntry.objects.filter(action="archive.export_failed").exists()
    assert archivist.get(f"/archive/exports/{job.pk}/file/").status_code == 409
