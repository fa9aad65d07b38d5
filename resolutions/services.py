"""Writing resolutions: the draft built from a closed meeting or a closed written
ballot, edits, circulation for comments, the number from the outgoing register with the
final PDF, the chair's signature, the seal, and cancelling.

Signing goes through signing.services.version_sign, which is deliberately not one
transaction (a wrong PIN must be counted even though signing fails). So `resolution_sign`
and `resolution_seal` check first, sign outside any transaction, then record the result
in a short atomic step that re-checks nothing moved meanwhile; a signature already made
on the current version (a failure after signing) is adopted instead of signing again.

Numbering renders the PDF inside the transaction that takes the number: the number is
printed on the document before the signatures (Decree 30, art. 15), and a failed render
gives the number back with everything else, so the register has no gap. The register's
row stays locked while WeasyPrint works (about a second).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ballots.models import Ballot
from ballots.selectors import ballot_result
from circulation.services import circulation_start
from documents.models import DocumentType, DocumentVersion
from documents.services import document_create
from documents.text import version_text
from ecabinet import audit
from ecabinet.errors import Conflict, Invalid
from meetings.models import Meeting
from meetings.outcomes import meeting_outcomes
from people.models import Body, User
from people.selectors import body_chair, body_symbol
from registers.services import register_attach_document, register_cancel, register_issue
from resolutions import pdf
from resolutions.access import agency_key, ensure_secretariat, ensure_signer
from resolutions.models import Resolution, ResolutionArticle, ResolutionTask
from signing.appearance import Placement
from signing.models import SignatureKind
from signing.selectors import signed_already
from signing.services import version_sign
from voting.words import result_in_words

MAX_TEXT = 20_000
MAX_ARTICLES = 60
MAX_TASKS = 200
KIND_VI = {"regular": "thường kỳ", "thematic": "chuyên đề", "extraordinary": "bất thường"}
LAW_BASES_GOVERNMENT = [
    "Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;",
    "Căn cứ Nghị định số 39/2022/NĐ-CP ngày 18 tháng 6 năm 2022 của Chính phủ ban hành "
    "Quy chế làm việc của Chính phủ;",
]
RECIPIENTS_GOVERNMENT = [
    "Các Bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ",
    "UBND các tỉnh, thành phố trực thuộc trung ương",
    "Văn phòng Trung ương Đảng",
    "Văn phòng Quốc hội",
    "VPCP: BTCN, các PCN, Cổng TTĐT",
    "Lưu: VT, TH",
]


# ---- the parts every resolution has ----------------------------------------------


def issuer_of(body: Body) -> str:
    """Decree 30 heads the Government's papers "CHÍNH PHỦ"."""
    name = "Chính phủ" if body.kind == Body.Kind.GOVERNMENT else body.name
    return name.upper()


def _month_year(moment: dt.datetime) -> str:
    day = timezone.localdate(moment)
    return f"tháng {day.month} năm {day.year}"


def _closing_article(body: Body) -> str:
    if body.kind == Body.Kind.GOVERNMENT:
        return (
            "Các Bộ trưởng, Thủ trưởng cơ quan ngang bộ, Thủ trưởng cơ quan thuộc Chính phủ, "
            "Chủ tịch Ủy ban nhân dân các tỉnh, thành phố trực thuộc trung ương và các cơ quan, "
            "tổ chức có liên quan chịu trách nhiệm thi hành Nghị quyết này."
        )
    return "Các cơ quan, tổ chức có liên quan chịu trách nhiệm thi hành Nghị quyết này."


def _bases(body: Body, last: str) -> str:
    lines = LAW_BASES_GOVERNMENT if body.kind == Body.Kind.GOVERNMENT else []
    return "\n".join([*lines, last])


def _recipients(body: Body) -> str:
    if body.kind == Body.Kind.GOVERNMENT:
        return "\n".join(RECIPIENTS_GOVERNMENT)
    return "Các cơ quan có liên quan\nLưu: VT"


def _create(
    *, actor: User, body: Body, title: str, preamble: str, articles: list[str], **source: Any
) -> Resolution:
    """The draft and its articles, audited with where it came from (a meeting or a ballot)."""
    resolution = Resolution.objects.create(
        body=body,
        title=title[:500],
        preamble=preamble,
        recipients=_recipients(body),
        created_by=actor,
        **source,
    )
    ResolutionArticle.objects.bulk_create(
        ResolutionArticle(resolution=resolution, number=n, text=text)
        for n, text in enumerate(articles, 1)
    )
    origin = {f"{name}_id": obj.pk for name, obj in source.items()}
    audit.record(
        actor=actor,
        action="resolution.drafted",
        target=resolution,
        body_id=body.pk,
        details={**origin, "articles": len(articles)},
    )
    return resolution


def _lock(resolution_id: int) -> Resolution:
    return (
        Resolution.objects.select_for_update(of=("self",))
        .select_related("body")
        .get(pk=resolution_id)
    )


# ---- drafting ------------------------------------------------------------------------


def meeting_articles(*, meeting: Meeting) -> list[str]:
    """One article per item the meeting concluded or voted on: the conclusion, then each
    vote's result in words (in Vietnamese: the text is the legal document)."""
    outcomes = meeting_outcomes(meeting=meeting)
    articles = []
    with translation.override("vi"):
        for item in meeting.items.order_by("order", "id"):
            outcome = outcomes.get(item.pk)
            if outcome is None or not (outcome.conclusion.strip() or outcome.votes):
                continue
            parts = [f"Về {item.title}:"]
            if outcome.conclusion.strip():
                parts.append(outcome.conclusion.strip())
            for vote in outcome.votes:
                words = result_in_words(result=_vote_result(vote.id))
                parts.append(f"Kết quả biểu quyết ({vote.question.strip()}): {words}.")
            articles.append(" ".join(parts))
    return articles


def _vote_result(vote_id: int) -> dict:
    from voting.models import Vote

    return Vote.objects.values_list("result", flat=True).get(pk=vote_id) or {}


@transaction.atomic
def resolution_draft_from_meeting(*, actor: User, meeting: Meeting) -> Resolution:
    """The meeting's resolution, pre-filled from its record: each concluded item's
    conclusion and its votes' results."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)
    )
    ensure_secretariat(user=actor, body_id=meeting.body_id, missing=_("Meeting not found."))
    if meeting.state != Meeting.State.CLOSED:
        raise Conflict(_("A meeting's resolution is drafted once the meeting has closed."))
    if meeting.resolutions.exclude(state=Resolution.State.CANCELLED).exists():
        raise Conflict(_("This meeting's resolution is already drafted."))
    body = meeting.body
    kind = KIND_VI.get(meeting.kind, "")
    heading = "Chính phủ" if body.kind == Body.Kind.GOVERNMENT else body.name
    title = f"Phiên họp {heading} {kind} {_month_year(meeting.starts_at)}".replace("  ", " ")
    day = timezone.localdate(meeting.started_at or meeting.starts_at)
    last = (
        f"Trên cơ sở thảo luận của các thành viên {heading} và kết luận của chủ tọa tại "
        f"{meeting.title}, tổ chức ngày {day.day:02d} tháng {day.month:02d} năm {day.year},"
    )
    articles = [*meeting_articles(meeting=meeting), _closing_article(body)]
    return _create(
        actor=actor,
        body=body,
        title=title,
        preamble=_bases(body, last),
        articles=articles,
        meeting=meeting,
    )


def ballot_articles(*, ballot: Ballot) -> list[str]:
    """One article per question: adopted or not, with the tally in words."""
    tally = ballot_result(ballot=ballot)
    articles = []
    for q in tally.questions:
        text = q.text.strip().rstrip("?")
        outcome = "Thông qua" if q.adopted else "Không thông qua"
        line = (
            f"{outcome} nội dung: {text}. Kết quả lấy ý kiến: {q.agree} Đồng ý, "
            f"{q.disagree} Không đồng ý, {q.other} Ý kiến khác trên tổng số "
            f"{tally.members_total} thành viên ({tally.counted} phiếu được tính, cần ít nhất "
            f"{q.needed}/{q.base}); {q.outcome_vi.lower()}."
        )
        if q.tie and q.decided_by in ("chair_side", "tie_fails"):
            line = line[:-1] + f"; số phiếu ngang nhau, {q.tie_vi}."
        articles.append(line)
    return articles


@transaction.atomic
def resolution_draft_from_ballot(*, actor: User, ballot: Ballot) -> Resolution:
    """The resolution that adopts a closed written ballot, with its tally in words."""
    ballot = Ballot.objects.select_for_update(of=("self",)).select_related("body").get(pk=ballot.pk)
    ensure_secretariat(user=actor, body_id=ballot.body_id, missing=_("Ballot not found."))
    if ballot.state != Ballot.State.CLOSED:
        raise Conflict(_("A ballot's resolution is drafted once the ballot has closed."))
    if ballot.resolutions.exclude(state=Resolution.State.CANCELLED).exists():
        raise Conflict(_("This ballot's resolution is already drafted."))
    body = ballot.body
    heading = "Chính phủ" if body.kind == Body.Kind.GOVERNMENT else body.name
    subject = ballot.subject.strip()
    title = f"Về {subject[:1].lower()}{subject[1:]}" if subject else "Nghị quyết"
    closed = timezone.localdate(ballot.closed_at or timezone.now())
    last = (
        f"Trên cơ sở kết quả biểu quyết của các thành viên {heading} bằng phiếu lấy ý kiến "
        f"về {subject[:1].lower()}{subject[1:]}, kết thúc ngày {closed.day:02d} tháng "
        f"{closed.month:02d} năm {closed.year},"
    )
    articles = [*ballot_articles(ballot=ballot), _closing_article(body)]
    return _create(
        actor=actor,
        body=body,
        title=title,
        preamble=_bases(body, last),
        articles=articles,
        ballot=ballot,
    )


# ---- editing -------------------------------------------------------------------------


def _text(value: Any, field: str, errors: dict, *, required: bool = False, limit: int = MAX_TEXT):
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[field] = [_("Text is expected.")]
        return ""
    value = value.strip()
    if required and not value:
        errors[field] = [_("This field is required.")]
    elif len(value) > limit:
        errors[field] = [_("At most %(n)d characters.") % {"n": limit}]
    return value


def _clean_tasks(tasks: Any, articles: int, errors: dict) -> list[dict[str, Any]]:
    if not isinstance(tasks, list):
        errors["tasks"] = [_("A list is expected.")]
        return []
    if len(tasks) > MAX_TASKS:
        errors["tasks"] = [_("At most %(n)d tasks.") % {"n": MAX_TASKS}]
        return []
    cleaned = []
    for n, task in enumerate(tasks):
        key = f"tasks.{n}"
        if not isinstance(task, dict):
            errors[key] = [_("An object is expected.")]
            continue
        article = task.get("article")
        if article in ("", None):
            article = None
        elif (
            not isinstance(article, int)
            or isinstance(article, bool)
            or not 1 <= article <= articles
        ):
            errors[f"{key}.article"] = [_("No such article in this resolution.")]
            article = None
        deadline = task.get("deadline")
        if isinstance(deadline, str) and deadline:
            try:
                deadline = dt.date.fromisoformat(deadline)
            except ValueError:
                errors[f"{key}.deadline"] = [_("Enter a valid date.")]
                deadline = None
        elif deadline in ("", None):
            deadline = None
        elif not isinstance(deadline, dt.date):
            errors[f"{key}.deadline"] = [_("Enter a valid date.")]
            deadline = None
        cleaned.append(
            {
                "article": article,
                "lead_agency": _text(
                    task.get("lead_agency"), f"{key}.lead_agency", errors, required=True, limit=200
                ),
                "cooperating_agencies": _text(
                    task.get("cooperating_agencies"),
                    f"{key}.cooperating_agencies",
                    errors,
                    limit=500,
                ),
                "content": _text(task.get("content"), f"{key}.content", errors, required=True),
                "deadline": deadline,
                "expected_output": _text(
                    task.get("expected_output"), f"{key}.expected_output", errors, limit=300
                ),
            }
        )
    return cleaned


def ensure_editable(resolution: Resolution) -> None:
    if resolution.state == Resolution.State.CANCELLED:
        raise Conflict(_("This resolution was cancelled."))
    if not resolution.is_editable:
        raise Conflict(
            _("This resolution has its number; its text is final. Cancel it to change it.")
        )


@transaction.atomic
def resolution_update(
    *,
    actor: User,
    resolution: Resolution,
    title: str,
    preamble: str,
    articles: list[str],
    tasks: list[dict[str, Any]],
    recipients: str | None = None,
) -> Resolution:
    """Replace the title, legal bases, articles, tasks (and recipients) of a draft."""
    resolution = _lock(resolution.pk)
    ensure_secretariat(user=actor, body_id=resolution.body_id)
    ensure_editable(resolution)
    errors: dict[str, list[str]] = {}
    title = _text(title, "title", errors, required=True, limit=500)
    preamble = _text(preamble, "preamble", errors)
    if recipients is not None:
        recipients = _text(recipients, "recipients", errors, limit=2000)
    texts: list[str] = []
    if not isinstance(articles, list) or not articles:
        errors["articles"] = [_("A resolution has at least one article.")]
    elif len(articles) > MAX_ARTICLES:
        errors["articles"] = [_("At most %(n)d articles.") % {"n": MAX_ARTICLES}]
    else:
        for n, text in enumerate(articles, 1):
            texts.append(_text(text, f"articles.{n}", errors, required=True))
    cleaned_tasks = _clean_tasks(tasks, len(texts), errors)
    if errors:
        raise Invalid(_("Some parts of the resolution are wrong."), fields=errors)
    resolution.title, resolution.preamble = title, preamble
    fields = ["title", "preamble", "updated_at"]
    if recipients is not None:
        resolution.recipients = recipients
        fields.append("recipients")
    resolution.save(update_fields=fields)
    resolution.tasks.all().delete()
    resolution.articles.all().delete()
    made = ResolutionArticle.objects.bulk_create(
        ResolutionArticle(resolution=resolution, number=n, text=text)
        for n, text in enumerate(texts, 1)
    )
    by_number = {a.number: a for a in made}
    ResolutionTask.objects.bulk_create(
        ResolutionTask(
            resolution=resolution,
            order=n,
            article=by_number.get(task.pop("article")),
            lead_agency_key=agency_key(task["lead_agency"]),
            **task,
        )
        for n, task in enumerate(cleaned_tasks, 1)
    )
    audit.record(
        actor=actor,
        action="resolution.updated",
        target=resolution,
        body_id=resolution.body_id,
        details={"articles": len(texts), "tasks": len(cleaned_tasks)},
    )
    return resolution


# ---- rendering -----------------------------------------------------------------------


def _tasks_for_pdf(resolution: Resolution) -> list[dict[str, Any]]:
    return [
        {
            "content": t.content,
            "article": t.article.number if t.article_id else None,
            "lead_agency": t.lead_agency,
            "cooperating_agencies": t.cooperating_agencies,
            "deadline": t.deadline.strftime("%d/%m/%Y") if t.deadline else "",
            "expected_output": t.expected_output,
        }
        for t in resolution.tasks.select_related("article")
    ]


def _series_tail(body: Body) -> str:
    return f"NQ-{body_symbol(body=body)}"


def resolution_render(
    *,
    resolution: Resolution,
    number_symbol: str = "",
    issued_on: dt.date | None = None,
    signer: User | None = None,
    draft: bool = True,
) -> pdf.Rendered:
    body = resolution.body
    signer = signer or resolution.signer or body_chair(body=body)
    return pdf.render(
        issuer=issuer_of(body),
        title=resolution.title,
        preamble=resolution.preamble,
        articles=list(resolution.articles.values_list("text", flat=True)),
        tasks=_tasks_for_pdf(resolution),
        recipients=[r.strip() for r in resolution.recipients.splitlines() if r.strip()],
        number_symbol=number_symbol,
        series_tail=_series_tail(body),
        place=body.place or "Hà Nội",
        issued_on=issued_on,
        signer_name=(signer.full_name or signer.get_username()) if signer else "",
        signer_title=(signer.title if signer else "") or "",
        draft=draft,
    )


def resolution_preview(*, actor: User, resolution: Resolution) -> bytes:
    """The draft as it would be issued, marked DỰ THẢO, without a number. Not stored."""
    resolution = Resolution.objects.select_related("body").get(pk=resolution.pk)
    ensure_secretariat(user=actor, body_id=resolution.body_id)
    return resolution_render(resolution=resolution).pdf


# ---- circulating ---------------------------------------------------------------------


def resolution_circulate(
    *, actor: User, resolution: Resolution, deadline: dt.datetime, request: str = ""
) -> Resolution:
    """Circulate the rendered draft to the body's members for comments (a circulation
    of its own, with its comments and versions). Later edits are not re-sent: circulate
    a new version from the circulation's page."""
    resolution = Resolution.objects.select_related("body").get(pk=resolution.pk)
    ensure_secretariat(user=actor, body_id=resolution.body_id)
    if resolution.state != Resolution.State.DRAFT:
        ensure_editable(resolution)
        raise Conflict(_("This draft is already circulated for comments."))
    rendered = resolution_render(resolution=resolution)  # outside any transaction
    circulation = circulation_start(
        actor=actor,
        body=resolution.body,
        file=io.BytesIO(rendered.pdf),
        filename=f"du-thao-nghi-quyet-{resolution.pk}.pdf",
        doc_type=DocumentType.DRAFT_RESOLUTION,
        summary=f"Dự thảo Nghị quyết {resolution.title}"[:500],
        issuing_body=resolution.body.name,
        deadline=deadline,
        request=request or "Đề nghị các thành viên góp ý dự thảo Nghị quyết.",
    )
    return _circulated_store(actor=actor, resolution_id=resolution.pk, circulation=circulation)


@transaction.atomic
def _circulated_store(*, actor: User, resolution_id: int, circulation) -> Resolution:
    resolution = _lock(resolution_id)
    if resolution.state != Resolution.State.DRAFT:
        raise Conflict(_("The resolution changed meanwhile; nothing was recorded."))
    resolution.state, resolution.circulation = Resolution.State.CIRCULATING, circulation
    resolution.save(update_fields=["state", "circulation", "updated_at"])
    audit.record(
        actor=actor,
        action="resolution.circulated",
        target=resolution,
        body_id=resolution.body_id,
        details={"circulation_id": circulation.pk},
    )
    return resolution


# ---- numbering -----------------------------------------------------------------------


@transaction.atomic
def resolution_number(*, actor: User, resolution: Resolution) -> Resolution:
    """Take the next number of the body's outgoing register (NQ series) and render the
    final PDF with the number and today's date, ready for the chair's signature."""
    resolution = _lock(resolution.pk)
    ensure_secretariat(user=actor, body_id=resolution.body_id)
    ensure_editable(resolution)
    body = resolution.body
    chair = body_chair(body=body)
    if chair is None:
        raise Conflict(_("The body has no chair to sign the resolution."))
    recipients = [r.strip() for r in resolution.recipients.splitlines() if r.strip()]
    entry = register_issue(
        actor=actor,
        body=body,
        doc_type=DocumentType.RESOLUTION,
        # The register writes the kind beside the summary (Tên loại và trích yếu).
        summary=resolution.title,
        signer=chair.full_name or chair.get_username(),
        recipients="; ".join(recipients) or "—",
    )
    issued_on = entry.document_date
    rendered = resolution_render(
        resolution=resolution,
        number_symbol=entry.number_symbol,
        issued_on=issued_on,
        signer=chair,
        draft=False,
    )
    document = document_create(
        actor=actor,
        body=body,
        file=io.BytesIO(rendered.pdf),
        filename=f"nghi-quyet-{entry.number:02d}-{issued_on.year}.pdf",
        doc_type=DocumentType.RESOLUTION,
        summary=f"Nghị quyết {resolution.title}"[:500],
        issuing_body=body.name,
        number_symbol=entry.number_symbol,
        issued_place=body.place,
        issued_date=issued_on,
    )
    entry = register_attach_document(entry=entry, document=document)
    resolution.register_entry, resolution.number_symbol = entry, entry.number_symbol
    resolution.issued_on, resolution.signer = issued_on, chair
    resolution.signer_title = chair.title or ""
    resolution.document, resolution.current_version = document, document.latest_version()
    resolution.sign_box, resolution.state = rendered.sign_box, Resolution.State.NUMBERED
    resolution.save()
    audit.record(
        actor=actor,
        action="resolution.numbered",
        target=resolution,
        body_id=body.pk,
        details={
            "number_symbol": entry.number_symbol,
            "register_entry": entry.pk,
            "sha256": resolution.current_version.sha256,
            "pages": rendered.pages,
        },
    )
    return resolution


# ---- signing and sealing -------------------------------------------------------------


def resolution_sign(*, actor: User, resolution: Resolution, pin: str) -> Resolution:
    """The chair signs the numbered resolution with the PIN of their token."""
    resolution = Resolution.objects.select_related("body", "current_version").get(pk=resolution.pk)
    ensure_signer(user=actor, resolution=resolution)
    if resolution.state != Resolution.State.NUMBERED:
        raise Conflict(_("Only a numbered resolution awaiting the chair's signature is signed."))
    signed = signed_already(
        version_id=resolution.current_version_id, kind=SignatureKind.PERSONAL, actor=actor
    )
    if signed is None:
        box = resolution.sign_box.get("chair")
        placement = Placement(resolution.sign_box["page"], tuple(box)) if box else None
        signed = version_sign(
            actor=actor,
            version=resolution.current_version,
            pin=pin,
            kind=SignatureKind.PERSONAL,
            body=resolution.body,
            placement=placement,
            reason="Ký ban hành nghị quyết",
        )
    return _signed_store(
        actor=actor,
        resolution_id=resolution.pk,
        source=resolution.current_version,
        signed=signed,
        seal=False,
    )


def resolution_seal(*, actor: User, resolution: Resolution, pin: str) -> Resolution:
    """The secretariat applies the body's seal with the seal's PIN: the resolution is issued."""
    resolution = Resolution.objects.select_related("body", "current_version").get(pk=resolution.pk)
    ensure_secretariat(user=actor, body_id=resolution.body_id)
    if resolution.state != Resolution.State.SIGNED:
        raise Conflict(_("The seal comes after the chair's signature."))
    signed = signed_already(
        version_id=resolution.current_version_id, kind=SignatureKind.SEAL, actor=actor
    )
    if signed is None:
        signed = version_sign(
            actor=actor,
            version=resolution.current_version,
            pin=pin,
            kind=SignatureKind.SEAL,
            body=resolution.body,
            reason="Đóng dấu số của cơ quan",
        )
    # The archive's text is read before the sealing transaction: pdftotext does not run
    # under the row lock, and a sealed file that no longer matches its SHA-256 is refused
    # with its audit entry kept (inside the transaction it would be rolled back with it).
    text = "\n".join(version_text(actor=actor, version=signed))
    return _signed_store(
        actor=actor,
        resolution_id=resolution.pk,
        source=resolution.current_version,
        signed=signed,
        seal=True,
        archive_text=text,
    )


@transaction.atomic
def _signed_store(
    *,
    actor: User,
    resolution_id: int,
    source: DocumentVersion,
    signed: DocumentVersion,
    seal: bool,
    archive_text: str = "",
) -> Resolution:
    resolution = _lock(resolution_id)
    needed = Resolution.State.SIGNED if seal else Resolution.State.NUMBERED
    if resolution.state != needed or resolution.current_version_id != source.pk:
        raise Conflict(_("The resolution changed while you were signing; nothing was recorded."))
    resolution.current_version = signed
    fields = ["current_version", "state", "updated_at"]
    if seal:
        resolution.state, resolution.issued_at = Resolution.State.ISSUED, timezone.now()
        fields.append("issued_at")
    else:
        resolution.state = Resolution.State.SIGNED
    resolution.save(update_fields=fields)
    audit.record(
        actor=actor,
        action="resolution.issued" if seal else "resolution.signed",
        target=resolution,
        body_id=resolution.body_id,
        details={
            "number_symbol": resolution.number_symbol,
            "version": signed.number,
            "sha256": signed.sha256,
        },
    )
    if seal:
        _archive(actor=actor, resolution=resolution, text=archive_text)
    return resolution


def _signer_name(signer: User | None) -> str:
    return (signer.full_name or signer.get_username()) if signer else ""


def _archive(*, actor: User, resolution: Resolution, text: str) -> None:
    """File the issued resolution in the archive (inside the sealing step's transaction),
    where archivists find it by number or words and verify its signatures. `text` is the
    sealed version's, read by version_text before the transaction."""
    from archive import services as archive_services  # the archive app sits below

    version = resolution.current_version
    origin = {"meeting_id": resolution.meeting_id} if resolution.meeting_id else {}
    if resolution.ballot_id:
        origin = {"ballot_id": resolution.ballot_id}
    record = archive_services.record_file(
        actor=actor,
        body=resolution.body,
        kind="resolution",
        title=f"Nghị quyết {resolution.title}",
        text=f"Nghị quyết {resolution.number_symbol}\n{resolution.title}\n{text}",
        issued_on=resolution.issued_on or timezone.localdate(resolution.issued_at),
        version=version,
        number=resolution.number_symbol,
        signers=[_signer_name(resolution.signer), resolution.body.name],
        source_url=f"/resolutions/{resolution.pk}/",
        meta={"resolution_id": resolution.pk, **origin},
    )
    resolution.archive_record_id = record.pk
    resolution.save(update_fields=["archive_record_id"])
    audit.record(
        actor=actor,
        action="resolution.archived",
        target=resolution,
        body_id=resolution.body_id,
        details={"record_id": record.pk, "sha256": version.sha256},
    )


# ---- cancelling ----------------------------------------------------------------------


@transaction.atomic
def resolution_cancel(*, actor: User, resolution: Resolution, reason: str) -> Resolution:
    """Withdraw a resolution before it is issued. A number already taken stays in the
    register, marked cancelled with the reason."""
    resolution = _lock(resolution.pk)
    ensure_secretariat(user=actor, body_id=resolution.body_id)
    reason = " ".join((reason or "").split())
    if not reason:
        message = _("Say why the resolution is cancelled.")
        raise Invalid(message, fields={"reason": [message]})
    if len(reason) > 500:
        message = _("At most %(n)d characters.") % {"n": 500}
        raise Invalid(message, fields={"reason": [message]})
    if resolution.state == Resolution.State.ISSUED:
        raise Conflict(_("An issued resolution is not cancelled; another resolution replaces it."))
    if resolution.state == Resolution.State.CANCELLED:
        raise Conflict(_("This resolution was cancelled."))
    if resolution.register_entry_id:
        register_cancel(actor=actor, entry=resolution.register_entry, reason=reason)
    resolution.state, resolution.cancel_reason = Resolution.State.CANCELLED, reason
    resolution.save(update_fields=["state", "cancel_reason", "updated_at"])
    audit.record(
        actor=actor,
        action="resolution.cancelled",
        target=resolution,
        body_id=resolution.body_id,
        details={"reason": reason, "number_symbol": resolution.number_symbol},
    )
    return resolution
