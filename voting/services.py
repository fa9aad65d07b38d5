"""Every change to a vote goes through here: checked, locked, audited and announced.

Opening, closing and casting lock the vote's row (the meeting's row, for opening) in one
transaction; database constraints keep one ballot per seat even if a lock were missed.
"""

from __future__ import annotations

import random
import uuid
from contextlib import nullcontext
from dataclasses import asdict, dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ecabinet import audit
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound, ServiceError
from ecabinet.realtime import later
from ecabinet.realtime.events import publish
from meetings.access import (
    MeetingAccess,
    ensure_access_to_item,
    ensure_can_chair,
    ensure_can_manage,
    meeting_accesses,
)
from meetings.models import AgendaItem, Meeting, Participant
from notifications.alerts import alert_vote_closed, alert_vote_opened
from people.models import User
from people.selectors import body_members
from voting import secrecy, selectors
from voting.events import BallotCast, VoteClosed, VoteOpened, VoteTallyChanged
from voting.models import Ballot, Choice, Seat, SecretBallot, SecretParticipation, Vote
from voting.rules import CHAIR_SIDE, decide

# The running tally is pushed at most this often per vote (docs/voting.md).
TALLY_INTERVAL = timedelta(milliseconds=250)


@dataclass(frozen=True)
class CastResult:
    """What a voter is told back. For a secret vote it never holds the choice: the
    answer to a tablet command is kept (for retries) next to the voter's id."""

    vote_id: int
    member_id: int
    cast_by_id: int
    secret: bool
    changed: bool
    manual: bool
    choice: str | None

    def as_dict(self) -> dict:
        return asdict(self)


def _lock(vote_id: int) -> Vote:
    vote = (
        Vote.objects.select_for_update(of=("self",))
        .select_related("meeting__body", "item")
        .filter(pk=vote_id)
        .first()
    )
    if vote is None:
        raise NotFound(_("Vote not found."))
    vote.item.meeting = vote.meeting  # one meeting object, not a second query for it
    return vote


def _ensure_open(vote: Vote) -> None:
    if vote.state != Vote.State.OPEN:
        raise Conflict(_("This vote is closed; no more ballots are accepted."))


def _clean_choice(choice: object) -> str:
    if choice not in Choice.values:
        message = _("Choose in favour, against or abstain.")
        raise Invalid(message, fields={"choice": [message]})
    return str(choice)


# --- Opening and closing ------------------------------------------------------


def meeting_close_check_votes(*, actor: User, meeting: Meeting) -> None:
    """Run by meeting_close (registered in voting/apps.py): a meeting never closes over an
    open vote, which would otherwise stay open with nobody left to close it."""
    if Vote.objects.filter(meeting=meeting, state=Vote.State.OPEN).exists():
        raise Conflict(_("A vote is still open: close it before closing the meeting."))


@transaction.atomic
def vote_open(
    *, actor: User, item: AgendaItem, question: str, mode: str = "named", hide_tally: bool = False
) -> Vote:
    """Open a vote on an item and freeze the list of members entitled to vote."""
    meeting = Meeting.objects.select_for_update().select_related("body").get(pk=item.meeting_id)
    ensure_can_chair(user=actor, meeting=meeting)
    if meeting.state != Meeting.State.IN_PROGRESS:
        raise Conflict(_("Votes are taken only while the meeting is in progress."))
    question = (question or "").strip()
    if not question:
        raise Invalid(_("Ask a question."), fields={"question": [_("Required.")]})
    if mode not in Vote.Mode.values:
        raise Invalid(_("Unknown kind of vote."), fields={"mode": [_("Named or secret.")]})
    if Vote.objects.filter(item=item, state=Vote.State.OPEN).exists():
        raise Conflict(_("A vote on this item is already open."))
    seats = list(
        meeting.participants.filter(kind=Participant.Kind.MEMBER).values_list("user_id", flat=True)
    )
    vote = Vote.objects.create(
        meeting=meeting,
        item=item,
        question=question,
        mode=mode,
        hide_tally=bool(hide_tally),
        chair=actor,
        opened_at=timezone.now(),
        members_total=body_members(body=meeting.body).count(),
        majority_base=meeting.body.majority_base,
        tie_break=meeting.body.tie_break,
    )
    Seat.objects.bulk_create(Seat(vote=vote, member_id=m) for m in seats)
    details = {"item_id": item.pk, "question": question, "mode": mode, "seats": len(seats)}
    audit.record(
        actor=actor,
        action="vote.opened",
        target=vote,
        body_id=meeting.body_id,
        details={**details, "hide_tally": vote.hide_tally},
    )
    publish(
        meeting_id=meeting.pk,
        event=VoteOpened(vote.pk, item.pk, question, mode, vote.hide_tally, len(seats)),
    )
    alert_vote_opened(
        recipient_ids=_alerted(meeting.pk, seats, voting_only=True),
        vote_id=vote.pk,
        meeting_id=meeting.pk,
        meeting_title=meeting.title,
        question=question,
        url=reverse("meetings:room", args=[meeting.pk]) + f"?vote={vote.pk}#room-vote",
    )
    return vote


def _alerted(meeting_id: int, member_ids: list[int], *, voting_only: bool) -> list[int]:
    """Whom a vote's alert is for: the seats' members and the deputies attending for
    them (when it opens, only those the chair allowed to vote)."""
    deputies = Participant.objects.filter(
        meeting_id=meeting_id, kind=Participant.Kind.DEPUTY, on_behalf_of_id__in=member_ids
    )
    if voting_only:
        deputies = deputies.filter(may_vote=True)
    return [*member_ids, *deputies.values_list("user_id", flat=True)]


@transaction.atomic
def vote_close(*, actor: User, vote_id: int, chair_receipt: str | None = None) -> Vote:
    """Stop accepting ballots and freeze the result. In a secret vote that ends in a tie,
    the presiding chair's tablet sends its receipt so the chair's side can be found."""
    vote = _lock(vote_id)
    ensure_can_chair(user=actor, meeting=vote.meeting)
    _ensure_open(vote)
    vote.result = _result(vote, chair_receipt)
    if vote.is_secret:
        _reshuffle(vote)
    vote.state = Vote.State.CLOSED
    vote.closed_by, vote.closed_at = actor, timezone.now()
    vote.save(update_fields=["result", "state", "closed_by", "closed_at"])
    audit.record(
        actor=actor,
        action="vote.closed",
        target=vote,
        body_id=vote.meeting.body_id,
        details=vote.result,
    )
    publish(meeting_id=vote.meeting_id, event=VoteClosed(vote.pk, vote.item_id, vote.result))
    seats = list(Seat.objects.filter(vote=vote).values_list("member_id", flat=True))
    alert_vote_closed(
        recipient_ids=_alerted(vote.meeting_id, seats, voting_only=False),
        vote_id=vote.pk,
        meeting_id=vote.meeting_id,
    )
    return vote


def _result(vote: Vote, chair_receipt: str | None) -> dict:
    present = selectors.present_member_ids(vote.meeting)
    tally = selectors.vote_tally(vote=vote, present=present)
    seats = Seat.objects.filter(vote=vote).count()
    rules = {
        "counts": tally.counts,
        "rule": vote.majority_base,
        "tie_break": vote.tie_break,
        "members_total": vote.members_total,
        "present": selectors.present_seats(vote=vote, present=present),
    }
    decision = decide(**rules, chair_choice=None)
    if decision.tie and vote.tie_break == CHAIR_SIDE:
        # Looked up only when it settles the outcome, and disclosed only then.
        decision = decide(**rules, chair_choice=_chair_choice(vote, present, chair_receipt))
    return {
        "counts": selectors.counts_dict(tally.counts),
        "cast": tally.participants,
        "seats": seats,
        "not_voted": seats - tally.participants,
        "set_aside": tally.set_aside,
        "members_total": vote.members_total,
        "present": rules["present"],
        "majority_base": vote.majority_base,
        "tie_break": vote.tie_break,
        **decision.as_dict(),
    }


def _chair_choice(vote: Vote, present: set[int], receipt: str | None) -> str | None:
    if not vote.is_secret:
        ballot = Ballot.objects.filter(vote=vote, member_id=vote.chair_id).first()
        if ballot is None or (
            ballot.cast_by_id != ballot.member_id and ballot.cast_by_id not in present
        ):
            return None
        return ballot.choice
    if not receipt:
        return None  # the chair's side stays undisclosed: the tie fails (docs/voting.md)
    token = secrecy.ballot_token(vote_id=vote.pk, member_id=vote.chair_id, receipt=receipt)
    ballot = SecretBallot.objects.filter(vote=vote, token=token).first()
    if ballot is None:
        message = _("This receipt does not match the chair's ballot.")
        raise Invalid(message, fields={"chair_receipt": [message]})
    return secrecy.open_choice(vote_id=vote.pk, token=token, sealed=ballot.sealed_choice)


# --- Ballots ------------------------------------------------------------------


def _seat_for(
    vote: Vote, access: MeetingAccess, member_id: int | None, seated: set[int] | None = None
) -> User:
    """The member whose seat the actor votes for: their own, or the one they deputise for
    with the chair's leave to vote. `seated`: the vote's seats among those asked for,
    when already read."""
    member = access.acting_for
    participant = access.participant
    if member is None:
        raise NotAllowed(_("Only members, or deputies allowed to vote, take part in votes."))
    if member_id is not None and member_id != member.pk:
        raise NotAllowed(_("You cannot vote for someone else."))
    if participant.kind == Participant.Kind.DEPUTY and not participant.may_vote:
        raise NotAllowed(
            _("The chair has not allowed you to vote for %(member)s.") % {"member": member}
        )
    if (
        member.pk not in seated
        if seated is not None
        else not Seat.objects.filter(vote=vote, member=member).exists()
    ):
        raise NotAllowed(
            _("%(member)s was not on the list of voters when this vote opened.")
            % {"member": member}
        )
    return member


def ballot_cast(
    *,
    actor: User,
    vote_id: int,
    choice: str,
    receipt: str | None = None,
    member_id: int | None = None,
) -> CastResult:
    """Cast or change the actor's ballot (a second cast is a change, never a second ballot).
    A secret ballot needs the tablet's own receipt, which is all that can change it later."""
    cast = Cast(actor=actor, choice=choice, receipt=receipt, member_id=member_id)
    [answer] = ballots_cast_together(vote_id=vote_id, casts=[cast])
    if isinstance(answer, ServiceError):
        raise answer
    return answer


@dataclass(frozen=True)
class Cast:
    """One of the casts `ballots_cast_together` writes: `ballot_cast`'s arguments, the
    meeting whose room it came from (a tablet's cast: the vote must be that meeting's),
    and the language its refusal is told in (None: the one active)."""

    actor: User
    choice: object
    receipt: str | None = None
    member_id: int | None = None
    meeting_id: int | None = None
    language: str | None = None

    def speaking(self):
        return translation.override(self.language) if self.language else nullcontext()


@transaction.atomic
def ballots_cast_together(
    *, vote_id: int, casts: list[Cast]
) -> list[CastResult | ServiceError | None]:
    """Cast ballots of one vote that arrived together: for each, the checks and writes of
    `ballot_cast`, in one transaction with the vote locked once, the voters' places and
    ballots read in one query each, the ballots written in one statement, their audit
    entries in one run of the chain and the running tally pushed once. The answer to
    each cast, in order: its result, or the refusal it gets (it writes nothing). A seat
    already cast for earlier in the batch gets None: the caller casts it alone after
    this (a change of that ballot, or its refusal). `ballot_cast` is this for one cast."""
    vote = _lock(vote_id)
    accesses = meeting_accesses(users=[cast.actor for cast in casts], meeting=vote.meeting)
    wanted = {a.acting_for.pk for a in accesses.values() if a.acting_for is not None}
    seated = set(
        Seat.objects.filter(vote=vote, member_id__in=wanted).values_list("member_id", flat=True)
    )
    answers: list[CastResult | ServiceError | None] = []
    accepted: list[tuple[int, Cast, User, str]] = []  # (answer's place, cast, member, choice)
    taken: set[int] = set()
    for cast in casts:
        try:
            with cast.speaking():
                if cast.meeting_id is not None and cast.meeting_id != vote.meeting_id:
                    raise NotFound(_("That vote is not in this meeting."))
                access = ensure_access_to_item(accesses[cast.actor.pk], vote.item)
                member = _seat_for(vote, access, cast.member_id, seated)
                _ensure_open(vote)
                choice = _clean_choice(cast.choice)
                if vote.is_secret:
                    _ensure_receipt(cast.receipt)
        except ServiceError as refusal:
            answers.append(refusal)
            continue
        if member.pk in taken:
            answers.append(None)
            continue
        taken.add(member.pk)
        accepted.append((len(answers), cast, member, choice))
        answers.append(None)  # its result, once written
    store = _store_secrets if vote.is_secret else _store_nameds
    for place, result in store(vote, accepted).items():
        answers[place] = result
    stored = [
        (cast, answers[place])
        for place, cast, _member, _choice in accepted
        if isinstance(answers[place], CastResult)
    ]
    audit.record_many([_audited(vote, result, cast.actor) for cast, result in stored])
    for _cast, result in stored:
        _publish_ballot(vote, result)
    if stored:
        _push_tally(vote)
    return answers


def _ensure_receipt(receipt: object) -> None:
    if not isinstance(receipt, str) or not secrecy.RECEIPT.match(receipt):
        message = _("A secret ballot needs the tablet's receipt (22 to 128 random characters).")
        raise Invalid(message, fields={"receipt": [message]})


def _store_nameds(vote: Vote, accepted: list) -> dict[int, CastResult]:
    """`_store_named` for several seats: their ballots read in one query, and the new
    ones and the changed ones written in one statement each."""
    members = [member.pk for _place, _cast, member, _choice in accepted]
    earlier = {b.member_id: b for b in Ballot.objects.filter(vote=vote, member_id__in=members)}
    now = timezone.now()
    new, changed, results = [], [], {}
    for place, cast, member, choice in accepted:
        ballot = earlier.get(member.pk)
        if ballot is None:
            new.append(Ballot(vote=vote, member=member, updated_at=now))
            ballot = new[-1]
        else:
            ballot.changes += 1
            changed.append(ballot)
        ballot.cast_by, ballot.choice = cast.actor, choice
        ballot.recorded_by, ballot.reason, ballot.updated_at = None, "", now
        results[place] = CastResult(
            vote.pk, member.pk, cast.actor.pk, False, ballot.pk is not None, False, choice
        )
    Ballot.objects.bulk_create(new)
    fields = ["cast_by", "choice", "recorded_by", "reason", "changes", "updated_at"]
    Ballot.objects.bulk_update(changed, fields)
    return results


def _store_secrets(vote: Vote, accepted: list) -> dict[int, CastResult | ServiceError]:
    """`_store_secret` for several seats (tablets' casts, none by hand): their
    participations and the ballots their receipts open read in one query each; the new
    participations written in one statement, and all the ballots mixed with others of
    the vote in one rewrite."""
    members = [member.pk for _place, _cast, member, _choice in accepted]
    voted = set(
        SecretParticipation.objects.filter(vote=vote, member_id__in=members).values_list(
            "member_id", flat=True
        )
    )
    tokens = {
        place: secrecy.ballot_token(vote_id=vote.pk, member_id=member.pk, receipt=cast.receipt)
        for place, cast, member, _choice in accepted
    }
    changing = [tokens[place] for place, _c, member, _ch in accepted if member.pk in voted]
    tags = dict(
        SecretBallot.objects.filter(vote=vote, token__in=changing).values_list(
            "token", "holder_tag"
        )
    )
    participations, owns, results = [], [], {}
    for place, cast, member, choice in accepted:
        token = tokens[place]
        if member.pk in voted:
            if token not in tags:
                with cast.speaking():
                    results[place] = _already_voted()
                continue
            tag = tags[token]
        else:
            participations.append(SecretParticipation(vote=vote, member=member, cast_by=cast.actor))
            delegated = cast.actor.pk != member.pk
            tag = (
                secrecy.holder_tag(vote_id=vote.pk, holder_id=cast.actor.pk)
                if delegated
                else secrecy.random_tag()
            )
        sealed = secrecy.seal_choice(vote_id=vote.pk, token=token, choice=choice)
        owns.append({"token": token, "holder_tag": tag, "sealed_choice": sealed})
        changed = member.pk in voted
        results[place] = CastResult(vote.pk, member.pk, cast.actor.pk, True, changed, False, None)
    SecretParticipation.objects.bulk_create(participations)
    if owns:
        _write_mixed(vote, owns)
    return results


@transaction.atomic
def ballot_record_manual(
    *, actor: User, vote_id: int, member_id: int, choice: str, reason: str
) -> CastResult:
    """The secretariat records a member's vote by hand (a member without a tablet)."""
    vote = _lock(vote_id)
    ensure_can_manage(user=actor, meeting=vote.meeting)
    _ensure_open(vote)
    choice = _clean_choice(choice)
    reason = (reason or "").strip()
    if not reason:
        raise Invalid(
            _("Say why the vote is recorded by hand."), fields={"reason": [_("Required.")]}
        )
    seat = Seat.objects.filter(vote=vote, member_id=member_id).select_related("member").first()
    if seat is None:
        message = _("This person is not on the list of voters.")
        raise Invalid(message, fields={"member_id": [message]})
    if vote.is_secret:
        result = _store_secret(vote, seat.member, choice, manual=(actor, reason))
    else:
        result = _store_named(vote, seat.member, seat.member, choice, manual=(actor, reason[:500]))
    _announce(vote, result, actor, reason=reason)
    return result


def _store_named(vote, member, cast_by, choice, manual=None) -> CastResult:
    recorded_by, reason = manual or (None, "")
    ballot = Ballot.objects.filter(vote=vote, member=member).first()
    changed = ballot is not None
    if ballot is None:
        ballot = Ballot(vote=vote, member=member)
    else:
        ballot.changes += 1
    ballot.cast_by, ballot.choice = cast_by, choice
    ballot.recorded_by, ballot.reason = recorded_by, reason
    ballot.updated_at = timezone.now()
    ballot.save()
    return CastResult(vote.pk, member.pk, cast_by.pk, False, changed, manual is not None, choice)


def _store_secret(vote, member, choice, *, manual) -> CastResult:
    """A secret ballot recorded by hand, `manual` = (who recorded it, why): nobody keeps
    its receipt, so nobody can change it, and a member who has voted cannot be recorded
    again."""
    recorded_by, reason = manual
    if SecretParticipation.objects.filter(vote=vote, member=member).exists():
        raise _already_voted()
    SecretParticipation.objects.create(
        vote=vote, member=member, cast_by=member, recorded_by=recorded_by, reason=reason[:500]
    )
    token = secrecy.ballot_token(
        vote_id=vote.pk, member_id=member.pk, receipt=secrecy.throwaway_receipt()
    )
    sealed = secrecy.seal_choice(vote_id=vote.pk, token=token, choice=choice)
    own = {"token": token, "holder_tag": secrecy.random_tag(), "sealed_choice": sealed}
    _write_mixed(vote, [own])
    return CastResult(vote.pk, member.pk, member.pk, True, False, True, None)


def _already_voted() -> Conflict:
    return Conflict(
        _(
            "This member has already voted. A secret ballot can be changed only from "
            "the tablet that cast it."
        )
    )


# Other ballots of the vote that each secret cast rewrites together with its own.
MIX = 8
_BALLOT_FIELDS = ("id", "sealed_choice", "token", "holder_tag")


def _write_mixed(vote: Vote, owns: list[dict]) -> None:
    """Write the casts' ballots together with up to MIX other ballots of the vote, all
    deleted and inserted again under new random ids in a random order: the transaction
    that wrote a new ballot wrote as many others, and its row is not the table's last.
    The others are the ballots whose random ids follow a random point (an index range,
    not a scan), so a cast costs the same with 20 seats or 2,000. The close rewrites them
    all once more (`_reshuffle`)."""
    tokens = [own["token"] for own in owns]
    ballots = SecretBallot.objects.filter(vote=vote).exclude(token__in=tokens)
    pivot = uuid.uuid4()  # the ids are UUID4s too
    others = list(ballots.filter(id__gte=pivot).order_by("id").values(*_BALLOT_FIELDS)[:MIX])
    if len(others) < MIX:
        wrapped = ballots.filter(id__lt=pivot).order_by("id").values(*_BALLOT_FIELDS)
        others += list(wrapped[: MIX - len(others)])
    stale = [row.pop("id") for row in others]
    SecretBallot.objects.filter(vote=vote).filter(Q(token__in=tokens) | Q(id__in=stale)).delete()
    rows = [*others, *owns]
    random.SystemRandom().shuffle(rows)
    SecretBallot.objects.bulk_create(SecretBallot(vote=vote, **row) for row in rows)


def _reshuffle(vote: Vote) -> None:
    """Rewrite all the vote's secret ballots in a random order, so neither their place in
    the table nor the transaction that last wrote them follows the order of voting. Done
    once, when the vote closes."""
    rows = list(SecretBallot.objects.filter(vote=vote).values(*_BALLOT_FIELDS[1:]))
    SecretBallot.objects.filter(vote=vote).delete()
    random.SystemRandom().shuffle(rows)
    SecretBallot.objects.bulk_create(SecretBallot(vote=vote, **row) for row in rows)


def _announce(vote: Vote, result: CastResult, actor: User, reason: str = "") -> None:
    audit.record_many([_audited(vote, result, actor, reason)])
    _publish_ballot(vote, result)
    _push_tally(vote)


def _audited(vote: Vote, result: CastResult, actor: User, reason: str = ""):
    """The audit entry of a ballot written."""
    details = {"member": result.member_id, "cast_by": result.cast_by_id, "changed": result.changed}
    if result.manual:
        details["reason"] = reason
    if not vote.is_secret:
        details["choice"] = result.choice  # never for a secret ballot
    return audit.entry(
        actor=actor,
        action="vote.ballot_recorded" if result.manual else "vote.ballot_cast",
        target=vote,
        body_id=vote.meeting.body_id,
        details=details,
    )


def _publish_ballot(vote: Vote, result: CastResult) -> None:
    if vote.is_secret:
        return  # a secret ballot has no event of its own: who voted, when, would tell
    shown = result.choice if selectors.tally_visible(vote=vote, sees_all=False) else None
    event = BallotCast(
        vote.pk,
        vote.item_id,
        result.member_id,
        result.cast_by_id,
        result.manual,
        result.changed,
        shown,
    )
    publish(meeting_id=vote.meeting_id, event=event)


def _push_tally(vote: Vote) -> None:
    """Push at once when the last push for this vote is older than TALLY_INTERVAL, or
    when every seat has voted. A ballot in between arms one trailing push for the end of
    the interval (`tally_flush`), so the last ballots of a burst are never left unshown:
    a secret vote has no per-ballot event to count them by."""
    now = timezone.now()
    if vote.tally_sent_at and now - vote.tally_sent_at < TALLY_INTERVAL:
        # Most ballots in a busy vote land here: two counts, not a whole tally.
        if selectors.ballots_count(vote=vote) < Seat.objects.filter(vote=vote).count():
            wait = (vote.tally_sent_at + TALLY_INTERVAL - now).total_seconds()
            vote_id = vote.pk
            transaction.on_commit(
                lambda: later.call_once_after(
                    f"vote.tally:{vote_id}", wait, lambda: tally_flush(vote_id=vote_id)
                )
            )
            return
    _send_tally(vote, now)


@transaction.atomic
def tally_flush(*, vote_id: int) -> None:
    """The trailing push of the running tally, if the vote is still open. Harmless when
    repeated: it states the tally as it now is."""
    vote = Vote.objects.select_for_update(of=("self",)).filter(pk=vote_id).first()
    if vote is None or vote.state != Vote.State.OPEN:
        return  # VoteClosed carries the final count
    _send_tally(vote, timezone.now())


def _send_tally(vote: Vote, now) -> None:
    tally = selectors.vote_tally(vote=vote)
    vote.tally_sent_at = now
    vote.save(update_fields=["tally_sent_at"])
    visible = selectors.tally_visible(vote=vote, sees_all=False)
    counts = selectors.counts_dict(tally.counts) if visible else None
    publish(
        meeting_id=vote.meeting_id,
        event=VoteTallyChanged(vote.pk, vote.item_id, tally.participants, counts),
    )
