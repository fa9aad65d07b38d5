"""The result: per question, under the body's rules; checked against the signed-off PDFs."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client

from ballots import selectors, services
from ballots.services_sign import report_issue
from ecabinet.errors import Conflict, NotAllowed
from tests.factories import PASSWORD
from tests.test_ballots_helpers import (
    answer,
    counting_submitted,
    final_answers,
    open_ballot,
    version_text,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _submitted_answers_count(cabinet):
    """These tests count submitted answers: the body's rule here does not require a
    signature (tests/test_ballots_tally_rule.py tests the rule that does)."""
    counting_submitted(cabinet)


LABELS = {"Đồng ý": "agree", "Không đồng ý": "disagree", "Ý kiến khác": "other"}


def _close(ballot):
    assert services.ballot_close_due(ballot_id=ballot.pk, now=ballot.deadline)
    ballot.refresh_from_db()
    return ballot


@pytest.fixture
def closed(cabinet):
    """Six members: the chair breaks a 2-2 tie on question 1; question 2 has 4 of 6
    agreeing (more than half of all members); one member never answers."""
    ballot = open_ballot(cabinet)
    chair, m1, m2, m3, m4, _m5 = cabinet.members
    answer(chair, ballot, "agree", "other", text="Cần lấy thêm ý kiến Bộ Tư pháp")
    answer(m1, ballot, "agree", "agree")
    answer(m2, ballot, "disagree", "agree")
    answer(m3, ballot, "disagree", "agree")
    answer(m4, ballot, "other", "agree", text="Đề nghị làm rõ phạm vi")
    return _close(ballot)


def test_each_question_is_decided_by_more_than_half_of_all_members_and_the_chair_on_a_tie(
    cabinet, closed
):
    result = selectors.ballot_result(ballot=closed)
    q1, q2 = result.questions
    assert (q1.agree, q1.disagree, q1.other) == (2, 2, 1)
    assert q1.tie and q1.adopted and q1.decided_by == "chair_side" and q1.chair_choice == "yes"
    assert (q2.agree, q2.disagree, q2.other) == (4, 0, 1)
    assert q2.adopted and q2.decided_by == "majority" and (q2.needed, q2.base) == (4, 6)
    assert result.non_respondents == [str(cabinet.members[5])]
    assert [o["text"] for o in q1.other_opinions] == ["Đề nghị làm rõ phạm vi"]
    assert [o["text"] for o in q2.other_opinions] == ["Cần lấy thêm ý kiến Bộ Tư pháp"]


def test_the_tally_matches_what_the_stored_answer_forms_say(closed):
    counts: dict[int, dict[str, int]] = {}
    for a in final_answers(closed):
        text = version_text(a.final_version)
        picked = re.findall(r"Ý kiến đã chọn: (Đồng ý|Không đồng ý|Ý kiến khác)", text)
        assert len(picked) == 2, text
        for number, label in enumerate(picked, 1):
            tally = counts.setdefault(number, {"agree": 0, "disagree": 0, "other": 0})
            tally[LABELS[label]] += 1
    result = selectors.ballot_result(ballot=closed)
    for q in result.questions:
        assert counts[q.number] == {"agree": q.agree, "disagree": q.disagree, "other": q.other}


def test_a_tie_fails_when_the_chair_gave_another_opinion(cabinet):
    ballot = open_ballot(cabinet, questions=["Một câu hỏi?"])
    chair, m1, m2 = cabinet.members[:3]
    answer(chair, ballot, "other", text="Chưa đủ cơ sở")
    answer(m1, ballot, "agree")
    answer(m2, ballot, "disagree")
    (q,) = selectors.ballot_result(ballot=_close(ballot)).questions
    assert q.tie and not q.adopted and q.decided_by == "tie_fails"


def test_the_secretariat_issues_the_tally_report_as_a_pdf(cabinet, closed):
    with pytest.raises(NotAllowed):
        report_issue(actor=cabinet.minister, ballot=closed)
    version = report_issue(actor=cabinet.secretary, ballot=closed)
    text = " ".join(version_text(version).split())
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO TỔNG HỢP Ý KIẾN THÀNH VIÊN CHÍNH PHỦ",
        "Dự thảo Nghị định về dữ liệu",
        "Số phiếu nhận được: 5",
        "Được thông qua",
        "quyết định theo ý kiến của người chủ trì",
        "Đề nghị làm rõ phạm vi",
        str(cabinet.members[5]),
    ):
        assert expected in text, expected
    again = report_issue(actor=cabinet.secretary, ballot=closed)
    assert again.number == 2 and again.document_id == version.document_id


def test_the_report_waits_for_the_close(cabinet):
    with pytest.raises(Conflict, match="closed"):
        report_issue(actor=cabinet.secretary, ballot=open_ballot(cabinet))


def test_results_export_as_json_and_csv_for_the_secretariat_only(cabinet, closed):
    client = Client()
    client.login(username=cabinet.secretary.username, password=PASSWORD)
    data = client.get(f"/api/ballots/{closed.pk}/result.json").json()
    assert data["ballot"]["final"] is True
    assert [q["agree"] for q in data["result"]["questions"]] == [2, 4]
    assert data["result"]["non_respondents"] == [str(cabinet.members[5])]
    response = client.get(f"/api/ballots/{closed.pk}/result.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:5] == ["question", "text", "agree", "disagree", "other"]
    assert rows[1][2:6] == ["2", "2", "1", "True"]
    assert ["2", str(cabinet.chair), "Cần lấy thêm ý kiến Bộ Tư pháp"] in rows
    minister = Client()
    minister.login(username=cabinet.minister.username, password=PASSWORD)
    refused = minister.get(f"/api/ballots/{closed.pk}/result.json")
    assert refused.status_code == 404 and refused.json()["error"] == "not_found"
