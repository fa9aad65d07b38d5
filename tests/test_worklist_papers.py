"""Duties on paper, role by role, without signatures (tests/test_worklist_signing.py
signs): written ballots to answer and to approve, drafts to comment on, and for the
secretariat who has not answered or commented yet."""

from __future__ import annotations

import pytest

from ballots import services as ballot_services
from ballots.services_answers import answer_save, delegation_record
from circulation import services as circulation_services
from tests.circulation_helpers import circulate, expire
from tests.test_ballots_helpers import answer, make_ballot, open_ballot
from tests.worklist_helpers import deputy_for, duties_of, kinds

pytestmark = pytest.mark.django_db

NOT_RECIPIENTS = ["guest", "archivist", "assistant", "observer", "auditor", "outsider"]


def test_an_open_ballot_asks_each_recipient_to_answer_then_to_sign(cabinet):
    ballot = open_ballot(cabinet)
    minister = cabinet.minister
    (duty,) = duties_of(minister, "ballot_answer")
    assert duty.title == ballot.subject
    assert duty.due == ballot.deadline
    assert "left" in duty.detail  # the deadline in words
    assert duty.url.endswith(f"/ballots/{ballot.pk}/#answer")
    answer_save(actor=minister, ballot=ballot, items={1: ("agree", "")})
    assert duties_of(minister, "ballot_answer")  # a saved draft is still to submit
    answer(minister, ballot, "agree", "disagree")
    assert duties_of(minister, "ballot_answer") == []
    (duty,) = duties_of(minister, "ballot_sign")  # submitted but not signed: still a duty
    assert duty.action == "Sign your answer"


@pytest.mark.parametrize("role", [*NOT_RECIPIENTS, "secretary"])
def test_only_recipients_are_asked_to_answer(cabinet, role):
    open_ballot(cabinet)
    assert not {"ballot_answer", "ballot_sign"} & set(kinds(getattr(cabinet, role)))


def test_a_ballot_not_yet_issued_asks_members_nothing(cabinet):
    make_ballot(cabinet)
    assert "ballot_answer" not in kinds(cabinet.minister)


def test_a_ballot_past_its_deadline_is_no_longer_to_answer(cabinet):
    ballot = open_ballot(cabinet)
    type(ballot).objects.filter(pk=ballot.pk).update(deadline=ballot.opened_at)
    assert "ballot_answer" not in kinds(cabinet.minister)


def test_a_delegation_hands_the_duty_to_the_deputy(cabinet):
    ballot = open_ballot(cabinet)
    member = cabinet.members[2]
    deputy = deputy_for(cabinet, member)
    delegation_record(
        actor=member, ballot=ballot, member=member, deputy=deputy, reason="Đi công tác"
    )
    assert "ballot_answer" not in kinds(member)
    (duty,) = duties_of(deputy, "ballot_answer")
    assert str(member) in duty.detail
    answer(member, ballot, "agree", "agree", actor=deputy)
    assert duties_of(deputy, "ballot_answer") == []
    assert duties_of(deputy, "ballot_sign")  # the deputy signs what they submitted
    assert "ballot_sign" not in kinds(member)


def test_the_chair_approves_a_ballot_sent_for_approval(cabinet):
    ballot = make_ballot(cabinet)
    assert "ballot_approval" not in kinds(cabinet.chair)  # still the secretariat's draft
    ballot_services.ballot_submit(actor=cabinet.secretary, ballot=ballot)
    (duty,) = duties_of(cabinet.chair, "ballot_approval")
    assert duty.title == ballot.subject
    for role in ["secretary", "minister", "observer", "outsider"]:
        assert "ballot_approval" not in kinds(getattr(cabinet, role))
    ballot_services.ballot_approve(actor=cabinet.chair, ballot=ballot)
    assert duties_of(cabinet.chair, "ballot_approval") == []


def test_the_secretariat_sees_who_has_not_answered_or_signed(cabinet):
    ballot = open_ballot(cabinet)
    (duty,) = duties_of(cabinet.secretary, "ballot_waiting")
    assert str(cabinet.minister) in duty.detail.split("not answered:")[1]
    answer(cabinet.minister, ballot, "agree", "agree")
    (duty,) = duties_of(cabinet.secretary, "ballot_waiting")
    assert str(cabinet.minister) not in duty.detail.split("not signed:")[0]
    assert str(cabinet.minister) in duty.detail.split("not signed:")[1]
    for role in ["chair", "minister", "observer", "archivist", "outsider"]:
        assert "ballot_waiting" not in kinds(getattr(cabinet, role))


def test_a_draft_asks_its_recipients_for_comments_until_they_comment(cabinet):
    circulation = circulate(cabinet)
    minister = cabinet.minister
    (duty,) = duties_of(minister, "draft_comment")
    assert duty.title == circulation.document.summary
    assert "left" in duty.detail
    assert duty.due == circulation.deadline
    circulation_services.comment_add(
        actor=minister, circulation=circulation, text="Đề nghị làm rõ Điều 3", page=1
    )
    assert duties_of(minister, "draft_comment") == []
    assert duties_of(cabinet.members[2], "draft_comment")


@pytest.mark.parametrize("role", [*NOT_RECIPIENTS, "secretary"])
def test_only_recipients_are_asked_for_comments(cabinet, role):
    circulate(cabinet)
    assert "draft_comment" not in kinds(getattr(cabinet, role))


def test_a_confidential_draft_shows_only_for_its_named_recipients(cabinet):
    circulate(cabinet, confidentiality="mat", recipients=[cabinet.minister])
    assert duties_of(cabinet.minister, "draft_comment")
    for member in cabinet.members:
        if member != cabinet.minister:
            assert "draft_comment" not in kinds(member)


def test_a_closed_or_expired_draft_takes_no_more_comments(cabinet):
    closed, expired = circulate(cabinet), circulate(cabinet, summary="Dự thảo Thông tư")
    circulation_services.circulation_close(actor=cabinet.secretary, circulation=closed)
    expire(expired)
    assert "draft_comment" not in kinds(cabinet.minister)


def test_the_secretariat_sees_whose_comments_are_missing(cabinet):
    circulation = circulate(cabinet)
    (duty,) = duties_of(cabinet.secretary, "draft_waiting")
    assert str(cabinet.minister) in duty.detail
    for member in cabinet.members:
        circulation_services.comment_add(actor=member, circulation=circulation, text="Nhất trí")
    assert duties_of(cabinet.secretary, "draft_waiting") == []
    assert "draft_waiting" not in kinds(cabinet.outsider)
