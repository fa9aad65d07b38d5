"""Preparing, approving and sending back a written ballot."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from ballots import services
from ballots.models import Ballot
from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid, NotAllowed
from notifications.models import Notification
from tests.test_ballots_helpers import QUESTIONS, make_ballot, open_ballot

pytestmark = pytest.mark.django_db


def test_a_new_ballot_goes_to_every_member_and_the_chair_by_default(cabinet):
    ballot = make_ballot(cabinet)
    assert ballot.state == Ballot.State.DRAFT
    assert set(ballot.answers.values_list("member", flat=True)) == {m.pk for m in cabinet.members}
    assert list(ballot.questions.values_list("text", flat=True)) == QUESTIONS
    assert AuditEntry.objects.filter(action="ballot.created").count() == 1


def test_only_the_secretariat_prepares_a_ballot(cabinet):
    for person in (cabinet.chair, cabinet.minister, cabinet.outsider):
        with pytest.raises(NotAllowed, match="secretariat"):
            services.ballot_create(
                actor=person,
                body=cabinet.body,
                subject="x",
                questions=["q"],
                deadline=timezone.now() + dt.timedelta(days=1),
            )


def test_a_deadline_in_the_past_is_refused(cabinet):
    with pytest.raises(Invalid, match="deadline must be in the future") as error:
        services.ballot_create(
            actor=cabinet.secretary,
            body=cabinet.body,
            subject="Chủ đề",
            questions=["q"],
            deadline=timezone.now() - dt.timedelta(minutes=1),
        )
    assert "deadline" in error.value.fields


def test_missing_subject_questions_and_foreign_recipients_are_refused(cabinet):
    with pytest.raises(Invalid) as error:
        services.ballot_create(
            actor=cabinet.secretary,
            body=cabinet.body,
            subject=" ",
            questions=["", "  "],
            deadline=timezone.now() + dt.timedelta(days=1),
            recipients=[cabinet.outsider],
        )
    assert set(error.value.fields) == {"subject", "questions", "recipients"}


def test_the_chair_approves_and_the_recipients_are_told_at_once(
    cabinet, django_capture_on_commit_callbacks
):
    ballot = make_ballot(cabinet)
    services.ballot_submit(actor=cabinet.secretary, ballot=ballot)
    with pytest.raises(NotAllowed, match="chair"):
        services.ballot_approve(actor=cabinet.secretary, ballot=ballot)
    with pytest.raises(NotAllowed, match="chair"):
        services.ballot_approve(actor=cabinet.minister, ballot=ballot)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ballot = services.ballot_approve(actor=cabinet.chair, ballot=ballot)
    assert ballot.state == Ballot.State.OPEN
    assert ballot.members_total == len(cabinet.members)
    assert (ballot.majority_base, ballot.tie_break) == ("all_members", "chair_side")
    told = Notification.objects.filter(kind="ballot.opened")
    assert {n.recipient_id for n in told} == {m.pk for m in cabinet.members}
    assert {m.to[0] for m in mail.outbox} == {m.email for m in cabinet.members}
    with pytest.raises(Conflict):
        services.ballot_approve(actor=cabinet.chair, ballot=ballot)


def test_the_chair_sends_a_ballot_back_with_a_note_and_it_can_be_fixed(cabinet):
    ballot = make_ballot(cabinet)
    services.ballot_submit(actor=cabinet.secretary, ballot=ballot)
    with pytest.raises(Invalid):
        services.ballot_return(actor=cabinet.chair, ballot=ballot, note=" ")
    ballot = services.ballot_return(actor=cabinet.chair, ballot=ballot, note="Thêm câu hỏi 3")
    assert ballot.state == Ballot.State.DRAFT and ballot.return_note == "Thêm câu hỏi 3"
    assert Notification.objects.filter(kind="ballot.returned", recipient=cabinet.secretary)
    ballot = services.ballot_update(
        actor=cabinet.secretary,
        ballot=ballot,
        subject=ballot.subject,
        questions=[*QUESTIONS, "Câu hỏi 3?"],
        deadline=ballot.deadline,
        recipients=cabinet.members[:3],
    )
    assert ballot.questions.count() == 3 and ballot.answers.count() == 3
    services.ballot_submit(actor=cabinet.secretary, ballot=ballot)
    assert services.ballot_approve(actor=cabinet.chair, ballot=ballot).state == "open"


def test_an_open_ballot_can_no_longer_be_edited(cabinet):
    ballot = open_ballot(cabinet)
    with pytest.raises(Conflict):
        services.ballot_update(
            actor=cabinet.secretary,
            ballot=ballot,
            subject="x",
            questions=["q"],
            deadline=ballot.deadline,
        )


def test_approving_after_the_deadline_passed_is_refused(cabinet):
    ballot = make_ballot(cabinet)
    services.ballot_submit(actor=cabinet.secretary, ballot=ballot)
    Ballot.objects.filter(pk=ballot.pk).update(deadline=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(Invalid, match="future"):
        services.ballot_approve(actor=cabinet.chair, ballot=ballot)
