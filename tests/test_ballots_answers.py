"""Answering: drafts, the PDF form on submit, refusals, delegation, reopening."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from ballots import selectors
from ballots.models import Answer, Ballot, Reopening
from ballots.services_answers import answer_reopen, answer_save, answer_submit, delegation_record
from ecabinet import dates
from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from people.models import Role
from tests.factories import UserFactory, deputy_of, grant
from tests.test_ballots_helpers import answer, open_ballot, version_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def ballot(cabinet):
    return open_ballot(cabinet)


def test_a_saved_draft_comes_back_and_submitting_makes_the_pdf_form(cabinet, ballot):
    minister = cabinet.minister
    saved = answer_save(actor=minister, ballot=ballot, items={1: ("agree", "")})
    assert saved.state == Answer.State.DRAFT
    assert selectors.answer_items(answer=saved) == {1: ("agree", "")}
    # Coming back later: only question 2 is sent, question 1 comes from the draft.
    submitted = answer_submit(
        actor=minister, ballot=ballot, items={2: ("other", "Đề nghị 10 ngày làm việc")}
    )
    assert submitted.state == Answer.State.SUBMITTED
    version = submitted.version
    with version.file.open("rb") as handle:
        data = handle.read()
    assert hashlib.sha256(data).hexdigest() == version.sha256
    text = version_text(version)
    for expected in (
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "PHIẾU LẤY Ý KIẾN",
        "Dự thảo Nghị định về dữ liệu",
        "Câu 1. Đồng ý ban hành Nghị định",
        "Ý kiến đã chọn: Đồng ý",
        "Ý kiến đã chọn: Ý kiến khác",
        "Đề nghị 10 ngày làm việc",
        minister.full_name,
        minister.title,
        dates.vi_when(submitted.submitted_at, seconds=True),
    ):
        assert expected in text, expected
    assert "thay mặt" not in text
    entry = AuditEntry.objects.get(action="ballot.answer_submitted")
    assert entry.details["choices"] == {"1": "agree", "2": "other"}
    assert entry.details["sha256"] == version.sha256


def test_an_other_opinion_without_text_is_refused(cabinet, ballot):
    with pytest.raises(Invalid) as error:
        answer(cabinet.minister, ballot, "agree", "other", text="  ")
    assert "q2_text" in error.value.fields
    assert "Write your other opinion on question 2" in error.value.fields["q2_text"][0]
    assert Answer.objects.get(ballot=ballot, member=cabinet.minister).state == "pending"


def test_an_unanswered_question_is_refused_on_submit(cabinet, ballot):
    with pytest.raises(Invalid) as error:
        answer_submit(actor=cabinet.minister, ballot=ballot, items={1: ("agree", "")})
    assert set(error.value.fields) == {"q2"}


def test_a_second_submit_is_refused_and_the_first_stands(cabinet, ballot):
    first = answer(cabinet.minister, ballot, "agree", "agree")
    with pytest.raises(Conflict, match="already submitted"):
        answer(cabinet.minister, ballot, "disagree", "disagree")
    with pytest.raises(Conflict, match="already submitted"):
        answer_save(actor=cabinet.minister, ballot=ballot, items={1: ("disagree", "")})
    again = Answer.objects.get(pk=first.pk)
    assert again.version_id == first.version_id and again.document.versions.count() == 1


def test_someone_who_is_not_a_recipient_cannot_answer(cabinet, ballot):
    with pytest.raises(NotAllowed, match="not among the recipients"):
        answer(cabinet.secretary, ballot, "agree", "agree")
    with pytest.raises(NotFound):
        answer(cabinet.outsider, ballot, "agree", "agree")
    with pytest.raises(NotFound):
        answer(cabinet.guest, ballot, "agree", "agree")


def test_answering_for_someone_else_needs_a_delegation(cabinet, ballot):
    member = cabinet.members[2]
    deputy = UserFactory(
        username="thu_truong", title="Thứ trưởng", organisation=member.organisation
    )
    with pytest.raises(NotAllowed, match="delegated this ballot to you"):
        answer(member, ballot, "agree", "agree", actor=cabinet.members[3])
    with pytest.raises(NotFound):  # a stranger does not even see the ballot
        answer(member, ballot, "agree", "agree", actor=deputy)
    with pytest.raises(NotAllowed):  # another minister may not record it for them
        delegation_record(
            actor=cabinet.members[3], ballot=ballot, member=member, deputy=deputy, reason="x"
        )
    with pytest.raises(Invalid):
        delegation_record(actor=member, ballot=ballot, member=member, deputy=deputy, reason=" ")
    with pytest.raises(Invalid, match="registered with"):  # a deputy from outside the body
        delegation_record(actor=member, ballot=ballot, member=member, deputy=deputy, reason="x")
    grant(deputy, cabinet.body, Role.DEPUTY)  # a deputy of the member's ministry
    delegation_record(
        actor=member, ballot=ballot, member=member, deputy=deputy, reason="Đi công tác nước ngoài"
    )
    with pytest.raises(Conflict, match="withdraw the delegation"):  # never both at once
        answer(member, ballot, "agree", "agree")
    assert [p.ballot for p in selectors.ballots_pending_for(user=deputy)] == [ballot]
    done = answer(member, ballot, "disagree", "agree", actor=deputy)
    assert done.answered_by == deputy and done.delegation is not None
    text = version_text(done.version)
    assert f"{deputy.full_name}, Thứ trưởng trả lời thay mặt {member.full_name}" in " ".join(
        text.split()
    )
    assert "theo ủy quyền" in text and "Đi công tác nước ngoài" in text
    assert AuditEntry.objects.filter(action="ballot.delegated").count() == 1


def test_the_secretariat_records_a_delegation_for_a_member(cabinet, ballot):
    deputy = deputy_of(cabinet.minister, cabinet.body, "deputy2")
    delegation = delegation_record(
        actor=cabinet.secretary,
        ballot=ballot,
        member=cabinet.minister,
        deputy=deputy,
        reason="Bộ trưởng nằm viện; giấy ủy quyền số 12/UQ",
    )
    assert delegation.recorded_by == cabinet.secretary
    with pytest.raises(Conflict, match="already delegated"):
        delegation_record(
            actor=cabinet.secretary,
            ballot=ballot,
            member=cabinet.minister,
            deputy=deputy,
            reason="again",
        )


def test_an_answer_after_the_deadline_is_refused(cabinet, ballot):
    answer_save(actor=cabinet.minister, ballot=ballot, items={1: ("agree", "")})
    Ballot.objects.filter(pk=ballot.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))
    ballot.refresh_from_db()
    with pytest.raises(Conflict, match="deadline has passed"):
        answer(cabinet.minister, ballot, "agree", "agree")
    with pytest.raises(Conflict, match="deadline has passed"):
        answer_save(actor=cabinet.minister, ballot=ballot, items={1: ("disagree", "")})


def test_the_secretariat_reopens_an_answer_which_is_audited_and_keeps_the_old_form(cabinet, ballot):
    first = answer(cabinet.minister, ballot, "agree", "agree")
    with pytest.raises(NotAllowed):
        answer_reopen(actor=cabinet.chair, answer=first, reason="x")
    with pytest.raises(Invalid):
        answer_reopen(actor=cabinet.secretary, answer=first, reason="")
    reopened = answer_reopen(
        actor=cabinet.secretary, answer=first, reason="Bộ trưởng đề nghị sửa câu 2"
    )
    assert reopened.state == Answer.State.DRAFT
    reopening = Reopening.objects.get(answer=first)
    assert reopening.previous_version_id == first.version_id
    assert AuditEntry.objects.filter(action="ballot.answer_reopened").count() == 1
    again = answer(cabinet.minister, ballot, "agree", "disagree")
    assert again.version.number == 2 and again.document_id == first.document_id
    assert "Ý kiến đã chọn: Không đồng ý" in version_text(again.version)
    assert list(selectors.ballot_reopenings(ballot=ballot)) == [reopening]
    with pytest.raises(Conflict):
        answer_reopen(
            actor=cabinet.secretary,
            answer=Answer.objects.get(ballot=ballot, member=cabinet.members[4]),
            reason="nothing to reopen",
        )


def test_pending_ballots_show_the_time_left_and_leave_once_answered(cabinet, ballot):
    pending = selectors.ballots_pending_for(user=cabinet.minister)
    assert [p.ballot.pk for p in pending] == [ballot.pk]
    assert dt.timedelta(days=2, hours=23) < pending[0].time_left <= dt.timedelta(days=3)
    answer(cabinet.minister, ballot, "agree", "agree")
    assert selectors.ballots_pending_for(user=cabinet.minister) == []
