"""The three signatures of the minutes with real keys on SoftHSM2 tokens: a failure in
the middle (wrong PIN, timestamp authority down, an error after the signed PDF is
made) keeps the signed state as it was and the step can be tried again; archived
minutes do not change, and a correction is a new signed edition that supersedes them."""

from __future__ import annotations

import pytest

import archive.services as archive_services
from archive.models import Record
from ecabinet.errors import Conflict, Invalid
from minutes import services
from minutes.models import Minutes, MinutesDraft
from signing.models import Signature
from signing.provisioning import key_provision
from tests import pki_fixtures
from tests.minutes_helpers import issued
from tests.pki_fixtures import SEAL_PIN, USER_PIN, assert_independently_valid, free_port
from tests.pki_fixtures import version_bytes as stored

pytestmark = pytest.mark.django_db

dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signers, signing_settings = pki_fixtures.signers, pki_fixtures.signing_settings


@pytest.fixture
def ready(cabinet, signers, dev_pki):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    minutes = issued(cabinet)
    return services.minutes_sign(
        actor=signers.secretary, minutes=minutes, step="secretary", pin=USER_PIN
    )


def state_of(minutes: Minutes) -> tuple[str, int, int]:
    minutes.refresh_from_db()
    return minutes.state, minutes.current_version.number, minutes.document.versions.count()


def test_a_wrong_pin_or_a_timestamp_authority_down_keeps_the_signed_state(
    ready, signers, signing_settings, nss_db, tmp_path
):
    assert state_of(ready) == ("chair", 2, 2)
    with pytest.raises(Invalid, match="Wrong PIN"):
        services.minutes_sign(actor=signers.chair, minutes=ready, step="chair", pin="000000")
    assert state_of(ready) == ("chair", 2, 2)
    good_tsa = signing_settings.SIGNING_TSA_URL
    signing_settings.SIGNING_TSA_URL = f"http://127.0.0.1:{free_port()}/tsa"
    with pytest.raises(Conflict):
        services.minutes_sign(actor=signers.chair, minutes=ready, step="chair", pin=USER_PIN)
    assert state_of(ready) == ("chair", 2, 2)
    signing_settings.SIGNING_TSA_URL = good_tsa
    signed = services.minutes_sign(actor=signers.chair, minutes=ready, step="chair", pin=USER_PIN)
    assert state_of(signed) == ("seal", 3, 3)
    assert_independently_valid(stored(signed.current_version), nss_db, tmp_path, signatures=2)


def test_an_error_after_the_sealed_pdf_is_made_is_retried_without_sealing_twice(
    ready, signers, monkeypatch
):
    minutes = services.minutes_sign(actor=signers.chair, minutes=ready, step="chair", pin=USER_PIN)
    real_file = archive_services.record_file

    def archive_down(**kwargs):
        raise RuntimeError("archive storage is unreachable")

    monkeypatch.setattr(archive_services, "record_file", archive_down)
    with pytest.raises(RuntimeError):
        services.minutes_sign(actor=signers.secretary, minutes=minutes, step="seal", pin=SEAL_PIN)
    # The sealed version exists, but the minutes still stand where they were.
    assert state_of(minutes) == ("seal", 3, 4)
    assert Record.objects.count() == 0
    monkeypatch.setattr(archive_services, "record_file", real_file)
    done = services.minutes_sign(
        actor=signers.secretary, minutes=minutes, step="seal", pin=SEAL_PIN
    )
    assert state_of(done) == ("archived", 4, 4)
    assert Signature.objects.filter(kind="seal").count() == 1
    assert Record.objects.get().version_id == done.current_version_id


def test_archived_minutes_do_not_change_and_a_correction_supersedes_them(
    ready, cabinet, signers, nss_db, tmp_path
):
    minutes = services.minutes_sign(actor=signers.chair, minutes=ready, step="chair", pin=USER_PIN)
    minutes = services.minutes_sign(
        actor=signers.secretary, minutes=minutes, step="seal", pin=SEAL_PIN
    )
    drafts = MinutesDraft.objects.count()
    with pytest.raises(Conflict, match="archived"):
        services.minutes_draft_save(
            actor=signers.secretary, minutes=minutes, content={"opening": "Sửa"}
        )
    with pytest.raises(Conflict, match="archived"):
        services.minutes_issue(actor=signers.secretary, minutes=minutes)
    with pytest.raises(Conflict, match="archived"):
        services.minutes_sign(actor=signers.chair, minutes=minutes, step="chair", pin=USER_PIN)
    with pytest.raises(Invalid):
        services.minutes_correct(actor=signers.secretary, minutes=minutes, reason=" ")
    assert state_of(minutes) == ("archived", 4, 4) and MinutesDraft.objects.count() == drafts

    fix = services.minutes_correct(
        actor=signers.secretary, minutes=minutes, reason="Sửa tên người phát biểu"
    )
    assert (fix.edition, fix.corrects_id, fix.number_symbol) == (2, minutes.pk, "01/BB-CP")
    with pytest.raises(Conflict, match="already under way"):
        services.minutes_correct(actor=signers.secretary, minutes=minutes, reason="Lần nữa")
    services.minutes_draft_save(
        actor=signers.secretary, minutes=fix, content={"opening": "Bản đính chính."}
    )
    fix = services.minutes_issue(actor=signers.secretary, minutes=fix)
    for actor, step, pin in (
        (signers.secretary, "secretary", USER_PIN),
        (signers.chair, "chair", USER_PIN),
        (signers.secretary, "seal", SEAL_PIN),
    ):
        fix = services.minutes_sign(actor=actor, minutes=fix, step=step, pin=pin)
    new_record = Record.objects.get(pk=fix.archive_record_id)
    assert new_record.supersedes_id == minutes.archive_record_id
    assert fix.document_id != minutes.document_id
    assert_independently_valid(stored(fix.current_version), nss_db, tmp_path, signatures=3)
