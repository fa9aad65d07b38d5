"""Reading votes: who may vote, who is present, the tally, and the result rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import F

from meetings.models import Meeting, Participant
from meetings.selectors import meeting_present_user_ids
from people.collation import sort_by_person, sort_people
from voting import secrecy
from voting.models import Ballot, Choice, Seat, SecretBallot, SecretParticipation, Vote
from voting.rules import Counts
from voting.words import result_in_words


def present_member_ids(meeting: Meeting) -> set[int]:
    """User ids of the people checked in: members and deputies."""
    return set(meeting_present_user_ids(meeting=meeting))


def seat_member_ids(*, vote: Vote) -> set[int]:
    return set(Seat.objects.filter(vote=vote).values_list("member_id", flat=True))


def voting_deputies(*, meeting: Meeting) -> dict[int, int]:
    """Deputy user id -> the member they may vote for."""
    return dict(
        Participant.objects.filter(
            meeting=meeting, kind=Participant.Kind.DEPUTY, may_vote=True
        ).values_list("user_id", "on_behalf_of_id")
    )


def present_seat_ids(*, vote: Vote, present: set[int]) -> set[int]:
    """Seats taken in the room: by the member, or by a deputy who may vote for them."""
    seats = seat_member_ids(vote=vote)
    covered = {m for d, m in voting_deputies(meeting=vote.meeting).items() if d in present}
    return seats & (present | covered)


def present_seats(*, vote: Vote, present: set[int]) -> int:
    return len(present_seat_ids(vote=vote, present=present))


def present_not_voted(*, vote: Vote, present: set[int] | None = None) -> int:
    """Seats taken in the room whose member has no ballot yet: what the chair is told
    before closing a vote early (a vote once closed at 5 of 22 that members had not seen)."""
    if present is None:
        present = present_member_ids(vote.meeting)
    model = SecretParticipation if vote.is_secret else Ballot
    voted = set(model.objects.filter(vote=vote).values_list("member_id", flat=True))
    return len(present_seat_ids(vote=vote, present=present) - voted)


@dataclass(frozen=True)
class Tally:
    counts: Counts
    participants: int  # ballots stored, counted or not
    set_aside: int = 0  # delegated ballots whose holder is not present
    set_aside_holders: list[int] = field(default_factory=list)


def vote_tally(*, vote: Vote, present: set[int] | None = None) -> Tally:
    """The counts from the stored ballots. A ballot cast by a deputy counts only while
    that deputy is present."""
    if present is None:
        present = present_member_ids(vote.meeting)
    if vote.is_secret:
        return _secret_tally(vote, present)
    ballots = list(
        Ballot.objects.filter(vote=vote).values_list("member_id", "cast_by_id", "choice")
    )
    away = sorted({c for m, c, _ in ballots if c != m and c not in present})
    counted = [choice for m, c, choice in ballots if c == m or c in present]
    return Tally(Counts.of(counted), len(ballots), len(ballots) - len(counted), away)


def _secret_tally(vote: Vote, present: set[int]) -> Tally:
    holders = SecretParticipation.objects.filter(vote=vote, recorded_by__isnull=True).exclude(
        cast_by_id=F("member_id")
    )
    away = sorted({h for h in holders.values_list("cast_by_id", flat=True) if h not in present})
    away_tags = {secrecy.holder_tag(vote_id=vote.pk, holder_id=h) for h in away}
    ballots = list(
        SecretBallot.objects.filter(vote=vote).values_list("sealed_choice", "token", "holder_tag")
    )
    # Opened here, in memory, to count: never written back in the clear.
    counted = [
        secrecy.open_choice(vote_id=vote.pk, token=token, sealed=sealed)
        for sealed, token, tag in ballots
        if tag not in away_tags
    ]
    return Tally(Counts.of(counted), len(ballots), len(ballots) - len(counted), away)


def ballots_count(*, vote: Vote) -> int:
    """How many seats have a ballot (the same number a tally calls participants)."""
    model = SecretBallot if vote.is_secret else Ballot
    return model.objects.filter(vote=vote).count()


def tally_visible(*, vote: Vote, sees_all: bool) -> bool:
    """Counts by choice show once the vote is closed; while open, unless the chair hid
    them (then only the chair and the secretariat see them). A secret vote never shows
    counts while open: next to who has just voted they would give the choice away."""
    if vote.state == Vote.State.CLOSED:
        return True
    if vote.is_secret:
        return False
    return sees_all or not vote.hide_tally


def counts_dict(counts: Counts) -> dict[str, int]:
    return {Choice.YES: counts.yes, Choice.NO: counts.no, Choice.ABSTAIN: counts.abstain}


def _body_id(vote: Vote) -> int:
    return Meeting.objects.filter(pk=vote.meeting_id).values_list("body_id", flat=True).get()


def named_ballots(*, vote: Vote) -> list[Ballot]:
    """In the body's protocol order, then by given name (people/collation.py)."""
    return sort_by_person(
        Ballot.objects.filter(vote=vote).select_related("member", "cast_by", "recorded_by"),
        person=lambda b: b.member,
        body=_body_id(vote),
    )


def secret_participations(*, vote: Vote) -> list[SecretParticipation]:
    return sort_by_person(
        SecretParticipation.objects.filter(vote=vote).select_related(
            "member", "cast_by", "recorded_by"
        ),
        person=lambda p: p.member,
        body=_body_id(vote),
    )


def seat_members(*, vote: Vote):
    seats = Seat.objects.filter(vote=vote).select_related("member")
    return sort_people((s.member for s in seats), body=_body_id(vote))


def vote_view(*, vote: Vote, access) -> dict:
    """A vote as one viewer may see it: counts only where visible, and their own ballot.
    The chair and the secretariat also see, while it is open, how many members in the
    room have not voted yet; everyone sees a closed vote's result in words."""
    sees_all = access.can_chair or access.can_manage
    present = present_member_ids(vote.meeting)
    tally = vote_tally(vote=vote, present=present)
    seats = seat_member_ids(vote=vote)
    member = access.acting_for
    may_vote = (
        vote.state == Vote.State.OPEN
        and member is not None
        and member.pk in seats
        and (access.participant.kind != Participant.Kind.DEPUTY or access.participant.may_vote)
    )
    closed = vote.state == Vote.State.CLOSED
    return {
        "id": vote.pk,
        "meeting_id": vote.meeting_id,
        "item_id": vote.item_id,
        "question": vote.question,
        "mode": vote.mode,
        "hide_tally": vote.hide_tally,
        "state": vote.state,
        "opened_at": vote.opened_at,
        "closed_at": vote.closed_at,
        "seats": len(seats),
        "cast": vote.result["cast"] if closed else tally.participants,
        "counts": (
            vote.result["counts"]
            if closed
            else counts_dict(tally.counts)
            if tally_visible(vote=vote, sees_all=sees_all)
            else None
        ),
        "result": vote.result if closed else None,
        "result_words": result_in_words(result=vote.result) if closed else None,
        "present_not_voted": (
            present_not_voted(vote=vote, present=present) if sees_all and not closed else None
        ),
        "may_vote": may_vote,
        "my_ballot": _my_ballot(vote, member),
    }


def _my_ballot(vote: Vote, member) -> dict | None:
    if member is None:
        return None
    if vote.is_secret:
        p = SecretParticipation.objects.filter(vote=vote, member=member).first()
        if p is None:
            return None
        # The server cannot say what a secret ballot holds: only the tablet knows.
        return {"choice": None, "cast_by_id": p.cast_by_id, "manual": p.recorded_by_id is not None}
    b = Ballot.objects.filter(vote=vote, member=member).first()
    if b is None:
        return None
    return {"choice": b.choice, "cast_by_id": b.cast_by_id, "manual": b.manual}


def result_rows(*, vote: Vote) -> list[dict]:
    """One row per seat of a closed vote. A secret vote says who voted, never how."""
    present = present_member_ids(vote.meeting)
    if vote.is_secret:
        cast = {p.member_id: p for p in secret_participations(vote=vote)}
    else:
        cast = {b.member_id: b for b in named_ballots(vote=vote)}
    rows = []
    for member in seat_members(vote=vote):
        entry = cast.get(member.pk)
        delegated = entry is not None and entry.cast_by_id != member.pk and not entry.recorded_by_id
        rows.append(
            {
                "member_id": member.pk,
                "member": str(member),
                "voted": entry is not None,
                "choice": None if vote.is_secret or entry is None else entry.choice,
                "cast_by": str(entry.cast_by) if entry else None,
                "delegated": delegated,
                "counted": entry is not None and (not delegated or entry.cast_by_id in present),
                "manual": bool(entry and entry.recorded_by_id),
                "recorded_by": str(entry.recorded_by) if entry and entry.recorded_by_id else None,
                "reason": entry.reason if entry else "",
            }
        )
    return rows
