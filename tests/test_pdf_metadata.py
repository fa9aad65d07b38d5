"""The dates and associated files of the PDFs we make, read back with pikepdf from real
files made by the real services (WeasyPrint, SoftHSM2 keys, the dev TSA): every date is
the true instant (UTC or with its offset), /Info and XMP agree before and after each
signature, xmp:MetadataDate moves with every rewrite, the minutes' record is dated
right and listed once in /AF, and the minutes stay PDF/A-3B."""

from __future__ import annotations

import datetime as dt
import io
import re
import signal
from dataclasses import dataclass

import pikepdf
import pytest
from django.utils import timezone
from pyhanko.pdf_utils.generic import parse_pdf_date
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.signers.pdf_signer import PdfTimeStamper
from pyhanko.sign.timestamps import HTTPTimeStamper

from ballots import services as ballot_services
from ballots.services_sign import answer_sign, report_issue, report_sign
from documents.pdf import pdf_metadata_follow_revisions
from minutes import pdf as minutes_pdf
from minutes import services as minutes_services
from signing.provisioning import key_provision
from tests import pki_fixtures
from tests.minutes_helpers import issued
from tests.pki_fixtures import SEAL_PIN, USER_PIN, version_bytes
from tests.test_ballots_helpers import answer, open_ballot

pytestmark = pytest.mark.django_db

dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signers, signing_settings = pki_fixtures.signers, pki_fixtures.signing_settings


LIMIT_SECONDS = 180  # each test signs three to five times; a few seconds each


@pytest.fixture(autouse=True)
def bounded():
    def too_long(signum, frame):
        raise TimeoutError(f"took more than {LIMIT_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, too_long)
    signal.alarm(LIMIT_SECONDS)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True)
class Dates:
    info_created: dt.datetime
    info_modified: dt.datetime
    xmp_created: dt.datetime
    xmp_modified: dt.datetime
    xmp_metadata: dt.datetime
    attachments: list[tuple[dt.datetime, dt.datetime]]
    associated: list[tuple[int, int]]
    pdfa: str


def _xmp(value) -> dt.datetime:
    moment = dt.datetime.fromisoformat(str(value))
    assert moment.tzinfo is not None, f"XMP date {value!r} has no offset"
    return moment


def _pdf(value) -> dt.datetime:
    moment = parse_pdf_date(str(value))
    assert moment.tzinfo is not None, f"PDF date {value!r} has no offset"
    return moment


def dates_of(data: bytes) -> Dates:
    with pikepdf.open(io.BytesIO(data)) as doc:
        info, meta = doc.docinfo, doc.open_metadata()
        attachments = []
        for spec in doc.attachments.values():
            params = spec.obj.EF.F.stream_dict.Params
            attachments.append((_pdf(params.CreationDate), _pdf(params.ModDate)))
        associated = [spec.objgen for spec in doc.Root.get("/AF", [])]
        return Dates(
            info_created=_pdf(info["/CreationDate"]),
            info_modified=_pdf(info["/ModDate"]),
            xmp_created=_xmp(meta["xmp:CreateDate"]),
            xmp_modified=_xmp(meta["xmp:ModifyDate"]),
            xmp_metadata=_xmp(meta["xmp:MetadataDate"]),
            attachments=attachments,
            associated=associated,
            pdfa=meta.pdfa_status,
        )


def second(moment: dt.datetime) -> dt.datetime:
    return moment.replace(microsecond=0)


def assert_made_at(dates: Dates, low: dt.datetime, high: dt.datetime) -> dt.datetime:
    """Created and last changed at one instant between `low` and `high` (to the second),
    on both sides; returns it."""
    made = dates.info_created
    assert {
        dates.info_created,
        dates.info_modified,
        dates.xmp_created,
        dates.xmp_modified,
        dates.xmp_metadata,
    } == {made}
    assert second(low) <= made <= high
    return made


def assert_changed_at(dates: Dates, made: dt.datetime, low: dt.datetime, high: dt.datetime):
    """Still created at `made`; modified, on both sides and in xmp:MetadataDate, at one
    instant between `low` and `high`."""
    assert (dates.info_created, dates.xmp_created) == (made, made)
    assert dates.info_modified == dates.xmp_modified == dates.xmp_metadata
    assert second(low) <= dates.info_modified <= high


def test_the_minutes_and_their_record_are_dated_the_true_instant_in_utc(cabinet):
    before = timezone.now()
    minutes = issued(cabinet)
    data = version_bytes(minutes.current_version)
    dates = dates_of(data)
    # Rendered just before the record was stored as issued.
    made = assert_made_at(dates, before, minutes.issued_at)
    assert dates.attachments == [(made, made)]
    assert dates.pdfa == "3B"
    assert minutes_pdf.metadata_mismatches(data) == []


def test_the_minutes_list_their_record_once_as_an_associated_file(cabinet):
    dates = dates_of(version_bytes(issued(cabinet).current_version))
    assert len(dates.attachments) == 1
    assert len(dates.associated) == len(set(dates.associated)) == 1


def test_each_signature_of_the_minutes_moves_their_dates_on_both_sides(cabinet, signers, dev_pki):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    minutes = issued(cabinet)
    made = dates_of(version_bytes(minutes.current_version)).info_created
    steps = [("secretary", signers.secretary, USER_PIN), ("chair", signers.chair, USER_PIN)]
    steps.append(("seal", signers.secretary, SEAL_PIN))
    for step, actor, pin in steps:
        start = timezone.now()
        minutes = minutes_services.minutes_sign(actor=actor, minutes=minutes, step=step, pin=pin)
        data = version_bytes(minutes.current_version)
        dates = dates_of(data)
        assert_changed_at(dates, made, start, timezone.now())
        assert len(dates.associated) == len(set(dates.associated)), step
        assert dates.pdfa == "3B", step
        assert minutes_pdf.metadata_mismatches(data) == [], step
    assert minutes.state == "archived"
    # Each revision on its own (issued, then each signature, its validation data and its
    # document timestamp): both sides agree and the dates only move forward.
    previous = made
    stages = revisions(data)
    assert len(stages) >= 1 + 2 * len(steps)
    for number, stage in enumerate(stages):
        dates = dates_of(stage)
        assert_changed_at(dates, made, previous, timezone.now())
        assert minutes_pdf.metadata_mismatches(stage) == [], number
        previous = dates.info_modified


def revisions(data: bytes) -> list[bytes]:
    """The file as it stood at the end of each revision (up to each %%EOF)."""
    return [data[: found.end()] for found in re.finditer(rb"%%EOF\r?\n?", data)]


def test_a_document_timestamp_alone_moves_the_dates_too(cabinet, signing_settings):
    # What an archive's renewal writes: a document timestamp, no signature.
    pdf_metadata_follow_revisions()
    data = version_bytes(issued(cabinet).current_version)
    made = dates_of(data).info_created
    start = timezone.now()
    writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
    tsa = HTTPTimeStamper(signing_settings.SIGNING_TSA_URL, timeout=20)
    stamped = PdfTimeStamper(tsa).timestamp_pdf(writer, "sha256").getvalue()
    dates = dates_of(stamped)
    assert_changed_at(dates, made, start, timezone.now())
    assert dates.pdfa == "3B"
    assert minutes_pdf.metadata_mismatches(stamped) == []


def test_ballot_answers_and_reports_carry_their_creation_date(cabinet, signers, dev_pki):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    ballot = open_ballot(cabinet)
    submitted = answer(signers.minister, ballot, "agree", "disagree")
    dates = dates_of(version_bytes(submitted.version))
    # The answer form is dated the moment the answer was submitted (as stored).
    made = assert_made_at(dates, submitted.submitted_at, submitted.submitted_at)
    assert made == second(submitted.submitted_at)

    start = timezone.now()
    signed = answer_sign(actor=signers.minister, answer=submitted, pin=USER_PIN)
    data = version_bytes(signed.signed_version)
    assert_changed_at(dates_of(data), made, start, timezone.now())
    assert minutes_pdf.metadata_mismatches(data) == []

    assert ballot_services.ballot_close_due(ballot_id=ballot.pk, now=ballot.deadline)
    before = timezone.now()
    version = report_issue(actor=signers.secretary, ballot=ballot)
    made = assert_made_at(dates_of(version_bytes(version)), before, version.uploaded_at)
    for kind, pin in (("personal", USER_PIN), ("seal", SEAL_PIN)):
        start = timezone.now()
        version = report_sign(actor=signers.secretary, ballot=ballot, pin=pin, kind=kind)
        data = version_bytes(version)
        assert_changed_at(dates_of(data), made, start, timezone.now())
        assert minutes_pdf.metadata_mismatches(data) == [], kind
