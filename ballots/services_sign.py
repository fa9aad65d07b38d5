"""Signing answers, and issuing and signing the tally report.

Signing goes through signing.services.version_sign, which is deliberately not one
transaction (a wrong PIN must be counted even though the signing fails): so these
services check first, call it outside any transaction, then record the result in a
short atomic step that re-checks the answer did not change meanwhile.
"""

from __future__ import annotations

import io

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ballots.access import ensure_secretariat
from ballots.models import Answer, Ballot
from ballots.pdf import report_pdf
from ballots.selectors import ballot_result
from documents.models import DocumentType, DocumentVersion
from documents.services import document_add_version, document_create
from ecabinet import audit
from ecabinet.errors import Conflict, NotAllowed, NotFound
from people.models import User
from signing.services import version_sign


def answer_sign(*, actor: User, answer: Answer, pin: str) -> Answer:
    """The person who answered (the member, or their deputy) signs the submitted form
    with their own key and PIN; the signed PDF becomes the answer's final form."""
    answer = Answer.objects.select_related("ballot", "version").get(pk=answer.pk)
    if answer.answered_by_id != actor.pk:
        raise NotAllowed(_("Only the person who submitted this answer can sign it."))
    if answer.state != Answer.State.SUBMITTED or answer.version is None:
        raise Conflict(_("Only a submitted answer that is not yet signed can be signed."))
    signed = version_sign(
        actor=actor,
        version=answer.version,
        pin=pin,
        kind="personal",
        body=answer.ballot.body,
        reason="Ký phiếu lấy ý kiến",
    )
    return _answer_signed(actor=actor, answer_id=answer.pk, source=answer.version, signed=signed)


@transaction.atomic
def _answer_signed(
    *, actor: User, answer_id: int, source: DocumentVersion, signed: DocumentVersion
) -> Answer:
    answer = Answer.objects.select_for_update().get(pk=answer_id)
    if answer.state != Answer.State.SUBMITTED or answer.version_id != source.pk:
        raise Conflict(_("The answer changed while you were signing; nothing was recorded."))
    answer.state, answer.signed_version, answer.signed_at = (
        Answer.State.SIGNED,
        signed,
        timezone.now(),
    )
    answer.save(update_fields=["state", "signed_version", "signed_at"])
    audit.record(
        actor=actor,
        action="ballot.answer_signed",
        target=answer,
        body_id=signed.document.body_id,
        details={"ballot_id": answer.ballot_id, "sha256": signed.sha256},
    )
    return answer


def report_issue(*, actor: User, ballot: Ballot) -> DocumentVersion:
    """The secretariat issues the tally report of a closed ballot as a PDF. Issuing again
    adds a version (the earlier one stays)."""
    ballot = Ballot.objects.select_related("body", "chair").get(pk=ballot.pk)
    ensure_secretariat(user=actor, ballot=ballot)
    if ballot.state != Ballot.State.CLOSED:
        raise Conflict(_("The report can be issued once the ballot has closed."))
    now = timezone.now()
    pdf = report_pdf(ballot=ballot, result=ballot_result(ballot=ballot), actor=actor, issued_at=now)
    return _report_store(actor=actor, ballot_id=ballot.pk, pdf=pdf, now=now)


@transaction.atomic
def _report_store(*, actor: User, ballot_id: int, pdf: bytes, now) -> DocumentVersion:
    ballot = Ballot.objects.select_for_update().select_related("body").get(pk=ballot_id)
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
        details={"version": version.number, "sha256": version.sha256},
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
    _report_signed(actor=actor, ballot=ballot, signed=signed, kind=kind)
    return signed


@transaction.atomic
def _report_signed(*, actor: User, ballot: Ballot, signed: DocumentVersion, kind: str) -> None:
    audit.record(
        actor=actor,
        action="ballot.report_sealed" if kind == "seal" else "ballot.report_signed",
        target=ballot,
        details={"version": signed.number, "sha256": signed.sha256},
    )
