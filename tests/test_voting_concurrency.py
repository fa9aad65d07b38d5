# ruff: noqa: F811  (fixtures imported from tests/test_voting_support.py)
"""Many tablets voting at once, re-voting and resending: one ballot per member, the tally
equals the stored ballots, and every acknowledged vote is stored.

Runs on PostgreSQL, where transactions really overlap (set DATABASE_URL)."""

from __future__ import annotations

import random
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import close_old_connections, connection

from ecabinet.realtime.commands import command_run
from people.models import Role
from tests.factories import UserFactory, grant
from tests.test_voting_support import absent, open_vote, receipt, secret_choices, start  # noqa: F401
from voting.models import Ballot, SecretBallot, SecretParticipation
from voting.selectors import vote_tally

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]
CHOICES = ["yes", "no", "abstain"]


@pytest.fixture
def crowd(cabinet, absent):
    """A bigger cabinet: 24 members more, all invited to a meeting that is in progress."""
    from tests.factories import make_meeting

    for n in range(24):
        grant(UserFactory(username=f"member{n:02d}"), cabinet.body, Role.MEMBER)
    meeting = make_meeting(cabinet.body, cabinet.secretary, items=2, publish=True)
    return start(meeting, cabinet.chair)


def _work(members, secret):
    """Each member sends 4 commands (3 distinct client ids, one of them twice), shuffled."""
    rng = random.Random(7)  # noqa: S311 - test data
    jobs = []
    for member in members:
        key = receipt()
        for k in range(3):
            jobs.append((member, f"member-{member.pk}-cast-{k}", rng.choice(CHOICES), key))
        jobs.append(jobs[-1])  # the duplicate submission
    rng.shuffle(jobs)
    return jobs


def _run(vote, jobs, secret):
    def cast(job):
        member, client_id, choice, key = job
        args = {"vote_id": vote.pk, "choice": choice}
        if secret:
            args["receipt"] = key
        try:
            outcome = command_run(
                actor=member,
                meeting_id=vote.meeting_id,
                name="vote.cast",
                client_id=client_id,
                args=args,
            )
            return member.pk, choice, outcome.replayed
        finally:
            close_old_connections()

    with ThreadPoolExecutor(max_workers=12) as pool:
        return list(pool.map(cast, jobs))


@pytest.mark.parametrize("mode", ["named", "secret"])
def test_concurrent_voters_keep_one_ballot_each_and_the_tally_matches(cabinet, crowd, mode):
    item = crowd.items.order_by("order").first()
    vote = open_vote(cabinet, item, mode=mode)
    members = list(vote.seats.select_related("member").values_list("member", flat=True))
    from people.models import User

    members = list(User.objects.filter(pk__in=members))
    acks = _run(vote, _work(members, mode == "secret"), mode == "secret")

    fresh = Counter(pk for pk, _, replayed in acks if not replayed)
    assert all(n == 3 for n in fresh.values()) and len(fresh) == len(members)
    assert sum(1 for *_, replayed in acks if replayed) == len(members)
    tally = vote_tally(vote=vote)
    if mode == "named":
        ballots = {b.member_id: b for b in Ballot.objects.filter(vote=vote)}
        assert set(ballots) == {m.pk for m in members}
        acked = {}
        for pk, choice, _ in acks:
            acked.setdefault(pk, set()).add(choice)
        for pk, ballot in ballots.items():
            assert ballot.changes == 2  # 3 acknowledged casts: 1 ballot, 2 changes
            assert ballot.choice in acked[pk]
        stored = Counter(b.choice for b in ballots.values())
    else:
        assert SecretParticipation.objects.filter(vote=vote).count() == len(members)
        assert SecretBallot.objects.filter(vote=vote).count() == len(members)
        stored = Counter(secret_choices(vote))
    assert (tally.counts.yes, tally.counts.no, tally.counts.abstain) == (
        stored["yes"],
        stored["no"],
        stored["abstain"],
    )
    assert tally.participants == len(members)
