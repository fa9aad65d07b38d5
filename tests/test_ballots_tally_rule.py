"""The body's rule decides whether a written ballot's answer must be signed to count.

By default (the Government) it must: a submitted answer that is not signed is listed with
its state and left out of the count; the report is refused while such an answer may still
be signed (before the deadline), and once the deadline has passed it is issued and lists
it as not counted. Signed answers are filed in the archive with the sealed report. A body
whose rule does not require a signature counts submitted answers. Real keys on SoftHSM2.
"""

# ruff: noqa: F811
from __future__ import annotations

import pytest

from archive.models import Record
from ballots import selectors, services
from ballots.models import Answer, Ballot
from ballots.services_sign import answer_sign, report_issue, report_sign
from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict
from signing.provisioning import key_provision
from tests.pki_fixtures import (  # noqa: F401
    SEAL_PIN,
    USER_PIN,
    dev_pki,
    nss_db,
    signers,
    signing_settings,
)
from tests.test_ballots_helpers import (
    answer,
    close_after_deadline,
    counting_submitted,
    open_ballot,
    version_text,
)
from tests.test_ballots_pages import client_for

pytestmark = pytest.mark.django_db


def _close_before_deadline(ballot: Ballot) -> Ballot:
    """Closed, while the deadline is still ahead on the clock: an answer could yet be signed."""
    assert services.ballot_close_due(ballot_id=ballot.pk, now=ballot.deadline)
    ballot.refresh_from_db()
    return ballot


def _signed_and_unsigned(cabinet, signers) -> tuple[Ballot, Answer, Answer]:
    """The minister answers and signs with their PIN; the chair answers and does not sign;
    the four other members do not answer."""
    ballot = open_ballot(cabinet)
    signed = answer_sign(
        actor=signers.minister,
        answer=answer(signers.minister, ballot, "agree", "disagree"),
        pin=USER_PIN,
    )
    unsigned = answer(signers.chair, ballot, "disagree", "disagree")
    return ballot, signed, unsigned


def test_an_unsigned_answer_is_not_counted_when_the_rule_requires_a_signature(cabinet, signers):
    assert cabinet.body.ballot_answer_must_be_signed  # the Government's rule, by default
    ballot, signed, unsigned = _signed_and_unsigned(cabinet, signers)
    assert ballot.answer_must_be_signed is True  # frozen onto the ballot when it opened
    result = selectors.ballot_result(ballot=ballot)
    assert (result.answered, result.counted, result.not_answered) == (2, 1, 4)
    assert result.unsigned == [str(signers.chair)]
    assert result.respondents == [str(signers.minister)]
    q1, q2 = result.questions
    assert (q1.agree, q1.disagree, q2.agree, q2.disagree) == (1, 0, 0, 1)
    lines = {line.member: (line.state, line.counted, line.reason) for line in result.lines}
    assert lines[str(signers.minister)] == ("signed", True, "signed")
    assert lines[str(signers.chair)] == ("submitted", False, "unsigned")
    assert [m for m, (state, *_r) in lines.items() if state == "not_answered"] == (
        result.non_respondents
    )
    assert len(lines) == len(cabinet.members)


def test_before_the_deadline_the_report_is_refused_while_answers_are_unsigned(cabinet, signers):
    ballot, _signed, unsigned = _signed_and_unsigned(cabinet, signers)
    _close_before_deadline(ballot)
    chair_name = str(signers.chair)
    secretary = client_for(cabinet.secretary)

    # The page says, before issuing, how many answers are unsigned and whose.
    page = secretary.get(f"/ballots/{ballot.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert b'data-testid="unsigned-before-issue" data-count="1"' in page.content
    assert f"1 answer is still unsigned: {chair_name}".encode() in page.content

    with pytest.raises(Conflict, match=f"1 answer is submitted but not signed \\({chair_name}\\)"):
        report_issue(actor=cabinet.secretary, ballot=ballot)

    api = secretary.post(f"/api/ballots/{ballot.pk}/report", HTTP_ACCEPT_LANGUAGE="en")
    assert api.status_code == 409 and api.json()["error"] == "conflict"
    assert "The report cannot be issued yet" in api.json()["detail"]
    assert chair_name in api.json()["detail"]
    in_vietnamese = secretary.post(f"/api/ballots/{ballot.pk}/report", HTTP_ACCEPT_LANGUAGE="vi")
    assert in_vietnamese.status_code == 409
    assert "Chưa thể lập báo cáo" in in_vietnamese.json()["detail"]

    refused = secretary.post(f"/ballots/{ballot.pk}/report/", HTTP_ACCEPT_LANGUAGE="vi")
    assert refused.status_code == 409
    assert b'data-testid="issue-refusal"' in refused.content
    assert "Chưa thể lập báo cáo".encode() in refused.content
    assert chair_name.encode() in refused.content

    ballot.refresh_from_db()
    assert ballot.report is None
    entries = AuditEntry.objects.filter(action="ballot.report_refused", target_id=str(ballot.pk))
    assert entries.count() == 4
    assert entries.first().details["unsigned"] == [chair_name]

    # Once signed, the answer counts and the report may be issued.
    answer_sign(actor=signers.chair, answer=unsigned, pin=USER_PIN)
    issued = secretary.post(f"/api/ballots/{ballot.pk}/report")
    assert issued.status_code == 201
    assert set(issued.json()["counted"]) == {str(signers.minister), chair_name}
    assert issued.json()["not_counted_unsigned"] == []


def test_after_the_deadline_the_report_lists_unsigned_answers_and_files_the_signed_ones(
    cabinet, signers, dev_pki
):
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=signers.secretary)
    ballot, signed, unsigned = _signed_and_unsigned(cabinet, signers)
    # A second member signs as well, so every signed answer must be filed, not just one.
    other = cabinet.members[2]
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=other)
    signed_too = answer_sign(
        actor=other, answer=answer(other, ballot, "agree", "agree"), pin=USER_PIN
    )
    close_after_deadline(ballot)

    issued = client_for(cabinet.secretary).post(f"/api/ballots/{ballot.pk}/report")
    assert issued.status_code == 201, issued.content
    assert issued.json()["not_counted_unsigned"] == [str(signers.chair)]
    assert set(issued.json()["counted"]) == {str(signers.minister), str(other)}
    entry = AuditEntry.objects.get(action="ballot.report_issued", target_id=str(ballot.pk))
    assert entry.details["must_be_signed"] is True
    assert entry.details["not_counted_unsigned"] == [str(signers.chair)]

    ballot.refresh_from_db()
    text = " ".join(version_text(ballot.report.latest_version()).split())
    assert "Số phiếu nhận được: 3; số phiếu được tính: 2" in text
    assert "Theo quy chế, phiếu chỉ được tính khi đã được ký số." in text
    assert (
        f"{signers.chair} Đã gửi, chưa ký Không được tính: quy chế đòi hỏi phiếu phải được ký"
        in text
    )
    assert f"{signers.minister} Đã ký Được tính: phiếu đã ký" in text
    assert text.count("Không được tính: không trả lời trước hạn") == 3

    report_sign(actor=signers.secretary, ballot=ballot, pin=USER_PIN)
    report_sign(actor=signers.secretary, ballot=ballot, pin=SEAL_PIN, kind="seal")
    filed = Record.objects.filter(kind="ballot_answer", meta__ballot_id=ballot.pk)
    assert sorted(filed.values_list("version_id", flat=True)) == sorted(
        [signed.signed_version_id, signed_too.signed_version_id]
    )
    assert not filed.filter(meta__answer_id=unsigned.pk).exists()
    assert Record.objects.filter(kind="ballot_report", meta__ballot_id=ballot.pk).count() == 1


def test_where_the_rule_does_not_require_a_signature_submitted_answers_count(cabinet):
    counting_submitted(cabinet)
    ballot = open_ballot(cabinet)
    # A later change of the body's rule does not move this ballot's result.
    cabinet.body.ballot_answer_must_be_signed = True
    cabinet.body.save(update_fields=["ballot_answer_must_be_signed"])
    answer(cabinet.chair, ballot, "agree", "agree")
    answer(cabinet.minister, ballot, "agree", "disagree")
    _close_before_deadline(ballot)
    assert ballot.answer_must_be_signed is False

    result = selectors.ballot_result(ballot=ballot)
    assert (result.answered, result.counted, result.unsigned) == (2, 2, [])
    assert (result.questions[0].agree, result.questions[1].disagree) == (2, 1)

    version = report_issue(actor=cabinet.secretary, ballot=ballot)
    text = " ".join(version_text(version).split())
    assert "Theo quy chế, phiếu đã gửi được tính, kể cả khi chưa được ký số." in text
    assert text.count("Đã gửi, chưa ký Được tính: quy chế không đòi hỏi phiếu phải được ký") == 2


def test_the_rule_is_shown_and_edited_with_the_bodys_other_rules_in_the_admin(cabinet):
    from django.test import Client

    from tests.factories import UserFactory

    admin = Client()
    admin.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    listing = admin.get("/admin/people/body/", HTTP_ACCEPT_LANGUAGE="en")
    assert listing.status_code == 200
    assert b"column-ballot_answer_must_be_signed" in listing.content
    form = admin.get(f"/admin/people/body/{cabinet.body.pk}/change/")
    assert b'name="ballot_answer_must_be_signed"' in form.content
