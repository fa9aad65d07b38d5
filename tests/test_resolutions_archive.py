"""An issued resolution is filed in the archive as it is sealed: the archivist finds it
by its number or its words, opens the signed original, verifies it and reaches the
resolution's page; a member has no archive to find it in."""

from __future__ import annotations

import pytest
from django.test import Client

from archive.models import Record
from archive.selectors import record_search
from ecabinet.audit.models import AuditEntry
from resolutions import services
from tests import pki_fixtures
from tests.pki_fixtures import SEAL_PIN, USER_PIN, version_bytes
from tests.test_resolutions_signing import numbered

pytestmark = pytest.mark.django_db

dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signers, signing_settings = pki_fixtures.signers, pki_fixtures.signing_settings


def _issued(cabinet, signers):
    resolution = numbered(cabinet)
    signed = services.resolution_sign(actor=signers.chair, resolution=resolution, pin=USER_PIN)
    assert Record.objects.count() == 0  # signed is not issued: nothing filed yet
    return services.resolution_seal(actor=signers.secretary, resolution=signed, pin=SEAL_PIN)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_sealing_files_the_issued_resolution_and_the_archivist_finds_and_verifies_it(
    cabinet, signers
):
    issued = _issued(cabinet, signers)
    record = Record.objects.get()
    assert issued.archive_record_id == record.pk
    assert (record.kind, record.number, record.body_id) == (
        "resolution",
        "01/NQ-CP",
        cabinet.body.pk,
    )
    assert record.version_id == issued.current_version_id
    assert record.sha256 == issued.current_version.sha256
    assert record.signers == ["Trần Đức Khiêm", cabinet.body.name]
    assert record.meta == {"resolution_id": issued.pk, "meeting_id": issued.meeting_id}
    assert record.source_url == f"/resolutions/{issued.pk}/"
    [entry] = AuditEntry.objects.filter(action="resolution.archived")
    assert entry.details == {"record_id": record.pk, "sha256": record.sha256}

    # By number, by words without accents, and by kind.
    for words in ("01/NQ-CP", "nghi quyet phien hop chinh phu"):
        found = record_search(actor=cabinet.archivist, q=words)
        assert [r.pk for r in found.records] == [record.pk], words
    assert record_search(actor=cabinet.archivist, kind="minutes").total == 0

    archivist = _client(cabinet.archivist)
    page = archivist.get(f"/archive/{record.pk}/")
    assert page.status_code == 200 and "01/NQ-CP" in page.content.decode()
    original = archivist.get(f"/archive/{record.pk}/original/")
    assert original.status_code == 200
    assert b"".join(original.streaming_content if original.streaming else [original.content]) == (
        version_bytes(issued.current_version)
    )
    verified = archivist.get(f"/archive/{record.pk}/verify/")
    assert verified.status_code == 200 and 'data-ok="yes"' in verified.content.decode()
    source = archivist.get(record.source_url)
    assert source.status_code == 200
    assert f'href="/archive/{record.pk}/"' in source.content.decode()

    # The chair reads the resolution but has no archive, so no link to it; nor has a member.
    chair_page = _client(cabinet.chair).get(record.source_url)
    assert chair_page.status_code == 200
    assert "archive-record-link" not in chair_page.content.decode()
    assert _client(cabinet.minister).get(f"/archive/{record.pk}/").status_code == 404
