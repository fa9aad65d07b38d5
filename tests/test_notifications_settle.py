"""A duty done settles the notification that asked for it: the person who did it (and
the member a deputy acted for) no longer sees it unread; everyone else's stays."""

from __future__ import annotations

import pytest

from ballots import services as ballots
from ballots.services_answers import answer_reopen, delegation_record, delegation_withdraw
from ballots.services_sign import answer_sign
from circulation import services as circulation
from meetings import services as meetings
from notifications.models import Notification
from notifications.services import notifications_settle, notify
from tests import pki_fixtures
from tests.circulation_helpers import circulate
from tests.factories import deputy_of
from tests.pki_fixtures import USER_PIN
from tests.test_ballots_helpers import answer, make_ballot, open_ballot

pytestmark = pytest.mark.django_db

dev_pki, nss_db = pki_fixtures.dev_pki, pki_fixtures.nss_db
signers, signing_settings = pki_fixtures.signers, pki_fixtures.signing_settings


def unread(user, kind: str, subject: str) -> bool:
    notes = Notification.objects.filter(recipient=user, kind=kind, subject=subject)
    assert notes.exists(), f"{user} was never told ({kind}, {subject})"
    return notes.filter(read_at=None).exists()


# --- The service itself ----------------------------------------------------------


def test_settling_touches_only_that_person_that_subject_and_those_kinds(cabinet):
    minister, other = cabinet.minister, cabinet.members[2]
    for subject in ("ballot:1", "ballot:2"):
        notify(
            recipients=[minister, other],
            kind="ballot.opened",
            data={"ballot": "x", "deadline": "2026-12-03T02:15:00+00:00"},
            subject=subject,
            email=False,
        )
    notify(
        recipients=[minister],
        kind="ballot.closed",
        data={"ballot": "x"},
        subject="ballot:1",
        email=False,
    )
    assert notifications_settle(recipient=minister, subject="ballot:1", kinds=["ballot.opened"])
    assert not unread(minister, "ballot.opened", "ballot:1")
    assert unread(minister, "ballot.closed", "ballot:1")
    assert unread(minister, "ballot.opened", "ballot:2")
    assert unread(other, "ballot.opened", "ballot:1")
    # Settling again, or about nothing, changes nothing.
    assert (
        notifications_settle(recipient=minister, subject="ballot:1", kinds=["ballot.opened"]) == 0
    )
    assert notifications_settle(recipient=minister, subject="") == 0


# --- Written ballots -------------------------------------------------------------


def test_the_ballots_notification_is_read_once_the_member_answered_and_signed(cabinet, signers):
    ballot = open_ballot(cabinet)
    subject = f"ballot:{ballot.pk}"
    submitted = answer(signers.minister, ballot, "agree", "disagree")
    assert unread(signers.minister, "ballot.opened", subject), "answered, not yet signed"
    answer_sign(actor=signers.minister, answer=submitted, pin=USER_PIN)
    assert not unread(signers.minister, "ballot.opened", subject)
    assert unread(cabinet.members[2], "ballot.opened", subject)  # who has not answered


def test_a_reopened_answer_asks_again_until_it_is_signed_again(cabinet, signers):
    ballot = open_ballot(cabinet)
    subject = f"ballot:{ballot.pk}"
    signed = answer_sign(
        actor=signers.minister,
        answer=answer(signers.minister, ballot, "agree", "agree"),
        pin=USER_PIN,
    )
    answer_reopen(actor=cabinet.secretary, answer=signed, reason="Sửa câu 1")
    assert unread(signers.minister, "ballot.reopened", subject)
    again = answer(signers.minister, ballot, "agree", "disagree")
    answer_sign(actor=signers.minister, answer=again, pin=USER_PIN)
    assert not unread(signers.minister, "ballot.reopened", subject)


def test_a_deputy_who_answers_and_signs_settles_the_members_notification_too(
    cabinet, signers, dev_pki
):
    from signing.provisioning import key_provision

    ballot = open_ballot(cabinet)
    subject = f"ballot:{ballot.pk}"
    deputy = deputy_of(cabinet.minister, cabinet.body)
    key_provision(actor=None, pki=dev_pki.pki, pin=USER_PIN, user=deputy)
    delegation_record(
        actor=cabinet.minister, ballot=ballot, member=cabinet.minister, deputy=deputy, reason="Ốm"
    )
    assert unread(deputy, "ballot.delegated", subject)
    submitted = answer(cabinet.minister, ballot, "agree", "agree", actor=deputy)
    answer_sign(actor=deputy, answer=submitted, pin=USER_PIN)
    assert not unread(cabinet.minister, "ballot.opened", subject)
    assert not unread(deputy, "ballot.delegated", subject)


def test_a_withdrawn_delegation_no_longer_asks_the_deputy(cabinet):
    ballot = open_ballot(cabinet)
    deputy = deputy_of(cabinet.minister, cabinet.body)
    delegation = delegation_record(
        actor=cabinet.minister, ballot=ballot, member=cabinet.minister, deputy=deputy, reason="Ốm"
    )
    delegation_withdraw(actor=cabinet.minister, delegation=delegation)
    assert not unread(deputy, "ballot.delegated", f"ballot:{ballot.pk}")
    assert unread(deputy, "ballot.delegation_withdrawn", f"ballot:{ballot.pk}")


def test_the_chairs_approval_request_is_settled_by_approving(cabinet):
    ballot = make_ballot(cabinet)
    ballots.ballot_submit(actor=cabinet.secretary, ballot=ballot)
    assert unread(cabinet.chair, "ballot.approval", f"ballot:{ballot.pk}")
    ballots.ballot_approve(actor=cabinet.chair, ballot=ballot)
    assert not unread(cabinet.chair, "ballot.approval", f"ballot:{ballot.pk}")


def test_returning_settles_the_chairs_request_and_sending_again_the_secretarys(cabinet):
    ballot = make_ballot(cabinet)
    subject = f"ballot:{ballot.pk}"
    ballots.ballot_submit(actor=cabinet.secretary, ballot=ballot)
    ballots.ballot_return(actor=cabinet.chair, ballot=ballot, note="Thêm câu hỏi 3")
    assert not unread(cabinet.chair, "ballot.approval", subject)
    assert unread(cabinet.secretary, "ballot.returned", subject)
    ballots.ballot_submit(actor=cabinet.secretary, ballot=ballot)
    assert not unread(cabinet.secretary, "ballot.returned", subject)
    assert unread(cabinet.chair, "ballot.approval", subject)  # asked again


# --- Drafts, meetings, leave -----------------------------------------------------------


def test_commenting_on_a_draft_settles_the_request_for_comments(cabinet):
    draft = circulate(cabinet)
    subject = f"circulation:{draft.pk}"
    circulation.comment_add(actor=cabinet.minister, circulation=draft, text="Đồng ý")
    assert not unread(cabinet.minister, "circulation.started", subject)
    assert unread(cabinet.members[2], "circulation.started", subject)
    assert unread(cabinet.secretary, "circulation.commented", subject)  # the author's news


def test_positions_on_every_item_settle_the_invitation(cabinet, meeting):
    subject = f"meeting:{meeting.pk}"
    first, second = meeting.items.order_by("order")
    meetings.position_mark(actor=cabinet.minister, item=first, stance="no_objection")
    assert unread(cabinet.minister, "meeting.published", subject), "one item still open"
    meetings.position_mark(actor=cabinet.minister, item=second, stance="wish_to_speak")
    assert not unread(cabinet.minister, "meeting.published", subject)
    assert unread(cabinet.members[2], "meeting.published", subject)


def test_a_deputy_marking_every_position_settles_the_members_invitation(cabinet, meeting):
    deputy = deputy_of(cabinet.minister, cabinet.body)
    leave = meetings.leave_request(
        actor=cabinet.minister, meeting=meeting, reason="Công tác", deputy=deputy
    )
    meetings.leave_decide(actor=cabinet.chair, leave=leave, approve=True)
    for item in meeting.items.all():
        meetings.position_mark(actor=deputy, item=item, stance="no_objection")
    assert not unread(cabinet.minister, "meeting.published", f"meeting:{meeting.pk}")


def test_deciding_a_leave_request_settles_the_chairs_notification(cabinet, meeting):
    leave = meetings.leave_request(actor=cabinet.minister, meeting=meeting, reason="Ốm")
    assert unread(cabinet.chair, "leave.requested", f"leave:{leave.pk}")
    meetings.leave_decide(actor=cabinet.chair, leave=leave, approve=False, note="Cần dự")
    assert not unread(cabinet.chair, "leave.requested", f"leave:{leave.pk}")
    assert unread(cabinet.minister, "leave.decided", f"leave:{leave.pk}")
