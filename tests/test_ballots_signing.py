"""Signing a submitted answer, and the report's signature and seal, with real keys
on a SoftHSM2 token (tests/pki_fixtures.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from ballots.models import Answer, Ballot
from ballots.services_answers import answer_reopen
from ballots.services_sign import answer_sign, report_issue, report_sign
from ecabinet.errors import Conflict, Invalid, NotAllowed
from signing.provisioning import key_provision
from tests import pki_fixtures
from tests.pki_fixtures import SEAL_PIN, USER_PIN, assert_independently_valid, version_bytes
from tests.test_ballots_helpers import answer, close_after_deadline, open_ballot, version_text

pytestmark = pytest.mark.django_db

# The PKI fixtures, made visible to pytest in this module.
dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signers, signing_settings = pki_fixtures.signers, pki_fixtures.signing_settings


def test_a_member_signs_the_submitted_answer_with_their_pin(cabinet, signers, nss_db, tmp_path):
    ballot = open_ballot(cabinet)
    submitted = answer(signers.minister, ballot, "agree", "disagree")
    with pytest.raises(NotAllowed):
        answer_sign(actor=signers.chair, answer=submitted, pin=USER_PIN)
    with pytest.raises(Invalid, match="Wrong PIN"):
        answer_sign(actor=signers.minister, answer=submitted, pin="000000")
    signed = answer_sign(actor=signers.minister, answer=submitted, pin=USER_PIN)
    assert signed.state == Answer.State.SIGNED and signed.signed_version.number == 2
    assert_independently_valid(version_bytes(signed.signed_version), nss_db, tmp_path, signatures=1)
    assert "Ý kiến đã chọn: Không đồng ý" in version_text(signed.signed_version)
    with pytest.raises(Conflict):
        answer_sign(actor=signers.minister, answer=signed, pin=USER_PIN)
    with pytest.raises(Conflict, match="already submitted"):
        answer(signers.minister, ballot, "disagree", "disagree")
    # Reopened by the secretariat, it must be submitted (and signed) again.
    reopened = answer_reopen(actor=signers.secretary, answer=signed, reason="Sửa câu 1")
    assert reopened.state == "draft" and reopened.signed_version is None


def test_the_report_is_signed_by_the_secretariat_then_sealed(
    cabinet, signers, dev_pki, nss_db, tmp_path
):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    ballot = open_ballot(cabinet)
    answer(signers.minister, ballot, "agree", "agree")  # never signed: not counted
    close_after_deadline(ballot)
    report_issue(actor=signers.secretary, ballot=ballot)
    with pytest.raises(Conflict, match="seal comes after"):
        report_sign(actor=signers.secretary, ballot=ballot, pin=SEAL_PIN, kind="seal")
    signed = report_sign(actor=signers.secretary, ballot=ballot, pin=USER_PIN)
    sealed = report_sign(actor=signers.secretary, ballot=ballot, pin=SEAL_PIN, kind="seal")
    assert (signed.number, sealed.number) == (2, 3)
    assert_independently_valid(version_bytes(sealed), nss_db, tmp_path, signatures=2)
    # Sealed and filed in the archive, the report is final: no new unsigned version.
    with pytest.raises(Conflict, match="final"):
        report_issue(actor=signers.secretary, ballot=ballot)
    ballot.refresh_from_db()
    assert ballot.report.versions.count() == 3


def test_an_answer_cannot_be_signed_after_the_deadline_and_nothing_is_signed(cabinet, signers):
    ballot = open_ballot(cabinet)
    submitted = answer(signers.minister, ballot, "agree", "agree")
    versions = submitted.document.versions.count()
    close_after_deadline(ballot)
    with pytest.raises(Conflict, match="deadline has passed"):
        answer_sign(actor=signers.minister, answer=submitted, pin=USER_PIN)
    submitted.refresh_from_db()
    assert submitted.state == Answer.State.SUBMITTED and submitted.signed_version is None
    assert submitted.document.versions.count() == versions


def test_an_answer_is_not_signed_once_the_deadline_passed_even_if_the_ballot_is_still_open(
    cabinet, signers
):
    # Nobody has closed the ballot yet (the sweep runs each minute): the deadline decides.
    ballot = open_ballot(cabinet)
    submitted = answer(signers.minister, ballot, "agree", "agree")
    Ballot.objects.filter(pk=ballot.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(Conflict, match="deadline has passed"):
        answer_sign(actor=signers.minister, answer=submitted, pin=USER_PIN)
    assert Answer.objects.get(pk=submitted.pk).state == Answer.State.SUBMITTED
