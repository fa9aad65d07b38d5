"""Preparing, approving, closing and reminding: the life of a written ballot.

draft → awaiting_approval → open → closed. The secretariat prepares and sends it for
approval; the chair approves (it opens, recipients are told) or sends it back (draft,
with a note). It closes once, at the deadline, whoever notices first: the task
scheduled for the deadline, the minute sweep (ballots/sweep.py), or a page that shows
it. Answers: ballots/services_answers.py.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ballots import scheduling
from ballots.access import ANSWERING_ROLES, ensure_chair, ensure_secretariat
from ballots.events import BallotClosed, ballot_publish
from ballots.models import Answer, Ballot, Question, Reminder
from documents.models import Document
from ecabinet import audit
from ecabinet.errors import Conflict, Invalid
from notifications import alerts
from notifications.services import notifications_settle, notify
from people.models import Body, User
from people.selectors import body_chair, body_members, body_people

MAX_QUESTIONS = 20


def ballot_url(ballot: Ballot) -> str:
    return reverse("ballots:detail", args=[ballot.pk])


def default_recipients(*, body: Body) -> list[User]:
    """All members of the body: role member, and the chair."""
    people = body_people(body=body, roles=set(ANSWERING_ROLES))
    return [u for u in people if u.is_active]


def _check_deadline(deadline: dt.datetime | None, now: dt.datetime) -> None:
    if deadline is None:
        raise Invalid(_("Set a deadline."), fields={"deadline": [_("Set a deadline.")]})
    if deadline <= now:
        message = _("The deadline must be in the future.")
        raise Invalid(message, fields={"deadline": [message]})


def _clean(
    *,
    body: Body,
    subject: str,
    questions: list[str],
    deadline: dt.datetime | None,
    recipients: list[User] | None,
    drafts: list[Document] | None,
) -> tuple[list[str], list[User], list[Document]]:
    fields: dict[str, list[str]] = {}
    if not subject.strip():
        fields["subject"] = [_("The subject is required.")]
    questions = [q.strip() for q in questions if q and q.strip()]
    if not questions:
        fields["questions"] = [_("Ask at least one question.")]
    elif len(questions) > MAX_QUESTIONS:
        fields["questions"] = [_("Ask at most %(n)d questions.") % {"n": MAX_QUESTIONS}]
    allowed = {u.pk: u for u in default_recipients(body=body)}
    chosen = list(recipients) if recipients else list(allowed.values())
    if any(u.pk not in allowed for u in chosen):
        fields["recipients"] = [_("Recipients must be members of the body.")]
    drafts = list(drafts or [])
    if any(d.body_id != body.pk for d in drafts):
        fields["drafts"] = [_("The drafts must be documents of the same body.")]
    if fields:
        raise Invalid(_("Some details of the ballot are missing or wrong."), fields=fields)
    _check_deadline(deadline, timezone.now())
    return questions, chosen, drafts


def _write_contents(ballot: Ballot, questions: list[str], recipients: list[User]) -> None:
    ballot.questions.all().delete()
    Question.objects.bulk_create(
        Question(ballot=ballot, number=n, text=text) for n, text in enumerate(questions, 1)
    )
    ballot.answers.exclude(member__in=recipients).delete()
    have = set(ballot.answers.values_list("member_id", flat=True))
    Answer.objects.bulk_create(
        Answer(ballot=ballot, member=u) for u in recipients if u.pk not in have
    )


@transaction.atomic
def ballot_create(
    *,
    actor: User,
    body: Body,
    subject: str,
    summary: str = "",
    questions: list[str],
    deadline: dt.datetime | None,
    recipients: list[User] | None = None,
    drafts: list[Document] | None = None,
) -> Ballot:
    """A new ballot in draft. Recipients default to every member of the body."""
    ensure_secretariat(user=actor, body_id=body.pk)
    questions, recipients, drafts = _clean(
        body=body,
        subject=subject,
        questions=questions,
        deadline=deadline,
        recipients=recipients,
        drafts=drafts,
    )
    ballot = Ballot.objects.create(
        body=body,
        subject=subject.strip(),
        summary=summary.strip(),
        deadline=deadline,
        created_by=actor,
    )
    ballot.drafts.set(drafts)
    _write_contents(ballot, questions, recipients)
    audit.record(
        actor=actor,
        action="ballot.created",
        target=ballot,
        details={
            "questions": questions,
            "deadline": deadline,
            "recipients": sorted(u.get_username() for u in recipients),
            "drafts": [d.pk for d in drafts],
        },
    )
    return ballot


@transaction.atomic
def ballot_update(
    *,
    actor: User,
    ballot: Ballot,
    subject: str,
    summary: str = "",
    questions: list[str],
    deadline: dt.datetime | None,
    recipients: list[User] | None = None,
    drafts: list[Document] | None = None,
) -> Ballot:
    """Change a draft (also one the chair sent back)."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    ensure_secretariat(user=actor, ballot=ballot)
    if ballot.state != Ballot.State.DRAFT:
        raise Conflict(_("Only a draft ballot can be changed."))
    questions, recipients, drafts = _clean(
        body=ballot.body,
        subject=subject,
        questions=questions,
        deadline=deadline,
        recipients=recipients,
        drafts=drafts,
    )
    ballot.subject, ballot.summary, ballot.deadline = subject.strip(), summary.strip(), deadline
    ballot.save(update_fields=["subject", "summary", "deadline"])
    ballot.drafts.set(drafts)
    _write_contents(ballot, questions, recipients)
    audit.record(
        actor=actor,
        action="ballot.updated",
        target=ballot,
        details={"questions": questions, "deadline": deadline, "recipients": len(recipients)},
    )
    return ballot


@transaction.atomic
def ballot_submit(*, actor: User, ballot: Ballot) -> Ballot:
    """The secretariat asks the chair to approve issuing the ballot."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    ensure_secretariat(user=actor, ballot=ballot)
    if ballot.state != Ballot.State.DRAFT:
        raise Conflict(_("Only a draft ballot can be sent for approval."))
    _check_deadline(ballot.deadline, timezone.now())
    ballot.state = Ballot.State.AWAITING_APPROVAL
    ballot.save(update_fields=["state"])
    audit.record(actor=actor, action="ballot.submitted", target=ballot)
    # Sending it again answers the chair's return: that notification has done its work.
    notifications_settle(
        recipient=ballot.created_by, subject=f"ballot:{ballot.pk}", kinds=["ballot.returned"]
    )
    chair = body_chair(body=ballot.body_id)
    if chair is not None:
        notify(
            recipients=[chair],
            kind="ballot.approval",
            data={"ballot": ballot.subject},
            subject=f"ballot:{ballot.pk}",
            url=ballot_url(ballot),
        )
    return ballot


@transaction.atomic
def ballot_return(*, actor: User, ballot: Ballot, note: str) -> Ballot:
    """The chair sends the ballot back to the secretariat, saying why."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    ensure_chair(user=actor, ballot=ballot)
    if ballot.state != Ballot.State.AWAITING_APPROVAL:
        raise Conflict(_("Only a ballot awaiting approval can be sent back."))
    if not note.strip():
        message = _("Say what should change.")
        raise Invalid(message, fields={"note": [message]})
    ballot.state, ballot.return_note = Ballot.State.DRAFT, note.strip()
    ballot.save(update_fields=["state", "return_note"])
    audit.record(actor=actor, action="ballot.returned", target=ballot, details={"note": note})
    _approval_settle(ballot, actor)
    notify(
        recipients=[ballot.created_by],
        kind="ballot.returned",
        data={"ballot": ballot.subject, "note": note.strip()},
        subject=f"ballot:{ballot.pk}",
        url=ballot_url(ballot),
    )
    return ballot


def _approval_settle(ballot: Ballot, actor: User) -> None:
    """The chair decided: the request for approval stops asking, the acting chair's and
    the body chair's (who was told) alike."""
    notifications_settle(
        recipient=[actor, body_chair(body=ballot.body_id)],
        subject=f"ballot:{ballot.pk}",
        kinds=["ballot.approval"],
    )


@transaction.atomic
def ballot_approve(*, actor: User, ballot: Ballot) -> Ballot:
    """The chair approves: the ballot opens, the body's rules are frozen onto it, the
    recipients are told at once, and the reminders and the close are scheduled."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    ensure_chair(user=actor, ballot=ballot)
    if ballot.state != Ballot.State.AWAITING_APPROVAL:
        raise Conflict(_("Only a ballot awaiting approval can be approved."))
    now = timezone.now()
    _check_deadline(ballot.deadline, now)
    body = ballot.body
    ballot.state, ballot.approved_by, ballot.opened_at = Ballot.State.OPEN, actor, now
    ballot.members_total = body_members(body=body).count()
    ballot.majority_base, ballot.tie_break = body.majority_base, body.tie_break
    ballot.answer_must_be_signed = body.ballot_answer_must_be_signed
    ballot.chair, ballot.return_note = actor, ""
    ballot.save()
    audit.record(
        actor=actor,
        action="ballot.opened",
        target=ballot,
        details={
            "deadline": ballot.deadline,
            "members_total": ballot.members_total,
            "answer_must_be_signed": ballot.answer_must_be_signed,
        },
    )
    _approval_settle(ballot, actor)
    notify(
        recipients=[a.member for a in ballot.answers.select_related("member")],
        kind="ballot.opened",
        data={"ballot": ballot.subject, "deadline": ballot.deadline},
        subject=f"ballot:{ballot.pk}",
        url=ballot_url(ballot),
    )
    _alert_recipients(ballot, settled=False)
    transaction.on_commit(lambda: scheduling.schedule_ballot(ballot=ballot))
    return ballot


def _alert_recipients(ballot: Ballot, *, settled: bool) -> None:
    """A live alert for every recipient that their answer and signature are awaited,
    or (the ballot closed) that they no longer are."""
    answers = ballot.answers.exclude(state=Answer.State.SIGNED) if settled else ballot.answers
    member_ids = list(answers.values_list("member_id", flat=True))
    key = alerts.signature_key("ballot", ballot.pk)
    if settled:
        alerts.alert_signature_settled(recipient_ids=member_ids, key=key)
        return
    title = ballot.subject
    alerts.alert_signature_requested(
        recipient_ids=member_ids, key=key, what="ballot", title=title, url=ballot_url(ballot)
    )


@transaction.atomic
def ballot_close_due(*, ballot_id: int, now: dt.datetime | None = None) -> bool:
    """Close the ballot if its deadline has passed. True only for the call that closed
    it: the row lock makes every other caller see it closed already."""
    now = now or timezone.now()
    ballot = Ballot.objects.select_for_update().filter(pk=ballot_id).first()
    if ballot is None or ballot.state != Ballot.State.OPEN or ballot.deadline > now:
        return False
    ballot.state, ballot.closed_at = Ballot.State.CLOSED, now
    ballot.save(update_fields=["state", "closed_at"])
    answered = ballot.answers.filter(state__in=[Answer.State.SUBMITTED, Answer.State.SIGNED])
    counts = {"answered": answered.count(), "recipients": ballot.answers.count()}
    audit.record(actor=None, action="ballot.closed", target=ballot, details=counts)
    ballot_publish(ballot_id=ballot.pk, event=BallotClosed(ballot_id=ballot.pk, **counts))
    _alert_recipients(ballot, settled=True)
    managers = body_people(body=ballot.body_id, roles={"secretariat"})
    notify(
        recipients=[*managers, *([ballot.chair] if ballot.chair else [])],
        kind="ballot.closed",
        data={"ballot": ballot.subject},
        subject=f"ballot:{ballot.pk}",
        url=ballot_url(ballot),
        email=False,
    )
    return True


def _reminder_due(ballot: Ballot, hours: int, now: dt.datetime) -> bool:
    at = ballot.deadline - dt.timedelta(hours=hours)
    # A reminder whose time came before the ballot opened is moot: the invitation was it.
    if ballot.opened_at is None or not (ballot.opened_at < at <= now < ballot.deadline):
        return False
    # A sweep catching up after the worker was down sends only the latest reminder due,
    # not every one it missed.
    later = [h for h in reminder_hours() if h < hours]
    return not any(ballot.deadline - dt.timedelta(hours=h) <= now for h in later)


@transaction.atomic
def ballot_send_reminders(*, ballot_id: int, hours: int, now: dt.datetime | None = None) -> int:
    """Remind, once, every recipient who has not answered, `hours` before the deadline.
    The ballot row lock serialises sweeps; the unique Reminder row is the backstop."""
    now = now or timezone.now()
    ballot = Ballot.objects.select_for_update().filter(pk=ballot_id).first()
    if ballot is None or ballot.state != Ballot.State.OPEN or not _reminder_due(ballot, hours, now):
        return 0
    reminded = set(
        Reminder.objects.filter(ballot=ballot, hours_before=hours).values_list(
            "member_id", flat=True
        )
    )
    waiting = [
        a.member
        for a in ballot.answers.select_related("member").exclude(
            state__in=[Answer.State.SUBMITTED, Answer.State.SIGNED]
        )
        if a.member_id not in reminded
    ]
    if not waiting:
        return 0
    Reminder.objects.bulk_create(
        Reminder(ballot=ballot, member=m, hours_before=hours, sent_at=now) for m in waiting
    )
    notify(
        recipients=waiting,
        kind="ballot.reminder",
        data={"ballot": ballot.subject, "deadline": ballot.deadline},
        subject=f"ballot:{ballot.pk}",
        url=ballot_url(ballot),
    )
    audit.record(
        actor=None,
        action="ballot.reminders_sent",
        target=ballot,
        details={"hours_before": hours, "members": sorted(m.get_username() for m in waiting)},
    )
    return len(waiting)


def reminder_hours() -> list[int]:
    return sorted({int(h) for h in settings.BALLOT_REMINDERS_HOURS if int(h) > 0}, reverse=True)
