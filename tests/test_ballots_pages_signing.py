"""PIN boxes on the ballot page: a member signs their submitted answer, the secretariat
signs the tally report and then seals it, with real keys on SoftHSM2. Wrong PINs, locked
keys and the wrong people are refused with the reason and nothing is signed."""

# ruff: noqa: F811
from __future__ import annotations

import pytest

from ballots.models import Answer, Ballot
from documents.models import DocumentVersion
from signing.models import Signature, SigningKey
from signing.provisioning import key_provision
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    assert_independently_valid,
    dev_pki,
    nss_db,
    signers,
    signing_settings,
    version_bytes,
)
from tests.test_ballots_helpers import answer, close_after_deadline, open_ballot, version_text
from tests.test_ballots_pages import client_for

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int]:
    return DocumentVersion.objects.count(), Signature.objects.count()


def test_a_member_signs_their_answer_on_the_ballot_page(cabinet, signers, nss_db, tmp_path):
    ballot = open_ballot(cabinet)
    submitted = answer(signers.minister, ballot, "agree", "disagree")
    url = f"/ballots/{ballot.pk}/answers/{submitted.pk}/sign/"
    field = f"sign{submitted.pk}-pin"
    minister = client_for(signers.minister)
    page = minister.get(f"/ballots/{ballot.pk}/")
    assert page.status_code == 200 and b'data-testid="sign-answer-form"' in page.content
    other = client_for(cabinet.members[2])
    assert b'data-testid="sign-answer-form"' not in other.get(f"/ballots/{ballot.pk}/").content

    before = counts()
    # Someone else may not sign it: a fellow recipient or the chair (403), an outsider (404).
    assert other.post(url, {field: USER_PIN}).status_code == 403
    assert client_for(signers.chair).post(url, {field: USER_PIN}).status_code == 403
    assert client_for(cabinet.outsider).post(url, {field: USER_PIN}).status_code == 404
    # No PIN, then a wrong PIN: the page says why and how many tries are left.
    assert minister.post(url, {field: ""}).status_code == 422
    wrong = minister.post(url, {field: "000000"})
    assert wrong.status_code == 422
    assert b"Wrong PIN; nothing was signed. 4 attempts left" in wrong.content
    assert b'data-testid="sign-answer-form"' in wrong.content
    assert counts() == before
    assert Answer.objects.get(pk=submitted.pk).state == "submitted"
    assert SigningKey.objects.get(pk=signers.minister_key.pk).failed_attempts == 1

    done = minister.post(url, {field: USER_PIN})
    assert done.status_code == 302 and done["Location"].endswith("#answer")
    signed = Answer.objects.get(pk=submitted.pk)
    assert signed.state == "signed" and counts() == (before[0] + 1, before[1] + 1)
    assert SigningKey.objects.get(pk=signers.minister_key.pk).failed_attempts == 0
    data = version_bytes(signed.signed_version)
    assert_independently_valid(data, nss_db, tmp_path, signatures=1)
    assert "Ý kiến đã chọn: Không đồng ý" in version_text(signed.signed_version)
    after = minister.get(f"/ballots/{ballot.pk}/")
    assert b'data-testid="sign-answer-form"' not in after.content
    assert b"Answer Signed." in after.content
    # Signing twice is refused on the page, and nothing changes.
    again = minister.post(url, {field: USER_PIN})
    assert again.status_code == 409 and counts() == (before[0] + 1, before[1] + 1)


def test_a_locked_key_is_refused_with_a_clear_error(cabinet, signers, settings):
    settings.SIGNING_PIN_ATTEMPTS = 2
    ballot = open_ballot(cabinet)
    submitted = answer(signers.minister, ballot, "agree", "agree")
    url, field = f"/ballots/{ballot.pk}/answers/{submitted.pk}/sign/", f"sign{submitted.pk}-pin"
    minister = client_for(signers.minister)
    before = counts()
    assert b"1 attempts left" in minister.post(url, {field: "111111"}).content
    locking = minister.post(url, {field: "222222"})
    assert (
        locking.status_code == 422
        and b"The key is now locked after 2 wrong PINs" in locking.content
    )
    locked = minister.post(url, {field: USER_PIN})
    assert locked.status_code == 409
    assert b"This key is locked after too many wrong PINs" in locked.content
    assert b'data-testid="form-error"' in locked.content
    assert counts() == before and Answer.objects.get(pk=submitted.pk).state == "submitted"


def test_the_secretariat_signs_then_seals_the_report_on_the_ballot_page(
    cabinet, signers, dev_pki, nss_db, tmp_path
):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    ballot = open_ballot(cabinet)
    answer(signers.minister, ballot, "agree", "agree")  # never signed: not counted
    close_after_deadline(ballot)
    secretary = client_for(signers.secretary)
    sign_url, seal_url = f"/ballots/{ballot.pk}/report/sign/", f"/ballots/{ballot.pk}/report/seal/"
    # Nothing to sign before the report is issued.
    assert secretary.post(sign_url, {"report-pin": USER_PIN}).status_code == 404
    assert secretary.post(f"/ballots/{ballot.pk}/report/").status_code == 302
    page = secretary.get(f"/ballots/{ballot.pk}/")
    assert b'data-testid="report-sign-form" data-kind="personal"' in page.content
    assert b'data-state="issued"' in page.content

    before = counts()
    assert client_for(signers.chair).post(sign_url, {"report-pin": USER_PIN}).status_code == 403
    assert client_for(signers.minister).post(sign_url, {"report-pin": USER_PIN}).status_code == 403
    assert client_for(cabinet.outsider).post(sign_url, {"report-pin": USER_PIN}).status_code == 404
    early_seal = secretary.post(seal_url, {"report-pin": SEAL_PIN})
    assert early_seal.status_code == 409 and b"The seal comes after" in early_seal.content
    wrong = secretary.post(sign_url, {"report-pin": "999999"})
    assert wrong.status_code == 422 and b"Wrong PIN; nothing was signed" in wrong.content
    assert counts() == before

    assert secretary.post(sign_url, {"report-pin": USER_PIN}).status_code == 302
    page = secretary.get(f"/ballots/{ballot.pk}/")
    assert b'data-testid="report-sign-form" data-kind="seal"' in page.content
    wrong_seal = secretary.post(seal_url, {"report-pin": "000000"})
    assert wrong_seal.status_code == 422 and counts() == (before[0] + 1, before[1] + 1)
    sealed = secretary.post(seal_url, {"report-pin": SEAL_PIN})
    assert sealed.status_code == 302 and sealed["Location"].endswith("#result")
    page = secretary.get(f"/ballots/{ballot.pk}/")
    assert b'data-state="sealed"' in page.content
    assert b'data-testid="report-sign-form"' not in page.content
    assert b'data-testid="issue-report"' not in page.content  # final once sealed
    again = secretary.post(f"/ballots/{ballot.pk}/report/")
    assert again.status_code == 409 and counts() == (before[0] + 2, before[1] + 2)
    report = Ballot.objects.get(pk=ballot.pk).report.latest_version()
    assert report.number == 3 and counts() == (before[0] + 2, before[1] + 2)
    assert_independently_valid(version_bytes(report), nss_db, tmp_path, signatures=2)
    downloaded = secretary.get(f"/ballots/{ballot.pk}/report.pdf")
    assert b"".join(downloaded.streaming_content) == version_bytes(report)
