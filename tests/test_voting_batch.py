# ruff: noqa: F811  (fixtures imported from tests/test_voting_support.py)
"""Casts written at once: a batch of casts in one vote is checked cast by cast and
written in a few statements whatever its size (the vote locked once, the voters'
places and ballots read in one query each, one insert of ballots, one run of the audit
chain, one event, one tally). Each cast still gets the answer it would get alone, in its
own language; a refused cast writes nothing; a seat cast twice in the batch is a change
of the first; and a batch that cannot be written at once is written one by one."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ecabinet.audit.models import AuditEntry
from ecabinet.audit.services import chain_verify
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from ecabinet.realtime.commands import (
    COMMANDS,
    Outcome,
    command,
    command_batch,
    commands_run_together,
)
from ecabinet.realtime.models import ClientCommand, StoredEvent
from meetings.models import Participant
from people.models import Role
from tests.factories import UserFactory, grant, make_meeting
from tests.test_voting_support import (  # noqa: F401
    absent,
    add_deputy,
    item,
    live,
    open_vote,
    receipt,
    secret_choices,
    start,
)
from voting.models import Ballot, SecretBallot, SecretParticipation, Vote

pytestmark = pytest.mark.django_db(transaction=True)


def cast(user, vote, client_id, choice, *, language="vi", meeting_id=None, **extra):
    return {
        "actor": user,
        "meeting_id": meeting_id or vote.meeting_id,
        "name": "vote.cast",
        "client_id": client_id,
        "args": {"vote_id": vote.pk, "choice": choice, **extra},
        "language": language,
    }


def written_at_once(requests):
    """Run the batch and return its answers and the SQL statements it took."""
    with CaptureQueriesContext(connection) as statements:
        answers = commands_run_together(requests)
    return answers, len(statements)


def test_a_batch_answers_each_cast_as_alone_and_writes_only_what_stands(cabinet, item):
    vote = open_vote(cabinet, item)
    chair, first, second, third, fourth, fifth = cabinet.members
    # Earlier, alone: the fourth minister's ballot, kept with its client_id.
    [earlier] = commands_run_together([cast(fourth, vote, "cast-fourth-1", "no")])
    assert isinstance(earlier, Outcome) and not earlier.replayed
    other_meeting = make_meeting(cabinet.body, cabinet.secretary, publish=True)

    answers = commands_run_together(
        [
            cast(first, vote, "cast-first-1", "yes"),
            cast(second, vote, "cast-second-1", "maybe"),  # not a choice
            cast(cabinet.outsider, vote, "cast-outsider-1", "no"),  # not in the meeting
            cast(cabinet.observer, vote, "cast-observer-1", "yes"),  # sees, never votes
            cast(fourth, vote, "cast-fourth-1", "no"),  # the retry of the earlier cast
            cast(fourth, vote, "cast-fourth-2", "yes", member_id=fifth.pk),  # another's seat
            cast(fifth, vote, "cast-fourth-1", "no", meeting_id=other_meeting.pk),
            cast(third, vote, "cast-third-1", "abstain", language="en"),
            cast(first, vote, "cast-first-2", "no"),  # the same seat again: a change
            cast(chair, vote, "cast-chair-1", "yes"),
        ]
    )

    kinds = [type(answer) for answer in answers]
    assert kinds == [
        Outcome,
        Invalid,
        NotFound,  # another body's meeting is not there for them
        NotAllowed,
        Outcome,
        NotAllowed,
        NotFound,  # that vote is not in the meeting the socket is in
        Outcome,
        Outcome,
        Outcome,
    ]
    assert str(answers[1]) == "Vui lòng chọn tán thành, không tán thành hoặc không biểu quyết."
    assert answers[4].replayed and answers[4].result == earlier.result
    assert answers[7].result["choice"] == "abstain" and not answers[7].replayed
    assert answers[0].result["changed"] is False and answers[8].result["changed"] is True
    stored = dict(Ballot.objects.filter(vote=vote).values_list("member_id", "choice"))
    assert stored == {first.pk: "no", third.pk: "abstain", fourth.pk: "no", chair.pk: "yes"}
    assert Ballot.objects.get(vote=vote, member=first).changes == 1
    assert set(ClientCommand.objects.values_list("client_id", flat=True)) == {
        "cast-fourth-1",
        "cast-first-1",
        "cast-third-1",
        "cast-first-2",
        "cast-chair-1",
    }
    # One event for the ballots the batch wrote, their audit entries in arrival order,
    # and the chain whole.
    [together] = StoredEvent.objects.filter(type="vote.ballots_cast")
    assert together.payload["member_ids"] == [first.pk, third.pk, chair.pk, first.pk]
    assert together.payload["choices"] == ["yes", "abstain", "yes", "no"]
    entries = AuditEntry.objects.filter(action="vote.ballot_cast").order_by("seq")
    assert [(e.details["member"], e.details["choice"]) for e in entries] == [
        (fourth.pk, "no"),
        (first.pk, "yes"),
        (third.pk, "abstain"),
        (chair.pk, "yes"),
        (first.pk, "no"),
    ]
    assert chain_verify() == []


def test_a_refusal_in_a_batch_speaks_the_language_of_its_tablet(cabinet, item):
    vote = open_vote(cabinet, item)
    answers = commands_run_together(
        [
            cast(cabinet.members[1], vote, "cast-vi-0001", "maybe", language="vi"),
            cast(cabinet.members[2], vote, "cast-en-0001", "maybe", language="en"),
        ]
    )
    assert [str(a) for a in answers] == [
        "Vui lòng chọn tán thành, không tán thành hoặc không biểu quyết.",
        "Choose in favour, against or abstain.",
    ]
    assert not Ballot.objects.exists() and not ClientCommand.objects.exists()


def test_a_closed_vote_refuses_the_whole_batch_and_a_deputy_votes_with_leave(cabinet, live):
    item = live.items.order_by("order").first()
    member, other = cabinet.members[1], cabinet.members[2]
    deputy = add_deputy(cabinet, live, other, may_vote=True)
    vote = open_vote(cabinet, item)
    answers = commands_run_together(
        [cast(member, vote, "cast-member-1", "yes"), cast(deputy, vote, "cast-deputy-1", "no")]
    )
    assert [a.result["cast_by_id"] for a in answers] == [member.pk, deputy.pk]
    assert Ballot.objects.get(vote=vote, member=other).cast_by == deputy

    Vote.objects.filter(pk=vote.pk).update(state=Vote.State.CLOSED, result={})
    answers = commands_run_together(
        [cast(member, vote, "cast-member-2", "no"), cast(deputy, vote, "cast-deputy-2", "yes")]
    )
    assert [type(a) for a in answers] == [Conflict, Conflict]
    assert dict(Ballot.objects.filter(vote=vote).values_list("member_id", "choice")) == {
        member.pk: "yes",
        other.pk: "no",
    }


def test_a_secret_batch_seals_each_ballot_and_changes_only_with_the_tablets_receipt(cabinet, item):
    vote = open_vote(cabinet, item, mode="secret")
    first, second, third = cabinet.members[1], cabinet.members[2], cabinet.members[3]
    kept = {user.pk: receipt() for user in (first, second, third)}
    commands_run_together(
        [
            cast(first, vote, "secret-first-1", "yes", receipt=kept[first.pk]),
            cast(second, vote, "secret-second-1", "no", receipt=kept[second.pk]),
        ]
    )
    answers = commands_run_together(
        [
            cast(first, vote, "secret-first-2", "no", receipt=kept[first.pk]),  # a change
            cast(second, vote, "secret-second-2", "yes", receipt=receipt()),  # not its tablet
            cast(third, vote, "secret-third-1", "abstain", receipt=kept[third.pk]),
            cast(third, vote, "secret-third-2", "yes"),  # no receipt
        ]
    )
    assert [type(a) for a in answers] == [Outcome, Conflict, Outcome, Invalid]
    assert [a.result["changed"] for a in (answers[0], answers[2])] == [True, False]
    assert all(a.result["choice"] is None for a in (answers[0], answers[2]))
    assert SecretParticipation.objects.filter(vote=vote).count() == 3
    assert SecretBallot.objects.filter(vote=vote).count() == 3
    assert sorted(secret_choices(vote)) == ["abstain", "no", "no"]
    # Nothing names whose ballot is whose, nor what a tablet was told.
    assert not Ballot.objects.exists()
    assert all("choice" not in e.details for e in AuditEntry.objects.filter(target_id=vote.pk))
    assert not StoredEvent.objects.filter(type__in=["vote.ballot_cast", "vote.ballots_cast"])
    assert chain_verify() == []


def test_a_batch_takes_as_many_statements_for_forty_voters_as_for_five(cabinet):
    extra = [
        grant(UserFactory(username=f"delegate{n}"), cabinet.body, Role.MEMBER) for n in range(45)
    ]
    meeting = start(make_meeting(cabinet.body, cabinet.secretary, publish=True), cabinet.chair)
    assert meeting.participants.filter(kind=Participant.Kind.MEMBER).count() == 51
    item = meeting.items.order_by("order").first()
    statements = {}
    for mode in ("named", "secret"):
        vote = open_vote(cabinet, item, mode=mode)
        for size, voters in (("five", extra[:5]), ("forty", extra[5:45])):
            requests = [
                cast(user, vote, f"{mode}-{user.pk}-0001", "yes", receipt=receipt())
                if mode == "secret"
                else cast(user, vote, f"{mode}-{user.pk}-0001", "yes")
                for user in voters
            ]
            answers, statements[mode, size] = written_at_once(requests)
            assert all(isinstance(a, Outcome) and not a.replayed for a in answers)
        Vote.objects.filter(pk=vote.pk).update(state=Vote.State.CLOSED, result={})
    assert Ballot.objects.count() == 45 and SecretBallot.objects.count() == 45
    # The first batch of a vote pushes the whole tally; the next only counts.
    assert statements["named", "forty"] <= statements["named", "five"], statements
    assert statements["secret", "forty"] <= statements["secret", "five"], statements
    assert statements["named", "forty"] < 40, statements  # alone, about 20 for each cast
    assert chain_verify() == []


@pytest.fixture
def batch_with_a_defect():
    """A command whose batch handler fails, as a defect would, after writing."""
    written = []

    def handler(*, actor, meeting_id, n):
        written.append(n)
        return {"n": n}

    def together(items):
        AuditEntry.objects.filter(pk=-1).update(action="never")  # a write, then the defect
        raise RuntimeError("a defect in a batch")

    from ninja import Schema
    from pydantic import ConfigDict

    class Args(Schema):
        model_config = ConfigDict(extra="forbid")
        n: int

    command("test.numbered", args=Args, together="n")(handler)
    command_batch("test.numbered")(together)
    yield written
    del COMMANDS["test.numbered"]


def test_a_batch_that_fails_is_written_one_by_one(cabinet, batch_with_a_defect):
    member = cabinet.members[1]
    requests = [
        {
            "actor": member,
            "meeting_id": 1,
            "name": "test.numbered",
            "client_id": f"numbered-{n}-0001",
            "args": {"n": 7},
            "language": "vi",
        }
        for n in range(3)
    ]
    answers = commands_run_together(requests)
    assert [a.result for a in answers] == [{"n": 7}] * 3
    assert batch_with_a_defect == [7, 7, 7]
    assert ClientCommand.objects.filter(name="test.numbered").count() == 3


def test_a_batch_with_the_tally_hidden_names_the_seats_and_no_choice(cabinet, item):
    # Every tablet in the room gets this event: while the chair hides the tally, it says
    # whose ballots were written and nothing of how they voted.
    vote = open_vote(cabinet, item, hide_tally=True)
    _chair, first, second, *_rest = cabinet.members
    commands_run_together(
        [cast(first, vote, "hidden-first-1", "yes"), cast(second, vote, "hidden-second-1", "no")]
    )
    [together] = StoredEvent.objects.filter(type="vote.ballots_cast")
    assert together.payload == {
        "vote_id": vote.pk,
        "agenda_item_id": item.pk,
        "member_ids": [first.pk, second.pk],
        "choices": None,
    }
    [tally] = StoredEvent.objects.filter(type="vote.tally_changed")
    assert tally.payload["cast"] == 2 and tally.payload["counts"] is None
