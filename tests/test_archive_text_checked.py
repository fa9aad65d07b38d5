"""The words an archived resolution or minutes are found by come from the sealed file
checked against its SHA-256 (documents.text.version_text): a sealed file altered on disk
before it is filed is refused, nothing is filed, and the report of it is kept."""

from __future__ import annotations

import pytest

import archive.services as archive_services
from archive.models import Record
from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict
from minutes import services as minutes_services
from resolutions import services as resolution_services
from signing.models import Signature
from signing.provisioning import key_provision
from tests import pki_fixtures
from tests.minutes_helpers import issued
from tests.pki_fixtures import SEAL_PIN, USER_PIN
from tests.test_resolutions_signing import numbered

pytestmark = pytest.mark.django_db

dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signers, signing_settings = pki_fixtures.signers, pki_fixtures.signing_settings


def _archive_down(**kwargs):
    raise RuntimeError("archive storage is unreachable")


def _alter(version) -> None:
    with open(version.file.path, "r+b") as stored:
        stored.seek(200)
        stored.write(b"X")


def test_a_sealed_resolution_altered_before_filing_is_refused_and_reported(
    cabinet, signers, monkeypatch
):
    resolution = numbered(cabinet)
    signed = resolution_services.resolution_sign(
        actor=signers.chair, resolution=resolution, pin=USER_PIN
    )
    # The seal is made, then filing fails: the sealed version waits for the retry.
    with monkeypatch.context() as patch:
        patch.setattr(archive_services, "record_file", _archive_down)
        with pytest.raises(RuntimeError):
            resolution_services.resolution_seal(
                actor=signers.secretary, resolution=signed, pin=SEAL_PIN
            )
    sealed = Signature.objects.get(kind="seal").signed_version
    _alter(sealed)

    with pytest.raises(Conflict, match="fingerprint"):
        resolution_services.resolution_seal(
            actor=signers.secretary, resolution=signed, pin=SEAL_PIN
        )
    signed.refresh_from_db()
    assert (signed.state, signed.archive_record_id) == ("signed", None)
    assert Record.objects.count() == 0
    [report] = AuditEntry.objects.filter(action="document.integrity_failed")
    assert (report.actor_id, report.target_id) == (signers.secretary.pk, str(sealed.pk))


def test_sealed_minutes_altered_before_filing_are_refused_and_reported(
    cabinet, signers, dev_pki, monkeypatch
):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    minutes = issued(cabinet)
    for signer, step in ((signers.secretary, "secretary"), (signers.chair, "chair")):
        minutes = minutes_services.minutes_sign(
            actor=signer, minutes=minutes, step=step, pin=USER_PIN
        )
    with monkeypatch.context() as patch:
        patch.setattr(archive_services, "record_file", _archive_down)
        with pytest.raises(RuntimeError):
            minutes_services.minutes_sign(
                actor=signers.secretary, minutes=minutes, step="seal", pin=SEAL_PIN
            )
    sealed = Signature.objects.get(kind="seal").signed_version
    _alter(sealed)

    with pytest.raises(Conflict, match="fingerprint"):
        minutes_services.minutes_sign(
            actor=signers.secretary, minutes=minutes, step="seal", pin=SEAL_PIN
        )
    minutes.refresh_from_db()
    assert (minutes.state, minutes.archive_record_id) == ("seal", None)
    assert Record.objects.count() == 0
    [report] = AuditEntry.objects.filter(action="document.integrity_failed")
    assert (report.actor_id, report.target_id) == (signers.secretary.pk, str(sealed.pk))
