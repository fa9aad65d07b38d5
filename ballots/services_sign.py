"""Signing answers, and issuing and signing the tally report.

Signing goes through signing.services.version_sign, which is deliberately not one
transaction (a wrong PIN must be counted even though the signing fails): so these
services check first, call it outside any transaction, then record the result in a
short atomic step that re-checks the answer did not change meanwhile.
"""

from __future__ import annotations

import io

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from archive.services import record_file
from ballots.access import ensure_secretariat
from ballots.events import AnswerSigned, ballot_publish
from ballots.models import Answer, Ballot
from ballots.pdf import report_pdf
from ballots.selectors import ballot_result, report_signing_state
from ballots.tally import BallotTally
from documents.models import DocumentType, DocumentVersion
from documents.services import document_add_version, document_create
from documents.text import version_text
from ecabinet import audit, dates
from ecabinet.errors import Conflict, NotAllowed, NotFound
from notifications.alerts import alert_signature_settled, signature_key
from notifications.services import notifications_settle
from people.models import User
from signing.selectors import signatures_of_document
from signing.services import version_sign


def answer_sign(*, actor: User, answer: Answer, pin: str) -> Answer:
    """The person who answered (the member, or their deputy) signs the submitted form
    with their own key and PIN; the signed PDF becomes the answer's final form."""
    answer = Answer.objects.select_related("ballot", "version").get(pk=answer.pk)
    if answer.answered_by_id != actor.pk:
        raise NotAllowed(_("Only the person who submitted this answer can sign it."))
    if answer.state != Answer.State.SUBMITTED or answer.version is None:
        raise Conflict(_("Only a submitted answer that is not yet signed can be signed."))
    _check_signable(answer.ballot)
    signed = version_sign(
        actor=actor,
        version=answer.version,
        pin=pin,
        kind="personal",
        body=answer.ballot.body,
        reason="Ký phiếu lấy ý kiến",
    )
    return _answer_signed(actor=actor, answer_id=answer.pk, source=answer.version, signed=signed)


def _check_signable(ballot: Ballot) -> None:
    """An answer is signed before the deadline: a signature after it would change what
    the closed ballot counts, and a report already issued. The clock decides, not the
    ballot's state: the sweep that closes a ballot may run a little after its deadline."""
    if timezone.now() >= ballot.deadline:
        raise Conflict(
            _("The deadline has passed; an answer can no longer be signed (nothing was signed).")
        )


@transaction.atomic
def _answer_signed(
    *, actor: User, answer_id: int, source: DocumentVersion, signed: DocumentVersion
) -> Answer:
    answer = Answer.objects.select_related("ballot").get(pk=answer_id)
    # The ballot's row first, as answers are stored: the close and the tally take it too.
    _check_signable(Ballot.objects.select_for_update().get(pk=answer.ballot_id))
    answer = Answer.objects.select_for_update().get(pk=answer_id)
    if answer.state != Answer.State.SUBMITTED or answer.version_id != source.pk:
        raise Conflict(_("The answer changed while you were signing; nothing was recorded."))
    answer.state, answer.signed_version, answer.signed_at = (
        Answer.State.SIGNED,
        signed,
        timezone.now(),
    )
    answer.save(update_fields=["state", "signed_version", "signed_at"])
    # Answered and signed: the duty is done, for the member and for a deputy who signed
    # in their stead (the invitation, reminders, a reopening, the delegation).
    notifications_settle(recipient=[answer.member, actor], subject=f"ballot:{answer.ballot_id}")
    audit.record(
        actor=actor,
        action="ballot.answer_signed",
        target=answer,
        body_id=signed.document.body_id,
        details={"ballot_id": answer.ballot_id, "sha256": signed.sha256},
    )
    ballot_publish(
        ballot_id=answer.ballot_id,
        event=AnswerSigned(
            ballot_id=answer.ballot_id, answer_id=answer.pk, member_id=answer.member_id
        ),
    )
    alert_signature_settled(
        recipient_ids=[answer.member_id, actor.pk], key=signature_key("ballot", answer.ballot_id)
    )
    return answer


def report_issue(*, actor: User, ballot: Ballot) -> DocumentVersion:
    """The secretariat issues the tally report of a closed ballot as a PDF. Issuing again
    adds a version (the earlier one stays).

    Where the body's rule counts only signed answers, the report is refused while a
    submitted answer is still unsigned and the deadline has not passed (it may yet be
    signed); once the deadline has passed it is issued and lists such answers as not
    counted. Both the refusal and what was left out are audited."""
    ballot = Ballot.objects.select_related("body", "chair").get(pk=ballot.pk)
    ensure_secretariat(user=actor, ballot=ballot)
    if ballot.state != Ballot.State.CLOSED:
        raise Conflict(_("The report can be issued once the ballot has closed."))
    now = timezone.now()
    # Taken before the count: an answer signed from here on makes the store refuse.
    signed = _signed(ballot)
    result = ballot_result(ballot=ballot)
    if result.unsigned and now < ballot.deadline:
        _report_refused(actor=actor, ballot=ballot, unsigned=result.unsigned)
    pdf = report_pdf(ballot=ballot, result=result, actor=actor, issued_at=now)
    return _report_store(
        actor=actor, ballot_id=ballot.pk, pdf=pdf, now=now, result=result, signed=signed
    )


def _signed(ballot: Ballot) -> set[int]:
    return set(ballot.answers.filter(state=Answer.State.SIGNED).values_list("pk", flat=True))


def _report_refused(*, actor: User, ballot: Ballot, unsigned: list[str]) -> None:
    audit.record(
        actor=actor,
        action="ballot.report_refused",
        target=ballot,
        details={"reason": "answers_unsigned", "unsigned": unsigned, "deadline": ballot.deadline},
    )
    raise Conflict(
        ngettext(
            "The report cannot be issued yet: %(n)d answer is submitted but not signed "
            "(%(names)s), and under the body's rule only signed answers count. It can "
            "still be signed until the deadline, %(deadline)s; after the deadline the "
            "report lists it as not counted.",
            "The report cannot be issued yet: %(n)d answers are submitted but not signed "
            "(%(names)s), and under the body's rule only signed answers count. They can "
            "still be signed until the deadline, %(deadline)s; after the deadline the "
            "report lists them as not counted.",
            len(unsigned),
        )
        % {
            "n": len(unsigned),
            "names": "; ".join(unsigned),
            "deadline": dates.when(ballot.deadline),
        }
    )


@transaction.atomic
def _report_store(
    *, actor: User, ballot_id: int, pdf: bytes, now, result: BallotTally, signed: set[int]
) -> DocumentVersion:
    ballot = Ballot.objects.select_for_update().select_related("body").get(pk=ballot_id)
    if _signed(ballot) != signed:
        # An answer was signed while the PDF was drawn: the drawn count is already stale.
        raise Conflict(_("An answer was signed while the report was drawn; issue it again."))
    if report_signing_state(ballot=ballot) == "sealed":
        # The sealed report is filed in the archive: it is final.
        raise Conflict(
            _("The report is signed and sealed; it is final and cannot be issued again.")
        )
    filename = f"bao-cao-tong-hop-phieu-{ballot.pk}.pdf"
    if ballot.report is None:
        ballot.report = document_create(
            actor=actor,
            body=ballot.body,
            file=io.BytesIO(pdf),
            filename=filename,
            doc_type=DocumentType.REPORT,
            summary=f"Báo cáo tổng hợp ý kiến: {ballot.subject}"[:500],
            issuing_body=ballot.body.name,
            issued_place=ballot.body.place,
            issued_date=timezone.localdate(now),
        )
        ballot.save(update_fields=["report"])
        version = ballot.report.latest_version()
    else:
        version = document_add_version(
            actor=actor, document=ballot.report, file=io.BytesIO(pdf), filename=filename
        )
    audit.record(
        actor=actor,
        action="ballot.report_issued",
        target=ballot,
        details={
            "version": version.number,
            "sha256": version.sha256,
            "must_be_signed": result.must_be_signed,
            "counted": result.respondents,
            "not_counted_unsigned": result.unsigned,
            "not_answered": result.non_respondents,
        },
    )
    return version


def report_sign(
    *, actor: User, ballot: Ballot, pin: str, kind: str = "personal"
) -> DocumentVersion:
    """The secretariat signs the latest report, then the agency seals it (kind="seal");
    signing.services enforces the order and who may apply the seal."""
    ballot = Ballot.objects.select_related("body", "report").get(pk=ballot.pk)
    ensure_secretariat(user=actor, ballot=ballot)
    if ballot.report is None:
        raise NotFound(_("Issue the report first."))
    signed = version_sign(
        actor=actor,
        version=ballot.report.latest_version(),
        pin=pin,
        kind=kind,
        body=ballot.body,
        reason="Báo cáo tổng hợp ý kiến",
    )
    # The sealed report and the signed answers go to the archive; their text is read
    # here, outside the short transaction that records the seal.
    filings = _archive_filings(actor=actor, ballot=ballot, report=signed) if kind == "seal" else []
    _report_signed(actor=actor, ballot=ballot, signed=signed, kind=kind, filings=filings)
    return signed


@transaction.atomic
def _report_signed(
    *, actor: User, ballot: Ballot, signed: DocumentVersion, kind: str, filings=()
) -> None:
    audit.record(
        actor=actor,
        action="ballot.report_sealed" if kind == "seal" else "ballot.report_signed",
        target=ballot,
        details={"version": signed.number, "sha256": signed.sha256},
    )
    for filing in filings:
        record_file(actor=actor, body=ballot.body, **filing)


def _signer_names(version: DocumentVersion) -> list[str]:
    names = []
    for sig in signatures_of_document(version.document).order_by("pk"):
        seal = sig.key.kind == "seal" and sig.key.body is not None
        names.append(sig.key.body.name if seal else sig.signer.display_name)
    return names


def _archive_filings(*, actor: User, ballot: Ballot, report: DocumentVersion) -> list[dict]:
    """What the archive files once the report is sealed: the report, and every signed
    answer of the ballot (kinds "ballot_report" and "ballot_answer")."""
    questions = "\n".join(q.text for q in ballot.questions.order_by("number"))
    meta = {"ballot_id": ballot.pk, "ballot_subject": ballot.subject}
    source_url = reverse("ballots:detail", args=[ballot.pk])
    filings = [
        {
            "kind": "ballot_report",
            "title": f"Báo cáo tổng hợp ý kiến: {ballot.subject}",
            "text": "\n".join(
                [
                    ballot.subject,
                    ballot.summary,
                    questions,
                    *version_text(actor=actor, version=report),
                ]
            ),
            "issued_on": timezone.localdate(),
            "version": report,
            "signers": _signer_names(report),
            "source_url": source_url,
            "meta": meta,
        }
    ]
    answers = ballot.answers.filter(
        state=Answer.State.SIGNED, signed_version__isnull=False
    ).select_related("member", "answered_by", "signed_version__document")
    for answer in answers.order_by("pk"):
        filings.append(
            {
                "kind": "ballot_answer",
                "title": f"Phiếu lấy ý kiến: {ballot.subject} - {answer.member.display_name}",
                "text": "\n".join(
                    [ballot.subject, *version_text(actor=actor, version=answer.signed_version)]
                ),
                "issued_on": timezone.localdate(answer.signed_at),
                "version": answer.signed_version,
                "signers": _signer_names(answer.signed_version),
                "source_url": source_url,
                "meta": {**meta, "answer_id": answer.pk, "member_id": answer.member_id},
            }
        )
    return filings
