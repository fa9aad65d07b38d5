"""A sealed ballot report, and every signed answer of its ballot, land in the archive,
found by words typed without accents."""

# ruff: noqa: F811
from __future__ import annotations

import pytest

from archive.models import Record
from archive.selectors import record_search
from ballots.services_sign import answer_sign, report_issue, report_sign
from signing.provisioning import key_provision
from tests.pki_fixtures import (
    SEAL_PIN,
    USER_PIN,
    dev_pki,
    nss_db,
    signers,
    signing_settings,
    version_bytes,
)
from tests.test_ballots_helpers import answer, close_after_deadline, open_ballot

pytestmark = pytest.mark.django_db
_fixtures = (dev_pki, nss_db, signers, signing_settings)


def test_the_sealed_report_and_the_signed_answers_are_filed(cabinet, signers, dev_pki):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    ballot = open_ballot(cabinet)
    signed_answer = answer_sign(
        actor=signers.minister,
        answer=answer(signers.minister, ballot, "agree", "other"),
        pin=USER_PIN,
    )
    answer(signers.chair, ballot, "agree", "agree")  # submitted, never signed: not filed
    close_after_deadline(ballot)  # so the report may be issued without it
    report_issue(actor=signers.secretary, ballot=ballot)
    report_sign(actor=signers.secretary, ballot=ballot, pin=USER_PIN)
    assert Record.objects.count() == 0  # signed, not yet sealed
    sealed = report_sign(actor=signers.secretary, ballot=ballot, pin=SEAL_PIN, kind="seal")

    report = Record.objects.get(kind="ballot_report")
    assert (report.version_id, report.sha256, report.body_id) == (
        sealed.pk,
        sealed.sha256,
        cabinet.body.pk,
    )
    assert report.meta["ballot_id"] == ballot.pk
    assert report.signers == [signers.secretary.display_name, cabinet.body.name]
    filed_answer = Record.objects.get(kind="ballot_answer")
    assert filed_answer.version_id == signed_answer.signed_version_id
    assert filed_answer.meta["answer_id"] == signed_answer.pk
    assert filed_answer.signers == [signers.minister.display_name]
    assert Record.objects.count() == 2

    found = record_search(actor=cabinet.archivist, q="bao cao tong hop du lieu")
    assert [r.pk for r in found.records] == [report.pk]
    opinion = record_search(actor=cabinet.archivist, q='"danh gia tac dong"', kind="ballot_answer")
    assert [r.pk for r in opinion.records] == [filed_answer.pk]
    assert version_bytes(report.version) == version_bytes(sealed)
