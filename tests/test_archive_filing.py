"""Filing records: idempotent per version, unchanged by a second filing, audited,
refused with nothing stored for bad input; corrections point to what they correct."""

from __future__ import annotations

import datetime as dt

import pytest

from archive.models import Record
from archive.services import record_file, record_supersede
from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid
from tests.archive_helpers import file_record, make_version

pytestmark = pytest.mark.django_db


def test_filing_stores_the_record_with_the_versions_fingerprint_and_audits_it(cabinet):
    version = make_version(cabinet.body, cabinet.secretary)
    record = file_record(
        cabinet.body,
        cabinet.secretary,
        version=version,
        number="12/BB-CP",
        signers=["Trần Đức Khiêm, Thủ tướng"],
        meta={"meeting_id": 7},
    )
    assert (record.sha256, record.version_id, record.kind) == (
        version.sha256,
        version.pk,
        "minutes",
    )
    assert record.signers == ["Trần Đức Khiêm, Thủ tướng"] and record.meta == {"meeting_id": 7}
    entry = AuditEntry.objects.get(action="archive.filed")
    assert entry.target_id == str(record.pk) and entry.body_id == cabinet.body.pk
    assert entry.details["sha256"] == version.sha256 and entry.details["meeting_id"] == 7


def test_filing_the_same_version_twice_returns_the_first_record_unchanged(cabinet):
    version = make_version(cabinet.body, cabinet.secretary)
    first = file_record(cabinet.body, cabinet.secretary, version=version, title="Bản đầu")
    again = file_record(
        cabinet.body,
        cabinet.secretary,
        version=version,
        title="Bản khác",
        text="khác",
        issued_on=dt.date(2020, 1, 1),
    )
    assert again.pk == first.pk
    stored = Record.objects.get()
    assert (stored.title, stored.text, stored.issued_on) == (
        "Bản đầu",
        "Chính phủ họp thường kỳ.",
        dt.date(2026, 10, 5),
    )
    assert AuditEntry.objects.filter(action="archive.filed").count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"kind": "decree"}, "kind"),
        ({"title": "   "}, "title"),
        ({"signers": "Trần Đức Khiêm"}, "signers"),
        ({"other_body": True}, "version"),
    ],
)
def test_bad_filings_are_refused_and_store_nothing(cabinet, change, field):
    body = cabinet.body
    version = make_version(body, cabinet.secretary)
    if change.pop("other_body", False):
        version = make_version(cabinet.other_body, cabinet.outsider)
    kwargs = {
        "actor": cabinet.secretary,
        "body": body,
        "kind": "minutes",
        "title": "Biên bản",
        "text": "",
        "issued_on": dt.date(2026, 1, 2),
        "version": version,
        **change,
    }
    before = AuditEntry.objects.count()
    with pytest.raises(Invalid) as caught:
        record_file(**kwargs)
    assert field in caught.value.fields
    assert Record.objects.count() == 0
    assert AuditEntry.objects.count() == before


def test_a_nul_byte_in_the_text_is_stored_as_a_space(cabinet):
    record = file_record(cabinet.body, cabinet.secretary, title="Biên\x00bản", text="họp\x00kín")
    record.refresh_from_db()
    assert (record.title, record.text) == ("Biên bản", "họp kín")


def test_a_correction_points_to_the_record_it_corrects(cabinet):
    old = file_record(cabinet.body, cabinet.secretary, title="Biên bản")
    new = file_record(cabinet.body, cabinet.secretary, title="Biên bản (đính chính)")
    corrected = record_supersede(actor=cabinet.secretary, record=old, by=new)
    assert corrected.supersedes_id == old.pk and old.superseded_by == corrected
    entry = AuditEntry.objects.get(action="archive.superseded")
    assert entry.details == {"supersedes": old.pk, "sha256": new.sha256}
    third = file_record(cabinet.body, cabinet.secretary, title="Lần hai")
    with pytest.raises(Conflict):
        record_supersede(actor=cabinet.secretary, record=old, by=third)
    with pytest.raises(Conflict):
        record_supersede(actor=cabinet.secretary, record=third, by=new)
    with pytest.raises(Conflict):
        record_supersede(actor=cabinet.secretary, record=new, by=old)
    assert Record.objects.get(pk=third.pk).supersedes_id is None


def test_a_record_cannot_correct_itself_or_one_of_another_body(cabinet):
    mine = file_record(cabinet.body, cabinet.secretary)
    theirs = file_record(cabinet.other_body, cabinet.outsider)
    for old, new in ((mine, mine), (theirs, mine)):
        with pytest.raises(Invalid):
            record_supersede(actor=cabinet.secretary, record=old, by=new)
    assert not Record.objects.filter(supersedes__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="archive.superseded").exists()
