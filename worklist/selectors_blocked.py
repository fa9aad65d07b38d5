"""For the secretariat: what is blocked on whom. Each duty names the people it waits for,
so a telephone call can unblock it: ballots not yet answered or signed, minutes waiting
for another signer, drafts whose comments are still missing."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from ballots.models import Answer, Ballot
from circulation.models import Circulation, Comment
from minutes.models import Minutes
from people.collation import sort_people
from people.models import User
from worklist.duties import SECRETARIAT, Duty, bodies_where, due_words, urgency_of

NAMES_SHOWN = 6  # more names than this read as a list to open, not a line to scan


def _names(people) -> str:
    names = [str(p) for p in people]
    if len(names) > NAMES_SHOWN:
        rest = len(names) - NAMES_SHOWN
        return ", ".join(names[:NAMES_SHOWN]) + " " + _("and %(n)d more") % {"n": rest}
    return ", ".join(names)


def ballots_waiting_pending(user: User) -> QuerySet[Ballot]:
    unsigned = Answer.objects.filter(ballot=OuterRef("pk")).exclude(state=Answer.State.SIGNED)
    return Ballot.objects.filter(
        state=Ballot.State.OPEN, body_id__in=bodies_where(user, SECRETARIAT)
    ).filter(Exists(unsigned))


def ballots_waiting_build(user: User, ballots: QuerySet[Ballot]) -> list[Duty]:
    open_answers = Answer.objects.exclude(state=Answer.State.SIGNED).select_related("member")
    duties = []
    for ballot in ballots.prefetch_related(
        Prefetch("answers", queryset=open_answers, to_attr="due")
    ):
        # Named as the body ranks them, then by given name (people/collation.py).
        due = sort_people((a.member for a in ballot.due), body=ballot.body_id)
        submitted = {a.member_id for a in ballot.due if a.state == Answer.State.SUBMITTED}
        unanswered = [m for m in due if m.pk not in submitted]
        unsigned = [m for m in due if m.pk in submitted]
        parts = [_("Deadline: %(when)s") % {"when": due_words(ballot.deadline)}]
        if unanswered:
            parts.append(_("not answered: %(names)s") % {"names": _names(unanswered)})
        if unsigned:
            parts.append(_("not signed: %(names)s") % {"names": _names(unsigned)})
        duties.append(
            Duty(
                kind="ballot_waiting",
                title=ballot.subject,
                action=_("Follow up"),
                detail=" · ".join(parts),
                url=reverse("ballots:detail", args=[ballot.pk]) + "#recipients",
                at=ballot.opened_at or ballot.created_at,
                due=ballot.deadline,
                urgency=urgency_of(ballot.deadline),
            )
        )
    return duties


def minutes_waiting_pending(user: User) -> QuerySet[Minutes]:
    """Minutes waiting for someone else's signature (the secretary's own and the seal
    are the secretariat's own duties, in worklist/selectors_papers.py)."""
    return Minutes.objects.filter(meeting__body_id__in=bodies_where(user, SECRETARIAT)).filter(
        Q(state=Minutes.State.CHAIR)
        | (Q(state=Minutes.State.SECRETARY) & ~Q(facts__signers__secretary__id=user.pk))
    )


def minutes_waiting_build(user: User, minutes: QuerySet[Minutes]) -> list[Duty]:
    duties = []
    for m in minutes.select_related("meeting", "current_version"):
        step = "chair" if m.state == Minutes.State.CHAIR else "secretary"
        signer = ((m.facts.get("signers") or {}).get(step) or {}).get("name") or "—"
        duties.append(
            Duty(
                kind="minutes_waiting",
                title=m.meeting.title,
                action=_("Follow up"),
                detail=_("Waiting for the signature of %(name)s") % {"name": signer},
                url=reverse("minutes:meeting", args=[m.meeting_id]) + "#signing",
                at=(m.current_version.uploaded_at if m.current_version else None)
                or m.issued_at
                or m.created_at,
            )
        )
    return duties


def drafts_waiting_pending(user: User) -> QuerySet[Circulation]:
    """Open drafts of the secretariat's bodies with recipients who have not commented."""
    silent = User.objects.filter(circulations_received=OuterRef("pk")).exclude(
        Exists(Comment.objects.filter(circulation=OuterRef(OuterRef("pk")), author=OuterRef("pk")))
    )
    return Circulation.objects.filter(
        state=Circulation.State.OPEN, body_id__in=bodies_where(user, SECRETARIAT)
    ).filter(Exists(silent))


def drafts_waiting_build(user: User, drafts: QuerySet[Circulation]) -> list[Duty]:
    duties = []
    for c in drafts.select_related("document").prefetch_related("recipients"):
        commented = set(c.comments.values_list("author_id", flat=True))
        silent = sort_people(
            (r for r in c.recipients.all() if r.pk not in commented), body=c.body_id
        )
        duties.append(
            Duty(
                kind="draft_waiting",
                title=c.document.summary,
                action=_("Follow up"),
                detail=_("Comments due: %(when)s · no comment yet from %(names)s")
                % {"when": due_words(c.deadline), "names": _names(silent)},
                url=reverse("circulation:detail", args=[c.pk]),
                at=c.created_at,
                due=c.deadline,
                urgency=urgency_of(c.deadline),
            )
        )
    return duties
