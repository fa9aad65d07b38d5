"""A member names, on the ballot page, the deputy who answers for them; the deputy sees
the ballot and answers it "thay mặt … theo ủy quyền"; the member may withdraw the
delegation until the deputy has submitted."""

from __future__ import annotations

import pytest

from ballots.models import Answer, AnswerItem, Delegation
from ecabinet.audit.models import AuditEntry
from tests.factories import deputy_of
from tests.test_ballots_helpers import open_ballot, version_text
from tests.test_ballots_pages import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def ballot(cabinet):
    return open_ballot(cabinet)


def rows() -> tuple[int, int, int]:
    return Delegation.objects.count(), AnswerItem.objects.count(), AuditEntry.objects.count()


def test_a_member_delegates_on_the_page_and_the_deputy_answers_for_them(cabinet, ballot):
    # A deputy of the minister's own ministry (another minister may not be one).
    minister, deputy = cabinet.minister, deputy_of(cabinet.minister, cabinet.body)
    me = client_for(minister)
    page = me.get(f"/ballots/{ballot.pk}/")
    assert b'data-testid="my-delegation-form"' in page.content
    assert client_for(deputy).get(f"/ballots/{ballot.pk}/").status_code == 404  # not theirs yet

    done = me.post(
        f"/ballots/{ballot.pk}/delegation/", {"deputy": deputy.pk, "reason": "Đi công tác"}
    )
    assert done.status_code == 302
    delegation = Delegation.objects.get()
    assert (delegation.member, delegation.deputy, delegation.recorded_by) == (
        minister,
        deputy,
        minister,
    )
    page = me.get(f"/ballots/{ballot.pk}/")
    assert b'data-testid="my-delegation"' in page.content
    assert b'data-testid="withdraw-delegation"' in page.content

    theirs = client_for(deputy)
    assert b'data-testid="pending-ballot"' in theirs.get("/ballots/").content
    page = theirs.get(f"/ballots/{ballot.pk}/")
    assert f"Answering for {minister} under delegation".encode() in page.content
    row = Answer.objects.get(ballot=ballot, member=minister)
    p = f"a{row.pk}-"
    sent = theirs.post(
        f"/ballots/{ballot.pk}/answers/{row.pk}/",
        {f"{p}q1": "agree", f"{p}q2": "disagree", "submit": "1"},
    )
    assert sent.status_code == 302
    row.refresh_from_db()
    assert (row.state, row.answered_by, row.delegation) == ("submitted", deputy, delegation)
    text = " ".join(version_text(row.version).split())
    assert f"trả lời thay mặt {minister.full_name}" in text and "theo ủy quyền" in text
    # The deputy, who submitted it, is the one asked to sign it.
    assert b'data-testid="sign-answer-form"' in theirs.get(f"/ballots/{ballot.pk}/").content
    # Once the deputy has answered, the member can no longer withdraw.
    before = rows()
    late = me.post(f"/ballots/{ballot.pk}/delegations/{delegation.pk}/withdraw/")
    assert late.status_code == 409 and rows() == before
    assert b'data-testid="withdraw-delegation"' not in me.get(f"/ballots/{ballot.pk}/").content


def test_the_member_withdraws_before_the_deputy_answers_and_their_draft_is_dropped(cabinet, ballot):
    # A deputy of the minister's own ministry (another minister may not be one).
    minister, deputy = cabinet.minister, deputy_of(cabinet.minister, cabinet.body)
    me, theirs = client_for(minister), client_for(deputy)
    me.post(f"/ballots/{ballot.pk}/delegation/", {"deputy": deputy.pk, "reason": "Ốm"})
    delegation = Delegation.objects.get()
    row = Answer.objects.get(ballot=ballot, member=minister)
    saved = theirs.post(
        f"/ballots/{ballot.pk}/answers/{row.pk}/", {f"a{row.pk}-q1": "agree", "save": "1"}
    )
    assert saved.status_code == 302 and Answer.objects.get(pk=row.pk).state == "draft"

    url = f"/ballots/{ballot.pk}/delegations/{delegation.pk}/withdraw/"
    # Only the member (or the secretariat) may withdraw it: not the deputy, not another member.
    before = rows()
    assert theirs.post(url).status_code == 403
    assert client_for(cabinet.members[2]).post(url).status_code == 403
    assert client_for(cabinet.outsider).post(url).status_code == 404
    assert rows() == before

    assert me.post(url).status_code == 302
    row.refresh_from_db()
    assert Delegation.objects.count() == 0
    assert (row.state, row.answered_by, row.items.count()) == ("pending", None, 0)
    entry = AuditEntry.objects.filter(action="ballot.delegation_withdrawn").get()
    assert entry.details["discarded_draft"] is True
    # The ballot is no longer the deputy's to see; the member answers themselves.
    assert theirs.get(f"/ballots/{ballot.pk}/").status_code == 404
    assert b'data-testid="answer-form"' in me.get(f"/ballots/{ballot.pk}/").content
    assert me.post(url).status_code == 404


def test_bad_delegations_are_refused_and_change_nothing(cabinet, ballot):
    minister = cabinet.minister
    deputy, other_deputy = (
        deputy_of(minister, cabinet.body),
        deputy_of(minister, cabinet.body, "d2"),
    )
    me = client_for(minister)
    url = f"/ballots/{ballot.pk}/delegation/"
    before = rows()
    no_reason = me.post(url, {"deputy": deputy.pk, "reason": ""})
    assert no_reason.status_code == 422
    self_deputy = me.post(url, {"deputy": minister.pk, "reason": "Đi công tác"})
    assert self_deputy.status_code == 422 and b"field-error-deputy" in self_deputy.content
    outsider = me.post(url, {"deputy": cabinet.outsider.pk, "reason": "Đi công tác"})
    assert outsider.status_code == 422
    assert me.post(url, {"deputy": "x", "reason": "Đi công tác"}).status_code == 422
    # Not a recipient: the secretariat has no sheet of its own to delegate.
    secretariat = client_for(cabinet.secretary).post(
        url, {"deputy": deputy.pk, "reason": "Đi công tác"}
    )
    assert secretariat.status_code == 422
    assert (
        client_for(cabinet.outsider).post(url, {"deputy": minister.pk, "reason": "x"}).status_code
        == 404
    )
    assert rows() == before
    # Twice: the second is a conflict.
    assert me.post(url, {"deputy": deputy.pk, "reason": "Họp"}).status_code == 302
    again = me.post(url, {"deputy": other_deputy.pk, "reason": "Họp"})
    assert again.status_code == 409 and Delegation.objects.count() == 1
