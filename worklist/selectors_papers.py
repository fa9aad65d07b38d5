"""Duties on paper: written ballots to answer, sign or approve; drafts to comment on or
sign; minutes to sign or seal."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ballots.models import Answer, Ballot, Delegation
from circulation.models import Circulation, Comment
from documents.models import DocumentVersion
from minutes.models import Minutes
from people.models import User
from signing.models import Signature, SignatureKind
from worklist.duties import CHAIR, SECRETARIAT, Duty, bodies_where, due_words, urgency_of

# --- Written ballots: answer, then sign ---------------------------------------------


def ballot_answers_pending(user: User) -> QuerySet[Answer]:
    """Answers this person still owes: to write (their own, unless a deputy holds the
    pen, or a member's who delegated to them) while the ballot takes answers, or to
    sign once they submitted it."""
    delegated_away = Delegation.objects.filter(ballot=OuterRef("ballot"), member=user)
    delegated_to_me = Delegation.objects.filter(
        ballot=OuterRef("ballot"), member=OuterRef("member"), deputy=user
    )
    writer = (Q(member=user) & ~Exists(delegated_away)) | Exists(delegated_to_me)
    to_write = (
        writer
        & Q(state__in=[Answer.State.PENDING, Answer.State.DRAFT])
        & Q(ballot__deadline__gt=timezone.now())
    )
    to_sign = Q(answered_by=user, state=Answer.State.SUBMITTED)
    return Answer.objects.filter(ballot__state=Ballot.State.OPEN).filter(to_write | to_sign)


def ballot_answers_build(user: User, answers: QuerySet[Answer]) -> list[Duty]:
    duties = []
    for answer in answers.select_related("ballot", "member"):
        ballot = answer.ballot
        signing = answer.state == Answer.State.SUBMITTED
        detail = _("Deadline: %(when)s") % {"when": due_words(ballot.deadline)}
        if answer.member_id != user.pk:
            detail += " · " + _("for %(member)s") % {"member": answer.member}
        duties.append(
            Duty(
                kind="ballot_sign" if signing else "ballot_answer",
                title=ballot.subject,
                action=_("Sign your answer") if signing else _("Answer the ballot"),
                detail=detail,
                url=reverse("ballots:detail", args=[ballot.pk]) + "#answer",
                at=(answer.submitted_at if signing else ballot.opened_at) or ballot.created_at,
                due=ballot.deadline,
                urgency=urgency_of(ballot.deadline),
            )
        )
    return duties


def ballot_approvals_pending(user: User) -> QuerySet[Ballot]:
    return Ballot.objects.filter(
        state=Ballot.State.AWAITING_APPROVAL, body_id__in=bodies_where(user, CHAIR)
    )


def ballot_approvals_build(user: User, ballots: QuerySet[Ballot]) -> list[Duty]:
    return [
        Duty(
            kind="ballot_approval",
            title=ballot.subject,
            action=_("Approve or send back"),
            detail=_("Prepared by %(who)s · deadline for answers: %(when)s")
            % {"who": ballot.created_by, "when": due_words(ballot.deadline)},
            url=reverse("ballots:detail", args=[ballot.pk]),
            at=ballot.created_at,
            due=ballot.deadline,
            urgency=urgency_of(ballot.deadline),
        )
        for ballot in ballots.select_related("created_by")
    ]


# --- Drafts: comment while open, sign once closed ----------------------------------


def drafts_to_comment_pending(user: User) -> QuerySet[Circulation]:
    """Drafts this person was asked to comment on, still taking comments, on which they
    have not commented yet."""
    commented = Comment.objects.filter(circulation=OuterRef("pk"), author=user)
    return Circulation.objects.filter(
        recipients=user, state=Circulation.State.OPEN, deadline__gt=timezone.now()
    ).exclude(Exists(commented))


def drafts_to_comment_build(user: User, drafts: QuerySet[Circulation]) -> list[Duty]:
    return [
        Duty(
            kind="draft_comment",
            title=c.document.summary,
            action=_("Comment on the draft"),
            detail=_("Comments due: %(when)s · from %(author)s")
            % {"when": due_words(c.deadline), "author": c.author},
            url=reverse("circulation:detail", args=[c.pk]),
            at=c.created_at,
            due=c.deadline,
            urgency=urgency_of(c.deadline),
        )
        for c in drafts.select_related("document", "author")
    ]


def _latest_signature(kind_filter: Q) -> Exists:
    latest = DocumentVersion.objects.filter(document=OuterRef(OuterRef("document"))).order_by(
        "-number"
    )
    return Exists(
        Signature.objects.filter(kind_filter, signed_version=Subquery(latest.values("pk")[:1]))
    )


def drafts_to_sign_pending(user: User) -> QuerySet[Circulation]:
    """Closed drafts whose final version waits for a signature: the author's own, then
    the agency's seal from the body's secretariat."""
    unsigned = ~_latest_signature(Q())
    signed_not_sealed = _latest_signature(Q(kind=SignatureKind.PERSONAL))
    return Circulation.objects.filter(state=Circulation.State.CLOSED).filter(
        (Q(author=user) & unsigned)
        | (Q(body_id__in=bodies_where(user, SECRETARIAT)) & signed_not_sealed)
    )


def drafts_to_sign_build(user: User, drafts: QuerySet[Circulation]) -> list[Duty]:
    duties = []
    for c in drafts.select_related("document"):
        latest = c.document.versions.order_by("-number").first()
        seal = latest is not None and Signature.objects.filter(signed_version=latest).exists()
        name = "circulation:seal" if seal else "circulation:sign"
        duties.append(
            Duty(
                kind="draft_seal" if seal else "draft_sign",
                title=c.document.summary,
                action=_("Apply the seal") if seal else _("Sign the final version"),
                detail=_("Comments closed; version %(n)s is final") % {"n": latest.number}
                if latest
                else "",
                url=reverse(name, args=[c.pk, latest.number]) if latest else "",
                at=c.closed_at or c.created_at,
            )
        )
    return duties


# --- Minutes: the secretary, the chair, then the seal ----------------------------------


def minutes_to_sign_pending(user: User) -> QuerySet[Minutes]:
    chair_bodies = bodies_where(user, CHAIR)
    return Minutes.objects.filter(
        Q(state=Minutes.State.SECRETARY, facts__signers__secretary__id=user.pk)
        | Q(
            state=Minutes.State.CHAIR,
            facts__signers__chair__id=user.pk,
            meeting__body_id__in=chair_bodies,
        )
        | Q(state=Minutes.State.SEAL, meeting__body_id__in=bodies_where(user, SECRETARIAT))
    )


def minutes_to_sign_build(user: User, minutes: QuerySet[Minutes]) -> list[Duty]:
    duties = []
    for m in minutes.select_related("meeting", "current_version"):
        seal = m.state == Minutes.State.SEAL
        duties.append(
            Duty(
                kind="minutes_seal" if seal else "minutes_sign",
                title=m.meeting.title,
                action=_("Apply the seal") if seal else _("Sign the minutes"),
                detail=_("No. %(number)s · %(state)s")
                % {"number": m.number_symbol, "state": m.get_state_display()},
                url=reverse("minutes:meeting", args=[m.meeting_id]) + "#signing",
                at=(m.current_version.uploaded_at if m.current_version else None)
                or m.issued_at
                or m.created_at,
            )
        )
    return duties
