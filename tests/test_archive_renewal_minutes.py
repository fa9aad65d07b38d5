"""Real archived minutes (a meeting run through the services, minutes signed by the
secretary and the chair and sealed on SoftHSM2 tokens with the development TSA, filed by
the minutes app) renewed by `manage.py archive_renew --due` once their TSA certificate's
end is within ARCHIVE_RENEW_MARGIN_DAYS: the latest revision verifies with `verify_pdf`,
pdfsig and qpdf, keeps the embedded record, and the archive serves it."""

from __future__ import annotations

import io
import signal

import pytest
from django.core.management import call_command
from django.utils import timezone

from archive.models import Record, RecordRevision
from archive.renewal import protection_of
from minutes import pdf, services
from minutes.models import Minutes
from signing.provisioning import key_provision
from tests import pki_fixtures
from tests.factories import PASSWORD
from tests.minutes_helpers import issued
from tests.pki_fixtures import SEAL_PIN, USER_PIN, assert_independently_valid, version_bytes

pytestmark = pytest.mark.django_db

dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signers, signing_settings = pki_fixtures.signers, pki_fixtures.signing_settings

LIMIT_SECONDS = 240  # a meeting, three signatures and a renewal: about 40 s


@pytest.fixture(autouse=True)
def bounded():
    def too_long(signum, frame):
        raise TimeoutError(f"took more than {LIMIT_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(LIMIT_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def test_archived_minutes_are_renewed_when_due_and_still_verify(
    cabinet, signers, dev_pki, nss_db, tmp_path, settings, client
):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    minutes = issued(cabinet)
    for actor, step, pin in (
        (signers.secretary, "secretary", USER_PIN),
        (signers.chair, "chair", USER_PIN),
        (signers.secretary, "seal", SEAL_PIN),
    ):
        minutes = services.minutes_sign(actor=actor, minutes=minutes, step=step, pin=pin)
    assert minutes.state == Minutes.State.ARCHIVED
    record = Record.objects.get(pk=minutes.archive_record_id)
    original = version_bytes(record.version)
    assert record.protected_until == protection_of(original).until

    # Not due with the default margin: nothing is added.
    settings.ARCHIVE_RENEW_MARGIN_DAYS = 365
    out = io.StringIO()
    call_command("archive_renew", "--due", stdout=out)
    assert "renewed 0 record(s), 1 not due, 0 failed" in out.getvalue()

    # Due once the TSA certificate's end is within the margin.
    settings.ARCHIVE_RENEW_MARGIN_DAYS = (record.protected_until - timezone.now()).days + 2
    out = io.StringIO()
    call_command("archive_renew", "--due", stdout=out)
    assert f"renewed record {record.pk}" in out.getvalue()
    revision = RecordRevision.objects.get(record=record)
    with revision.file.storage.open(revision.file.name, "rb") as handle:
        renewed = handle.read()
    assert renewed.startswith(original)
    assert protection_of(renewed).timestamps == protection_of(original).timestamps + 1
    assert version_bytes(record.version) == original  # the filed version is untouched

    path = tmp_path / "renewed.pdf"
    path.write_bytes(renewed)
    report = io.StringIO()
    call_command("verify_pdf", str(path), trust=[str(dev_pki.pki.root_pem)], stdout=report)
    assert report.getvalue().strip().endswith("VALID")  # exit 0: sys.exit(1) otherwise
    assert_independently_valid(renewed, nss_db, tmp_path, signatures=3)
    assert pdf.embedded_record(renewed) == pdf.embedded_record(original)
    assert pdf.metadata_mismatches(renewed) == []

    client.login(username=cabinet.archivist.username, password=PASSWORD)
    served = client.get(f"/archive/{record.pk}/original/")
    assert b"".join(served.streaming_content) == renewed
    first = client.get(f"/archive/{record.pk}/revisions/0/")
    assert b"".join(first.streaming_content) == original
