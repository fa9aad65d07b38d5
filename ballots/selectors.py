"""Reads for the ballot pages and the API."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ballots.models import Answer, Ballot, Delegation, Heartbeat, Reopening
from ballots.sweep import HEARTBEAT
from ballots.tally import SIGNED, SUBMITTED, AnswerRow, BallotTally, tally_compute
from ecabinet.errors import NotFound
from people.collation import sort_by_person
from people.models import Role, User
from people.selectors import body_members

FINAL = (Answer.State.SUBMITTED, Answer.State.SIGNED)


def ballot_get(*, pk: int) -> Ballot:
    ballot = Ballot.objects.select_related("body", "created_by", "chair").filter(pk=pk).first()
    if ballot is None:
        raise NotFound(_("Ballot not found."))
    return ballot


@dataclass(frozen=True)
class PendingBallot:
    ballot: Ballot
    member: User  # whose answer this is: me, or the member I answer for
    answer: Answer
    on_behalf: bool

    @property
    def time_left(self) -> dt.timedelta:
        return max(self.ballot.deadline - timezone.now(), dt.timedelta(0))


def ballots_pending_for(*, user: User) -> list[PendingBallot]:
    """Open ballots this person still has to answer, for themselves or as a deputy,
    soonest deadline first."""
    now = timezone.now()
    delegated = Delegation.objects.filter(deputy=user).values_list("ballot_id", "member_id")
    pairs = Q(member=user)
    for ballot_id, member_id in delegated:
        pairs |= Q(ballot_id=ballot_id, member_id=member_id)
    answers = (
        Answer.objects.filter(pairs, ballot__state=Ballot.State.OPEN, ballot__deadline__gt=now)
        .exclude(state__in=FINAL)
        .select_related("ballot__body", "member")
        .order_by("ballot__deadline", "id")
    )
    return [PendingBallot(a.ballot, a.member, a, a.member_id != user.pk) for a in answers]


def ballots_visible_to(*, user: User) -> QuerySet[Ballot]:
    """Every ballot of the bodies this person runs (secretariat, chair), and the open or
    closed ones they answer or hold a delegation for."""
    managed = user.memberships.filter(
        is_active=True, role__in=[Role.SECRETARIAT, Role.CHAIR]
    ).values_list("body_id", flat=True)
    shown = [Ballot.State.OPEN, Ballot.State.CLOSED]
    return (
        Ballot.objects.filter(
            Q(body_id__in=list(managed))
            | Q(state__in=shown, answers__member=user)
            | Q(state__in=shown, delegations__deputy=user)
        )
        .distinct()
        .select_related("body")
        .order_by("-created_at", "-id")
    )


def answer_items(*, answer: Answer) -> dict[int, tuple[str, str]]:
    return {i.question.number: (i.choice, i.text) for i in answer.items.select_related("question")}


def ballot_result(*, ballot: Ballot) -> BallotTally:
    """The tally from the final answers. While the ballot is open it is provisional."""
    answers = sort_by_person(
        ballot.answers.select_related("member").prefetch_related("items__question"),
        person=lambda a: a.member,
        body=ballot.body_id,
    )
    rows = [
        AnswerRow(
            a.member_id,
            str(a.member),
            {i.question.number: (i.choice, i.text) for i in a.items.all()},
            SIGNED if a.state == Answer.State.SIGNED else SUBMITTED,
        )
        for a in answers
        if a.state in FINAL
    ]
    members_total = ballot.members_total
    if members_total is None:
        members_total = body_members(body=ballot.body_id).count()
    return tally_compute(
        questions=list(ballot.questions.values_list("number", "text")),
        answers=rows,
        non_respondents=[str(a.member) for a in answers if a.state not in FINAL],
        members_total=members_total,
        majority_base=ballot.majority_base or ballot.body.majority_base,
        tie_break=ballot.tie_break or ballot.body.tie_break,
        chair_id=ballot.chair_id,
        must_be_signed=answers_must_be_signed(ballot=ballot),
    )


def answers_must_be_signed(*, ballot: Ballot) -> bool:
    """The rule frozen onto the ballot when it opened; the body's own before that."""
    if ballot.answer_must_be_signed is not None:
        return ballot.answer_must_be_signed
    return ballot.body.ballot_answer_must_be_signed


def ballot_recipients(*, ballot: Ballot) -> list[dict]:
    """One row per recipient for the secretariat: answered or not, by whom, when."""
    delegations = {d.member_id: d for d in ballot.delegations.select_related("deputy")}
    reopened: dict[int, int] = {}
    for answer_id in Reopening.objects.filter(answer__ballot=ballot).values_list(
        "answer_id", flat=True
    ):
        reopened[answer_id] = reopened.get(answer_id, 0) + 1
    rows = []
    answers = ballot.answers.select_related("member", "answered_by", "version", "signed_version")
    for a in sort_by_person(answers, person=lambda a: a.member, body=ballot.body_id):
        d = delegations.get(a.member_id)
        rows.append(
            {
                "answer_id": a.pk,
                "member_id": a.member_id,
                "member": str(a.member),
                "title": a.member.title,
                "state": a.state,
                "state_label": str(a.get_state_display()),
                "answered": a.state in FINAL,
                "answered_by": str(a.answered_by) if a.answered_by and a.state in FINAL else "",
                "on_behalf": bool(a.delegation_id) and a.state in FINAL,
                "deputy": str(d.deputy) if d else "",
                "submitted_at": a.submitted_at,
                "signed": a.state == Answer.State.SIGNED,
                "reopened": reopened.get(a.pk, 0),
                "has_form": a.final_version is not None,
            }
        )
    return rows


def report_signing_state(*, ballot: Ballot) -> str:
    """Where the latest tally report stands: "none" (not issued), "issued" (to sign),
    "signed" (to seal) or "sealed"."""
    from signing.models import Signature, SignatureKind

    if ballot.report_id is None:
        return "none"
    latest = ballot.report.latest_version()
    signature = Signature.objects.filter(signed_version=latest).only("kind").first()
    if signature is None:
        return "issued"
    return "sealed" if signature.kind == SignatureKind.SEAL else "signed"


def answers_to_sign(*, ballot: Ballot, user: User) -> QuerySet[Answer]:
    """Submitted answers this person submitted (their own, or as a deputy) and has not
    signed yet."""
    return ballot.answers.filter(answered_by=user, state=Answer.State.SUBMITTED).select_related(
        "member"
    )


def ballot_reopenings(*, ballot: Ballot) -> QuerySet[Reopening]:
    return Reopening.objects.filter(answer__ballot=ballot).select_related(
        "answer__member", "reopened_by", "previous_version"
    )


def recipient_rev(row: dict) -> str:
    """A short fingerprint of what a recipient's row shows, so the live page redraws only
    the rows that changed (and leaves alone a reason being typed in another row)."""
    when = row["submitted_at"].isoformat() if row["submitted_at"] else ""
    shown = (row["state"], row["answered_by"], row["deputy"], row["reopened"], row["has_form"])
    return hashlib.blake2s(f"{shown}{when}".encode(), digest_size=8).hexdigest()


def ballot_recipient_rows(*, ballot: Ballot) -> list[dict]:
    """The recipients as the ballot page lists them: `ballot_recipients` with `rev`."""
    return [{**row, "rev": recipient_rev(row)} for row in ballot_recipients(ballot=ballot)]


def ballot_live(*, ballot: Ballot) -> dict:
    """What the secretariat's page polls: the recipients' rows and the provisional tally,
    everything on the page that an answer changes."""
    rows = ballot_recipient_rows(ballot=ballot)
    return {
        "ballot_id": ballot.pk,
        "state": ballot.state,
        "deadline": ballot.deadline,
        "recipients": len(rows),
        "answered": sum(1 for r in rows if r["answered"]),
        "reopened": sum(r["reopened"] for r in rows),
        "rows": rows,
        "result": ballot_result(ballot=ballot).as_dict(),
    }


def _overdue_tasks(now: dt.datetime) -> int | None:
    """Tasks in the database queue that should have started over a minute ago; None when
    tasks are not kept in the database (the immediate backend runs them at once)."""
    from ballots.scheduling import backend_can_defer

    if not backend_can_defer():
        return None
    from django_tasks_db.models import DBTaskResult, get_date_max

    late = now - dt.timedelta(seconds=60)
    return (
        DBTaskResult.objects.filter(status="READY")
        .filter(Q(run_after__lte=late) | Q(run_after=get_date_max(), enqueued_at__lte=late))
        .count()
    )


def health_bodies(user) -> set[int] | None:
    """The bodies whose ballots a person may count on the health page: every body for
    staff (None), else the bodies where they are secretariat."""
    if user.is_staff:
        return None
    return set(
        user.memberships.filter(role=Role.SECRETARIAT, is_active=True).values_list(
            "body_id", flat=True
        )
    )


def ballots_health(*, now: dt.datetime | None = None, body_ids: set[int] | None = None) -> dict:
    """The worker's heartbeat (one for the whole system) and the open ballots of the given
    bodies (all when None): one body's secretariat learns nothing of another's ballots."""
    now = now or timezone.now()
    beat = Heartbeat.objects.filter(name=HEARTBEAT).first()
    ballots = Ballot.objects.filter(state=Ballot.State.OPEN)
    if body_ids is not None:
        ballots = ballots.filter(body_id__in=body_ids)
    open_ballots = ballots.count()
    past_due = ballots.filter(deadline__lte=now).count()
    stale_after = dt.timedelta(seconds=settings.BALLOT_WORKER_STALE_SECONDS)
    age = (now - beat.last_run_at) if beat else None
    stale = beat is None or age > stale_after
    overdue = _overdue_tasks(now)
    warnings = []
    if open_ballots and stale:
        warnings.append(
            _(
                "The ballot worker looks stopped: no sweep for over %(s)d seconds "
                "while ballots are open."
            )
            % {"s": settings.BALLOT_WORKER_STALE_SECONDS}
        )
    if overdue:
        warnings.append(
            ngettext(
                "%(n)d background task is overdue.", "%(n)d background tasks are overdue.", overdue
            )
            % {"n": overdue}
        )
    if past_due:
        warnings.append(
            ngettext(
                "%(n)d ballot is past its deadline but not yet closed.",
                "%(n)d ballots are past their deadline but not yet closed.",
                past_due,
            )
            % {"n": past_due}
        )
    return {
        "now": now,
        "last_run_at": beat.last_run_at if beat else None,
        "seconds_since_last_run": int(age.total_seconds()) if age is not None else None,
        "runs": beat.runs if beat else 0,
        "last_details": beat.details if beat else {},
        "open_ballots": open_ballots,
        "past_due_open": past_due,
        "overdue_tasks": overdue,
        "tasks_backend": settings.TASKS["default"]["BACKEND"],
        "worker_stale": stale,
        "ok": not warnings,
        "warnings": [str(w) for w in warnings],
    }
