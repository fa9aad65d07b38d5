"""Answering a written ballot: drafts, submission (the PDF form), delegation, reopening.

An answer moves pending → draft → submitted (PDF made) → signed (signing/services.py,
see ballots/services_sign.py). Once submitted it cannot change, unless the secretariat
reopens it for that member (audited, and listed on the ballot page).

A submission renders its PDF before the transaction, then locks the ballot row (so it
is never accepted after the close committed) and the member's answer row (so two
submits race to one answer), re-checks everything, and stores the form.
"""

from __future__ import annotations

import io

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from ballots.access import ensure_can_view, ensure_secretariat
from ballots.events import AnswerReopened, AnswerSubmitted, ballot_publish
from ballots.models import Answer, AnswerItem, Ballot, Choice, Delegation, Reopening
from ballots.pdf import answer_pdf
from ballots.services import ballot_url
from documents.models import DocumentType
from documents.services import document_add_version, document_create
from ecabinet import audit
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from notifications.services import notifications_settle, notify
from people.eligibility import ensure_may_deputise
from people.models import User

MAX_TEXT = 4000

# {question number: (choice, text)}
Items = dict[int, tuple[str, str]]


def _answer_for(
    *, actor: User, ballot: Ballot, member: User | None
) -> tuple[Ballot, Answer, Delegation | None]:
    """The answer `actor` may write: their own, or a member's who delegated to them.
    The ballot is read afresh: the caller's copy may predate its opening or closing."""
    ballot = Ballot.objects.select_related("body").get(pk=ballot.pk)
    ensure_can_view(user=actor, ballot=ballot)
    member = member or actor
    answer = Answer.objects.filter(ballot=ballot, member=member).first()
    if member.pk == actor.pk:
        if answer is None:
            raise NotAllowed(_("You are not among the recipients of this ballot."))
        if Delegation.objects.filter(ballot=ballot, member=member).exists():
            # The pen is with the deputy until the delegation is withdrawn: never both.
            raise Conflict(
                _("Your deputy answers this ballot for you; withdraw the delegation first.")
            )
        return ballot, answer, None
    delegation = Delegation.objects.filter(ballot=ballot, member=member, deputy=actor).first()
    if answer is None or delegation is None:
        raise NotAllowed(
            _("You may answer only for yourself, or for a member who delegated this ballot to you.")
        )
    return ballot, answer, delegation


def _check_accepting(ballot: Ballot, answer: Answer) -> None:
    if ballot.state != Ballot.State.OPEN:
        raise Conflict(
            _("This ballot is not open for answers (it is %(s)s).")
            % {"s": ballot.get_state_display().lower()}
        )
    if timezone.now() >= ballot.deadline:
        raise Conflict(_("The deadline has passed; answers are no longer accepted."))
    if answer.is_final:
        raise Conflict(
            _(
                "This answer was already submitted; it cannot be changed unless the "
                "secretariat reopens it."
            )
        )


def _clean_items(ballot: Ballot, items: Items, *, complete: bool) -> Items:
    numbers = set(ballot.questions.values_list("number", flat=True))
    fields: dict[str, list[str]] = {}
    clean: Items = {}
    for number, (choice, text) in items.items():
        choice, text = (choice or "").strip(), (text or "").strip()
        if number not in numbers:
            fields[f"q{number}"] = [_("There is no question %(n)s.") % {"n": number}]
        elif choice and choice not in Choice.values:
            fields[f"q{number}"] = [_("Choose agree, disagree or other opinion.")]
        elif len(text) > MAX_TEXT:
            fields[f"q{number}_text"] = [_("At most %(n)d characters.") % {"n": MAX_TEXT}]
        else:
            clean[number] = (choice, text)
    if complete:
        for number in sorted(numbers):
            choice, text = clean.get(number, ("", ""))
            if not choice:
                fields.setdefault(f"q{number}", []).append(
                    _("Answer question %(n)d.") % {"n": number}
                )
            elif choice == Choice.OTHER and not text:
                fields.setdefault(f"q{number}_text", []).append(
                    _("Write your other opinion on question %(n)d.") % {"n": number}
                )
    if fields:
        raise Invalid(_("Some answers are missing or wrong."), fields=fields)
    return clean


def _saved_items(answer: Answer) -> Items:
    return {i.question.number: (i.choice, i.text) for i in answer.items.select_related("question")}


def _store_items(answer: Answer, items: Items) -> None:
    questions = {q.number: q for q in answer.ballot.questions.all()}
    answer.items.all().delete()
    AnswerItem.objects.bulk_create(
        AnswerItem(answer=answer, question=questions[n], choice=c, text=t)
        for n, (c, t) in sorted(items.items())
    )


@transaction.atomic
def answer_save(*, actor: User, ballot: Ballot, items: Items, member: User | None = None) -> Answer:
    """Keep a draft to come back to; nothing is final and nobody else sees it yet."""
    ballot, answer, delegation = _answer_for(actor=actor, ballot=ballot, member=member)
    answer = Answer.objects.select_for_update().get(pk=answer.pk)
    _check_accepting(ballot, answer)
    merged = {**_saved_items(answer), **_clean_items(ballot, items, complete=False)}
    _store_items(answer, merged)
    answer.state, answer.answered_by, answer.delegation = Answer.State.DRAFT, actor, delegation
    answer.updated_at = timezone.now()
    answer.save(update_fields=["state", "answered_by", "delegation", "updated_at"])
    audit.record(
        actor=actor,
        action="ballot.answer_saved",
        target=answer,
        body_id=ballot.body_id,
        details={"ballot_id": ballot.pk, "member": answer.member.get_username()},
    )
    return answer


def answer_submit(
    *, actor: User, ballot: Ballot, items: Items | None = None, member: User | None = None
) -> Answer:
    """Submit the answer (the given items over the saved draft): make its PDF form and
    store it immutably. Refused after the deadline, twice, or for someone else without
    a delegation."""
    ballot, answer, delegation = _answer_for(actor=actor, ballot=ballot, member=member)
    _check_accepting(ballot, answer)
    merged = _clean_items(ballot, {**_saved_items(answer), **(items or {})}, complete=True)
    now = timezone.now()
    rows = [
        {
            "number": q.number,
            "text": q.text,
            "choice": merged[q.number][0],
            "text_answer": merged[q.number][1],
        }
        for q in ballot.questions.all()
    ]
    pdf = answer_pdf(
        ballot=ballot,
        member=answer.member,
        answered_by=actor,
        delegation=delegation,
        rows=rows,
        submitted_at=now,
    )
    return _answer_store(
        actor=actor, answer_id=answer.pk, delegation=delegation, items=merged, pdf=pdf, now=now
    )


@transaction.atomic
def _answer_store(
    *, actor: User, answer_id: int, delegation: Delegation | None, items: Items, pdf: bytes, now
) -> Answer:
    answer = Answer.objects.select_related("member").get(pk=answer_id)
    ballot = Ballot.objects.select_for_update().get(pk=answer.ballot_id)
    answer = Answer.objects.select_for_update().select_related("member").get(pk=answer_id)
    _check_accepting(ballot, answer)
    if delegation is not None and not Delegation.objects.filter(pk=delegation.pk).exists():
        raise NotAllowed(_("The delegation was withdrawn; you may no longer answer."))
    _store_items(answer, items)
    member = answer.member
    filename = f"phieu-y-kien-{ballot.pk}-{member.get_username()}.pdf"
    if answer.document is None:
        answer.document = document_create(
            actor=actor,
            body=ballot.body,
            file=io.BytesIO(pdf),
            filename=filename,
            doc_type=DocumentType.OTHER,
            summary=f"Phiếu lấy ý kiến: {ballot.subject} ({member})"[:500],
            issuing_body=(member.organisation or str(member))[:200],
            issued_place=ballot.body.place,
            issued_date=timezone.localdate(now),
        )
        version = answer.document.latest_version()
    else:
        version = document_add_version(
            actor=actor, document=answer.document, file=io.BytesIO(pdf), filename=filename
        )
    answer.state, answer.version, answer.submitted_at = Answer.State.SUBMITTED, version, now
    answer.answered_by, answer.delegation, answer.updated_at = actor, delegation, now
    answer.save()
    audit.record(
        actor=actor,
        action="ballot.answer_submitted",
        target=answer,
        body_id=ballot.body_id,
        details={
            "ballot_id": ballot.pk,
            "member": member.get_username(),
            "delegated": delegation is not None,
            "choices": {str(n): c for n, (c, _t) in sorted(items.items())},
            "sha256": version.sha256,
        },
    )
    ballot_publish(
        ballot_id=ballot.pk,
        event=AnswerSubmitted(
            ballot_id=ballot.pk,
            answer_id=answer.pk,
            member_id=member.pk,
            on_behalf=delegation is not None,
        ),
    )
    return answer


@transaction.atomic
def answer_reopen(*, actor: User, answer: Answer, reason: str) -> Answer:
    """The secretariat lets a member change a submitted answer, before the deadline.
    The earlier form stays as a document version, named on the reopening."""
    answer = Answer.objects.select_for_update().select_related("ballot", "member").get(pk=answer.pk)
    ballot = answer.ballot
    ensure_secretariat(user=actor, ballot=ballot)
    if ballot.state != Ballot.State.OPEN or timezone.now() >= ballot.deadline:
        raise Conflict(_("Answers can be reopened only while the ballot is open."))
    if not answer.is_final:
        raise Conflict(_("This answer has not been submitted; there is nothing to reopen."))
    if not reason.strip():
        raise Invalid(_("Say why the answer is reopened."), fields={"reason": [_("Required.")]})
    Reopening.objects.create(
        answer=answer,
        reopened_by=actor,
        reason=reason.strip(),
        previous_version=answer.final_version,
    )
    previous = answer.final_version
    answer.state, answer.version, answer.signed_version = Answer.State.DRAFT, None, None
    answer.submitted_at = answer.signed_at = None
    answer.updated_at = timezone.now()
    answer.save()
    audit.record(
        actor=actor,
        action="ballot.answer_reopened",
        target=answer,
        body_id=ballot.body_id,
        details={
            "member": answer.member.get_username(),
            "reason": reason.strip(),
            "previous_sha256": previous.sha256 if previous else "",
        },
    )
    ballot_publish(
        ballot_id=ballot.pk,
        event=AnswerReopened(ballot_id=ballot.pk, answer_id=answer.pk, member_id=answer.member_id),
    )
    notify(
        recipients=[answer.member],
        kind="ballot.reopened",
        data={"ballot": ballot.subject, "reason": reason.strip()},
        subject=f"ballot:{ballot.pk}",
        url=ballot_url(ballot),
    )
    return answer


@transaction.atomic
def delegation_record(
    *, actor: User, ballot: Ballot, member: User, deputy: User, reason: str
) -> Delegation:
    """The member (or the secretariat for them) lets a deputy answer this ballot."""
    ballot = Ballot.objects.select_for_update().get(pk=ballot.pk)
    if actor.pk != member.pk:
        ensure_secretariat(user=actor, ballot=ballot)
    answer = Answer.objects.filter(ballot=ballot, member=member).first()
    if answer is None:
        raise Invalid(_("The member is not a recipient of this ballot."), fields={"member": []})
    if ballot.state == Ballot.State.CLOSED or answer.is_final:
        raise Conflict(
            _("The answer is already final (or the ballot closed); nothing to delegate.")
        )
    if deputy.pk == member.pk or not deputy.is_active:
        raise Invalid(_("Choose another person as deputy."), fields={"deputy": [_("Not valid.")]})
    # A deputy of the member's own agency (people/eligibility.py): not the Prime
    # Minister, an archivist, an auditor or a guest.
    ensure_may_deputise(body=ballot.body, member=member, deputy=deputy)
    if not reason.strip():
        raise Invalid(_("Give the reason for the delegation."), fields={"reason": [_("Required.")]})
    if Delegation.objects.filter(ballot=ballot, member=member).exists():
        raise Conflict(_("This member has already delegated this ballot."))
    delegation = Delegation.objects.create(
        ballot=ballot, member=member, deputy=deputy, reason=reason.strip(), recorded_by=actor
    )
    audit.record(
        actor=actor,
        action="ballot.delegated",
        target=delegation,
        body_id=ballot.body_id,
        details={
            "ballot_id": ballot.pk,
            "member": member.get_username(),
            "deputy": deputy.get_username(),
            "reason": reason.strip(),
        },
    )
    notify(
        recipients=[deputy],
        kind="ballot.delegated",
        data={"ballot": ballot.subject, "member": str(member)},
        subject=f"ballot:{ballot.pk}",
        url=ballot_url(ballot),
    )
    return delegation


@transaction.atomic
def delegation_withdraw(*, actor: User, delegation: Delegation) -> None:
    """The member (or the secretariat for them) takes the pen back before the deputy has
    submitted. A draft the deputy saved is discarded: the member starts from a blank
    sheet rather than sign off choices they did not make."""
    ballot = Ballot.objects.select_for_update().get(pk=delegation.ballot_id)
    delegation = Delegation.objects.filter(pk=delegation.pk).select_related("member").first()
    if delegation is None:
        raise NotFound(_("Delegation not found."))
    if actor.pk != delegation.member_id:
        ensure_can_view(user=actor, ballot=ballot)
        ensure_secretariat(user=actor, ballot=ballot)
    answer = Answer.objects.select_for_update().get(ballot=ballot, member=delegation.member)
    if ballot.state != Ballot.State.OPEN or answer.is_final:
        raise Conflict(
            _("The answer is already final (or the ballot is not open); the delegation stays.")
        )
    discarded = answer.delegation_id == delegation.pk
    if discarded:
        answer.items.all().delete()
        answer.state, answer.answered_by, answer.delegation = Answer.State.PENDING, None, None
        answer.updated_at = timezone.now()
        answer.save(update_fields=["state", "answered_by", "delegation", "updated_at"])
    deputy = delegation.deputy
    audit.record(
        actor=actor,
        action="ballot.delegation_withdrawn",
        target=ballot,
        details={
            "member": delegation.member.get_username(),
            "deputy": deputy.get_username(),
            "discarded_draft": discarded,
        },
    )
    delegation.delete()
    # The pen is back with the member: the request to the deputy no longer asks anything.
    notifications_settle(
        recipient=deputy, subject=f"ballot:{ballot.pk}", kinds=["ballot.delegated"]
    )
    notify(
        recipients=[deputy],
        kind="ballot.delegation_withdrawn",
        data={"ballot": ballot.subject, "member": str(delegation.member)},
        subject=f"ballot:{ballot.pk}",
        url=reverse("ballots:list"),
    )
