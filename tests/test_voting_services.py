# ruff: noqa: F811  (fixtures imported from tests/test_voting_support.py)
"""Opening, casting, changing, recording by hand and closing votes, by role, with the
body's rules; the frozen list of voters; deputies; secret ballots that cannot be linked."""

from __future__ import annotations

import pytest
from django.db import connection

from ecabinet.audit.models import AuditEntry
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from meetings.models import Participant
from people.models import Role
from tests.factories import UserFactory, grant
from tests.test_voting_support import (  # noqa: F401
    absent,
    add_deputy,
    item,
    live,
    open_vote,
    receipt,
    secret_choices,
)
from voting import services
from voting.models import Ballot, SecretBallot, SecretParticipation, Vote
from voting.secrecy import ballot_token
from voting.selectors import vote_tally

pytestmark = pytest.mark.django_db


def cast(user, vote, choice, **kwargs):
    return services.ballot_cast(actor=user, vote_id=vote.pk, choice=choice, **kwargs)


def close(cabinet, vote, **kwargs):
    return services.vote_close(actor=cabinet.chair, vote_id=vote.pk, **kwargs)


# --- Opening ------------------------------------------------------------------------


def test_the_chair_opens_a_vote_and_the_list_of_voters_is_frozen(cabinet, item):
    vote = open_vote(cabinet, item, question="  Thông qua dự thảo Nghị định?  ")
    assert (vote.question, vote.mode, vote.state, vote.chair) == (
        "Thông qua dự thảo Nghị định?",
        "named",
        "open",
        cabinet.chair,
    )
    assert set(vote.seats.values_list("member_id", flat=True)) == {m.pk for m in cabinet.members}
    assert (vote.members_total, vote.majority_base, vote.tie_break) == (
        6,
        "all_members",
        "chair_side",
    )
    entry = AuditEntry.objects.get(action="vote.opened")
    assert entry.details["seats"] == 6


@pytest.mark.parametrize(
    ("role", "error"),
    [
        ("secretary", NotAllowed),
        ("minister", NotAllowed),
        ("guest", NotFound),
        ("outsider", NotFound),
        ("auditor", NotFound),
    ],
)
def test_only_the_chair_opens_a_vote(cabinet, item, role, error):
    with pytest.raises(error):
        services.vote_open(actor=getattr(cabinet, role), item=item, question="Thông qua?")
    assert not Vote.objects.exists()


def test_a_vote_opens_only_while_the_meeting_is_in_progress(cabinet, meeting, absent):
    with pytest.raises(Conflict, match="in progress"):
        open_vote(cabinet, meeting.items.first())


def test_one_open_vote_per_item_and_a_question_is_required(cabinet, item):
    with pytest.raises(Invalid) as error:
        open_vote(cabinet, item, question="   ")
    assert error.value.fields == {"question": ["Required."]}
    with pytest.raises(Invalid):
        open_vote(cabinet, item, mode="show_of_hands")
    open_vote(cabinet, item)
    with pytest.raises(Conflict, match="already open"):
        open_vote(cabinet, item)


# --- Casting and changing -------------------------------------------------------------


def test_a_member_votes_then_changes_the_vote_and_keeps_one_ballot(cabinet, item):
    vote = open_vote(cabinet, item)
    first = cast(cabinet.minister, vote, "yes")
    second = cast(cabinet.minister, vote, "no")
    assert (first.changed, second.changed, second.choice) == (False, True, "no")
    ballot = Ballot.objects.get(vote=vote)
    assert (ballot.member, ballot.choice, ballot.changes, ballot.manual) == (
        cabinet.minister,
        "no",
        1,
        False,
    )
    actions = list(
        AuditEntry.objects.filter(action="vote.ballot_cast").values_list("details", flat=True)
    )
    assert [a["choice"] for a in actions] == ["yes", "no"]


@pytest.mark.parametrize("choice", ["maybe", "", None, 1])
def test_an_unknown_choice_is_refused(cabinet, item, choice):
    vote = open_vote(cabinet, item)
    with pytest.raises(Invalid) as error:
        cast(cabinet.minister, vote, choice)
    assert "choice" in error.value.fields


@pytest.mark.parametrize(
    ("role", "error"),
    [
        ("secretary", NotAllowed),
        ("observer", NotAllowed),
        ("guest", NotAllowed),
        ("outsider", NotFound),
    ],
)
def test_those_who_are_not_members_cannot_vote(cabinet, item, role, error):
    vote = open_vote(cabinet, item)
    if role == "guest":
        # A guest invited to this very item still never votes.
        guest = Participant.objects.create(meeting=item.meeting, user=cabinet.guest, kind="guest")
        guest.items.add(item)
    with pytest.raises(error):
        cast(getattr(cabinet, role), vote, "yes")
    assert not Ballot.objects.exists()


def test_voting_for_someone_else_is_refused(cabinet, item):
    vote = open_vote(cabinet, item)
    with pytest.raises(NotAllowed, match="someone else"):
        cast(cabinet.minister, vote, "yes", member_id=cabinet.members[2].pk)
    assert not Ballot.objects.exists()


def test_voting_after_the_close_is_refused(cabinet, item):
    vote = open_vote(cabinet, item)
    close(cabinet, vote)
    with pytest.raises(Conflict, match="closed"):
        cast(cabinet.minister, vote, "yes")
    with pytest.raises(Conflict, match="closed"):
        close(cabinet, vote)


def test_a_member_added_after_the_vote_opened_cannot_vote(cabinet, item):
    vote = open_vote(cabinet, item)
    newcomer = grant(UserFactory(username="newminister"), cabinet.body, Role.MEMBER)
    Participant.objects.create(meeting=item.meeting, user=newcomer, kind="member", may_vote=True)
    with pytest.raises(NotAllowed, match="not on the list"):
        cast(newcomer, vote, "yes")


# --- Deputies -----------------------------------------------------------------------


def test_a_deputy_votes_for_the_member_only_with_the_chairs_leave(cabinet, live, item):
    member = cabinet.members[3]
    deputy = add_deputy(cabinet, live, member, may_vote=False)
    vote = open_vote(cabinet, item)
    with pytest.raises(NotAllowed, match="not allowed you to vote"):
        cast(deputy, vote, "yes")
    Participant.objects.filter(user=deputy).update(may_vote=True)
    result = cast(deputy, vote, "yes")
    assert (result.member_id, result.cast_by_id) == (member.pk, deputy.pk)
    with pytest.raises(NotAllowed, match="someone else"):
        cast(deputy, vote, "yes", member_id=cabinet.members[4].pk)


def test_a_delegated_vote_counts_only_while_its_holder_is_present(cabinet, live, item, absent):
    deputy = add_deputy(cabinet, live, cabinet.members[3], may_vote=True)
    vote = open_vote(cabinet, item)
    cast(deputy, vote, "yes")
    cast(cabinet.minister, vote, "yes")
    assert vote_tally(vote=vote).counts.yes == 2
    absent.add(deputy.pk)
    tally = vote_tally(vote=vote)
    assert (tally.counts.yes, tally.set_aside, tally.set_aside_holders) == (1, 1, [deputy.pk])
    result = close(cabinet, vote).result
    assert (result["counts"]["yes"], result["cast"], result["set_aside"]) == (1, 2, 1)


def test_a_secret_delegated_vote_is_set_aside_when_its_holder_leaves(cabinet, live, item, absent):
    deputy = add_deputy(cabinet, live, cabinet.members[3], may_vote=True)
    vote = open_vote(cabinet, item, mode="secret")
    cast(deputy, vote, "no", receipt=receipt())
    cast(cabinet.minister, vote, "no", receipt=receipt())
    absent.add(deputy.pk)
    result = close(cabinet, vote).result
    assert (result["counts"]["no"], result["cast"], result["set_aside"]) == (1, 2, 1)


# --- Manual ballots -------------------------------------------------------------------


def test_the_secretariat_records_a_vote_by_hand_with_a_reason(cabinet, item):
    vote = open_vote(cabinet, item)
    member = cabinet.members[4]
    result = services.ballot_record_manual(
        actor=cabinet.secretary,
        vote_id=vote.pk,
        member_id=member.pk,
        choice="abstain",
        reason="Máy tính bảng hỏng",
    )
    assert (result.manual, result.member_id, result.choice) == (True, member.pk, "abstain")
    ballot = Ballot.objects.get(vote=vote, member=member)
    assert (ballot.recorded_by, ballot.reason, ballot.cast_by) == (
        cabinet.secretary,
        "Máy tính bảng hỏng",
        member,
    )
    entry = AuditEntry.objects.get(action="vote.ballot_recorded")
    assert entry.details["reason"] == "Máy tính bảng hỏng"


def test_a_manual_vote_needs_a_reason_a_voter_and_the_secretariat(cabinet, item):
    vote = open_vote(cabinet, item)

    def record(actor, member_id, reason="Không có máy"):
        return services.ballot_record_manual(
            actor=actor, vote_id=vote.pk, member_id=member_id, choice="yes", reason=reason
        )

    with pytest.raises(NotAllowed):
        record(cabinet.minister, cabinet.members[2].pk)
    with pytest.raises(NotAllowed):
        record(cabinet.chair, cabinet.members[2].pk)
    with pytest.raises(Invalid) as error:
        record(cabinet.secretary, cabinet.members[2].pk, reason="  ")
    assert "reason" in error.value.fields
    with pytest.raises(Invalid) as error:
        record(cabinet.secretary, cabinet.guest.pk)
    assert "member_id" in error.value.fields
    assert not Ballot.objects.exists()


# --- Results --------------------------------------------------------------------------


def test_more_than_half_of_all_members_adopts(cabinet, item):
    vote = open_vote(cabinet, item)
    for member in cabinet.members[:4]:
        cast(member, vote, "yes")
    cast(cabinet.members[4], vote, "no")
    result = close(cabinet, vote).result
    assert result == {
        "counts": {"yes": 4, "no": 1, "abstain": 0},
        "cast": 5,
        "seats": 6,
        "not_voted": 1,
        "set_aside": 0,
        "members_total": 6,
        "present": 6,
        "majority_base": "all_members",
        "tie_break": "chair_side",
        "adopted": True,
        "base": 6,
        "needed": 4,
        "tie": False,
        "decided_by": "majority",
        "chair_choice": None,
    }


def test_a_named_tie_goes_the_chairs_way(cabinet, item):
    vote = open_vote(cabinet, item)
    for member, choice in zip(
        cabinet.members, ["yes", "yes", "yes", "no", "no", "no"], strict=True
    ):
        cast(member, vote, choice)
    result = close(cabinet, vote).result
    assert (result["adopted"], result["decided_by"], result["chair_choice"]) == (
        True,
        "chair_side",
        "yes",
    )


def test_a_secret_tie_is_settled_by_the_chairs_receipt_or_fails_without_it(cabinet, live):
    items = list(live.items.order_by("order"))
    chair_receipt = receipt()
    outcomes = []
    for agenda_item, with_receipt in zip(items, [True, False], strict=True):
        vote = open_vote(cabinet, agenda_item, mode="secret")
        choices = ["no", "yes", "yes", "no", "no", "yes"]
        for member, choice in zip(cabinet.members, choices, strict=True):
            key = chair_receipt if member == cabinet.chair else receipt()
            cast(member, vote, choice, receipt=key)
        kwargs = {"chair_receipt": chair_receipt} if with_receipt else {}
        outcomes.append(close(cabinet, vote, **kwargs).result)
    assert [(r["adopted"], r["decided_by"], r["chair_choice"]) for r in outcomes] == [
        (False, "chair_side", "no"),
        (False, "tie_fails", None),
    ]


def test_a_wrong_chair_receipt_is_refused_on_a_secret_tie(cabinet, item):
    vote = open_vote(cabinet, item, mode="secret")
    cast(cabinet.chair, vote, "yes", receipt=receipt())
    cast(cabinet.minister, vote, "no", receipt=receipt())
    with pytest.raises(Invalid) as error:
        close(cabinet, vote, chair_receipt=receipt())
    assert "chair_receipt" in error.value.fields
    assert Vote.objects.get(pk=vote.pk).state == "open"


def test_only_the_chair_closes(cabinet, item):
    vote = open_vote(cabinet, item)
    with pytest.raises(NotAllowed):
        services.vote_close(actor=cabinet.secretary, vote_id=vote.pk)
    with pytest.raises(NotFound):
        services.vote_close(actor=cabinet.outsider, vote_id=vote.pk)
    with pytest.raises(NotFound):
        services.vote_close(actor=cabinet.chair, vote_id=vote.pk + 1000)


# --- Secret ballots -------------------------------------------------------------------


def test_a_secret_vote_is_changed_only_with_the_tablets_receipt(cabinet, item):
    vote = open_vote(cabinet, item, mode="secret")
    mine = receipt()
    first = cast(cabinet.minister, vote, "yes", receipt=mine)
    assert (first.secret, first.choice, first.changed) == (True, None, False)
    with pytest.raises(Conflict, match="only from the tablet"):
        cast(cabinet.minister, vote, "no", receipt=receipt())
    assert cast(cabinet.minister, vote, "no", receipt=mine).changed
    assert secret_choices() == ["no"]
    assert SecretParticipation.objects.count() == 1
    with pytest.raises(Invalid) as error:
        cast(cabinet.members[2], vote, "yes")
    assert "receipt" in error.value.fields


def test_a_secret_manual_ballot_cannot_be_changed(cabinet, item):
    vote = open_vote(cabinet, item, mode="secret")
    services.ballot_record_manual(
        actor=cabinet.secretary,
        vote_id=vote.pk,
        member_id=cabinet.minister.pk,
        choice="yes",
        reason="Ốm",
    )
    with pytest.raises(Conflict):
        services.ballot_record_manual(
            actor=cabinet.secretary,
            vote_id=vote.pk,
            member_id=cabinet.minister.pk,
            choice="no",
            reason="Ốm",
        )
    participation = SecretParticipation.objects.get()
    assert (participation.recorded_by, participation.reason) == (cabinet.secretary, "Ốm")


def test_the_stored_rows_of_a_secret_vote_cannot_be_joined_member_to_choice(cabinet, item):
    vote = open_vote(cabinet, item, mode="secret")
    for member, choice in zip(
        cabinet.members, ["yes", "no", "yes", "abstain", "yes", "no"], strict=True
    ):
        cast(member, vote, choice, receipt=receipt())
    # The ballot table: a random id, the vote, the sealed choice, two keyed hashes.
    fields = {f.name: f for f in SecretBallot._meta.get_fields()}
    assert set(fields) == {"id", "vote", "sealed_choice", "token", "holder_tag"}
    assert not any(f.is_relation and f.related_model.__name__ == "User" for f in fields.values())
    assert fields["id"].get_internal_type() == "UUIDField"
    assert SecretParticipation._meta.get_field("member")
    assert not {f.name for f in SecretParticipation._meta.get_fields()} & {
        "choice",
        "ballot",
        "token",
        "created_at",
        "updated_at",
    }
    # The ids are random (UUID4), not a sequence.
    ids = list(SecretBallot.objects.values_list("id", flat=True))
    assert {i.version for i in ids} == {4}
    # No audit entry, no event, no command answer names a secret ballot's choice.
    for entry in AuditEntry.objects.filter(action__startswith="vote.ballot"):
        assert "choice" not in entry.details
    assert sorted(secret_choices()) == sorted(["yes", "no", "yes", "abstain", "yes", "no"])


def _xmin_rows(vote, token):
    """How many of the vote's ballots the transaction that last wrote `token`'s wrote."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM voting_secretballot WHERE vote_id = %s AND xmin = "
            "(SELECT xmin FROM voting_secretballot WHERE token = %s)",
            [vote.pk, token],
        )
        return cursor.fetchone()[0]


@pytest.fixture
def crowd(cabinet):
    """Fourteen more members, so that a vote has more seats than a cast rewrites."""
    return [grant(UserFactory(username=f"member{n}"), cabinet.body, Role.MEMBER) for n in range(14)]


def test_a_secret_cast_rewrites_a_few_ballots_and_the_close_rewrites_them_all(cabinet, crowd, live):
    # Each cast deletes and inserts again, under new random ids and in a random order, its
    # own ballot and MIX others (never all of them: a cast costs the same at any size);
    # the close rewrites them all, so the table's order and its last writer say nothing
    # of the order of voting (odds of a false failure here: 1 in 20!).
    vote = open_vote(cabinet, live.items.order_by("order").first(), mode="secret")
    voters = [*cabinet.members, *crowd]
    assert vote.seats.count() == len(voters) == 20 > services.MIX + 1
    tokens, keys = [], {}
    for n, member in enumerate(voters, start=1):
        before = set(SecretBallot.objects.filter(vote=vote).values_list("id", flat=True))
        keys[member.pk] = receipt()
        cast(member, vote, "yes", receipt=keys[member.pk])
        token = ballot_token(vote_id=vote.pk, member_id=member.pk, receipt=keys[member.pk])
        tokens.append(token)
        after = dict(SecretBallot.objects.filter(vote=vote).values_list("id", "token"))
        assert sorted(after.values()) == sorted(tokens)  # none lost, none doubled
        rewritten = set(after) - before
        assert len(rewritten) == min(n, services.MIX + 1)
        assert token in {after[pk] for pk in rewritten}
        if connection.vendor == "postgresql":
            assert _xmin_rows(vote, token) == min(n, services.MIX + 1)

    # A change from the tablet rewrites its ballot with others too, and stays one ballot.
    member = voters[3]
    cast(member, vote, "no", receipt=keys[member.pk])
    assert SecretBallot.objects.filter(vote=vote).count() == len(voters)
    assert sorted(secret_choices(vote)) == sorted(["yes"] * 19 + ["no"])

    close(cabinet, vote)
    stored = list(SecretBallot.objects.filter(vote=vote).order_by().values_list("token", flat=True))
    assert sorted(stored) == sorted(tokens)
    assert stored != tokens
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT xmin::text FROM voting_secretballot WHERE vote_id = %s",
                [vote.pk],
            )
            assert len(cursor.fetchall()) == 1  # all written by the close


def test_hidden_tally_is_kept_from_members_until_the_close(cabinet, item):
    from meetings.access import meeting_access
    from voting.selectors import vote_view

    vote = open_vote(cabinet, item, hide_tally=True)
    cast(cabinet.minister, vote, "yes")

    def view(user):
        return vote_view(
            vote=Vote.objects.get(pk=vote.pk),
            access=meeting_access(user=user, meeting=item.meeting),
        )

    member_view = view(cabinet.members[2])
    assert (member_view["counts"], member_view["cast"]) == (None, 1)
    assert view(cabinet.chair)["counts"] == {"yes": 1, "no": 0, "abstain": 0}
    close(cabinet, vote)
    assert view(cabinet.members[2])["counts"] == {"yes": 1, "no": 0, "abstain": 0}
