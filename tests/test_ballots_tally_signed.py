"""The tally equals the signed answers: every member signs their answer form with their own
key on a SoftHSM2 token, and the result is recomputed from the text of those signed PDFs,
each of which verifies."""

from __future__ import annotations

import re

import pytest

from ballots import selectors, services
from ballots.models import Answer
from ballots.services_sign import answer_sign
from signing.models import SigningKey
from signing.provisioning import key_provision
from signing.verify import pdf_verify
from tests import pki_fixtures
from tests.pki_fixtures import USER_PIN, assert_independently_valid, version_bytes
from tests.test_ballots_helpers import answer, open_ballot, version_text

pytestmark = pytest.mark.django_db

dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signers, signing_settings = pki_fixtures.signers, pki_fixtures.signing_settings

LABELS = {"Đồng ý": "agree", "Không đồng ý": "disagree", "Ý kiến khác": "other"}


def test_the_result_equals_what_the_signed_answer_forms_say(
    cabinet, signers, dev_pki, nss_db, tmp_path
):
    ballot = open_ballot(cabinet)
    chair, m1, m2, m3, m4, _m5 = cabinet.members
    given = [
        (chair, ("agree", "other")),
        (m1, ("agree", "agree")),
        (m2, ("disagree", "agree")),
        (m3, ("disagree", "agree")),
        (m4, ("other", "agree")),
    ]
    for member, choices in given:
        if not SigningKey.objects.filter(user=member).exists():
            key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=member)
        submitted = answer(member, ballot, *choices, text="Đề nghị làm rõ phạm vi")
        answer_sign(actor=member, answer=submitted, pin=USER_PIN)
    assert services.ballot_close_due(ballot_id=ballot.pk, now=ballot.deadline)
    ballot.refresh_from_db()

    signed = list(ballot.answers.filter(state=Answer.State.SIGNED).select_related("member"))
    assert len(signed) == len(given)
    counts: dict[int, dict[str, int]] = {}
    for a in signed:
        data = version_bytes(a.signed_version)
        report = pdf_verify(data)
        assert report.ok, report.problems
        assert a.member.full_name in report.signatures[0].signer
        picked = re.findall(
            r"Ý kiến đã chọn: (Đồng ý|Không đồng ý|Ý kiến khác)", version_text(a.signed_version)
        )
        assert len(picked) == 2
        for number, label in enumerate(picked, 1):
            tally = counts.setdefault(number, {"agree": 0, "disagree": 0, "other": 0})
            tally[LABELS[label]] += 1
    # One answer also checked by tools we did not write.
    assert_independently_valid(
        version_bytes(signed[0].signed_version), nss_db, tmp_path, signatures=1
    )

    result = selectors.ballot_result(ballot=ballot)
    for q in result.questions:
        assert counts[q.number] == {"agree": q.agree, "disagree": q.disagree, "other": q.other}
    assert counts == {
        1: {"agree": 2, "disagree": 2, "other": 1},
        2: {"agree": 4, "disagree": 0, "other": 1},
    }
