"""Archive timestamps kept alive: a record signed on a SoftHSM2 token (PAdES B-LTA with the
development TSA), filed, then renewed by `manage.py archive_renew` and the task with the
real TSA: one new document timestamp in a new revision, the original unchanged and still
served, pdfsig/qpdf and our verify code accept the result, audited; what is due follows
ARCHIVE_RENEW_MARGIN_DAYS; only the body's archivists renew by hand."""

# ruff: noqa: F811
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import signal
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone, translation

from archive.models import Record, RecordRevision
from archive.renewal import protection_of
from archive.tasks import archive_renew_task
from ecabinet import dates
from ecabinet.audit.models import AuditEntry
from people.models import Role
from signing.services import version_sign
from signing.verify import pdf_verify
from tests.archive_helpers import file_record
from tests.factories import PASSWORD, UserFactory, grant
from tests.pki_fixtures import (
    SEAL_PIN,
    USER_PIN,
    assert_independently_valid,
    dev_pki,
    make_document,
    nss_db,
    pdfsig,
    signers,
    signing_settings,
    version_bytes,
)

pytestmark = pytest.mark.django_db
_fixtures = (dev_pki, nss_db, signers, signing_settings)

LIMIT_SECONDS = 240  # each test signs twice and asks the TSA a few times; ~20-60 s


@pytest.fixture(autouse=True)
def bounded():
    def too_long(signum, frame):
        raise TimeoutError(f"took more than {LIMIT_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(LIMIT_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def signed_record(signers, title="Biên bản phiên họp Chính phủ thường kỳ tháng 10"):
    document = make_document(signers.body, signers.secretary)
    personal = version_sign(
        actor=signers.chair,
        version=document.latest_version(),
        pin=USER_PIN,
        kind="personal",
        body=signers.body,
    )
    sealed = version_sign(
        actor=signers.secretary, version=personal, pin=SEAL_PIN, kind="seal", body=signers.body
    )
    return file_record(signers.body, signers.secretary, version=sealed, title=title)


@pytest.fixture
def record(signers):
    return signed_record(signers)


def run(*args) -> str:
    out = io.StringIO()
    call_command("archive_renew", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def exit_code(*args) -> int:
    """What the shell sees from `manage.py archive_renew ...`: Django exits with a
    CommandError's `returncode` (run_from_argv itself would close the test's connection)."""
    try:
        call_command("archive_renew", *args, stdout=io.StringIO(), stderr=io.StringIO())
    except CommandError as exc:
        return exc.returncode
    return 0


def login(client, user):
    client.login(username=user.username, password=PASSWORD)
    return client


def valid_signatures(data: bytes, nss, tmp_path) -> int:
    return pdfsig(data, nss, tmp_path).stdout.count("Signature is Valid.")


def test_renewal_adds_one_document_timestamp_and_keeps_the_original(
    record, client, cabinet, nss_db, tmp_path
):
    original = version_bytes(record.version)
    before = protection_of(original)
    # Filing recorded when the last document timestamp's TSA certificate ends.
    assert before.until is not None and before.timestamps >= 1
    assert record.protected_until == before.until
    sigs_before = valid_signatures(original, nss_db, tmp_path)

    out = run("--all")
    assert f"renewed record {record.pk}" in out
    assert "renewed 1 record(s)" in out

    revision = RecordRevision.objects.get(record=record)
    assert revision.number == 1
    with revision.file.storage.open(revision.file.name, "rb") as handle:
        renewed = handle.read()
    assert hashlib.sha256(renewed).hexdigest() == revision.sha256
    assert revision.previous_sha256 == record.sha256
    # An incremental update: every byte filed is still there, unchanged, at the start.
    assert renewed.startswith(original) and len(renewed) > len(original)
    after = protection_of(renewed)
    assert after.timestamps == before.timestamps + 1
    assert after.algorithm == "sha256"
    assert revision.timestamped_at == after.timestamped_at
    assert abs(revision.timestamped_at - timezone.now()) < dt.timedelta(minutes=5)
    assert revision.protected_until == after.until
    # The filed version is untouched.
    assert version_bytes(record.version) == original
    assert hashlib.sha256(original).hexdigest() == record.sha256

    # Tools we did not write accept it: poppler finds every earlier signature still valid
    # and trusted and lists one more document timestamp (it does not check timestamps
    # itself); qpdf finds the file sound.
    assert_independently_valid(renewed, nss_db, tmp_path, signatures=sigs_before)
    listed = pdfsig(renewed, nss_db, tmp_path).stdout
    assert (
        listed.count("Signature #")
        == pdfsig(original, nss_db, tmp_path).stdout.count("Signature #") + 1
    )
    assert listed.count("Common Name: e-Cabinet Development Timestamp Authority") == (
        after.timestamps
    )
    # Our verify code: every earlier signature still intact and valid.
    report = pdf_verify(renewed)
    assert report.ok, report.problems
    assert len(report.signatures) == len(pdf_verify(original).signatures) + 1
    assert all(s.intact and s.valid for s in report.signatures)

    entry = AuditEntry.objects.get(action="archive.renewed", target_id=str(record.pk))
    assert entry.details["revision"] == 1
    assert entry.details["sha256"] == revision.sha256
    assert entry.details["previous_sha256"] == record.sha256
    assert entry.details["source"] == "command"
    assert entry.actor is None

    # The archive serves the latest and keeps the original downloadable.
    login(client, cabinet.archivist)
    latest = client.get(f"/archive/{record.pk}/original/")
    assert latest.status_code == 200
    assert b"".join(latest.streaming_content) == renewed
    assert latest["X-Content-SHA256"] == revision.sha256
    assert latest["X-Record-Revision"] == "1"
    first = client.get(f"/archive/{record.pk}/revisions/0/")
    assert first.status_code == 200 and b"".join(first.streaming_content) == original
    assert first["X-Content-SHA256"] == record.sha256
    page = client.get(f"/archive/{record.pk}/").content.decode()
    assert page.count('data-testid="revision-row"') == 2
    assert revision.sha256 in page and record.sha256 in page
    assert client.get(f"/archive/{record.pk}/revisions/2/").status_code == 404

    # The API: the detail names the latest, the revisions are listed and downloadable.
    detail = client.get(f"/api/archive/records/{record.pk}").json()
    assert detail["revision"] == 1 and detail["latest_sha256"] == revision.sha256
    assert detail["sha256"] == record.sha256
    listed = client.get(f"/api/archive/records/{record.pk}/revisions").json()
    assert [(r["number"], r["sha256"]) for r in listed] == [(1, revision.sha256)]
    api_latest = client.get(f"/api/archive/records/{record.pk}/original")
    assert b"".join(api_latest.streaming_content) == renewed
    api_first = client.get(f"/api/archive/records/{record.pk}/revisions/0")
    assert b"".join(api_first.streaming_content) == original

    # The records package: the latest as the record, the original kept beside it.
    package = client.get(f"/archive/{record.pk}/package.zip")
    with zipfile.ZipFile(io.BytesIO(package.content)) as z:
        manifest = json.loads(z.read("manifest.json"))
        entry = manifest["records"][0]
        assert z.read(entry["file"]["path"]) == renewed
        assert entry["revision"] == 1
        [earlier] = entry["earlier_revisions"]
        assert earlier["revision"] == 0 and earlier["sha256"] == record.sha256
        assert z.read(earlier["path"]) == original
        verification = json.loads(z.read(f"verification/{record.pk}.json"))
        assert verification["ok"] is True

    # The verification page checks what is served: the latest.
    verify = client.get(f"/archive/{record.pk}/verify/")
    assert verify.status_code == 200
    assert AuditEntry.objects.filter(action="archive.verified").last().details["revision"] == 1


def test_due_follows_the_margin_setting(record, cabinet, settings):
    unsigned = file_record(cabinet.body, cabinet.secretary, title="Công văn chưa ký")
    assert unsigned.protected_until is None  # no document timestamp covers it
    days_left = (record.protected_until - timezone.now()).days
    assert days_left > 365  # the development TSA's certificate lasts years

    # Default margin: the signed record is not due; the unprotected one is.
    settings.ARCHIVE_RENEW_MARGIN_DAYS = 365
    out = run("--due")
    assert f"renewed record {unsigned.pk}" in out
    assert f"renewed record {record.pk}" not in out
    assert "renewed 1 record(s), 1 not due, 0 failed" in out
    assert not RecordRevision.objects.filter(record=record).exists()
    unsigned.refresh_from_db()
    assert unsigned.protected_until is not None
    stored = RecordRevision.objects.get(record=unsigned).file
    with stored.storage.open(stored.name, "rb") as handle:
        assert protection_of(handle.read()).timestamps == 1

    # Once the TSA certificate's end is within the margin, the sweep renews the record.
    settings.ARCHIVE_RENEW_MARGIN_DAYS = days_left + 2
    out = run("--due")
    assert f"renewed record {record.pk}" in out
    assert RecordRevision.objects.filter(record=record).count() == 1
    # A record renewed a moment ago is not asked again at once (the same TSA certificate
    # would not move its end); --all still renews.
    assert "renewed 0 record(s)" in run("--due")
    assert RecordRevision.objects.filter(record=record).count() == 1
    assert AuditEntry.objects.filter(action="archive.renewed").count() == 2


def test_a_failing_record_is_reported_and_the_others_are_renewed(record, cabinet, settings):
    broken = file_record(cabinet.body, cabinet.secretary, title="Tờ trình bị hỏng")
    stored = broken.version.file
    with stored.storage.open(stored.name, "wb") as handle:
        handle.write(b"%PDF-1.7 not what was filed")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 record"):
        call_command("archive_renew", "--all", stdout=io.StringIO(), stderr=err)
    assert f"FAILED record {broken.pk}" in err.getvalue()
    assert RecordRevision.objects.filter(record=record).count() == 1
    assert not RecordRevision.objects.filter(record=broken).exists()
    failed = AuditEntry.objects.get(action="archive.renewal_failed")
    assert failed.target_id == str(broken.pk)
    assert "fingerprint" in failed.details["error"]

    # The exit status the shell sees: 1 while a record fails, 0 once it is only the
    # sound ones (and nothing due).
    assert exit_code("--all") == 1
    assert exit_code("--due", "--record", str(record.pk)) == 0
    assert exit_code() != 0  # --due or --all is required


def test_the_periodic_task_renews_what_is_due(record, settings):
    settings.ARCHIVE_RENEW_MARGIN_DAYS = 365
    result = archive_renew_task.enqueue()
    assert result.return_value["renewed"] == []
    settings.ARCHIVE_RENEW_MARGIN_DAYS = (record.protected_until - timezone.now()).days + 2
    result = archive_renew_task.enqueue()
    assert result.return_value["renewed"] == [record.pk]
    assert result.return_value["failed"] == {}
    entry = AuditEntry.objects.get(action="archive.renewed")
    assert entry.details["source"] == "task"


def test_the_archive_page_shows_the_oldest_protection_date(record, client, cabinet):
    login(client, cabinet.archivist)
    page = client.get("/archive/").content.decode()
    shown = re.search(r'data-testid="archive-oldest-protection">([^<]+)<', page)
    with translation.override("en"):
        oldest = dates.day(record.protected_until)
    assert shown and shown.group(1) == oldest  # the project's date style, not ISO
    assert 'data-testid="archive-due">0<' in page

    # An archivist of another body sees nothing of this body's records.
    other = grant(UserFactory(username="archivist2"), cabinet.other_body, Role.ARCHIVIST)
    file_record(cabinet.other_body, other, title="Biên bản UBND")
    login(client, other)
    page = client.get("/archive/").content.decode()
    assert oldest not in page
    assert 'data-testid="archive-unprotected">1<' in page
    # A member with no archive role may not open the archive.
    login(client, cabinet.minister)
    assert client.get("/archive/").status_code == 403


def test_only_the_bodys_archivists_renew_by_hand(record, client, cabinet):
    other = grant(UserFactory(username="archivist2"), cabinet.other_body, Role.ARCHIVIST)
    url = f"/archive/{record.pk}/renew/"
    for person, status in (
        (cabinet.minister, 404),
        (other, 404),
        (cabinet.secretary, 403),  # sees the record, does not renew it
    ):
        login(client, person)
        assert client.post(url).status_code == status, person
        api = client.post(f"/api/archive/records/{record.pk}/renew")
        assert api.status_code == status, person
        if person == cabinet.secretary:
            assert (
                'data-testid="record-renew"'
                not in client.get(f"/archive/{record.pk}/").content.decode()
            )
    assert not RecordRevision.objects.exists()

    login(client, cabinet.archivist)
    assert 'data-testid="record-renew"' in client.get(f"/archive/{record.pk}/").content.decode()
    response = client.post(url)
    assert response.status_code == 302
    revision = RecordRevision.objects.get(record=record)
    assert revision.created_by == cabinet.archivist
    entry = AuditEntry.objects.get(action="archive.renewed")
    assert entry.actor == cabinet.archivist and entry.details["source"] == "archivist"
    api = client.post(f"/api/archive/records/{record.pk}/renew")
    assert api.status_code == 201 and api.json()["number"] == 2
    assert Record.objects.get(pk=record.pk).revisions.count() == 2
