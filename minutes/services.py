"""Writing the minutes: the draft built from the record, the saved wordings, the issued
PDF/A, the three signatures in order (secretary, chair, agency seal) and archiving.

Signing goes through signing.services.version_sign, which is deliberately not one
transaction (a wrong PIN must be counted even though the signing fails). So
`minutes_sign` checks first, signs outside any transaction, then records the result in
a short atomic step that re-checks nothing moved meanwhile. If that step fails (or the
process dies) after the signed version was stored, the next try finds the signature
already made on the current version and adopts it instead of signing again.
"""

from __future__ import annotations

import io
import logging
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from documents.models import DocumentType, DocumentVersion
from documents.services import document_create
from documents.text import version_text
from ecabinet import audit, dates
from ecabinet.errors import Conflict, Invalid, NotAllowed, NotFound
from meetings.access import ensure_can_manage, meeting_access
from meetings.models import AgendaItem, Meeting
from meetings.services import item_add
from minutes import pdf
from minutes.facts import closing_head, meeting_facts
from minutes.models import Minutes, MinutesDraft
from notifications.alerts import (
    alert_signature_requested,
    alert_signature_settled,
    signature_key,
)
from notifications.services import notifications_settle, notify
from people.models import Body, Role, User
from people.selectors import body_chair, body_people, body_symbol, user_roles
from signing.appearance import Placement
from signing.models import SignatureKind
from signing.selectors import signed_already
from signing.services import version_sign

logger = logging.getLogger(__name__)

MAX_TEXT = 20_000
# step -> (the state it needs, the kind of signature, the state it leads to)
STEPS: dict[str, tuple[str, str, str]] = {
    "secretary": (Minutes.State.SECRETARY, SignatureKind.PERSONAL, Minutes.State.CHAIR),
    "chair": (Minutes.State.CHAIR, SignatureKind.PERSONAL, Minutes.State.SEAL),
    "seal": (Minutes.State.SEAL, SignatureKind.SEAL, Minutes.State.ARCHIVED),
}
REASONS = {
    "secretary": "Thư ký ký biên bản",
    "chair": "Chủ tọa ký biên bản",
    "seal": "Đóng dấu số của cơ quan",
}


def ensure_secretariat(*, actor: User, meeting: Meeting) -> None:
    """The secretariat of the meeting's body writes the minutes; anyone who may not see
    the meeting is told it does not exist."""
    access = meeting_access(user=actor, meeting=meeting)
    if not access.can_view:
        raise NotFound(_("Meeting not found."))
    if not access.can_manage:
        raise NotAllowed(_("Only the secretariat of the body writes the minutes."))


def _lock(minutes_id: int) -> Minutes:
    return Minutes.objects.select_for_update().select_related("meeting__body").get(pk=minutes_id)


def _ensure_drafting(minutes: Minutes) -> None:
    if minutes.state == Minutes.State.ARCHIVED:
        raise Conflict(
            _("These minutes are signed and archived; they cannot change. Start a correction.")
        )
    if minutes.state != Minutes.State.DRAFTING:
        raise Conflict(_("These minutes have been issued for signature; the text is final."))


def _first_content(facts: dict[str, Any]) -> dict[str, Any]:
    meeting = facts["meeting"]
    return {
        "opening": f"{meeting['body']['name']} họp {meeting['title']}.",
        "items": {
            str(item["id"]): {"summary": item["description"], "conclusion": item["conclusion"]}
            for item in facts["items"]
        },
        "closing": "",
    }


def _number_symbol(meeting: Meeting) -> str:
    # Numbers run per body and year: the body's row is locked so two meetings closing
    # at once do not both count the same minutes and take the same number.
    Body.objects.select_for_update().filter(pk=meeting.body_id).first()
    year = timezone.localdate(meeting.starts_at).year
    count = Minutes.objects.filter(
        meeting__body_id=meeting.body_id, meeting__starts_at__year=year, corrects__isnull=True
    ).count()
    return f"{count + 1:02d}/BB-{body_symbol(body=meeting.body)}"


@transaction.atomic
def minutes_draft_start(*, actor: User, meeting: Meeting) -> Minutes:
    """Build the first draft of a closed meeting's minutes from its record, for a meeting
    whose closing did not build it (closed before this existed, or drafting failed)."""
    meeting = (
        Meeting.objects.select_for_update(of=("self",)).select_related("body").get(pk=meeting.pk)
    )
    ensure_secretariat(actor=actor, meeting=meeting)
    if meeting.state != Meeting.State.CLOSED:
        raise Conflict(_("The minutes are drafted once the meeting has closed."))
    if meeting.minutes.exists():
        raise Conflict(_("The minutes of this meeting are already drafted."))
    return _draft_build(actor=actor, meeting=meeting, on_close=False)


def minutes_draft_on_close(*, actor: User, meeting: Meeting) -> Minutes | None:
    """Build the first draft as the meeting closes, in the closing's transaction
    (registered with meetings.services.meeting_close). The meeting closes even if the
    draft cannot be built: the error is logged and the secretariat builds it by hand."""
    if meeting.minutes.exists():
        return None
    try:
        with transaction.atomic():
            return _draft_build(actor=actor, meeting=meeting, on_close=True)
    except Exception:  # noqa: BLE001 - closing a meeting must not depend on drafting
        logger.exception("The minutes of meeting %s could not be drafted on closing", meeting.pk)
        return None


def _draft_build(*, actor: User, meeting: Meeting, on_close: bool) -> Minutes:
    facts = meeting_facts(meeting=meeting)
    minutes = Minutes.objects.create(
        meeting=meeting,
        number_symbol=_number_symbol(meeting),
        facts=facts,
        audit_head=closing_head(meeting),
        created_by=actor,
    )
    draft = _draft_store(minutes, _first_content(facts), actor, note=MinutesDraft.BUILT_FROM_RECORD)
    audit.record(
        actor=actor,
        action="minutes.drafted",
        target=minutes,
        body_id=meeting.body_id,
        details={
            "meeting_id": meeting.pk,
            "draft": draft.number,
            "audit_head": minutes.audit_head,
            "on_close": on_close,
        },
    )
    return minutes


def _draft_store(minutes: Minutes, content: dict, actor: User, note: str = "") -> MinutesDraft:
    last = minutes.drafts.aggregate(n=Max("number"))["n"] or 0
    return MinutesDraft.objects.create(
        minutes=minutes,
        number=last + 1,
        content=content,
        saved_by=actor,
        saved_at=timezone.now(),
        note=note[:300],
    )


def _clean_text(value: Any, field: str, errors: dict[str, list[str]]) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[field] = [_("Text is expected.")]
        return ""
    if len(value) > MAX_TEXT:
        errors[field] = [_("At most %(n)d characters.") % {"n": MAX_TEXT}]
    return value.strip()


def _clean_content(minutes: Minutes, content: Any) -> dict[str, Any]:
    if not isinstance(content, dict):
        raise Invalid(
            _("The draft is malformed."), fields={"content": [_("An object is expected.")]}
        )
    errors: dict[str, list[str]] = {}
    item_ids = {str(item["id"]) for item in minutes.facts.get("items", [])}
    items_in = content.get("items") or {}
    if not isinstance(items_in, dict):
        errors["items"] = [_("An object keyed by agenda item is expected.")]
        items_in = {}
    items: dict[str, dict[str, str]] = {}
    for key, text in items_in.items():
        if str(key) not in item_ids:
            errors[f"items.{key}"] = [_("No such agenda item in this meeting.")]
            continue
        if not isinstance(text, dict):
            errors[f"items.{key}"] = [_("An object is expected.")]
            continue
        items[str(key)] = {
            name: _clean_text(text.get(name), f"items.{key}.{name}", errors)
            for name in ("summary", "conclusion")
        }
    cleaned = {
        "opening": _clean_text(content.get("opening"), "opening", errors),
        "items": items,
        "closing": _clean_text(content.get("closing"), "closing", errors),
    }
    if errors:
        raise Invalid(_("Some parts of the draft are wrong."), fields=errors)
    return cleaned


@transaction.atomic
def minutes_draft_save(
    *, actor: User, minutes: Minutes, content: dict, based_on: int | None = None
) -> MinutesDraft:
    """Keep a new wording. `based_on` is the draft the editor started from: if someone
    saved another meanwhile, this one is refused rather than silently overwriting it."""
    minutes = _lock(minutes.pk)
    ensure_secretariat(actor=actor, meeting=minutes.meeting)
    _ensure_drafting(minutes)
    cleaned = _clean_content(minutes, content)
    latest = minutes.drafts.aggregate(n=Max("number"))["n"] or 0
    if based_on is not None and based_on != latest:
        raise Conflict(
            _("Draft %(n)d was saved while you were editing; reload it and edit again.")
            % {"n": latest}
        )
    draft = _draft_store(minutes, cleaned, actor)
    audit.record(
        actor=actor,
        action="minutes.draft_saved",
        target=minutes,
        body_id=minutes.meeting.body_id,
        details={"draft": draft.number},
    )
    return draft


def _chair_of(meeting: Meeting) -> User | None:
    """Who presided: the chair who closed the meeting, else the body's chair."""
    from ecabinet.audit.models import AuditEntry

    entry = (
        AuditEntry.objects.filter(
            action="meeting.closed", target_type="meetings.meeting", target_id=str(meeting.pk)
        )
        .select_related("actor")
        .first()
    )
    if entry is not None and entry.actor is not None:
        return entry.actor
    return body_chair(body=meeting.body_id)


def _person(user: User | None) -> dict[str, Any]:
    if user is None:
        return {}
    return {"id": user.pk, "name": user.full_name or user.get_username(), "title": user.title}


def minutes_render(
    *, minutes: Minutes, draft: MinutesDraft, signers: dict, preview: bool
) -> pdf.Rendered:
    facts = {**minutes.facts, "signers": signers, "number_symbol": minutes.number_symbol}
    facts["place_of_issue"] = minutes.meeting.body.place
    if minutes.corrects_id:
        facts["corrects"] = {"number_symbol": minutes.corrects.number_symbol}
    return pdf.render(
        facts=facts,
        content=draft.content,
        number_symbol=minutes.number_symbol,
        issued_on=timezone.localdate(),
        signers=signers,
        draft=preview,
    )


def minutes_signers(*, minutes: Minutes, secretary: User) -> dict[str, Any]:
    return {
        "secretary": _person(secretary),
        "chair": _person(_chair_of(minutes.meeting)),
    }


def minutes_preview(*, actor: User, minutes: Minutes) -> bytes:
    """The latest draft as it would be issued, marked as a preview. Not stored."""
    minutes = Minutes.objects.select_related("meeting__body", "corrects").get(pk=minutes.pk)
    ensure_secretariat(actor=actor, meeting=minutes.meeting)
    draft = minutes.drafts.order_by("-number").first()
    signers = minutes_signers(minutes=minutes, secretary=actor)
    return minutes_render(minutes=minutes, draft=draft, signers=signers, preview=True).pdf


def minutes_issue(*, actor: User, minutes: Minutes) -> Minutes:
    """Freeze the latest draft into the PDF/A document that will be signed. The actor,
    of the secretariat, is named as secretary (THƯ KÝ) and signs first."""
    minutes = Minutes.objects.select_related("meeting__body", "corrects").get(pk=minutes.pk)
    ensure_secretariat(actor=actor, meeting=minutes.meeting)
    _ensure_drafting(minutes)
    draft = minutes.drafts.order_by("-number").first()
    signers = minutes_signers(minutes=minutes, secretary=actor)
    if not signers["chair"]:
        raise Conflict(_("The body has no chair to sign the minutes."))
    # Rendered before the transaction: no row stays locked while WeasyPrint works.
    rendered = minutes_render(minutes=minutes, draft=draft, signers=signers, preview=False)
    return _issued_store(
        actor=actor, minutes_id=minutes.pk, draft=draft, signers=signers, rendered=rendered
    )


@transaction.atomic
def _issued_store(
    *, actor: User, minutes_id: int, draft: MinutesDraft, signers: dict, rendered: pdf.Rendered
) -> Minutes:
    minutes = _lock(minutes_id)
    _ensure_drafting(minutes)
    if minutes.drafts.aggregate(n=Max("number"))["n"] != draft.number:
        raise Conflict(_("A newer draft was saved meanwhile; issue again."))
    meeting = minutes.meeting
    document = document_create(
        actor=actor,
        body=meeting.body,
        file=io.BytesIO(rendered.pdf),
        filename=f"bien-ban-{meeting.pk}-{minutes.edition}.pdf",
        doc_type=DocumentType.MINUTES,
        summary=f"Biên bản {meeting.title}"[:500],
        issuing_body=meeting.body.name,
        number_symbol=minutes.number_symbol,
        issued_place=meeting.body.place,
        issued_date=timezone.localdate(),
    )
    minutes.document = document
    minutes.current_version = document.latest_version()
    minutes.sign_boxes = rendered.sign_boxes
    minutes.facts = {**minutes.facts, "signers": signers}
    minutes.state, minutes.issued_at = Minutes.State.SECRETARY, timezone.now()
    minutes.save(
        update_fields=[
            "document",
            "current_version",
            "sign_boxes",
            "facts",
            "state",
            "issued_at",
        ]
    )
    audit.record(
        actor=actor,
        action="minutes.issued",
        target=minutes,
        body_id=meeting.body_id,
        details={
            "draft": draft.number,
            "pages": rendered.pages,
            "sha256": minutes.current_version.sha256,
        },
    )
    return minutes


def _ensure_signer(*, actor: User, minutes: Minutes, step: str) -> None:
    access = meeting_access(user=actor, meeting=minutes.meeting)
    if not access.can_view:
        raise NotFound(_("Meeting not found."))
    named = (minutes.facts.get("signers") or {}).get(step, {})
    if step == "seal":
        if not access.can_manage:
            raise NotAllowed(_("Only the agency's secretariat applies its seal."))
        return
    if actor.pk != named.get("id"):
        raise NotAllowed(
            _("These minutes name %(name)s to sign here.") % {"name": named.get("name", "—")}
        )
    if step == "chair" and not access.can_chair:
        raise NotAllowed(_("Only the chair of the body signs as chair."))
    if step == "secretary" and not access.can_manage:
        raise NotAllowed(_("Only the secretariat signs as secretary."))


def _ensure_order(minutes: Minutes, step: str) -> None:
    if step not in STEPS:
        raise Invalid(_("Unknown signing step."), fields={"step": [_("Unknown signing step.")]})
    if minutes.state == Minutes.State.ARCHIVED:
        raise Conflict(_("These minutes are signed, sealed and archived."))
    if minutes.state == Minutes.State.DRAFTING:
        raise Conflict(_("Issue the minutes before they are signed."))
    if minutes.state != STEPS[step][0]:
        raise Conflict(
            _(
                "The minutes are signed in order: the secretary, then the chair, then the "
                "agency's seal. Now: %(state)s."
            )
            % {"state": minutes.get_state_display()}
        )


def minutes_sign(*, actor: User, minutes: Minutes, step: str, pin: str) -> Minutes:
    """Sign one step with the PIN of the signer's token (the seal's PIN for "seal")."""
    minutes = Minutes.objects.select_related("meeting__body", "current_version").get(pk=minutes.pk)
    access = meeting_access(user=actor, meeting=minutes.meeting)
    if not access.can_view:
        raise NotFound(_("Meeting not found."))
    if not (access.can_manage or access.can_chair):
        raise NotAllowed(_("Only the secretary, the chair and the secretariat sign the minutes."))
    _ensure_order(minutes, step)
    _ensure_signer(actor=actor, minutes=minutes, step=step)
    _state, kind, _next = STEPS[step]
    signed = signed_already(version_id=minutes.current_version_id, kind=kind, actor=actor)
    if signed is None:
        box = minutes.sign_boxes.get(step)
        placement = Placement(minutes.sign_boxes["page"], tuple(box)) if box else None
        # A timestamp authority that does not answer is a Conflict from version_sign.
        signed = version_sign(
            actor=actor,
            version=minutes.current_version,
            pin=pin,
            kind=kind,
            body=minutes.meeting.body,
            placement=placement,
            reason=REASONS[step],
        )
    # The archive's text is read before the sealing transaction: pdftotext does not run
    # under the row lock, and a sealed file that no longer matches its SHA-256 is refused
    # with its audit entry kept (inside the transaction it would be rolled back with it).
    text = "\n".join(version_text(actor=actor, version=signed)) if step == "seal" else ""
    return _signed_store(
        actor=actor,
        minutes_id=minutes.pk,
        step=step,
        source=minutes.current_version,
        signed=signed,
        archive_text=text,
    )


@transaction.atomic
def _signed_store(
    *,
    actor: User,
    minutes_id: int,
    step: str,
    source: DocumentVersion,
    signed: DocumentVersion,
    archive_text: str = "",
) -> Minutes:
    minutes = _lock(minutes_id)
    if minutes.state != STEPS[step][0] or minutes.current_version_id != source.pk:
        raise Conflict(_("The minutes changed while you were signing; nothing was recorded."))
    minutes.current_version, minutes.state = signed, STEPS[step][2]
    fields = ["current_version", "state"]
    audit.record(
        actor=actor,
        action="minutes.sealed" if step == "seal" else "minutes.signed",
        target=minutes,
        body_id=minutes.meeting.body_id,
        details={"step": step, "version": signed.number, "sha256": signed.sha256},
    )
    if step == "seal":
        _archive(actor=actor, minutes=minutes, text=archive_text)
        fields += ["archive_record_id", "archived_at"]
    minutes.save(update_fields=fields)
    _alert_signers(minutes, step)
    _notify_next_signer(actor=actor, minutes=minutes, done=step)
    return minutes


def _notify_next_signer(*, actor: User, minutes: Minutes, done: str) -> None:
    """Whoever signs next is told, so the minutes never wait unseen: the chair after the
    secretary, the secretariat (the seal) after the chair. The signer's own request is
    settled; once sealed, the seal's request is settled for the whole secretariat."""
    meeting, subject = minutes.meeting, f"minutes:{minutes.pk}"
    sealers = list(body_people(body=meeting.body_id, roles={Role.SECRETARIAT}))
    notifications_settle(recipient=actor, subject=subject)
    if done == "seal":
        notifications_settle(recipient=sealers, subject=subject, kinds=["minutes.to_seal"])
    chair_id = ((minutes.facts.get("signers") or {}).get("chair") or {}).get("id")
    following = {
        "secretary": ("minutes.to_sign", list(User.objects.filter(pk=chair_id))),
        "chair": ("minutes.to_seal", sealers),
    }.get(done)
    if following is None:
        return
    kind, recipients = following
    notify(
        recipients=recipients,
        kind=kind,
        data={"meeting": meeting.title, "number": minutes.number_symbol, "signed_by": str(actor)},
        subject=subject,
        url=reverse("minutes:meeting", args=[meeting.pk]),
    )


def _alert_signers(minutes: Minutes, done: str) -> None:
    """A live alert for whoever signs next (the chair after the secretary, the
    secretariat's seal after the chair), and the end of the alert for the step done."""
    meeting = minutes.meeting
    chair_id = ((minutes.facts.get("signers") or {}).get("chair") or {}).get("id")
    sealers = body_people(body=meeting.body_id, roles={Role.SECRETARIAT}).order_by()
    whom = {
        "chair": [chair_id] if chair_id else [],
        "seal": list(sealers.values_list("pk", flat=True)),
    }
    title = f"{minutes.number_symbol} · {meeting.title}"
    url = reverse("minutes:meeting", args=[meeting.pk]) + "#signing"
    if done in whom:
        key = signature_key("minutes", minutes.pk, done)
        alert_signature_settled(recipient_ids=whom[done], key=key)
    following = {"secretary": "chair", "chair": "seal"}.get(done)
    if following:
        what = "minutes_seal" if following == "seal" else "minutes"
        key = signature_key("minutes", minutes.pk, following)
        alert_signature_requested(
            recipient_ids=whom[following], key=key, what=what, title=title, url=url
        )


def _archive(*, actor: User, minutes: Minutes, text: str) -> None:
    """File the sealed minutes in the archive (inside the sealing step's transaction).
    `text` is the sealed version's, read by version_text before the transaction."""
    from archive import services as archive_services  # the archive app sits below minutes

    meeting, version = minutes.meeting, minutes.current_version
    signers = minutes.facts.get("signers") or {}
    record = archive_services.record_file(
        actor=actor,
        body=meeting.body,
        kind="minutes",
        title=f"Biên bản {meeting.title}",
        text=f"Biên bản {meeting.title}\n{minutes.number_symbol}\n{text}",
        issued_on=timezone.localdate(minutes.issued_at or timezone.now()),
        version=version,
        number=minutes.number_symbol,
        signers=[s["name"] for s in (signers.get("secretary"), signers.get("chair")) if s]
        + [meeting.body.name],
        source_url=f"/minutes/meeting/{meeting.pk}/",
        meta={
            "meeting_id": meeting.pk,
            "meeting_kind": meeting.kind,
            "meeting_date": timezone.localdate(meeting.starts_at).isoformat(),
            "minutes_id": minutes.pk,
            "edition": minutes.edition,
        },
    )
    if minutes.corrects_id and minutes.corrects.archive_record_id:
        from archive.models import Record

        old = Record.objects.get(pk=minutes.corrects.archive_record_id)
        archive_services.record_supersede(actor=actor, record=old, by=record)
    minutes.archive_record_id, minutes.archived_at = record.pk, timezone.now()
    audit.record(
        actor=actor,
        action="minutes.archived",
        target=minutes,
        body_id=meeting.body_id,
        details={"record_id": record.pk, "sha256": version.sha256},
    )


@transaction.atomic
def minutes_correct(*, actor: User, minutes: Minutes, reason: str) -> Minutes:
    """Start a correction of archived minutes: a new edition, drafted from the last
    wording, that will be signed in turn and supersede the old record when archived."""
    old = _lock(minutes.pk)
    ensure_secretariat(actor=actor, meeting=old.meeting)
    reason = (reason or "").strip()
    if not reason:
        message = _("Say what the correction is for.")
        raise Invalid(message, fields={"reason": [message]})
    if not old.is_archived:
        raise Conflict(_("Only signed and archived minutes are corrected; edit the draft."))
    if (
        Minutes.objects.filter(corrects=old).exists()
        or old.meeting.minutes.exclude(state=Minutes.State.ARCHIVED).exists()
    ):
        raise Conflict(_("A correction of these minutes is already under way."))
    edition = (old.meeting.minutes.aggregate(n=Max("edition"))["n"] or 0) + 1
    new = Minutes.objects.create(
        meeting=old.meeting,
        edition=edition,
        corrects=old,
        number_symbol=old.number_symbol,
        facts=old.facts,
        audit_head=old.audit_head,
        created_by=actor,
    )
    last = old.drafts.order_by("-number").first()
    content = dict(last.content) if last else _first_content(old.facts)
    _draft_store(new, content, actor, note=reason)
    audit.record(
        actor=actor,
        action="minutes.correction_started",
        target=new,
        body_id=old.meeting.body_id,
        details={"corrects": old.pk, "reason": reason},
    )
    return new


@transaction.atomic
def agenda_item_approve_minutes(
    *, actor: User, meeting: Meeting, previous: Meeting, title: str = ""
) -> AgendaItem:
    """Add "approve the minutes of the previous meeting" to an agenda, linked to them."""
    ensure_can_manage(user=actor, meeting=meeting)
    if previous.body_id != meeting.body_id or previous.pk == meeting.pk:
        raise NotFound(_("Meeting not found."))
    if not user_roles(user=actor, body_id=previous.body_id):
        raise NotFound(_("Meeting not found."))
    if previous.state != Meeting.State.CLOSED or previous.starts_at > meeting.starts_at:
        message = _("Only a closed, earlier meeting of the same body has minutes to approve.")
        raise Invalid(message, fields={"previous": [message]})
    if not previous.minutes.exists():
        message = _("That meeting has no minutes yet.")
        raise Invalid(message, fields={"previous": [message]})
    if meeting.items.filter(minutes_of=previous).exists():
        raise Conflict(_("The approval of these minutes is already on the agenda."))
    day = dates.vi_day(previous.starts_at)  # the item's title is kept in Vietnamese
    item = item_add(
        actor=actor,
        meeting=meeting,
        title=title.strip() or f"Thông qua biên bản {previous.title} ({day})",
        duration_minutes=10,
    )
    AgendaItem.objects.filter(pk=item.pk).update(minutes_of=previous)
    item.minutes_of = previous
    audit.record(
        actor=actor,
        action="agenda.minutes_linked",
        target=item,
        body_id=meeting.body_id,
        details={"meeting_id": meeting.pk, "minutes_of": previous.pk},
    )
    return item
